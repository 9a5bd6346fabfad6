// GCoro.StreamServer from GJS: the server closes a connection when the
// future its `incoming` handler returned settles, however it settles; a
// cancelled handler still flushes its last reply from a shield. ES module.
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, assertGError, iterateUntil, run} = imports.harness;

const encode = s => new TextEncoder().encode(s);
const text = bytes => new TextDecoder().decode(bytes.toArray());
const isCancelled = e => e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);

function settled(promise) {
    const state = {done: false};
    promise.then(v => Object.assign(state, {done: true, value: v}),
        e => Object.assign(state, {done: true, error: e}));
    iterateUntil(() => state.done, 'the JavaScript promise');
    if (state.error)
        throw state.error;
    return state.value;
}

// A server on 127.0.0.1 whose `incoming` handler is handler(stream).
function serve(handler) {
    const server = GCoro.StreamServer.new();
    server.connect('incoming', (_server, stream) => handler(stream));
    server.listen_tcp('127.0.0.1', 0);
    server.start();
    return server;
}

// Everything the server sends until EOF, read by a client; afterLine(line)
// runs once the first line has arrived.
async function readAll(port, afterLine = () => {}) {
    const client = await GCoro.Stream.connect_tcp_async('127.0.0.1', port, null);
    client.write(encode('hi\n'));
    const first = text(await client.read_line_async(null));
    afterLine(first);
    let rest = '';
    for (;;) {
        const chunk = await client.read_async(1 << 16, null);
        if (chunk.get_size() === 0)
            break;
        rest += text(chunk);
    }
    await client.close_async(null);
    return first + rest;
}

// --- the connection ends with its handler -------------------------------------------

// Handlers that send a line and then end: resolved, rejected, or waiting
// until the test cancels their future.
const HANDLERS = {
    generator: (outcome, futures) => stream => {
        const task = Coro.spawn(function* () {
            const line = yield stream.read_line_async(null);
            stream.write(encode(`got ${text(line)}`));
            yield stream.drain_async(null);
            if (outcome === 'rejected')
                throw new Error('the handler failed');
            if (outcome === 'cancelled')
                yield GCoro.Promise.new();   // until cancelled
        });
        futures.push(task);
        return task;
    },
    spawnAsync: (outcome, futures) => stream => {
        const task = Coro.spawnAsync(async cancellable => {
            const line = await stream.read_line_async(cancellable);
            stream.write(encode(`got ${text(line)}`));
            await stream.drain_async(cancellable);
            if (outcome === 'rejected')
                throw new Error('the handler failed');
            if (outcome === 'cancelled')
                await GCoro.Queue.new(0).get_async(cancellable);   // until cancelled
        });
        futures.push(task);
        return task;
    },
};

const STATES = {
    resolved: GCoro.FutureState.RESOLVED,
    rejected: GCoro.FutureState.REJECTED,
    cancelled: GCoro.FutureState.CANCELLED,
};

for (const style of Object.keys(HANDLERS)) {
    for (const outcome of Object.keys(STATES)) {
        test(`${style}: the client reads EOF once the handler's future is ${outcome}`, () => {
            const futures = [];
            const server = serve(HANDLERS[style](outcome, futures));
            const all = settled(readAll(server.get_port(), () => {
                if (outcome === 'cancelled')
                    futures[0].cancel();
            }));
            assertEqual(all, 'got hi\n');
            assertEqual(futures[0].get_state(), STATES[outcome]);
            iterateUntil(() => server.get_n_connections() === 0, 'the server letting the connection go');
            server.close();
        });
    }
}

// --- cleanup after cancellation -------------------------------------------------------

// More than the socket buffers hold: draining it has to wait for the
// client. Encoded once and compared as GLib.Bytes: megabytes of JavaScript
// strings would start incremental collections, and GJS 1.74 refuses
// callbacks between the slices of one ("during the sweeping phase of GC").
const LAST_LINE = encode(`bye ${'x'.repeat(8 << 20)}\n`);
const LAST_LINE_BYTES = new GLib.Bytes(LAST_LINE);

