#!/bin/sh
# Tafel against the reference y-websocket server, the same fan-out scenarios
# alternating in one run (see BENCHMARKS.md). Not part of the test suite.
# Arguments go to `tafel-load compare` (for example --rounds 5, --only 1,
# --tafel-flag=--durability=relaxed).
set -eu
cd "$(dirname "$0")/../.."
npm ci --prefix tests/bench/peer --no-audit --no-fund --loglevel=error
cargo build --release -p tafel-server -p tafel-tests --bins
exec ./target/release/tafel-load compare --peer tests/bench/peer "$@"
