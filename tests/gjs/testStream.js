// GCoro.Stream from GJS (ES module: promisified methods, async functions).
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, assertGError, iterateUntil, run} = imports.harness;

function settled(promise) {
    const state = {done: false};
    promise.then(v => Object.assign(state, {done: true, value: v}),
        e => Object.assign(state, {done: true, error: e}));
    iterateUntil(() => state.done, 'the JavaScript promise');
    return state;
}

// A connected pair over a loopback TCP connection (GJS has no socketpair).
function streamPair() {
    const listener = new Gio.SocketListener();
    const want = new Gio.InetSocketAddress({address: Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), port: 0});
    const [, bound] = listener.add_address(want, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP, null);
    const client = new Gio.SocketClient({enable_proxy: false});
    const c = client.connect(bound, null);
    const [s] = listener.accept(null);
    listener.close();
    return [GCoro.Stream.new(c), GCoro.Stream.new(s)];
}

const text = bytes => new TextDecoder().decode(bytes.toArray());

test('lines, partial line, EOF', () => {
    const [a, b] = streamPair();
    const s = settled((async () => {
        const lines = [];
        a.write(new TextEncoder().encode('one\ntwo\nthree'));
        await a.close_async(null);
        for (;;) {
            const line = await b.read_line_async(null);
            if (line.get_size() === 0)
                break;
            lines.push(text(line));
        }
        return lines;
    })());
    assertEqual(s.value, ['one\n', 'two\n', 'three']);
    assert(b.at_eof());
});

test('limit overrun is a GCoro.StreamError', () => {
    const [a, b] = streamPair();
    b.set_limit(4);
    a.write(new TextEncoder().encode('too long\n'));
    const s = settled(b.read_line_async(null));
    assertGError(s.error, GCoro.StreamError, GCoro.StreamError.LIMIT_OVERRUN);
    const rest = settled(b.read_async(100, null));
    assertEqual(text(rest.value), 'too long\n');
});

test('a server with an async handler', () => {
    const server = GCoro.StreamServer.new();
    const peers = [];
    server.connect('incoming', (_server, stream) => Coro.spawnAsync(async () => {
        peers.push(GCoro.StreamServer.get_peer_var().dup_object().to_string());
        for (;;) {
            const line = await stream.read_line_async(null);
            if (line.get_size() === 0)
                break;
            stream.write(new TextEncoder().encode(`echo: ${text(line)}`));
            await stream.drain_async(null);
        }
        await stream.close_async(null);
    }));
    server.listen_tcp('127.0.0.1', 0);
    server.start();

    const s = settled((async () => {
        const client = await new Promise((resolve, reject) => {
            GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null, (src, res) => {
                try {
                    resolve(GCoro.Stream.connect_tcp_finish(res));
                } catch (e) {
                    reject(e);
                }
            });
        });
        const me = client.get_local_address().to_string();
        client.write(new TextEncoder().encode('hello\n'));
        const reply = await client.read_line_async(null);
        await client.close_async(null);
        return [me, text(reply)];
    })());
    const [me, reply] = s.value;
    assertEqual(reply, 'echo: hello\n');
    iterateUntil(() => server.get_n_connections() === 0);
    assertEqual(peers, [me]);
    server.close();
});

test('TLS: a server with a certificate, a client that trusts it', () => {
    if (!Gio.TlsBackend.get_default().supports_tls()) {
        print('# SKIP no TLS backend (glib-networking)');
        return;
    }
    const data = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '..', 'data']);
    const certPath = GLib.build_filenamev([data, 'test-cert.pem']);
    const cert = Gio.TlsCertificate.new_from_files(certPath, GLib.build_filenamev([data, 'test-key.pem']));
    const trusted = Gio.TlsFileDatabase.new(certPath);
    const server = GCoro.StreamServer.new();
    server.set_tls_certificate(cert);
    server.connect('incoming', (_server, stream) => Coro.spawnAsync(async () => {
        assert(stream.get_io_stream() instanceof Gio.TlsConnection, 'a TLS connection');
        const line = await stream.read_line_async(null);
        stream.write(new TextEncoder().encode(`tls: ${text(line)}`));
        await stream.close_async(null);
    }));
    server.listen_tcp('127.0.0.1', 0);
    server.start();

    const s = settled(new Promise((resolve, reject) => {
        GCoro.Stream.connect_tls_async('127.0.0.1', server.get_port(), trusted, null, (src, res) => {
            try {
                resolve(GCoro.Stream.connect_tls_finish(res));
            } catch (e) {
                reject(e);
            }
        });
    }).then(async client => {
        client.write(new TextEncoder().encode('hello\n'));
        return text(await client.read_line_async(null));
    }));
    assertEqual(s.value, 'tls: hello\n');
    server.close();
    iterateUntil(() => server.get_n_connections() === 0);
});

run();