// The client of the shield tests: sends a line, reads the echo, cancels the
// handler (cancel()), then reads the last line and EOF.
async function echoThenLastLine(port, cancel) {
    const client = await GCoro.Stream.connect_tcp_async('127.0.0.1', port, null);
    client.write(encode('hi\n'));
    const echo = text(await client.read_line_async(null));
    cancel();
    const [last] = await client.read_exactly_async(LAST_LINE.length, null);
    const eof = await client.read_async(1, null);
    await client.close_async(null);
    return {echo, lastLineIntact: last.equal(LAST_LINE_BYTES), eof: eof.get_size() === 0};
}

test('generator: a cancelled handler writes and drains its last line inside Coro.shielded()', () => {
    const log = [];
    let handler = null;
    const server = serve(stream => {
        handler = Coro.spawn(function* () {
            try {
                for (;;) {
                    const line = yield stream.read_line_async(null);
                    if (line.get_size() === 0)
                        return;
                    stream.write(encode(`echo ${text(line)}`));
                    yield stream.drain_async(null);
                }
            } catch (e) {
                log.push(isCancelled(e) ? 'cancelled' : `error ${e}`);
                yield* Coro.shielded(function* () {
                    stream.write(LAST_LINE);
                    yield stream.drain_async(null);
                    log.push('drained');
                });
                throw e;
            }
        }, 'shielded-handler');
        return handler;
    });
    const got = settled(echoThenLastLine(server.get_port(), () => handler.cancel()));
    assertEqual(got, {echo: 'echo hi\n', lastLineIntact: true, eof: true});
    assertEqual(log, ['cancelled', 'drained']);
    assertEqual(handler.get_state(), GCoro.FutureState.CANCELLED);
    iterateUntil(() => server.get_n_connections() === 0);
    server.close();
});

test('generator: after cancellation every await fails, except inside Coro.shielded()', () => {
    const log = [];
    const task = Coro.spawn(function* () {
        try {
            log.push('waiting');
            yield GCoro.Promise.new();
        } catch (e) {
            try {
                yield Coro.yieldNow();
                log.push('awaited');
            } catch (e2) {
                log.push(isCancelled(e2) ? 'cancelled again' : `error ${e2}`);
            }
            yield* Coro.shielded(function* () {
                yield Coro.yieldNow();
                log.push('awaited in the shield');
            });
            try {
                yield Coro.yieldNow();
            } catch (e3) {
                log.push(isCancelled(e3) ? 'cancelled after the shield' : `error ${e3}`);
            }
            throw e;
        }
    });
    iterateUntil(() => log.length > 0);
    task.cancel();
    iterateUntil(() => task.is_done());
    assertEqual(task.get_state(), GCoro.FutureState.CANCELLED);
    assertEqual(log, ['waiting', 'cancelled again', 'awaited in the shield', 'cancelled after the shield']);
});

test('spawnAsync: a cancelled handler flushes its last line, the connection closes after', () => {
    const log = [];
    let handler = null;
    const server = serve(stream => {
        handler = Coro.spawnAsync(async cancellable => {
            try {
                for (;;) {
                    const line = await stream.read_line_async(cancellable);
                    if (line.get_size() === 0)
                        return;
                    stream.write(encode(`echo ${text(line)}`));
                    await stream.drain_async(cancellable);
                }
            } catch (e) {
                log.push(isCancelled(e) ? 'cancelled' : `error ${e}`);
                // Cleanup waits simply do not pass the cancellable.
                stream.write(LAST_LINE);
                await stream.drain_async(null);
                log.push('drained');
                throw e;
            }
        });
        return handler;
    });
    const got = settled(echoThenLastLine(server.get_port(), () => handler.cancel()));
    assertEqual(got, {echo: 'echo hi\n', lastLineIntact: true, eof: true});
    assertEqual(log, ['cancelled', 'drained']);
    assertEqual(handler.get_state(), GCoro.FutureState.CANCELLED);
    iterateUntil(() => server.get_n_connections() === 0);
    server.close();
});

