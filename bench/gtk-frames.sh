#!/bin/sh
# Frames per second of the smooth-ui window (examples/gtk/) while its
# computation runs, under Xvfb: slices separated by gcoro_idle_yield()
# against the same slices separated by gcoro_yield(), which starves GTK's
# redraw (a priority-120 source behind a scheduler that is always ready at
# the default priority). Reports; never fails on the numbers.
# Usage: bench/gtk-frames.sh [PATH/TO/smooth-ui]   (default: build/examples/gtk/smooth-ui)
top=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$top/build/examples/gtk/smooth-ui}
run=$top/examples/gtk/run-under-xvfb.sh
export GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none

[ -x "$exe" ] || { echo "$exe not built (needs GTK 4)"; exit 77; }
command -v xvfb-run >/dev/null 2>&1 || { echo "xvfb-run not found: skipped"; exit 77; }

echo "smooth-ui: frames per second over 3 s while the computation runs (Xvfb, cairo renderer)"
for mode in "" --starve; do
  "$run" "$exe" --self-test $mode 2>/dev/null | grep '^frames per second'
done

# asyncio's echo server and a GTK window in one thread (GCoro.EventLoop),
# the server loaded by another process.
win=$top/examples/gtk/asyncio-window.py
if [ -f "$top/build/introspection/GCoro-1.0.typelib" ]; then
  echo "asyncio-window: frames per second over 3 s while its asyncio server is loaded"
  GI_TYPELIB_PATH=$top/build/introspection LD_LIBRARY_PATH=$top/build/glib-coro \
    PYTHONPATH=$top/introspection/python \
    "$run" /usr/bin/python3 "$win" --self-test 2>/dev/null | grep '^frames per second'
fi
