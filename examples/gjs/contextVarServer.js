// contextVarServer.js: each client's address in a context variable
//
// Seed topic: "context variables". The GJS twin of
// examples/context-var-server.c: the handler stores the client's address
// in a GCoro.ContextVar; the generator task it spawns to listen for
// messages sees that client's address. What it logs is escaped like a
// Python bytes literal (NUL bytes and all); a connection's error is logged
// with its client, a line too long is answered with an error line, and
// SIGINT or SIGTERM stop it in order (exit status 0).
//
// Run: gjs -m contextVarServer.js [--port=9000]   then: nc 127.0.0.1 9000
//      gjs -m contextVarServer.js --demo           (clients in-process)
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const userAddress = GCoro.ContextVar.new('user_address');

function describe(address) {
    return `('${address.get_address().to_string()}', ${address.get_port()})`;
}

// Python's repr() of bytes: every byte shown, none able to mess up a log.
function bytesRepr(bytes) {
    const data = bytes.toArray();
    const quote = data.includes(0x27) && !data.includes(0x22) ? '"' : "'";
    let text = '';
    for (const b of data) {
        const c = String.fromCharCode(b);
        if (c === quote || c === '\\')
            text += `\\${c}`;
        else if (c === '\t')
            text += '\\t';
        else if (c === '\n')
            text += '\\n';
        else if (c === '\r')
            text += '\\r';
        else if (b < 0x20 || b >= 0x7f)
            text += `\\x${b.toString(16).padStart(2, '0')}`;
        else
            text += c;
    }
    return `b${quote}${text}${quote}`;
}

function* reportError(stream, error) {
    print(`error from ${describe(userAddress.dup_object())}: ${error.message}`);
    if (error.matches(GCoro.stream_error_quark(), GCoro.StreamError.LIMIT_OVERRUN)) {
        stream.write(new TextEncoder().encode(
            `error: line too long (the limit is ${stream.get_limit()} bytes)\n`));
        yield Coro.spawnAsync(() => stream.write_eof_async(null));   // the answer, then EOF
        // Read and drop the rest: closing with unread data resets the connection.
        for (;;) {
            const rest = yield Coro.spawnAsync(() => stream.read_async(65536, null));
            if (rest.get_size() === 0)
                break;
        }
    }
}

function* listenForMessages(stream) {
    for (;;) {
        let data;
        try {
            data = yield Coro.spawnAsync(() => stream.read_line_async(null));
        } catch (error) {
            yield* reportError(stream, error);
            break;
        }
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
server.set_max_connections(1000);
server.set_idle_timeout(5 * 60 * 1000);   // a chat: quiet for a while
server.connect('incoming', (_server, stream) => Coro.spawn(clientConnected(stream)));
const demo = ARGV.includes('--demo');
const portArg = ARGV.find(a => a.startsWith('--port='));
server.listen_tcp('127.0.0.1', demo ? 0 : Number(portArg?.slice(7) ?? 9000));
server.start();

if (demo) {
    const connect = () => Coro.spawnAsync(() => new Promise((resolve, reject) => {
        GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port(), null, (src, res) => {
            try {
                resolve(GCoro.Stream.connect_tcp_finish(res));
            } catch (e) {
                reject(e);
            }
        });
    }));
    const demoClient = function* () {
        const stream = yield connect();
        stream.write(new TextEncoder().encode('Hello!\r\n'));
        stream.write(new TextEncoder().encode('Nul\0byte\n'));
        stream.write(new TextEncoder().encode('Bye!\r\n'));
        yield Coro.spawnAsync(() => stream.close_async(null));
    };
    const overlongClient = function* () {
        const stream = yield connect();
        stream.write(new TextEncoder().encode(`${'x'.repeat(70000)}\n`));
        const answer = yield Coro.spawnAsync(() => stream.read_line_async(null));
        print(`got ${bytesRepr(answer)}`);
        yield Coro.spawnAsync(() => stream.close_async(null));
    };
    for (const client of [demoClient, overlongClient]) {
        Coro.run(client);
        while (server.get_n_connections() > 0)
            GLib.MainContext.default().iteration(true);
    }
    server.close();
} else {
    print(`listening on 127.0.0.1:${server.get_port()}`);
    // Until SIGINT or SIGTERM, then an orderly shutdown.
    Coro.run(Coro.spawnAsync(() => server.serve_forever_async(null)));
    print('stopped: every connection closed');
}
