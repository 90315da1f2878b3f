#!/usr/bin/env bash
# Stops what scripts/up.sh started, the single server and the Citus cluster
# alike (the data stays in .ipto/; remove it to start afresh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-cluster.sh
state="$(pwd)/.ipto"
for s in "$state" "$state/citus"; do
    if [ -f "$s/front.pid" ]; then
        kill "$(cat "$s/front.pid")" 2>/dev/null || true
        rm -f "$s/front.pid"
    fi
done
for dir in "$state/pg" /var/tmp/ipto-demo-"$(pwd | md5sum | cut -c1-8)"; do
    [ -d "$dir/data" ] && cluster_stop "$dir"
done
for dir in "$state/citus/pg" /var/tmp/ipto-demo-"$(pwd | md5sum | cut -c1-8)"-citus; do
    citus_cluster_stop "$dir"
done
echo "stopped"