test('TLS: a cancelled handler flushes its reply and closes with close_notify from a shield', () => {
    if (!Gio.TlsBackend.get_default().supports_tls()) {
        print('# SKIP no TLS backend (glib-networking)');
        return;
    }
    const data = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '..', 'data']);
    const certPath = GLib.build_filenamev([data, 'test-cert.pem']);
    const server = GCoro.StreamServer.new();
    server.set_tls_certificate(Gio.TlsCertificate.new_from_files(certPath, GLib.build_filenamev([data, 'test-key.pem'])));
    const log = [];
    let handler = null;
    server.connect('incoming', (_server, stream) => {
        handler = Coro.spawn(function* () {
            try {
                const line = yield stream.read_line_async(null);
                stream.write(encode(`echo ${text(line)}`));
                yield stream.drain_async(null);
                log.push('serving');
                yield GCoro.Promise.new();   // until cancelled
            } catch (e) {
                log.push(isCancelled(e) ? 'cancelled' : `error ${e}`);
                yield* Coro.shielded(function* () {
                    stream.write(encode('bye\n'));
                    yield stream.drain_async(null);
                    yield stream.close_async(null);   // sends close_notify
                    log.push('closed');
                });
                throw e;
            }
        });
        return handler;
    });
    server.listen_tcp('127.0.0.1', 0);
    server.start();

    const got = settled((async () => {
        const client = await GCoro.Stream.connect_tls_async('127.0.0.1', server.get_port(),
            Gio.TlsFileDatabase.new(certPath), null);
        client.write(encode('hi\n'));
        const echo = text(await client.read_line_async(null));
        handler.cancel();
        const bye = text(await client.read_line_async(null));
        // Without close_notify this read fails (G_TLS_ERROR_EOF).
        const eof = await client.read_async(1, null);
        await client.close_async(null);
        return [echo, bye, eof.get_size()];
    })());
    assertEqual(got, ['echo hi\n', 'bye\n', 0]);
    assertEqual(log, ['serving', 'cancelled', 'closed']);
    iterateUntil(() => server.get_n_connections() === 0);
    server.close();
});

test('a generator task cancelled in read_until loses no data', () => {
    const server = GCoro.StreamServer.new();
    const q = GCoro.Queue.new(0);
    server.connect('incoming', (_server, stream) => {
        assert(q.try_put(stream));
        return GCoro.Promise.new();   // the test closes the server
    });
    server.listen_tcp('127.0.0.1', 0);
    server.start();
    const client = settled(GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null));
    const [serverSide] = settled(q.get_async(null));   // promisified: [item]
    const log = [];
    const reader = Coro.spawn(function* () {
        log.push('waiting');
        return yield serverSide.read_until_async(encode('|'), null);
    });
    iterateUntil(() => log.length > 0);
    reader.cancel();
    iterateUntil(() => reader.is_done());
    assertEqual(reader.get_state(), GCoro.FutureState.CANCELLED);
    client.write(encode('kept|'));
    assertEqual(text(settled(serverSide.read_until_async(encode('|'), null))), 'kept|');
    server.abort();
    settled(client.close_async(null));
});

// --- a hostile network, and shutting down ------------------------------------------------

test('the limits are properties; an idle client is let go', () => {
    const failures = [];
    const server = serve(stream => Coro.spawnAsync(async () => {
        try {
            await stream.read_line_async(null);
        } catch (e) {
            failures.push(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT));
        }
    }));
    assertEqual(server.tls_handshake_timeout, 60000);
    assertEqual(server.get_max_handshakes(), 8);
    server.idle_timeout = 20;
    const client = settled(GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null));
    assertEqual(settled(client.read_async(-1, null)).get_size(), 0);   // the server let go
    iterateUntil(() => server.get_n_connections() === 0);
    assertEqual(failures, [true]);
    server.close();
});

test('serve_forever_async() stops in order on SIGTERM', () => {
    const log = [];
    const server = serve(stream => Coro.spawn(function* () {
        try {
            yield Coro.spawnAsync(() => stream.read_line_async(null));   // nothing comes
        } catch (e) {
            log.push(isCancelled(e) ? 'cancelled after the grace period' : `error ${e}`);
        }
    }));
    server.grace_period = 20;
    const serving = server.serve_forever_async(null);
    const client = settled(GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null));
    iterateUntil(() => server.get_n_connections() === 1);
    const pid = new Gio.Credentials().get_unix_pid();
    Gio.Subprocess.new(['sh', '-c', `kill -TERM ${pid}`], Gio.SubprocessFlags.NONE);   // the shell's kill
    assertEqual(settled(serving), true);
    assertEqual(log, ['cancelled after the grace period']);
    assertEqual(server.get_n_connections(), 0);
    assertEqual(settled(client.read_async(-1, null)).get_size(), 0);
});

run();
