// The GJS module introspection/gjs/gcoro.js (run with gjs -m).
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, assertGError, settle, iterateUntil, run} = imports.harness;

// Drives a JS promise to settlement by iterating the main context.
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
    return state;
}

test('futures are thenables: await works in async functions', () => {
    const p = GCoro.Promise.new();
    const s = settled((async () => {
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            p.resolve_string('hello');
            return GLib.SOURCE_REMOVE;
        });
        const v = await p;
        await Coro.sleep(1);
        await Coro.yieldNow();
        await Coro.idleYield();
        return `${v}!`;
    })());
    assertEqual(s.value, 'hello!');
});

test('rejected futures throw GLib.Error in async functions', () => {
    const p = GCoro.Promise.new();
    p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'gone');
    const s = settled((async () => {
        await p;
    })());
    assertGError(s.error, Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND);
});

test('promisified primitives', () => {
    const lock = GCoro.Lock.new();
    const q = GCoro.Queue.new(0);
    const s = settled((async () => {
        await lock.acquire_async(null);
        const waiting = q.get_async(null);
        await q.put_async(7, null);
        // Gio._promisify resolves with the out values, without the boolean.
        const [item] = await waiting;
        lock.release();
        return item;
    })());
    assertEqual(s.value, 7);
    assert(!lock.is_locked());
});

test('a generator as a task, run to completion', () => {
    const value = Coro.run(function* () {
        yield Coro.sleep(1);
        const p = GCoro.Promise.new();
        p.resolve_int64(41);
        const v = yield p;
        return v + 1;
    });
    assertEqual(value, 42);
});

test('cancellation is thrown into a generator task', () => {
    const seen = [];
    const task = Coro.spawn(function* () {
        try {
            yield Coro.sleep(60000);
        } catch (e) {
            seen.push(e.code);
            throw e;
        }
    }, 'waiter');
    settle();
    task.cancel();
    try {
        Coro.run(task);
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
    }
    assertEqual(seen, [Gio.IOErrorEnum.CANCELLED]);
});

test('spawnAsync: a JS async function as a future for task groups', () => {
    const group = GCoro.TaskGroup.new();
    group.add(Coro.spawnAsync(async () => {
        await Coro.sleep(1);
        return 'done';
    }));
    group.add(Coro.spawn(function* () {
        yield Coro.yieldNow();
    }));
    const s = settled(group.wait_async(null));
    assertEqual(s.value, true);
});

test('JavaScript exceptions fail the task: C sees their type and message', () => {
    const task = Coro.spawn(function* () {
        yield Coro.yieldNow();
        throw new RangeError('out of range');
    });
    try {
        Coro.run(task);
        throw new Error('should have thrown');
    } catch (e) {
        assert(e instanceof RangeError, `JavaScript gets the RangeError back, not ${e}`);
    }
    // What C (and any GLib.Error reader) sees.
    try {
        task.get_value();
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, GCoro.Error, GCoro.Error.FAILED);
        assert(e.message.includes('RangeError: out of range'), e.message);
    }
});

run();
