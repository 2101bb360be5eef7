# A throwaway PostgreSQL cluster for tests and benchmarks: a private directory, a Unix socket
# only, removed on exit. Source it, then call start_throwaway_cluster [extra server options].
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

start_throwaway_cluster() {
    local bindir
    bindir=$(pg_bindir)
    CLUSTER_DIR=$(mktemp -d /tmp/ustrack-cluster.XXXXXX)
    chmod 755 "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR/data" "$CLUSTER_DIR/socket" "$CLUSTER_DIR/log"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$CLUSTER_DIR/data" "$CLUSTER_DIR/socket" "$CLUSTER_DIR/log"; fi
    trap stop_throwaway_cluster EXIT
    as_db_owner "$bindir/initdb" -D "$CLUSTER_DIR/data" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$CLUSTER_DIR/log/initdb.log" 2>&1 || { cat "$CLUSTER_DIR/log/initdb.log" >&2; return 1; }
    as_db_owner "$bindir/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log/server.log" -w \
        -o "-c listen_addresses='' -k $CLUSTER_DIR/socket -c max_connections=200 $*" start >/dev/null \
        || { cat "$CLUSTER_DIR/log/server.log" >&2; return 1; }
    export PGHOST="$CLUSTER_DIR/socket" PGPORT=5432 PGDATABASE=postgres
    if [ "$(id -u)" -eq 0 ]; then export PGUSER=postgres; else export PGUSER="$(id -un)"; fi
    unset DATABASE_URL PGSERVICE PGPASSWORD
    echo "throwaway PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $PGHOST"
}

stop_throwaway_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_db_owner "$(pg_bindir)/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=
}
