// contextVarServer.js: each client's address in a context variable
//
// Seed topic: "context variables". The GJS twin of
// examples/context-var-server.c: the handler stores the client's address
// in a GCoro.ContextVar; the generator task it spawns to listen for
// messages sees that client's address.
//
// Run: gjs -m contextVarServer.js [--port=9000]   then: nc 127.0.0.1 9000
//      gjs -m contextVarServer.js --demo           (an in-process client)
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const userAddress = GCoro.ContextVar.new('user_address');

function describe(address) {
    return `('${address.get_address().to_string()}', ${address.get_port()})`;
}

// Python's bytes repr, for the same transcript as the text.
function bytesRepr(bytes) {
    const s = new TextDecoder().decode(bytes.toArray());
    return `b'${s.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;
}

function* listenForMessages(stream) {
    for (;;) {
        const data = yield Coro.spawnAsync(() => stream.read_line_async(null));
        if (data.get_size() === 0)
            break;
        print(`received ${bytesRepr(data)} from ${describe(userAddress.dup_object())}`);
    }
}

function* clientConnected(stream) {
    userAddress.set_object(stream.get_peer_address());
    yield Coro.spawn(listenForMessages(stream));
}

const server = GCoro.StreamServer.new();
server.connect('incoming', (_server, stream) => Coro.spawn(clientConnected(stream)));
const demo = ARGV.includes('--demo');
const portArg = ARGV.find(a => a.startsWith('--port='));
server.listen_tcp('127.0.0.1', demo ? 0 : Number(portArg?.slice(7) ?? 9000));
server.start();

if (demo) {
    Coro.run(function* () {
        const stream = yield Coro.spawnAsync(() => new Promise((resolve, reject) => {
            GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null, (src, res) => {
                try {
                    resolve(GCoro.Stream.connect_tcp_finish(res));
                } catch (e) {
                    reject(e);
                }
            });
        }));
        stream.write(new TextEncoder().encode('Hello!\r\n'));
        stream.write(new TextEncoder().encode('Bye!\r\n'));
        yield Coro.spawnAsync(() => stream.close_async(null));
    });
    while (server.get_n_connections() > 0)
        GLib.MainContext.default().iteration(true);
} else {
    print(`listening on 127.0.0.1:${server.get_port()}`);
    new GLib.MainLoop(null, false).run();
}
server.close();
