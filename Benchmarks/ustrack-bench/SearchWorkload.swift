import Foundation
import Postgres

/// Sources to search: many long texts of made-up words (Cyrillic and Latin syllables, a word's
/// frequency falling with its rank as in real text), one in 50 of them also saying "Реализация
/// союзных программ идёт по плану". The texts are stitched from a pool of paragraphs, and each
/// source's search document from the paragraphs' documents (tsvector concatenation shifts
/// positions as one text would), so that loading 10,000 sources of 5,000 words takes a minute,
/// not the quarter of an hour that parsing 50 million words again would.
enum SearchWorkload {
    static let wordsPerParagraph = 100
    static let paragraphsPerSource = 50
    /// The query one source in 50 answers to.
    static let selectiveQuery = "союзная программа"

    /// Loads the sources and returns a second query: a word about a quarter of them hold.
    static func load(_ connection: Connection, sources: Int) throws -> String {
        try connection.executeScript("""
            CREATE TEMP TABLE syllables AS
            SELECT s, row_number() OVER () - 1 AS i
            FROM unnest(string_to_array('ка ло ми ре та но пу ви ся да ко ру бе зо ли ne ta ro mi ka so lu ve di pa', ' ')) s;
            CREATE TEMP TABLE vocabulary AS
            SELECT i, (SELECT string_agg(s, '' ORDER BY k) FROM generate_series(0, 1 + i % 3) k
                       JOIN syllables ON syllables.i = abs(hashint4((i * 7 + k)::int)) % 30) AS word
            FROM generate_series(0, 19999) i;
            CREATE INDEX ON vocabulary (i);
            CREATE TEMP TABLE paragraphs AS
            SELECT p, string_agg(v.word, ' ' ORDER BY k) AS body
            FROM generate_series(0, 1999) p, generate_series(1, \(wordsPerParagraph)) k,
                 LATERAL (SELECT word FROM vocabulary
                          WHERE i = floor(power(20000, (abs(hashint4((p * 1000 + k)::int)) % 100000) / 100000.0))::int - 1) v
            GROUP BY p;
            ALTER TABLE paragraphs ADD COLUMN document tsvector;
            UPDATE paragraphs SET document = setweight(to_tsvector('russian', body), 'B');
            CREATE INDEX ON paragraphs (p);
            CREATE AGGREGATE pg_temp.concatenated(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');
            """)
        let saying = "Реализация союзных программ идёт по плану."
        try connection.execute("""
            INSERT INTO projection.sources (id, title, published_on, has_text, event_id, recorded_at, text, document)
            SELECT 'bench-' || n, 'Source ' || n, date '2020-01-01' + n % 1000, true, gen_random_uuid(), now(),
                   s.text || CASE WHEN n % 50 = 0 THEN ' ' || $2 ELSE '' END,
                   setweight(to_tsvector('russian', 'Source ' || n), 'A') || s.document
                       || CASE WHEN n % 50 = 0 THEN setweight(to_tsvector('russian', translate($2, 'Ёё', 'Ее')), 'B') ELSE '' END
            FROM generate_series(1, $1::int) n,
                 LATERAL (SELECT string_agg(body, E'\\n' ORDER BY k) AS text, pg_temp.concatenated(document ORDER BY k) AS document
                          FROM generate_series(1, \(paragraphsPerSource)) k
                          JOIN paragraphs ON p = abs(hashint4((n * 100 + k)::int)) % 2000) s
            """, [sources, saying])
        try connection.execute("VACUUM ANALYZE projection.sources")
        // In about 12 of the 2,000 paragraphs, so in about 1 - (1 - 12/2000)^50, 26%, of the sources.
        return try connection.execute(
            "SELECT word FROM ts_stat('SELECT document FROM paragraphs') ORDER BY abs(ndoc - 12), word LIMIT 1"
        ).string(0, 0) ?? "кало"
    }

    /// How many sources a query finds, to print beside its time.
    static func matches(_ connection: Connection, _ query: String) throws -> Int {
        try connection.execute("SELECT count(*) FROM reporting.search_sources($1)", [query]).int(0, 0) ?? 0
    }
}
