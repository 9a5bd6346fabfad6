// miniLoop.js: an event loop of your own, from poll() and custom awaitables
//
// Seed topic: "building your own event loop from custom awaitables". The
// GJS twin of examples/mini-loop.c: coroutines are JavaScript generators
// (made GCoro.Generators with Coro.generator()) that yield what they wait
// for, a MiniWait; the loop keeps a ready queue, blocks in GLib.poll() (the
// poll() system call) until an fd is readable or the earliest deadline, and
// resumes whoever's wait is over with next(). MiniWait also implements
// GCoro.Awaitable, so an ordinary GCoro task can await it too.
//
// From JavaScript, GLib.poll() takes ONE GLib.PollFD (a C array of them
// cannot be passed), so this loop lets one coroutine at a time wait for an
// fd; a pure sleep polls fd -1. GJS has no pipe(): a loopback TCP
// connection stands in for it.
//
// Run: gjs -m miniLoop.js [--unit=MSEC]   (one tick lasts MSEC ms, default 5)
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import * as Coro from '../../introspection/gjs/gcoro.js';

let unit = 5;
for (const arg of ARGV) {
    if (arg.startsWith('--unit='))
        unit = Number(arg.slice('--unit='.length));
}

const MiniWait = GObject.registerClass({
    Implements: [GCoro.Awaitable],
}, class MiniWait extends GObject.Object {
    constructor(fd = -1, ticks = 0) {
        super();
        this.fd = fd;
        this.deadline = GLib.get_monotonic_time() + ticks * unit * 1000;
        this.coro = null;
    }

    vfunc_get_future() {      // for GCoro tasks: the GLib main loop settles it
        const promise = GCoro.Promise.new();
        const settle = () => {
            promise.resolve(null);
            return GLib.SOURCE_REMOVE;
        };
        if (this.fd >= 0)
            GLib.unix_fd_add_full(0, this.fd, GLib.IOCondition.IN, settle);
        else
            GLib.timeout_add(0, Math.max(0, this.deadline - GLib.get_monotonic_time()) / 1000, settle);
        return promise;
    }
});

function miniLoopRun(ready) {
    let waiting = [];
    for (;;) {
        for (const coro of ready) {               // run until it waits again (or returns)
            const [ok, wait] = coro.next();
            if (ok) {
                wait.coro = coro;
                waiting.push(wait);
            }
        }
        if (waiting.length === 0)
            return;

        // fd waits first, then by deadline; sleep in poll() until the fd is
        // readable or the earliest deadline.
        waiting.sort((x, y) => (y.fd >= 0) - (x.fd >= 0) || x.deadline - y.deadline);
        const fdWaits = waiting.filter(w => w.fd >= 0);
        if (fdWaits.length > 1)
            throw new Error('this mini loop lets one coroutine at a time wait for an fd');
        const pollfd = new GLib.PollFD({fd: fdWaits[0]?.fd ?? -1, events: GLib.IOCondition.IN});
        const timer = waiting.find(w => w.fd < 0);
        let now = GLib.get_monotonic_time();
        GLib.poll(pollfd, 1, timer ? Math.max(0, Math.ceil((timer.deadline - now) / 1000)) : -1);

        // Wake whoever's wait is over, in that order.
        now = GLib.get_monotonic_time();
        const over = w => w.fd >= 0 ? pollfd.revents !== 0 : w.deadline <= now;
        ready = waiting.filter(over).map(w => w.coro);
        waiting = waiting.filter(w => !over(w));
    }
}

// A connected pair of sockets, our pipe.
const listener = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP);
listener.bind(Gio.InetSocketAddress.new_from_string('127.0.0.1', 0), true);
listener.listen();
const pipeW = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP);
pipeW.connect(listener.get_local_address(), null);
const pipeR = listener.accept(null);
listener.close();

function* countdown(name, count, ticks) {
    for (let i = count; i > 0; i--) {
        print(`${name}: ${i}`);
        yield new MiniWait(-1, ticks);
    }
    print(`${name}: done`);
}

function* writer() {
    yield new MiniWait(-1, 7);
    print('writer: writing');
    pipeW.send(new TextEncoder().encode('hello'), null);
}

function* reader() {
    print('reader: waiting for the pipe');
    yield new MiniWait(pipeR.get_fd());
    const bytes = new Gio.UnixInputStream({fd: pipeR.get_fd(), close_fd: false}).read_bytes(15, null);
    print(`reader: got '${new TextDecoder().decode(bytes.toArray())}'`);
}

// In ticks: A prints at 0, 4, 8 and ends at 12; B at 0, 5 and ends at 10;
// the writer writes at 7 and the reader wakes up right after.
miniLoopRun([countdown('A', 3, 4), countdown('B', 2, 5), writer(), reader()].map(g => Coro.generator(g)));
print('mini loop: all coroutines finished');

Coro.run(function* () {
    yield new MiniWait(-1, 2);
    print('a GCoro task awaited a MiniWait too');
});
pipeR.close();
pipeW.close();
