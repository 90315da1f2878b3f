#!/usr/bin/env bash
# Stops what scripts/up.sh started (the data stays in .ipto/; remove it to start afresh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-cluster.sh
state="$(pwd)/.ipto"
if [ -f "$state/front.pid" ]; then
    kill "$(cat "$state/front.pid")" 2>/dev/null || true
    rm -f "$state/front.pid"
fi
for dir in "$state/pg" /var/tmp/ipto-demo-"$(pwd | md5sum | cut -c1-8)"; do
    [ -d "$dir/data" ] && cluster_stop "$dir"
done
echo "stopped"
