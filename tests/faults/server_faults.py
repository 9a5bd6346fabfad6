#!/usr/bin/python3
# server_faults.py: a hostile network against GCoroStreamServer
#
# Runs tests/faults/fault-server (a line echo server, TLS or plain) as a
# process of its own and attacks it, each scenario against a fresh server:
#
#   tls-stall   silent TCP connections, partial ClientHellos and handshakes
#               stalled after the ClientHello, beside honest TLS clients
#   slowloris   partial lines sent a byte at a time, beside an honest client
#   emfile      more clients than the server's descriptor limit
#   long-line   a 10 MB line without a newline
#   garbage     bytes that are not a ClientHello
#   resets      resets in the middle of a line and in the middle of a reply
#   churn       connect/echo/close cycles: descriptors and memory after them
#   sigterm     SIGTERM while clients do round trips: exit status 0
#
# --scale small runs in seconds (meson test, both backends) and checks what
# does not depend on timing: every honest client served, descriptors back,
# one EMFILE warning, exit status 0. --scale full (bench/run-faults.sh) is
# the size (2,000 slowloris, 1,000 silent TLS, 20,000 churn cycles)
# and also checks the bars that are about time: honest TLS p99 <= 1 s,
# EMFILE < 5% of a core. Prints one table row per scenario; exits 1 if a
# check failed.
#
# Usage: server_faults.py --server PATH --cert PEM --key PEM
#                         [--backend glib|epoll] [--scale small|full]
#                         [--only NAME,...] [--valgrind]
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import asyncio
import os
import random
import resource
import signal
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import time

SCALES = {
    'small': dict(silent_tls=50, half_hello=5, stalled_hello=5, honest_tls=3, round_trips=20,
                  slowloris=100, slowloris_seconds=1.0, slowloris_prefix=256,
                  emfile_limit=128, emfile_clients=300, emfile_seconds=1.0,
                  garbage=5, resets=20, churn=300, sigterm_clients=10),
    'full': dict(silent_tls=1000, half_hello=25, stalled_hello=25, honest_tls=20, round_trips=200,
                 slowloris=2000, slowloris_seconds=10.0, slowloris_prefix=1024,
                 emfile_limit=1024, emfile_clients=2000, emfile_seconds=10.0,
                 garbage=100, resets=500, churn=20000, sigterm_clients=100),
}
TICK = os.sysconf('SC_CLK_TCK')


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)


