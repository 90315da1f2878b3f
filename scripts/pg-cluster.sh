# Throwaway PostgreSQL clusters for the demo and the tests. Sourced, not run.
# PostgreSQL refuses to run as root, so as root every server command runs as
# the unprivileged user "postgres".
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}

as_pg_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cluster_init DIR: a new cluster in DIR/data, sockets in DIR.
cluster_init() {
    local dir=$1
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    as_pg_user "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
}

# cluster_start DIR PORT [extra postgres -c options...]
cluster_start() {
    local dir=$1 port=$2; shift 2
    local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off"
    for o in "$@"; do opts="$opts -c $o"; done
    as_pg_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; return 1; }
}

cluster_stop() {
    local dir=$1 mode=${2:-fast}
    [ -f "$dir/data/postmaster.pid" ] && as_pg_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1
    return 0
}

# cluster_psql DIR PORT [psql args...]: as the superuser, over the socket.
cluster_psql() {
    local dir=$1 port=$2; shift 2
    "$PG_BINDIR/psql" -X -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}
