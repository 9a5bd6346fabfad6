// echoServer.js: the line echo server (the GJS twin of echo-server.c)
//
// Seed topic: "other event-loop implementations" (the uvloop example): the
// handler reads a line, writes it back, drains and closes.
//
// Run: gjs -m echoServer.js [--port=9000] [--backend=glib|epoll]
//                                           then: echo hi | nc 127.0.0.1 9000
//      gjs -m echoServer.js --demo           (an in-process client)
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

async function connected(stream) {
    const line = await stream.read_line_async(null);
    stream.write(line.toArray());
    await stream.drain_async(null);
    await stream.close_async(null);
}

// The socket backend, chosen before anything uses the loop (uvloop.install()).
const backendArg = ARGV.find(a => a.startsWith('--backend='));
if (backendArg)
    GCoro.set_backend(GCoro.Backend[backendArg.slice(10).toUpperCase()]);

const server = GCoro.StreamServer.new();
server.connect('incoming', (_server, stream) => Coro.spawnAsync(() => connected(stream)));
const demo = ARGV.includes('--demo');
const portArg = ARGV.find(a => a.startsWith('--port='));
server.listen_tcp('127.0.0.1', demo ? 0 : Number(portArg?.slice(7) ?? 9000));
server.start();

if (demo) {
    Coro.run(Coro.spawnAsync(async () => {
        const stream = await new Promise((resolve, reject) => {
            GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null, (src, res) => {
                try {
                    resolve(GCoro.Stream.connect_tcp_finish(res));
                } catch (e) {
                    reject(e);
                }
            });
        });
        stream.write(new TextEncoder().encode('Hello, echo!\n'));
        const reply = await stream.read_line_async(null);
        const text = new TextDecoder().decode(reply.toArray()).replace(/\n/g, '\\n');
        print(`got b'${text}'`);
        await stream.close_async(null);
    }));
    while (server.get_n_connections() > 0)
        GLib.MainContext.default().iteration(true);
} else {
    print(`Start: listening on 127.0.0.1:${server.get_port()}`);
    new GLib.MainLoop(null, false).run();
}
server.close();
