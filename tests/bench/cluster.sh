#!/bin/sh
# Cluster mode on this machine (see BENCHMARKS.md, "Cluster"): starts a
# PostgreSQL and a Redis of their own in a temporary directory, then the same
# fan-out with its clients spread over three nodes and with all of them on
# one node of the same cluster, alternating. Not part of the test suite.
# Usage: tests/bench/cluster.sh [rounds] [tafel-load fanout flags...]
#        tests/bench/cluster.sh failover [clients]: kills the node that owns a
#        board under its clients and times their return (once).
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-3}
[ $# -gt 0 ] && shift
cargo build --release -p tafel-server -p tafel-tests --bins
work=$(mktemp -d)
pids=""
cleanup() {
    # The nodes' pids are in files: start_node runs in a subshell.
    nodes=$(cat "$work"/*/pid 2>/dev/null || true)
    for p in $nodes; do kill "$p" 2>/dev/null || true; done
    # Drained nodes first (they commit and give up their leases), engines then.
    for _ in $(seq 100); do
        alive=0
        for p in $nodes; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for p in $pids $nodes; do kill -9 "$p" 2>/dev/null || true; done
    [ -f "$work/pg/postmaster.pid" ] && kill -INT "$(head -1 "$work/pg/postmaster.pid")" 2>/dev/null || true
    sleep 1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_pg "$bin/initdb" -D "$work/pg" -U tafel --auth=trust -E UTF8 >/dev/null
pg_port=$(free_port)
as_pg "$bin/postgres" -D "$work/pg" -p "$pg_port" -k "$work" -c listen_addresses=127.0.0.1 >/dev/null 2>&1 &
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save "" >/dev/null &
pids="$pids $!"
sleep 2
start_node() {
    mkdir -p "$work/$1"
    TAFEL_LOG=warn TAFEL_CREATES_PER_MINUTE=1000000 ./target/release/tafel serve \
        --cluster --redis "redis://127.0.0.1:$redis_port/" \
        --postgres "postgres://tafel@127.0.0.1:$pg_port/postgres" --node "$1" \
        --data "$work/$1/data" --bind 127.0.0.1:0 --max-sockets-per-room 100000 \
        >"$work/$1/out" 2>"$work/$1/err" &
    pids="$pids $!"
    echo $! >"$work/$1/pid"
    for _ in $(seq 100); do
        grep -q "listening on" "$work/$1/out" 2>/dev/null && break
        sleep 0.1
    done
    sed -n 's/.*listening on http:\/\///p' "$work/$1/out"
}
a=$(start_node a); b=$(start_node b); c=$(start_node c)
all_pids="$(cat "$work/a/pid"),$(cat "$work/b/pid"),$(cat "$work/c/pid")"
if [ "$rounds" = failover ]; then
    ./target/release/tafel-load failover --addr "$a,$b,$c" --owner-pid "$(cat "$work/a/pid")" --clients "${1:-50}"
    exit
fi
for r in $(seq "$rounds"); do
    echo "== round $r: clients spread over three nodes"
    ./target/release/tafel-load fanout --addr "$a,$b,$c" --server-pid "$all_pids" "$@"
    echo "== round $r: the same clients on one node of the cluster"
    ./target/release/tafel-load fanout --addr "$a" --server-pid "$all_pids" "$@"
done
