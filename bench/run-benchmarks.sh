#!/usr/bin/env bash
# Builds the benchmarks (optimised) and prints their tables.
# Usage: bench/run-benchmarks.sh [BUILDDIR]   (default: build-bench)
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build-bench}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=release -Dbenchmarks=true -Dintrospection=disabled >/dev/null
fi
ninja -C "$builddir" bench/bench-core bench/bench-context bench/bench-sync bench/bench-thread bench/bench-generator bench/bench-floor >/dev/null
for b in core floor context sync thread generator; do
  "$builddir/bench/bench-$b"
  echo
done
# The GTK window's frame rate, when GTK 4 and xvfb-run are there.
if ninja -C "$builddir" examples/gtk/smooth-ui >/dev/null 2>&1; then
  bench/gtk-frames.sh "$builddir/examples/gtk/smooth-ui" || true
fi
# The line echo table (all servers, 1/10/100 connections, 64 B and 4 KiB).
bench/run-echo.sh "$builddir"
