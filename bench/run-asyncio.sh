#!/usr/bin/env bash
# asyncio's event loops side by side: asyncio's own (stock), uvloop and
# GCoro.EventLoop on both socket backends. Per-operation costs
# (bench/bench_asyncio.py) and the asyncio-streams line echo (64 B lines,
# 10 and 100 connections, bench/run-echo.sh), in one run.
#
# Usage: bench/run-asyncio.sh [BUILDDIR] [ROUNDS]   (defaults: build-bench-gi, 5)
# The build is optimised and has introspection (the typelib). The loops take
# turns, ROUNDS times; each figure is the median of its rounds. On a shared
# machine, wrap the run in flock (see the closing note).
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build-bench-gi}
rounds=${2:-5}
n=${N:-100000}

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=release -Dbenchmarks=true >/dev/null
fi
ninja -C "$builddir" >/dev/null

gi_env="GI_TYPELIB_PATH=$builddir/introspection LD_LIBRARY_PATH=$builddir/glib-coro PYTHONPATH=introspection/python"
declare -A cmd
cmd[asyncio]="/usr/bin/python3 bench/bench_asyncio.py asyncio"
order="asyncio"
if /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
  cmd[uvloop]="/usr/bin/python3 bench/bench_asyncio.py uvloop"
  order="$order uvloop"
fi
cmd[gcoro-glib]="env $gi_env GCORO_BACKEND=glib /usr/bin/python3 bench/bench_asyncio.py gcoro"
cmd[gcoro-epoll]="env $gi_env GCORO_BACKEND=epoll /usr/bin/python3 bench/bench_asyncio.py gcoro"
order="$order gcoro-glib gcoro-epoll"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
  for l in $order; do
    ${cmd[$l]} "$n" 3 | while IFS=$'\t' read -r op us; do
      printf '%s\t%s\t%s\n' "$l" "$op" "$us"
    done >> "$results"
  done
done

# One row per operation, one column per loop: the median µs per operation,
# and GCoro.EventLoop's ratio to the stock loop.
/usr/bin/python3 - "$results" $order <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(lambda: collections.defaultdict(list))
ops = []
with open(sys.argv[1]) as f:
    for line in f:
        loop, op, us = line.rstrip('\n').split('\t')
        if op not in ops:
            ops.append(op)
        rows[op][loop].append(float(us))
loops = sys.argv[2:]
print(f'{"µs per operation (median)":28s}' + ''.join(f'{l:>13s}' for l in loops) +
      ''.join(f'{"ratio " + l[6:]:>13s}' for l in loops if l.startswith('gcoro')))
for op in ops:
    med = {l: statistics.median(rows[op][l]) for l in loops if rows[op][l]}
    base = med.get('asyncio')
    if op.startswith('await GCoro') or op.startswith('  of which'):
        base = statistics.median(rows['await asyncio future']['asyncio'])
    cells = ''.join(f'{med[l]:13.2f}' if l in med else f'{"-":>13s}' for l in loops)
    ratios = ''.join(f'{med[l] / base:12.2f}x' if l in med else f'{"-":>13s}'
                     for l in loops if l.startswith('gcoro'))
    print(f'{op:28s}{cells}{ratios}')
print('(ratios: to the stock loop; the GCoro future rows to awaiting an asyncio future there)')
PY
echo

# The asyncio-streams echo server on each loop.
servers="asyncio"
[ -n "${cmd[uvloop]:-}" ] && servers="$servers uvloop"
SERVERS="$servers gcoro-asyncio-glib gcoro-asyncio-epoll" CONFIGS=${CONFIGS:-"10:64 100:64"} \
  ROUNDS=$rounds bench/run-echo.sh "$builddir" "${SECONDS_PER_RUN:-3}"
