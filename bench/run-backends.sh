#!/usr/bin/env bash
# Does the epoll backend cost anything without idle connections? Paired
# rounds of the line echo (bench/echo-load.c against echo-server-gcoro):
# each round runs the glib backend, then epoll, at 1, 10 and 100 clients,
# and the table gives the median req/s of each and the median and
# interquartile range of the per-round ratio epoll/glib, with p99s. This
# is what chose the default backend (docs/overview.md, "Socket backends").
#
# Usage: bench/run-backends.sh [BUILDDIR] [SECONDS]   (build-bench, 3)
# Environment: ROUNDS (default 9). Wrap it in flock on a shared machine.
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build-bench}
seconds=${2:-3}

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=release -Dbenchmarks=true -Dintrospection=disabled >/dev/null
fi
ninja -C "$builddir" >/dev/null

b=$builddir/bench
server_on= client_on=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_on="taskset -c 0" client_on="taskset -c 1"
fi
free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq "${ROUNDS:-9}"); do
  for backend in glib epoll; do
    port=$(free_port)
    $server_on env GCORO_BACKEND=$backend "$b/echo-server-gcoro" "$port" &
    pid=$!
    sleep 0.3
    for clients in 1 10 100; do
      read -r rps p50 p99 < <($client_on "$b/echo-load" "$port" "$clients" 64 "$seconds" 0)
      echo "$round $backend $clients $rps $p50 $p99" >> "$results"
    done
    kill $pid
    wait $pid 2>/dev/null || true
  done
done

/usr/bin/python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, backend, clients, rps, p50, p99 = line.split()
    runs[int(clients), int(r)][backend] = (float(rps), float(p99))
print(f'{"clients":>7} {"glib req/s":>11} {"epoll req/s":>11} {"epoll/glib":>10} {"IQR":>13} '
      f'{"p99 glib":>9} {"p99 epoll":>9}')
for clients in (1, 10, 100):
    pairs = [v for (c, _), v in sorted(runs.items()) if c == clients and len(v) == 2]
    ratios = [p['epoll'][0] / p['glib'][0] for p in pairs]
    q = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else ratios * 3
    med = lambda b, i: statistics.median(p[b][i] for p in pairs)
    print(f'{clients:>7} {med("glib", 0):>11.0f} {med("epoll", 0):>11.0f} '
          f'{statistics.median(ratios):>10.3f} {q[0]:>6.3f}-{q[2]:<6.3f} '
          f'{med("glib", 1):>9.1f} {med("epoll", 1):>9.1f}')
PY
