#!/usr/bin/env bash
# The fault suite at full size (issue 18): 2,000 slowloris connections,
# 1,000 silent TLS connections beside 50 stalled handshakes, 2,000 clients
# against a descriptor limit of 1,024, a 10 MB line, garbage ClientHellos,
# resets, 20,000 churn cycles, SIGTERM under load; on both socket backends,
# one table. The same scenarios run small under `meson test --suite faults`.
#
# Usage: bench/run-faults.sh [BUILDDIR]      (default: build-bench)
# Environment: BACKENDS (default "glib epoll"), ONLY (scenarios, comma-
# separated), VALGRIND=1 (the sigterm scenario's server under valgrind).
# Wrap it in flock on a shared machine: the latency and CPU columns mean
# something only when nothing else runs.
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build-bench}

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=release -Dbenchmarks=true -Dintrospection=disabled >/dev/null
fi
ninja -C "$builddir" tests/faults/fault-server >/dev/null

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
status=0
header=
for backend in ${BACKENDS:-glib epoll}; do
  /usr/bin/python3 tests/faults/server_faults.py \
    --server "$builddir/tests/faults/fault-server" \
    --cert tests/data/test-cert.pem --key tests/data/test-key.pem \
    --suppressions tests/valgrind.supp \
    --backend "$backend" --scale full ${ONLY:+--only "$ONLY"} ${VALGRIND:+--valgrind} $header || status=1
  header=--no-header
done
exit $status
