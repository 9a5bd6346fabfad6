#!/usr/bin/env bash
# The whole test suite: C (GTest), Python and GJS (against the uninstalled
# typelib) and the examples, then the C tests again under valgrind, and
# once more built with AddressSanitizer (in BUILDDIR-asan).
# Usage: tests/run-all.sh [BUILDDIR]   (default: build; set up if missing)
set -u
cd "$(dirname "$0")/.."
builddir=${1:-build}

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Ddocs=enabled || exit 1
fi
ninja -C "$builddir" || exit 1

status=0
meson test -C "$builddir" --print-errorlogs --num-processes 2 || status=1
meson test -C "$builddir" --setup valgrind --suite c --print-errorlogs --num-processes 2 || status=1

asandir="$builddir-asan"
if [ ! -f "$asandir/build.ninja" ]; then
  meson setup "$asandir" -Db_sanitize=address -Db_lundef=false \
    -Dintrospection=disabled -Dexamples=false -Dbenchmarks=false || exit 1
fi
ninja -C "$asandir" || exit 1
ASAN_OPTIONS=detect_leaks=1 meson test -C "$asandir" --suite c --print-errorlogs --num-processes 2 || status=1
exit $status
