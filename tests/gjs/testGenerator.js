// Generators and awaitables from GJS: GCoro.Generator as an iterator and
// async iterator, JavaScript (async) generators as GCoro.Generators, any
// GCoro.Awaitable as a thenable (run with gjs -m).
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, assertGError, iterateUntil, run} = imports.harness;

function settled(promise) {
    const state = {done: false};
    promise.then(v => {
        state.done = true;
        state.value = v;
    }, e => {
        state.done = true;
        state.error = e;
    });
    iterateUntil(() => state.done, 'the JavaScript promise');
    if (state.error)
        throw state.error;
    return state.value;
}

// A user-defined awaitable, implemented in JavaScript.
const Ticket = GObject.registerClass({
    Implements: [GCoro.Awaitable],
}, class Ticket extends GObject.Object {
    _init() {
        super._init();
        this.promise = GCoro.Promise.new();
    }

    vfunc_get_future() {
        return this.promise;
    }
});

test('a generator is a lazy iterator', () => {
    const produced = [];
    const gen = Coro.generator(function* () {
        for (let i = 0; i < 5; i++) {
            produced.push(i);
            yield i;
        }
    }, 'numbers');
    assertEqual(gen.get_name(), 'numbers');
    assertEqual(produced, []);
    assertEqual(gen.next(), [true, 0]);
    assertEqual(produced, [0]);
    assertEqual([...gen], [1, 2, 3, 4]);
    assert(gen.is_finished());
});

test('a pipeline of generators', () => {
    const source = Coro.generator(function* () {
        for (let i = 0; i < 1000; i++)
            yield i;
    });
    const squares = Coro.generator(function* () {
        for (const x of source)
            yield x * x;
    });
    const odd = Coro.generator(function* () {
        for (const x of squares) {
            if (x % 2)
                yield x;
        }
    });
    let sum = 0, expected = 0;
    for (const x of odd)
        sum += x;
    for (let i = 1; i < 1000; i += 2)
        expected += i * i;
    assertEqual(sum, expected);
});

test('leaving a loop early closes the generator and runs its cleanup', () => {
    const log = [];
    const gen = Coro.generator(function* () {
        try {
            for (let i = 0; i < 100; i++)
                yield i;
        } finally {
            log.push('cleanup');
        }
    });
    for (const x of gen) {
        if (x === 2)
            break;
    }
    assertEqual(log, ['cleanup']);
    assert(gen.is_finished());
    assertEqual(gen.next(), [false, null]);
});

test('errors reach the consumer', () => {
    const gen = Coro.generator(function* () {
        yield 1;
        throw new TypeError('bad item');
    });
    assertEqual(gen.next(), [true, 1]);
    try {
        gen.next();
        throw new Error('should have thrown');
    } catch (e) {
        assert(e instanceof GLib.Error && e.message.includes('TypeError: bad item'), `${e}`);
    }
    assertEqual([...gen], []);
});

test('async generators: for await, with awaits between items', () => {
    const gen = Coro.generator(async function* () {
        for (let i = 0; i < 3; i++) {
            await Coro.sleep(1);
            yield i * 10;
        }
    });
    const out = settled((async () => {
        const items = [];
        for await (const v of gen)
            items.push(v);
        return items;
    })());
    assertEqual(out, [0, 10, 20]);
});

test('an async body cannot be iterated synchronously', () => {
    const gen = Coro.generator(async function* () {
        await GCoro.Promise.new();
        yield 1;
    });
    try {
        gen.next();
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
    }
    // Close what you abandon: GJS runs no JavaScript during its shutdown.
    assert(gen.close());
    assert(gen.is_finished());
});

test('a generator task consumes a C-side future of items', () => {
    const gen = Coro.generator([1, 2, 3]);
    const task = Coro.spawn(function* () {
        let sum = 0;
        for (;;) {
            try {
                sum += yield gen.next_future();
            } catch (e) {
                if (e.matches(GCoro.error_quark(), GCoro.Error.EXHAUSTED))
                    return sum;
                throw e;
            }
        }
    });
    assertEqual(Coro.run(task), 6);
});

test('any awaitable is a thenable', () => {
    const out = settled((async () => {
        const event = GCoro.Event.new();
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            event.set();
            return GLib.SOURCE_REMOVE;
        });
        await event;
        const cancellable = new Gio.Cancellable();
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            cancellable.cancel();
            return GLib.SOURCE_REMOVE;
        });
        await GCoro.CancellableAwaitable.new(cancellable);
        const ticket = new Ticket();
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            ticket.promise.resolve_string('admitted');
            return GLib.SOURCE_REMOVE;
        });
        return await ticket;
    })());
    assertEqual(out, 'admitted');
});

test('a generator task yields an awaitable', () => {
    const ticket = new Ticket();
    ticket.promise.resolve_string('in');
    assertEqual(Coro.run(function* () {
        return `${yield ticket}!`;
    }), 'in!');
});

run();
