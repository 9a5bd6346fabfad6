#!/usr/bin/env bash
# Frames per second of the smooth-ui window (examples/gtk/) under Xvfb,
# with the cairo renderer, while the main loop is busy, and how much work
# the main loop got done meanwhile:
#   - its computation in 3 ms slices separated by gcoro_idle_yield(), or
#     by gcoro_yield() (a task that is always ready at the default
#     priority, above GTK's redraw at 120);
#   - 100 connections flooding an echo server in the same main loop from
#     a worker thread (fps, and the server's requests per second in the
#     same run), on both socket backends;
# with the scheduler's frame budget at its default and at each value of
# BUDGETS (0: off). Reports medians; never fails on the numbers.
#
# Usage: bench/gtk-frames.sh [PATH/TO/smooth-ui]   (default: build/examples/gtk/smooth-ui)
# Environment: ROUNDS (default 3: every configuration runs once per round,
# the configurations taking turns, and the table shows the median run),
# BUDGETS (default "default 0": frame budgets in µs, "default" for the
# library's), FLOOD (connections, default 100).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$top/build/examples/gtk/smooth-ui}
run=$top/examples/gtk/run-under-xvfb.sh
rounds=${ROUNDS:-3}
budgets=${BUDGETS:-"default 0"}
flood=${FLOOD:-100}
export GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none

[ -x "$exe" ] || { echo "$exe not built (needs GTK 4)"; exit 77; }
command -v xvfb-run >/dev/null 2>&1 || { echo "xvfb-run not found: skipped"; exit 77; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# One self-test run: its computation, then its flood. Appends
# "ROW BACKEND BUDGET FPS REQ/S" lines to $results, BUDGET as the run
# reported it (µs, or "off"), with a "*" for the library's default.
measure () {
  local mode=$1 backend=$2 budget=$3 yield=gcoro_idle_yield mark= args=() out
  [ "$mode" = starve ] && { args+=(--starve); yield=gcoro_yield; }
  if [ "$budget" = default ]; then mark='*'; else args+=(--frame-budget "$budget"); fi
  out=$(GCORO_BACKEND=$backend "$run" "$exe" --self-test --flood "$flood" "${args[@]}" 2>/dev/null)
  sed -n 's/^computing with [^,]*, frame budget \([0-9a-z]*\)[^:]*: \([0-9.]*\) frames per second.*/\1 \2/p' <<< "$out" |
    while read -r b fps; do echo "compute-$yield - $b$mark $fps -"; done >> "$results"
  sed -n 's/^flooded by [^,]*, frame budget \([0-9a-z]*\)[^:]*: \([0-9.]*\) frames per second, \([0-9]*\) requests per second.*/\1 \2 \3/p' <<< "$out" |
    while read -r b fps rps; do echo "flood $backend $b$mark $fps $rps"; done >> "$results"
}

for round in $(seq "$rounds"); do
  measure idle glib default
  for budget in $budgets; do
    for backend in glib epoll; do
      measure starve "$backend" "$budget"
    done
  done
done

median () {   # the median of the numbers on stdin ("-" if none)
  sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

echo "smooth-ui under Xvfb (cairo renderer), median of $rounds rounds; frame budget in µs, * the default"
printf '| %-45s | %-7s | %-12s | %6s | %9s |\n' load backend 'frame budget' fps 'req/s'
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..47})" --------- -------------- -------- -----------
for row in compute-gcoro_idle_yield compute-gcoro_yield flood; do
  case $row in
    compute-gcoro_idle_yield) label="computing, slices end with gcoro_idle_yield()" backends="-" ;;
    compute-gcoro_yield) label="computing, slices end with gcoro_yield()" backends="-" ;;
    flood) label="echo server flooded by $flood connections" backends="glib epoll" ;;
  esac
  for backend in $backends; do
    for budget in $(awk -v r="$row" -v b="$backend" '$1 == r && $2 == b { print $3 }' "$results" | sort -u | sort -t'*' -k1,1nr); do
      lines=$(awk -v r="$row" -v b="$backend" -v g="$budget" '$1 == r && $2 == b && $3 == g' "$results")
      fps=$(awk '{ print $4 }' <<< "$lines" | median)
      rps=$(awk '$5 != "-" { print $5 }' <<< "$lines" | median)
      printf '| %-45s | %-7s | %-12s | %6s | %9s |\n' "$label" "$backend" "$budget" "$fps" "$rps"
    done
  done
done

# asyncio's echo server and a GTK window in one thread (GCoro.EventLoop),
# the server loaded by another process.
win=$top/examples/gtk/asyncio-window.py
if [ -f "$top/build/introspection/GCoro-1.0.typelib" ]; then
  echo "asyncio-window: frames per second over 3 s while its asyncio server is loaded"
  GI_TYPELIB_PATH=$top/build/introspection LD_LIBRARY_PATH=$top/build/glib-coro \
    PYTHONPATH=$top/introspection/python:$top/build/introspection/python \
    "$run" /usr/bin/python3 "$win" --self-test 2>/dev/null | grep '^frames per second'
fi
