#!/usr/bin/env bash
# asyncio's event loops side by side: asyncio's own (stock), uvloop and
# GCoro.EventLoop on both socket backends. Per-operation costs
# (bench/bench_asyncio.py) and the asyncio-streams line echo (64 B lines,
# 10 and 100 connections, and 10 connections with IDLE=10000 silent ones
# open besides; bench/run-echo.sh), in one run, with the ratios to the
# stock loop.
#
# Usage: bench/run-asyncio.sh [BUILDDIR] [ROUNDS]   (defaults: build-bench-gi, 5)
# Environment: N (operations per run, default 100000), CONFIGS (echo
# configurations, default "10:64 100:64"), IDLE (default 10000; 0: no idle
# run), SECONDS_PER_RUN (echo, default 3).
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

gi_env="GI_TYPELIB_PATH=$builddir/introspection LD_LIBRARY_PATH=$builddir/glib-coro PYTHONPATH=introspection/python:$builddir/introspection/python"
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
      ''.join(f'{"x " + l:>13s}' for l in loops if l != 'asyncio'))
for op in ops:
    med = {l: statistics.median(rows[op][l]) for l in loops if rows[op][l]}
    base = med.get('asyncio')
    if op.startswith('await GCoro') or op.startswith('  of which'):
        base = statistics.median(rows['await asyncio future']['asyncio'])
    cells = ''.join(f'{med[l]:13.2f}' if l in med else f'{"-":>13s}' for l in loops)
    ratios = ''.join(f'{med[l] / base:12.2f}x' if l in med else f'{"-":>13s}'
                     for l in loops if l != 'asyncio')
    print(f'{op:28s}{cells}{ratios}')
print('(ratios: to the stock loop; the GCoro future rows to awaiting an asyncio future there)')
PY
echo

# The asyncio-streams echo server on each loop: 10 and 100 connections,
# then 10 connections with 10,000 idle ones open besides (GLib's poll, whose
# iterations cost time in proportion to the open sockets, is left out of
# that one: it falls to a few thousand lines/s, a design limit).
servers="asyncio"
[ -n "${cmd[uvloop]:-}" ] && servers="$servers uvloop"
echo_out=$(mktemp)
idle_out=$(mktemp)
trap 'rm -f "$results" "$echo_out" "$idle_out"' EXIT
SERVERS="$servers gcoro-asyncio-glib gcoro-asyncio-epoll" CONFIGS=${CONFIGS:-"10:64 100:64"} IDLE=0 \
  ROUNDS=$rounds bench/run-echo.sh "$builddir" "${SECONDS_PER_RUN:-3}" > "$echo_out"
idle=${IDLE:-10000}
if [ "$idle" -gt 0 ]; then
  SERVERS="$servers gcoro-asyncio-epoll" CONFIGS="10:64" IDLE=$idle \
    ROUNDS=$rounds bench/run-echo.sh "$builddir" "${SECONDS_PER_RUN:-3}" > "$idle_out"
fi

# One line per server and configuration: lines/s (the median round), p50
# and p99, its ratio to the stock loop in the same configuration, and with
# idle connections, what it keeps of its own figure without them.
/usr/bin/python3 - "$echo_out" "$idle_out" <<'PY'
import sys
def rows(path):
    out = {}
    with open(path) as f:
        for line in f:
            cells = line.split()
            if len(cells) == 7 and cells[0] != 'server':
                server, conns, size, idle, rps, p50, p99 = cells
                out[(server, int(conns), int(size), int(idle))] = (int(rps), float(p50), float(p99))
    return out
busy, idle = rows(sys.argv[1]), rows(sys.argv[2])
print(f'{"echo, 64 B lines":22s}{"conns":>6s}{"idle":>7s}{"lines/s":>10s}{"p50 µs":>9s}{"p99 µs":>9s}'
      f'{"x stock":>9s}{"kept":>7s}')
for table in (busy, idle):
    for (server, conns, size, n_idle), (rps, p50, p99) in table.items():
        stock = table.get(('asyncio', conns, size, n_idle))
        ratio = f'{rps / stock[0]:8.2f}x' if stock else f'{"-":>9s}'
        alone = busy.get((server, conns, size, 0))
        kept = f'{rps / alone[0]:6.0%}' if n_idle and alone else f'{"":>7s}'
        print(f'{server:22s}{conns:6d}{n_idle:7d}{rps:10d}{p50:9.1f}{p99:9.1f}{ratio}{kept}')
PY