class Server:
    """The fault server as a process; reads what /proc says about it."""

    running = []   # killed after each scenario, however it ended

    def __init__(self, opts, extra=(), nofile=None, valgrind=False):
        cmd = [opts.server] + list(extra)
        if valgrind:
            cmd = ['valgrind', '--tool=memcheck', '--error-exitcode=3', '--leak-check=full',
                   '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite',
                   '--suppressions=' + opts.suppressions,
                   '--suppressions=/usr/share/glib-2.0/valgrind/glib.supp'] + cmd
        env = dict(os.environ, GCORO_BACKEND=opts.backend, G_SLICE='always-malloc')
        self.log_file = tempfile.TemporaryFile()
        preexec = None
        if nofile is not None:
            def preexec():
                resource.setrlimit(resource.RLIMIT_NOFILE,
                                   (nofile, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log_file, env=env,
                                     preexec_fn=preexec, text=True)
        Server.running.append(self.proc)
        first = self.proc.stdout.readline()
        check(first.startswith('listening on 127.0.0.1:'), f'the server did not start: {first!r}')
        self.port = int(first.rsplit(':', 1)[1])

    def cpu(self):
        fields = open(f'/proc/{self.proc.pid}/stat').read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def status(self, key):
        for line in open(f'/proc/{self.proc.pid}/status'):
            if line.startswith(key + ':'):
                return int(line.split()[1])
        return 0

    def rss(self):
        return self.status('VmRSS') * 1024

    def threads(self):
        return self.status('Threads')

    def fds(self):
        return len(os.listdir(f'/proc/{self.proc.pid}/fd'))

    def log(self):
        self.log_file.seek(0)
        return self.log_file.read().decode(errors='replace')

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failed(f'no exit {timeout} s after {signal.Signals(sig).name}')
        self.proc.stdout.close()
        return status


def percentile(values, p):
    if not values:
        return float('nan')
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def raw_connect(port, payload=b''):
    """A client socket that connects and sends @payload, left alone after."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.connect_ex(('127.0.0.1', port))
    if payload:
        s.setblocking(True)
        s.settimeout(5)
        s.sendall(payload)
        s.setblocking(False)
    return s


def reset(sock):
    """Closes with a reset instead of a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    sock.close()


def client_hello():
    """What a TLS client sends first, from Python's own TLS."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname='localhost')
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


async def round_trips(reader, writer, n, pause=0.0):
    latencies = []
    for i in range(n):
        line = b'line %d of an honest client\n' % i
        start = time.monotonic()
        writer.write(line)
        got = await reader.readline()
        latencies.append((time.monotonic() - start) * 1000)
        check(got == line, f'an honest client got {got[:60]!r}')
        if pause:
            await asyncio.sleep(pause)
    return latencies


async def honest_plain(port, n, pause=0.0):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    try:
        return await round_trips(reader, writer, n, pause)
    finally:
        writer.close()
        await writer.wait_closed()


async def honest_tls(port, ctx, n):
    start = time.monotonic()
    reader, writer = await asyncio.open_connection('127.0.0.1', port, ssl=ctx,
                                                   server_hostname='localhost',
                                                   ssl_handshake_timeout=120)
    handshake = (time.monotonic() - start) * 1000
    try:
        return handshake, await round_trips(reader, writer, n)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass


async def wait_for(predicate, what, timeout=30.0):
    """Polls @predicate (the server's state, seen from outside) until true."""
    deadline = time.monotonic() + timeout
    while not predicate():
        check(time.monotonic() < deadline, what() if callable(what) else what)
        await asyncio.sleep(0.05)


# --- the scenarios -------------------------------------------------------------------

async def tls_stall(opts, size):
    server = Server(opts, ['--tls-cert', opts.cert, '--tls-key', opts.key])
    hello = client_hello()
    ctx = ssl.create_default_context(cafile=opts.cert)
    attackers = [raw_connect(server.port) for _ in range(size['silent_tls'])]
    attackers += [raw_connect(server.port, hello[:20]) for _ in range(size['half_hello'])]
    attackers += [raw_connect(server.port, hello) for _ in range(size['stalled_hello'])]
    await asyncio.sleep(1.0)   # the stalled handshakes are under way
    rss_attack = server.rss()
    results = await asyncio.gather(*[honest_tls(server.port, ctx, size['round_trips'])
                                     for _ in range(size['honest_tls'])])
    handshakes = [h for h, _ in results]
    trips = [t for _, rt in results for t in rt]
    row = dict(honest=f'{percentile(trips, 50):.1f}/{percentile(trips, 99):.1f}',
               rss=server.rss(), threads=server.threads(),
               note=f'handshake p50/p99 {percentile(handshakes, 50):.0f}/'
                    f'{percentile(handshakes, 99):.0f} ms; RSS under attack '
                    f'{rss_attack / 2**20:.1f} MB')
    for s in attackers:
        s.close()
    check(len(trips) == size['honest_tls'] * size['round_trips'], 'honest TLS clients not served')
    if opts.scale == 'full':
        check(percentile(handshakes, 99) <= 1000, 'honest handshake p99 > 1 s')
        check(percentile(trips, 99) <= 1000, 'honest round-trip p99 > 1 s')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def slowloris(opts, size):
    server = Server(opts)
    await honest_plain(server.port, 5)
    rss_before = server.rss()
    held = 0
    attackers = []
    prefix = b'x' * size['slowloris_prefix']
    for _ in range(size['slowloris']):
        attackers.append(raw_connect(server.port, prefix))
        held += len(prefix)
    await asyncio.sleep(0.5)

    stop = False
    ticks = 10

    async def drip():
        nonlocal held
        while not stop:
            for s in attackers:
                try:
                    s.send(b'y')
                    held += 1
                except BlockingIOError:
                    pass
            await asyncio.sleep(size['slowloris_seconds'] / ticks)

    cpu0 = server.cpu()
    t0 = time.monotonic()
    dripping = asyncio.ensure_future(drip())
    n = max(20, int(size['slowloris_seconds'] / 0.01))
    trips = await honest_plain(server.port, n, pause=0.005)
    while time.monotonic() - t0 < size['slowloris_seconds']:
        await asyncio.sleep(0.05)
    stop = True
    await dripping
    cpu = server.cpu() - cpu0
    wall = time.monotonic() - t0
    rss = server.rss()
    row = dict(honest=f'{percentile(trips, 50):.1f}/{percentile(trips, 99):.1f}',
               cpu=f'{cpu:.2f} s/{wall:.0f} s', rss=rss, threads=server.threads(),
               note=f'{(rss - rss_before) / max(held, 1):.1f} B of RSS per held byte '
                    f'({held / 1024:.0f} KiB held, '
                    f'{(rss - rss_before) / len(attackers) / 1024:.1f} KiB/connection)')
    for s in attackers:
        s.close()
    check(server.stop() == 0, 'exit status not 0')
    return row


async def emfile(opts, size):
    limit = size['emfile_limit']
    server = Server(opts, nofile=limit)
    reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
    await round_trips(reader, writer, 3)
    attackers = [raw_connect(server.port) for _ in range(size['emfile_clients'])]
    await wait_for(lambda: 'accept() failed' in server.log(), 'no EMFILE within 30 s')

    cpu0 = server.cpu()
    t0 = time.monotonic()
    trips = []
    while time.monotonic() - t0 < size['emfile_seconds']:
        trips += await round_trips(reader, writer, 1)   # the client already here is served
        await asyncio.sleep(0.1)
    cpu = server.cpu() - cpu0
    wall = time.monotonic() - t0
    warnings = server.log().count('accept() failed')
    fds = server.fds()
    for s in attackers:
        s.close()
    # It resumes by itself: a new client is served.
    await asyncio.wait_for(honest_plain(server.port, 3), 30)
    writer.close()
    await writer.wait_closed()
    row = dict(honest=f'{percentile(trips, 50):.1f}/{percentile(trips, 99):.1f}',
               cpu=f'{cpu:.2f} s/{wall:.0f} s', rss=server.rss(), threads=server.threads(),
               note=f'limit {limit}, {fds} fds open, {warnings} warning(s) in {wall:.0f} s '
                    f'({100 * cpu / wall:.1f}% of a core)')
    check(warnings <= max(1, int(wall)), 'more than one warning per second')
    if opts.scale == 'full':
        check(cpu / wall < 0.05, 'EMFILE costs 5% of a core or more')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def long_line(opts, size):
    server = Server(opts)
    rss_before = server.rss()
    reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
    writer.write(b'z' * (10 * 2**20))
    answer = await reader.readline()
    rest = await reader.read()
    peak = server.status('VmHWM') * 1024
    writer.close()
    await writer.wait_closed()
    check(answer == b'error: line too long\n', f'the answer was {answer[:60]!r}')
    check(rest == b'', 'no EOF after the answer')
    await honest_plain(server.port, 3)
    row = dict(honest='-', rss=server.rss(), threads=server.threads(),
               note=f'answered, EOF; peak RSS {peak / 2**20:.1f} MB '
                    f'(+{(peak - rss_before) / 2**20:.1f} MB for 10 MB sent)')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def garbage(opts, size):
    # A record of junk can look like the start of a long handshake message:
    # the TLS layer then waits for the rest, until the handshake timeout.
    server = Server(opts, ['--tls-cert', opts.cert, '--tls-key', opts.key,
                           '--tls-handshake-timeout', '1000'])
    loop = asyncio.get_running_loop()
    rng = random.Random(18)

    async def one(i):
        nonlocal closed
        junk = bytes([rng.randrange(0x17, 256)]) + bytes(rng.randrange(256) for _ in range(1023))
        if i % 2:   # a handshake record header, then junk
            junk = b'\x16\x03\x01\x03\xfb' + junk[:1019]
        s = raw_connect(server.port, junk)
        try:
            while await asyncio.wait_for(loop.sock_recv(s, 4096), 30):
                pass
        except ConnectionError:
            pass
        s.close()
        closed += 1

    closed = 0
    try:
        await asyncio.gather(*[one(i) for i in range(size['garbage'])])
    except asyncio.TimeoutError:
        sys.stderr.write(server.log()[-3000:])
        raise Failed(f'only {closed} of {size["garbage"]} garbage clients were let go')
    ctx = ssl.create_default_context(cafile=opts.cert)
    _, trips = await honest_tls(server.port, ctx, 3)
    await wait_for(lambda: server.log().count('The TLS handshake with') >= size['garbage'],
                   lambda: f'{size["garbage"] - server.log().count("The TLS handshake with")} '
                           'failed handshakes were not logged')
    row = dict(honest=f'{percentile(trips, 50):.1f}/{percentile(trips, 99):.1f}',
               rss=server.rss(), threads=server.threads(),
               note=f'{size["garbage"]} closed and logged')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def resets(opts, size):
    server = Server(opts)
    baseline = server.fds()
    await honest_plain(server.port, 3)
    await wait_for(lambda: server.fds() == baseline, 'the honest connection was not closed')
    reply = b'r' * 30000 + b'\n'
    for i in range(size['resets']):
        if i % 2:
            s = raw_connect(server.port, b'half a li')          # mid-line
        else:
            s = raw_connect(server.port)                        # mid-write: an echo nobody reads
            await asyncio.sleep(0.001)
            try:
                while True:
                    s.send(reply)
            except (BlockingIOError, ConnectionError):
                pass
        await asyncio.sleep(0.002)
        reset(s)
    await honest_plain(server.port, 3)
    await wait_for(lambda: server.fds() == baseline,
                   'descriptors not back to their count before the resets')
    row = dict(honest='-', rss=server.rss(), threads=server.threads(),
               note=f'{size["resets"]} resets, fds back to {baseline}')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def churn(opts, size):
    server = Server(opts)
    baseline = server.fds()
    await honest_plain(server.port, 3)
    await wait_for(lambda: server.fds() == baseline, 'the honest connection was not closed')
    rss0 = server.rss()
    todo = size['churn']

    async def worker():
        nonlocal todo
        while todo > 0:
            todo -= 1
            reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
            writer.write(b'cycle\n')
            check(await reader.readline() == b'cycle\n', 'a cycle got no echo')
            writer.close()
            await writer.wait_closed()

    t0 = time.monotonic()
    await asyncio.gather(*[worker() for _ in range(8)])
    wall = time.monotonic() - t0
    await wait_for(lambda: server.fds() == baseline, 'descriptors leaked by the cycles')
    rss1 = server.rss()
    row = dict(honest='-', rss=rss1, threads=server.threads(),
               note=f'{size["churn"]} cycles in {wall:.2f} s, fds {baseline} -> {server.fds()}, '
                    f'RSS {rss0 / 2**20:.1f} -> {rss1 / 2**20:.1f} MB')
    check(server.stop() == 0, 'exit status not 0')
    return row


async def sigterm(opts, size):
    server = Server(opts, ['--grace-period', '500'], valgrind=opts.valgrind)
    done = 0
    ended = 0

    async def busy():
        nonlocal done, ended
        reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
        try:
            while True:
                writer.write(b'busy\n')
                line = await reader.readline()
                if not line:
                    break
                done += 1
        except ConnectionError:
            pass
        ended += 1
        writer.close()

    clients = [asyncio.ensure_future(busy()) for _ in range(size['sigterm_clients'])]
    await wait_for(lambda: done >= size['sigterm_clients'] * 5, 'the clients were not served',
                   timeout=120)
    server.proc.send_signal(signal.SIGTERM)   # once: a second one would kill it
    status = await asyncio.get_running_loop().run_in_executor(None, server.stop, None,
                                                              300 if opts.valgrind else 60)
    await asyncio.wait_for(asyncio.gather(*clients), 30)
    log = server.log()
    row = dict(honest='-', note=f'exit status {status} with {size["sigterm_clients"]} clients '
                                f'busy ({done} round trips){", valgrind: no leak" if opts.valgrind and status == 0 else ""}')
    if status != 0:
        sys.stderr.write(log[-4000:])
    check(status == 0, f'exit status {status}' + (' (valgrind found errors)' if status == 3 else ''))
    check(ended == size['sigterm_clients'], 'a client was never let go')
    return row


SCENARIOS = {
    'tls-stall': tls_stall,
    'slowloris': slowloris,
    'emfile': emfile,
    'long-line': long_line,
    'garbage': garbage,
    'resets': resets,
    'churn': churn,
    'sigterm': sigterm,
}

SIZES = {
    'tls-stall': lambda s: f'{s["silent_tls"]} silent, {s["half_hello"] + s["stalled_hello"]} stalled, '
                           f'{s["honest_tls"]}x{s["round_trips"]} honest',
    'slowloris': lambda s: f'{s["slowloris"]} slowloris, {s["slowloris_seconds"]:.0f} s',
    'emfile': lambda s: f'{s["emfile_clients"]} clients, limit {s["emfile_limit"]}',
    'long-line': lambda s: '10 MB line',
    'garbage': lambda s: f'{s["garbage"]} garbage hellos',
    'resets': lambda s: f'{s["resets"]} resets',
    'churn': lambda s: f'{s["churn"]} cycles',
    'sigterm': lambda s: f'{s["sigterm_clients"]} busy clients',
}


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--server', required=True)
    parser.add_argument('--cert', required=True)
    parser.add_argument('--key', required=True)
    parser.add_argument('--suppressions', default=os.path.join(os.path.dirname(__file__), '..',
                                                               'valgrind.supp'))
    parser.add_argument('--backend', default='glib', choices=['glib', 'epoll'])
    parser.add_argument('--scale', default='small', choices=list(SCALES))
    parser.add_argument('--only', default=','.join(SCENARIOS))
    parser.add_argument('--valgrind', action='store_true', help='run the sigterm server under valgrind')
    parser.add_argument('--no-header', action='store_true')
    opts = parser.parse_args()
    size = SCALES[opts.scale]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    if not opts.no_header:
        print(f'{"scenario":<10} {"backend":<7} {"size":<38} {"result":<6} {"honest p50/p99 ms":>17} '
              f'{"server CPU":>11} {"RSS MB":>7} {"thr":>4}  notes')
    failures = 0
    for name in opts.only.split(','):
        try:
            row = await SCENARIOS[name](opts, size)
            result = 'ok'
        except (Failed, OSError, asyncio.TimeoutError, ssl.SSLError) as e:
            row = dict(note=f'{type(e).__name__}: {e}')
            result = 'FAIL'
            failures += 1
        for proc in Server.running:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        Server.running.clear()
        rss = row.get('rss')
        print(f'{name:<10} {opts.backend:<7} {SIZES[name](size):<38} {result:<6} '
              f'{row.get("honest", "-"):>17} {row.get("cpu", "-"):>11} '
              f'{(f"{rss / 2**20:.1f}" if rss else "-"):>7} {row.get("threads", "-"):>4}  '
              f'{row.get("note", "")}', flush=True)
    print(f'{len(opts.only.split(",")) - failures} passed, {failures} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(asyncio.run(main()))
