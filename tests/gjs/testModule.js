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

// --- JavaScript values cross GCoro futures unchanged ---------------------------

test('spawnAsync settles with values no GValue can hold, the very same objects', () => {
    const values = [[1, 2, 3], new Uint8Array([1, 2, 3]), {answer: 42}, () => 42,
        Symbol('s'), undefined, null, 'text', 7];
    for (const v of values) {
        const task = Coro.spawnAsync(async () => {
            await Coro.yieldNow();
            return v;
        });
        const s = settled(task);
        assert(s.value === v, `got ${String(s.value)} for ${String(v)}`);
        assertEqual(task.get_state(), GCoro.FutureState.RESOLVED, String(v));
        assert(Coro.run(task) === v, `Coro.run() gives back ${String(v)}`);
    }
});

test('a C waiter sees a JS-valued task settle', () => {
    const array = [1, 2];
    const task = Coro.spawnAsync(async () => array);
    const all = GCoro.all([task], GCoro.AllFlags.DEFAULT);
    GCoro.run_until_complete(all);
    assertEqual(all.get_state(), GCoro.FutureState.RESOLVED);
    assertEqual(task.get_value(), [true, null]);   // C: no value for an array
    assert(Coro.run(task) === array);
});

test('a generator task returns any JavaScript value', () => {
    const bytes = new Uint8Array([7, 8]);
    assert(Coro.run(function* () {
        yield Coro.yieldNow();
        return bytes;
    }) === bytes);
    const obj = {a: [1]};
    const inner = Coro.spawn(function* () {
        return obj;
    });
    assert(Coro.run(function* () {
        return yield inner;
    }) === obj, 'a generator awaiting a generator task gets the object');
});

// --- generator tasks yield thenables ----------------------------------------------

test('a generator task yields JavaScript promises and thenables', () => {
    const order = [];
    const value = Coro.run(function* () {
        const a = yield new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            resolve([1, 2]);
            return GLib.SOURCE_REMOVE;
        }));
        order.push('promise');
        const b = yield {
            then(resolve) {
                order.push('then called');
                resolve('from a thenable');
            },
        };
        order.push('thenable');
        const c = yield (async () => {
            await Coro.sleep(1);
            return 'async';
        })();
        return [a, b, c];
    });
    assertEqual(value, [[1, 2], 'from a thenable', 'async']);
    assertEqual(order, ['promise', 'then called', 'thenable']);
});

test('a rejected promise is thrown into the generator as the same object', () => {
    const err = new SyntaxError('bad');
    const seen = Coro.run(function* () {
        try {
            yield Promise.reject(err);
        } catch (e) {
            return e;
        }
        return null;
    });
    assert(seen === err, `caught ${seen}`);
});

test('a generator task yields promisified calls', () => {
    const q = GCoro.Queue.new(0);
    const value = Coro.run(function* () {
        const got = q.get_async(null);
        yield q.put_async('item', null);
        const [item] = yield got;
        return item;
    });
    assertEqual(value, 'item');
});

test('yielding what cannot be awaited throws a TypeError at the yield', () => {
    const seen = Coro.run(function* () {
        try {
            yield 42;
        } catch (e) {
            return e instanceof TypeError;
        }
        return false;
    });
    assertEqual(seen, true);
});

// --- errors keep their identity ---------------------------------------------------

function thrower() {
    throw new TypeError('thrown in thrower');
}

test('a spawnAsync error reaches JavaScript as the same object, stack and all', () => {
    let err = null;
    const task = Coro.spawnAsync(async () => {
        await Coro.yieldNow();
        try {
            thrower();
        } catch (e) {
            err = e;
            throw e;
        }
    });
    const s = settled(task);
    assert(s.error === err, `got ${s.error}`);
    assert(s.error.stack.includes('thrower'), s.error.stack);
    // C sees a GLib.Error naming the type and message.
    try {
        task.get_value();
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, GCoro.Error, GCoro.Error.FAILED);
        assertEqual(e.message, 'TypeError: thrown in thrower');
    }
});

test('a generator task error reaches generator and async awaiters as the same object', () => {
    let err = null;
    const task = Coro.spawn(function* () {
        yield Coro.yieldNow();
        err = new EvalError('from a generator');
        throw err;
    });
    const fromGenerator = Coro.run(function* () {
        try {
            yield task;
        } catch (e) {
            return e;
        }
        return null;
    });
    assert(fromGenerator === err, `generator got ${fromGenerator}`);
    assert(settled(task).error === err, 'an async awaiter gets the same object');
    assert(err.stack.includes('testModule.js'), err.stack);
    // A group (C) sees the GLib.Error.
    const group = GCoro.TaskGroup.new();
    group.add(task);
    assertEqual(group.get_errors().map(e => e.message), ['EvalError: from a generator']);
});

test('a GLib.Error thrown in a task is the same object for JavaScript', () => {
    const err = new GLib.Error(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'not here');
    const s = settled(Coro.spawnAsync(async () => {
        throw err;
    }));
    assert(s.error === err);
});

test('a failed task nobody awaits logs a warning with its name and error', () => {
    const here = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);
    const child = GLib.build_filenamev([here, 'failedTaskChild.js']);
    const gjs = GLib.getenv('GJS') ?? GLib.find_program_in_path('gjs');
    const proc = Gio.Subprocess.new([gjs, '-m', child],
        Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
    const [, out, err] = proc.communicate_utf8(null, null);
    assert(proc.get_successful(), `the child failed: ${err}`);
    assertEqual(out.trim(), 'child done');
    assert(err.includes("Task 'lost-generator' failed and its error was never retrieved: RangeError: nobody saw this"), err);
    assert(err.includes("Task 'lost-async' failed and its error was never retrieved: TypeError: nor this"), err);
    assert(!err.includes("'seen-generator'"), `an awaited task is not reported: ${err}`);
    assert(!err.includes("'seen-async'"), `an awaited task is not reported: ${err}`);
    assert(!err.includes("'cancelled-task'"), `a cancelled task is not reported: ${err}`);
});

run();
