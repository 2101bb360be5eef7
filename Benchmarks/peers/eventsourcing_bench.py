"""The peer side of `ustrack-bench --peers`: the Python eventsourcing library's PostgreSQL
application recorder (eventsourcing.postgres.PostgresApplicationRecorder), measured on a
database ustrack-bench created, with the events ustrack's bench writes: one topic and the
same 200-byte JSON document as each event's state. Prints one JSON object on stdout.

  eventsourcing_bench.py single --dbname DB --writers N --seconds S
  eventsourcing_bench.py batch  --dbname DB --seconds S [--batch 100]
  eventsourcing_bench.py load   --dbname DB --events N [--stream-length 10]
  eventsourcing_bench.py read   --dbname DB --events N [--limit 5000]

The server comes from libpq's PGHOST, PGPORT and PGUSER, as for ustrack-bench.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid

import psycopg
from importlib.metadata import version

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

TOPIC = "ustrack_bench:BenchEventRecorded"


def payload() -> bytes:
    """The document ustrack-bench's Workload.payload writes, byte for byte."""
    head = '{"claim":"claim-2024-0042","source":"source-7f3a9c","amount":123456,"note":"'
    tail = '"}'
    text = head + "n" * (200 - len(head) - len(tail)) + tail
    return text.encode()


PAYLOAD = payload()
assert len(PAYLOAD) == 200


def recorder(dbname: str, pool_size: int) -> PostgresApplicationRecorder:
    """The recorder the library's PostgreSQL factory makes, its table created; one pooled
    connection for each writer, so no writer waits for a connection."""
    datastore = PostgresDatastore(
        dbname=dbname,
        host=os.environ.get("PGHOST", "localhost"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", ""),
        password=os.environ.get("PGPASSWORD", ""),
        pool_size=pool_size,
        max_overflow=0,
    )
    recorder = PostgresApplicationRecorder(datastore)
    recorder.create_table()
    return recorder


def timed_writers(rec, writers: int, seconds: float, events_per_call: int) -> dict:
    """`writers` threads, each its own aggregate (originator id), append `events_per_call`
    events per insert_events call until the deadline; events per second between them."""
    ready = threading.Barrier(writers + 1)
    stored = [0] * writers
    failures = []
    deadline = [0.0]

    def writer(index: int) -> None:
        originator = uuid.uuid4()
        version = 0
        try:
            ready.wait()
            while time.monotonic() < deadline[0]:
                events = []
                for _ in range(events_per_call):
                    version += 1
                    events.append(StoredEvent(originator, version, TOPIC, PAYLOAD))
                rec.insert_events(events)
                stored[index] += events_per_call
        except Exception as error:  # reported, and the measurement fails
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    deadline[0] = start + seconds
    ready.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if failures:
        raise failures[0]
    return {"events": sum(stored), "seconds": elapsed, "rate": sum(stored) / elapsed}


def load(rec, dbname: str, events: int, stream_length: int) -> dict:
    """Untimed set-up for 'read': the table filled with COPY, as ustrack-bench fills store.events
    for its own read (streams of `stream_length` events), then vacuumed and read once so the
    timed passes find it in memory."""
    table = f"{rec.datastore.schema}.{rec.events_table_name}"
    with psycopg.connect(dbname=dbname) as connection:
        with connection.cursor() as cursor:
            copy = f"COPY {table} (originator_id, originator_version, topic, state) FROM STDIN"
            with cursor.copy(copy) as writer:
                originator = None
                for index in range(events):
                    if index % stream_length == 0:
                        originator = uuid.uuid4()
                    writer.write_row((originator, index % stream_length + 1, TOPIC, PAYLOAD))
        connection.commit()
        connection.autocommit = True
        connection.execute(f"VACUUM ANALYZE {table}")
        with connection.cursor().copy(f"COPY (SELECT * FROM {table} ORDER BY notification_id) TO STDOUT") as reader:
            for _ in reader:
                pass
    return {"events": events}


def read(rec, events: int, limit: int) -> dict:
    """Every notification, paged through select_notifications `limit` at a time, each event's
    state decoded from JSON (as the application's JSON transcoder would)."""
    decode = json.loads
    start = time.monotonic()
    read = 0
    after = None
    while True:
        page = rec.select_notifications(start=after, limit=limit, inclusive_of_start=False)
        for notification in page:
            decode(notification.state)
        read += len(page)
        if len(page) < limit:
            break
        after = page[-1].id
    elapsed = time.monotonic() - start
    # Also a check: a reader that skipped or repeated notifications would not end at the count.
    if read != events:
        raise SystemExit(f"eventsourcing_bench: read {read} notifications, but the table holds {events}")
    return {"events": read, "seconds": elapsed, "rate": read / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measure", choices=["single", "batch", "load", "read", "version"])
    parser.add_argument("--dbname")
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--stream-length", type=int, default=10)
    parser.add_argument("--limit", type=int, default=5000)
    args = parser.parse_args()
    if args.measure == "version":
        result = {"eventsourcing": version("eventsourcing"), "psycopg": psycopg.__version__,
                  "psycopg_impl": psycopg.pq.__impl__, "python": sys.version.split()[0]}
    else:
        if not args.dbname:
            parser.error("--dbname is needed")
        rec = recorder(args.dbname, pool_size=args.writers)
        try:
            if args.measure == "single":
                result = timed_writers(rec, args.writers, args.seconds, 1)
            elif args.measure == "batch":
                result = timed_writers(rec, args.writers, args.seconds, args.batch)
            elif args.measure == "load":
                result = load(rec, args.dbname, args.events, args.stream_length)
            else:
                result = read(rec, args.events, args.limit)
        finally:
            rec.datastore.close()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
