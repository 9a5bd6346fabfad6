#!/usr/bin/env bash
# The line echo benchmark: every server of the table against the same load
# client, in one run, one server at a time.
#
# Usage: bench/run-echo.sh [BUILDDIR] [SECONDS]      (defaults: build-bench, 3)
# asyncio on GCoro.EventLoop (gcoro-asyncio-glib, gcoro-asyncio-epoll) needs
# a BUILDDIR with introspection (bench/run-asyncio.sh makes one).
# Environment: SERVERS (default: all that are available), CONFIGS (default:
# "1:64 10:64 100:64 1:4096 10:4096 100:4096", CONNECTIONS:SIZE), IDLE
# (extra silent connections opened first, default 0), ROUNDS (default 1),
# BASELINE (the build directory of another tree, set up like this one: its
# glib-coro server joins the table as base-gcoro-glib and base-gcoro-epoll,
# to compare two versions in the same run). SERVERS may also name
# gcoro-glib-nobudget and gcoro-epoll-nobudget: the same server with the
# scheduler's frame budget off (GCORO_FRAME_BUDGET=0).
#
# Client and server share this machine's cores, so single runs are noisy:
# with ROUNDS=n every server runs every configuration n times, the servers
# taking turns round after round, and the line shows the run with the
# median req/s. Prints one line per server and configuration: req/s, p50
# and p99 in µs.
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build-bench}
seconds=${2:-3}
configs=${CONFIGS:-"1:64 10:64 100:64 1:4096 10:4096 100:4096"}
idle=${IDLE:-0}

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=release -Dbenchmarks=true -Dintrospection=disabled >/dev/null
fi
ninja -C "$builddir" >/dev/null

b=$builddir/bench
declare -A cmd
cmd[gcoro-glib]="env GCORO_BACKEND=glib $b/echo-server-gcoro"
cmd[gcoro-epoll]="env GCORO_BACKEND=epoll $b/echo-server-gcoro"
cmd[gio]="$b/echo-server-gio"
cmd[asyncio]="/usr/bin/python3 bench/echo_server_asyncio.py"
cmd[gcoro-glib-nobudget]="env GCORO_BACKEND=glib GCORO_FRAME_BUDGET=0 $b/echo-server-gcoro"
cmd[gcoro-epoll-nobudget]="env GCORO_BACKEND=epoll GCORO_FRAME_BUDGET=0 $b/echo-server-gcoro"
order="gcoro-glib gcoro-epoll gio asyncio"
if [ -n "${BASELINE:-}" ]; then
  if [ ! -f "$BASELINE/build.ninja" ]; then
    echo "BASELINE=$BASELINE: not a build directory" >&2
    exit 1
  fi
  ninja -C "$BASELINE" bench/echo-server-gcoro >/dev/null
  cmd[base-gcoro-glib]="env GCORO_BACKEND=glib $BASELINE/bench/echo-server-gcoro"
  cmd[base-gcoro-epoll]="env GCORO_BACKEND=epoll $BASELINE/bench/echo-server-gcoro"
  order="base-gcoro-glib base-gcoro-epoll $order"
fi
if /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
  cmd[uvloop]="/usr/bin/python3 bench/echo_server_asyncio.py --uvloop"
  order="$order uvloop"
fi
# asyncio on GCoro.EventLoop, when the build has the typelib (introspection).
if [ -f "$builddir/introspection/GCoro-1.0.typelib" ]; then
  gi_env="GI_TYPELIB_PATH=$builddir/introspection LD_LIBRARY_PATH=$builddir/glib-coro PYTHONPATH=introspection/python:$builddir/introspection/python"
  cmd[gcoro-asyncio-glib]="env $gi_env GCORO_BACKEND=glib /usr/bin/python3 bench/echo_server_asyncio.py --gcoro"
  cmd[gcoro-asyncio-epoll]="env $gi_env GCORO_BACKEND=epoll /usr/bin/python3 bench/echo_server_asyncio.py --gcoro"
  order="$order gcoro-asyncio-glib gcoro-asyncio-epoll"
fi
if [ -x "$b/echo-server-libuv" ]; then
  cmd[libuv]="$b/echo-server-libuv"
  order="$order libuv"
fi
servers=${SERVERS:-$order}

free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_listening () {
  for _ in $(seq 100); do
    if /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1)).close()" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

ulimit -n 20000 2>/dev/null || true
rounds=${ROUNDS:-1}
# On two or more cores the server gets core 0 and the load client core 1,
# so neither depends on where the scheduler happens to put them.
server_on= client_on=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_on="taskset -c 0" client_on="taskset -c 1"
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq "$rounds"); do
  for s in $servers; do
    port=$(free_port)
    $server_on ${cmd[$s]} "$port" &
    pid=$!
    if ! wait_listening "$port"; then
      echo "$s: did not start" >&2
      kill $pid 2>/dev/null || true
      continue
    fi
    for c in $configs; do
      conns=${c%%:*}
      size=${c##*:}
      read -r rps p50 p99 < <($client_on "$b/echo-load" "$port" "$conns" "$size" "$seconds" "$idle")
      echo "$s $conns $size $rps $p50 $p99" >> "$results"
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
  done
done

printf '%-20s %6s %6s %6s %10s %9s %9s\n' server conns size idle 'req/s' 'p50 µs' 'p99 µs'
for s in $servers; do
  for c in $configs; do
    conns=${c%%:*}
    size=${c##*:}
    # The median run (by req/s) of this server and configuration.
    line=$(awk -v s="$s" -v c="$conns" -v z="$size" '$1 == s && $2 == c && $3 == z' "$results" |
           sort -k4,4n | awk '{ l[NR] = $0 } END { if (NR) print l[int((NR + 1) / 2)] }')
    [ -n "$line" ] || continue
    read -r _ _ _ rps p50 p99 <<< "$line"
    printf '%-20s %6s %6s %6s %10s %9s %9s\n' "$s" "$conns" "$size" "$idle" "$rps" "$p50" "$p99"
  done
done
