// Every _async function of the GIR is promisified by gcoro.js (ES module):
// the list is read from GCoro-1.0.gir here, independently of the module's
// own GIRepository enumeration, and each function is called without a
// callback and must give a Promise that settles.
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, iterateUntil, run} = imports.harness;

// --- the GIR, read as text -------------------------------------------------------

// [{container, name, isStatic}] of every introspectable `_async` function or
// method with a `_finish` twin in the same container ('' = the namespace).
function girAsyncFunctions() {
    const path = GLib.getenv('GCORO_GIR');
    assert(path !== null, 'GCORO_GIR names build/introspection/GCoro-1.0.gir');
    const [, bytes] = GLib.file_get_contents(path);
    const text = new TextDecoder().decode(bytes);
    const tags = /<(\/?)(namespace|class|interface|record|union|method|function|constructor|virtual-method)\b([^>]*?)(\/?)>/g;
    const stack = [];
    const byContainer = new Map();
    for (const [, closing, tag, attrs, selfClosing] of text.matchAll(tags)) {
        if (closing) {
            stack.pop();
            continue;
        }
        const name = /\bname="([^"]*)"/.exec(attrs)?.[1] ?? '';
        const introspectable = !/\bintrospectable="0"/.test(attrs);
        const node = {tag, name, introspectable: introspectable && (stack.at(-1)?.introspectable ?? true)};
        if (tag === 'method' || tag === 'function') {
            const container = [...stack].reverse().find(n => n.tag !== 'method' && n.tag !== 'function');
            const key = container.tag === 'namespace' ? '' : container.name;
            if (!byContainer.has(key))
                byContainer.set(key, []);
            byContainer.get(key).push({...node, isStatic: tag === 'function'});
        }
        if (!selfClosing)
            stack.push(node);
    }
    const found = [];
    for (const [container, fns] of byContainer) {
        for (const fn of fns) {
            if (!fn.introspectable || !fn.name.endsWith('_async'))
                continue;
            const finish = `${fn.name.slice(0, -'_async'.length)}_finish`;
            if (fns.some(f => f.name === finish && f.introspectable))
                found.push({container, name: fn.name, isStatic: fn.isStatic});
        }
    }
    return found;
}

const label = f => f.container ? `${f.container}.${f.name}` : f.name;

// --- an instance of every class with _async methods --------------------------------

// A connected pair over loopback TCP (GJS has no socketpair).
function streamPair() {
    const listener = new Gio.SocketListener();
    const want = new Gio.InetSocketAddress({address: Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), port: 0});
    const [, bound] = listener.add_address(want, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP, null);
    const c = new Gio.SocketClient({enable_proxy: false}).connect(bound, null);
    const [s] = listener.accept(null);
    listener.close();
    return [GCoro.Stream.new(c), GCoro.Stream.new(s)];
}

const cleanups = [];

const INSTANCES = {
    Barrier: () => GCoro.Barrier.new(2),
    Condition: () => {
        const cond = GCoro.Condition.new(null);
        assert(cond.get_lock().try_acquire());   // wait needs the lock held
        return cond;
    },
    Event: () => GCoro.Event.new(),
    Future: () => GCoro.Promise.new(),
    Generator: () => {
        const gen = Coro.generator([1, 2]);
        cleanups.push(() => gen.close());   // GJS cannot close it at exit
        return gen;
    },
    Lock: () => {
        const lock = GCoro.Lock.new();
        assert(lock.try_acquire());
        return lock;
    },
    Queue: () => GCoro.Queue.new(1),
    Semaphore: () => GCoro.Semaphore.new(0),
    Stream: () => {
        const [a, b] = streamPair();
        cleanups.push(() => b.close_async(null, null));
        return a;
    },
    StreamServer: () => {
        const server = GCoro.StreamServer.new();
        server.connect('incoming', () => null);
        server.listen_tcp('127.0.0.1', 0);
        server.start();
        cleanups.push(() => server.close());
        return server;
    },
    TaskGroup: () => {
        const group = GCoro.TaskGroup.new();
        group.add(GCoro.Promise.new());
        return group;
    },
    TaskRunner: () => {
        const runner = GCoro.TaskRunner.new();
        runner.add_future(GCoro.Promise.new());
        return runner;
    },
    Worker: () => {
        const worker = GCoro.Worker.new('promisify-test');
        cleanups.push(() => worker.stop());
        return worker;
    },
};

// The arguments before the cancellable, where there are any.
const ARGS = {
    'sleep_async': [1],
    'Queue.put_async': ['item'],
    'Stream.read_async': [1],
    'Stream.connect_async': [null, new Gio.InetSocketAddress({address: Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), port: 1})],
    'Stream.connect_tcp_async': ['127.0.0.1', 1],
    'Stream.connect_tls_async': ['127.0.0.1', 1, null],
    'Stream.connect_unix_async': ['/nonexistent/glib-coro.sock'],
    'Stream.read_until_async': [new TextEncoder().encode('\n')],
    'Stream.read_exactly_async': [1],
};

// --- tests ------------------------------------------------------------------------

const fromGir = girAsyncFunctions();

test('the GIR has _async functions, methods and static functions', () => {
    const labels = fromGir.map(label);
    for (const expected of ['sleep_async', 'Lock.acquire_async', 'Stream.connect_tcp_async',
        'StreamServer.wait_closed_async', 'Worker.stop_async'])
        assert(labels.includes(expected), `${expected} in ${labels}`);
    assert(fromGir.find(f => f.name === 'connect_tcp_async').isStatic);
    assert(!labels.includes('operation_start_async'), 'not introspectable, no _finish twin');
});

test('the module promisifies exactly the GIR\'s _async functions', () => {
    assertEqual(Coro.promisifiedFunctions().sort(), fromGir.map(label).sort());
});

test('each, called without a callback, returns a Promise that settles', () => {
    const cancelled = new Gio.Cancellable();
    cancelled.cancel();
    const pending = [];
    for (const f of fromGir) {
        let self;
        if (!f.container) {
            self = GCoro;
        } else if (f.isStatic) {
            self = GCoro[f.container];
        } else {
            const make = INSTANCES[f.container];
            assert(make, `testPromisify.js needs an instance of GCoro.${f.container} (add it to INSTANCES)`);
            self = make();
        }
        let p;
        try {
            p = self[f.name](...ARGS[label(f)] ?? [], cancelled);
        } catch (e) {
            throw new Error(`${label(f)}: ${e} (add its arguments to ARGS)`);
        }
        assert(p instanceof Promise, `${label(f)} returned ${p}`);
        const state = {name: label(f), done: false};
        p.then(() => (state.done = true), () => (state.done = true));
        pending.push(state);
    }
    iterateUntil(() => pending.every(s => s.done),
        `the promises of ${pending.filter(s => !s.done).map(s => s.name)}`);
    cleanups.forEach(c => c());
});

test('static functions work unbound and take the cancellable from their place', () => {
    const {sleep_async: sleepAsync} = GCoro;
    const state = {done: false};
    sleepAsync(1, null).then(v => Object.assign(state, {done: true, value: v}));
    iterateUntil(() => state.done);
    assertEqual(state.value, true);
});

run();
