// echoServer.js: the line echo server (the GJS twin of echo-server.c)
//
// Seed topic: "other event-loop implementations" (the uvloop example): the
// handler reads a line, writes it back, drains and closes. Like its C twin
// it holds at most 1,000 clients, each silent for 30 s at most, answers an
// overlong line with an error line, logs every connection's error with its
// peer, and stops in order on SIGINT or SIGTERM (exit status 0).
//
// Run: gjs -m echoServer.js [--port=9000] [--backend=glib|epoll]
//                                           then: echo hi | nc 127.0.0.1 9000
//      gjs -m echoServer.js --demo           (in-process clients)
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

// Closing a socket with unread data resets the connection, and the reply with it.
async function discardUntilEof(stream) {
    while ((await stream.read_async(65536, null)).get_size() > 0)
        ;
}

async function connected(stream) {
    let line;
    try {
        line = await stream.read_line_async(null);
    } catch (error) {
        // Who, and what went wrong (a timeout, a reset, a line too long).
        print(`${stream.get_peer_address().to_string()}: ${error.message}`);
        if (error.matches(GCoro.stream_error_quark(), GCoro.StreamError.LIMIT_OVERRUN)) {
            stream.write(new TextEncoder().encode(
                `error: line too long (the limit is ${stream.get_limit()} bytes)\n`));
            await stream.write_eof_async(null);   // the reply, then EOF
            await discardUntilEof(stream);
        }
    }
    if (line) {
        stream.write(line.toArray());
        await stream.drain_async(null);
    }
    await stream.close_async(null);
}

// The socket backend, chosen before anything uses the loop (uvloop.install()).
const backendArg = ARGV.find(a => a.startsWith('--backend='));
if (backendArg)
    GCoro.set_backend(GCoro.Backend[backendArg.slice(10).toUpperCase()]);

const server = GCoro.StreamServer.new();
server.set_max_connections(1000);
server.set_idle_timeout(30 * 1000);
server.connect('incoming', (_server, stream) => Coro.spawnAsync(() => connected(stream)));
const demo = ARGV.includes('--demo');
const portArg = ARGV.find(a => a.startsWith('--port='));
server.listen_tcp('127.0.0.1', demo ? 0 : Number(portArg?.slice(7) ?? 9000));
server.start();

if (demo) {
    const client = async data => {
        const stream = await new Promise((resolve, reject) => {
            GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null, (src, res) => {
                try {
                    resolve(GCoro.Stream.connect_tcp_finish(res));
                } catch (e) {
                    reject(e);
                }
            });
        });
        stream.write(new TextEncoder().encode(data));
        const reply = await stream.read_line_async(null);
        const text = new TextDecoder().decode(reply.toArray()).replace(/\n/g, '\\n');
        print(`got b'${text}'`);
        await stream.close_async(null);
    };
    for (const data of ['Hello, echo!\n', `${'x'.repeat(70000)}\n`]) {
        Coro.run(Coro.spawnAsync(() => client(data)));
        while (server.get_n_connections() > 0)
            GLib.MainContext.default().iteration(true);
    }
    server.close();
} else {
    print(`Start: listening on 127.0.0.1:${server.get_port()}`);
    // Until SIGINT or SIGTERM, then an orderly shutdown.
    Coro.run(Coro.spawnAsync(() => server.serve_forever_async(null)));
    print('Stopped: every connection closed');
}
