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

# Citus clusters: a coordinator and N workers, each a cluster as above in
# DIR/coordinator, DIR/worker1..N; "NAME PORT" lines in DIR/ports.

# citus_cluster_init DIR N
citus_cluster_init() {
    local dir=$1 n=$2 node port i
    mkdir -p "$dir"
    chmod 755 "$dir"  # the server user enters it
    : >"$dir/ports"
    for i in $(seq 0 "$n"); do
        if [ "$i" = 0 ]; then node=coordinator; else node=worker$i; fi
        citus_node_init "$dir/$node" || return 1
        # Two calls in a row may hand out the same port: ask again.
        port=$(free_port)
        while grep -q " $port\$" "$dir/ports"; do port=$(free_port); done
        echo "$node $port" >>"$dir/ports"
    done
}

# citus_node_init NODEDIR: cluster_init plus what every Citus node needs.
citus_node_init() {
    local nodedir=$1
    cluster_init "$nodedir" || return 1
    # Citus needs prepared transactions for its two-phase commits; half the
    # connections stay free for the nodes' connections to each other.
    cat >>"$nodedir/data/postgresql.conf" <<CONF

shared_preload_libraries = 'citus'
max_connections = 200
citus.max_client_connections = 100
max_prepared_transactions = 100
CONF
    # Citus connects to the other nodes as the superuser without a password;
    # every other role logs in with one over TCP. ipto_service (the request
    # face's role, which ipto.distribute() lets log in) needs its password
    # everywhere, the socket too.
    cat >"$nodedir/data/pg_hba.conf" <<HBA
local all ipto_service scram-sha-256
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
}

# citus_cluster_nodes DIR: the node names, coordinator first.
citus_cluster_nodes() { cut -d' ' -f1 "$1/ports"; }

# citus_cluster_port DIR NODE
citus_cluster_port() { awk -v n="$2" '$1 == n { print $2 }' "$1/ports"; }

# citus_cluster_psql DIR NODE [psql args...]
citus_cluster_psql() {
    local dir=$1 node=$2; shift 2
    cluster_psql "$dir/$node" "$(citus_cluster_port "$dir" "$node")" "$@"
}

# citus_cluster_start DIR [extra postgres -c options...]: nodes not yet running.
citus_cluster_start() {
    local dir=$1 node; shift
    for node in $(citus_cluster_nodes "$dir"); do
        as_pg_user "$PG_BINDIR/pg_ctl" -D "$dir/$node/data" status >/dev/null 2>&1 && continue
        cluster_start "$dir/$node" "$(citus_cluster_port "$dir" "$node")" "$@" || return 1
    done
}

# citus_cluster_stop DIR [MODE]: the coordinator first, so no client work
# reaches a worker that is going away.
citus_cluster_stop() {
    local dir=$1 mode=${2:-fast} node
    [ -f "$dir/ports" ] || return 0
    for node in $(citus_cluster_nodes "$dir"); do
        cluster_stop "$dir/$node" "$mode"
    done
}

# citus_cluster_create_db DIR DB: DB on every node with the citus extension,
# the coordinator told its own address and every worker's. Idempotent.
citus_cluster_create_db() {
    local dir=$1 db=$2 node coordinator
    coordinator=$(citus_cluster_nodes "$dir" | head -n 1)
    for node in $(citus_cluster_nodes "$dir"); do
        if ! citus_cluster_psql "$dir" "$node" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
            citus_cluster_psql "$dir" "$node" -d postgres -qc "CREATE DATABASE \"$db\"" || return 1
        fi
        citus_cluster_psql "$dir" "$node" -d "$db" -qc "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS citus" || return 1
    done
    citus_cluster_psql "$dir" "$coordinator" -d "$db" -qAt >/dev/null <<SQL || return 1
SELECT citus_set_coordinator_host('127.0.0.1', $(citus_cluster_port "$dir" "$coordinator"));
$(for node in $(citus_cluster_nodes "$dir" | tail -n +2); do
    echo "SELECT citus_add_node('127.0.0.1', $(citus_cluster_port "$dir" "$node"));"
done)
SQL
}
