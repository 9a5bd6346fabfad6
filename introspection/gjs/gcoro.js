// gcoro.js: glib-coro for GJS (ES module)
//
// Copyright 2026 The glib-coro authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   import GCoro from 'gi://GCoro?version=1.0';
//   import * as Coro from 'resource or path/gcoro.js';
//
//   const value = await future;               // every GCoro.Future is a thenable
//   await Coro.sleep(100);                    // the scheduler's timer heap
//   await lock.acquire_async(null);           // _async methods return promises
//   const task = Coro.spawn(function* () {    // a generator as a GCoro task:
//       const v = yield someFuture;           //   yields futures, gets values,
//       return v + 1;                         //   cancellation thrown at the yield
//   });
//   const result = Coro.run(task);            // asyncio.run() from plain code
//
// Generators run as stepped tasks: each step on the main thread's stack
// (never on a fiber, never on a worker thread), from the scheduler of the
// thread-default GMainContext. JavaScript async functions are awaited the
// JavaScript way (futures are thenables); Coro.spawnAsync() wraps one in a
// GCoro.Promise so C code and task groups can wait for it.

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

// --- futures are thenables ---------------------------------------------------

function futureThen(onResolved, onRejected) {
    return new Promise((resolve, reject) => {
        this.wait_async(null, (future, result) => {
            try {
                const [, value] = future.wait_finish(result);
                resolve(value);
            } catch (e) {
                reject(e);
            }
        });
    }).then(onResolved, onRejected);
}

if (!GCoro.Future.prototype.then)
    GCoro.Future.prototype.then = futureThen;

// Every GCoro.Awaitable (events, GCoro.CancellableAwaitable, JavaScript
// classes implementing the interface with vfunc_get_future()) is a
// thenable too: awaiting it awaits the future it gives.
if (!GCoro.Awaitable.prototype.then) {
    GCoro.Awaitable.prototype.then = function (onResolved, onRejected) {
        return futureThen.call(this.get_future(), onResolved, onRejected);
    };
}

// --- generators are iterators --------------------------------------------------

// for (const x of gen): each item runs the body synchronously; leaving the
// loop early closes the generator (its body runs its cleanup).
GCoro.Generator.prototype[Symbol.iterator] = function* () {
    try {
        for (;;) {
            const [ok, value] = this.next();
            if (!ok)
                return;
            yield value;
        }
    } finally {
        if (!this.is_finished())
            this.close();
    }
};

function isExhausted(e) {
    return e instanceof GLib.Error && e.matches(GCoro.error_quark(), GCoro.Error.EXHAUSTED);
}

// for await (const x of gen): each item is a future; the body may await.
GCoro.Generator.prototype[Symbol.asyncIterator] = async function* () {
    try {
        for (;;) {
            let value;
            try {
                value = await this.next_future();
            } catch (e) {
                if (isExhausted(e))
                    return;
                throw e;
            }
            yield value;
        }
    } finally {
        if (!this.is_finished())
            this.close();
    }
};

// --- promisified _async/_finish pairs -----------------------------------------

const PAIRS = [
    [GCoro.Future.prototype, 'wait'],
    [GCoro.Event.prototype, 'wait'],
    [GCoro.Lock.prototype, 'acquire'],
    [GCoro.Semaphore.prototype, 'acquire'],
    [GCoro.Condition.prototype, 'wait'],
    [GCoro.Queue.prototype, 'put'],
    [GCoro.Queue.prototype, 'get'],
    [GCoro.Barrier.prototype, 'wait'],
    [GCoro.TaskGroup.prototype, 'wait'],
    [GCoro.TaskRunner.prototype, 'run'],
    [GCoro.Stream.prototype, 'read_line'],
    [GCoro.Stream.prototype, 'read'],
    [GCoro.Stream.prototype, 'drain'],
    [GCoro.Stream.prototype, 'close'],
];
for (const [proto, name] of PAIRS)
    Gio._promisify(proto, `${name}_async`, `${name}_finish`);
// The module-level sleep/yield pairs are offered as futures below
// (sleep(), yieldNow(), idleYield()), which are thenables too.

// --- helpers --------------------------------------------------------------------

/** A GCoro future that resolves after @msec milliseconds. */
export function sleep(msec) {
    return futureOf(GCoro.sleep_async, GCoro.sleep_finish, msec);
}

/** asyncio.sleep(0): a future resolved after the other ready sources. */
export function yieldNow() {
    return futureOf(GCoro.yield_async, GCoro.yield_finish);
}

/** A future resolved once nothing of a higher priority (drawing) is pending. */
export function idleYield() {
    return futureOf(GCoro.idle_yield_async, GCoro.idle_yield_finish);
}

function futureOf(start, finish, ...args) {
    const promise = GCoro.Promise.new();
    start(...args, null, (source, result) => {
        try {
            finish(result);
            promise.resolve(null);
        } catch (e) {
            promise.reject(e);
        }
    });
    return promise;
}

function toError(e) {
    if (e instanceof GLib.Error)
        return e;
    return new GLib.Error(GCoro.error_quark(), GCoro.Error.FAILED, `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
}

/**
 * Runs a generator function (or generator) as a GCoro task: it yields
 * GCoro futures and receives their values; errors and cancellation are
 * thrown into it at the yield. Returns the GCoro.Task.
 */
export function spawn(generator, name = null) {
    const gen = typeof generator === 'function' ? generator() : generator;
    if (!gen || typeof gen.next !== 'function')
        throw new TypeError('Coro.spawn() needs a generator function or generator');

    return GCoro.spawn_stepped(name, (task, completed) => {
        let step;
        try {
            if (completed === null) {
                step = gen.next();
            } else {
                let value, error = null;
                try {
                    [, value] = completed.get_value();
                } catch (e) {
                    error = e;
                }
                step = error ? gen.throw(error) : gen.next(value);
            }
        } catch (e) {
            task.return_error(toError(e));
            return null;
        }
        if (step.done) {
            if (step.value !== undefined && step.value !== null)
                task.return_value(step.value);
            return null;
        }
        if (step.value instanceof GCoro.Awaitable && !(step.value instanceof GCoro.Future))
            return step.value.get_future();
        if (!(step.value instanceof GCoro.Future)) {
            task.return_error(toError(new TypeError(
                `a GCoro task can only yield GCoro futures, not ${typeof step.value}`)));
            return null;
        }
        return step.value;
    });
}

/**
 * Runs a JavaScript async function and returns a GCoro.Promise settled with
 * its outcome, so that C code, task groups and combinators can wait for it.
 */
export function spawnAsync(asyncFunction) {
    const promise = GCoro.Promise.new();
    asyncFunction().then(
        value => promise.resolve(value === undefined ? null : value),
        e => promise.reject(toError(e)));
    return promise;
}

/**
 * Runs a task, a future or a generator function to completion from plain
 * code (iterating the thread-default context) and returns its value, or
 * throws its GLib.Error.
 */
export function run(work, name = null) {
    const future = work instanceof GCoro.Future ? work : spawn(work, name);
    GCoro.run_until_complete(future);
    const [, value] = future.get_value();
    return value;
}

// --- JavaScript generators as GCoro generators -------------------------------------

function syncStep(it) {
    return gen => {
        if (gen.is_closing()) {
            it.return?.();
            return null;
        }
        let r;
        try {
            r = it.next();
        } catch (e) {
            gen.return_error(toError(e));
            return null;
        }
        if (r.done)
            return null;
        gen.emit(r.value);
        return null;
    };
}

// An async iterator's next() is a JavaScript promise: the step waits for a
// GCoro.Promise settled by it, then emits what it gave.
function asyncStep(it) {
    let waiting = null;   // {promise, result, error} of the item in progress
    return (gen, completed) => {
        if (gen.is_closing()) {
            it.return?.();
            return null;
        }
        if (completed === null) {
            const w = {promise: GCoro.Promise.new(), result: null, error: null};
            waiting = w;
            it.next().then(r => {
                w.result = r;
                w.promise.resolve(null);
            }, e => {
                w.error = e;
                w.promise.resolve(null);
            });
            return w.promise;
        }
        const w = waiting;
        waiting = null;
        if (completed !== w.promise) {
            // Cancelled while waiting (a cancelled future stands in).
            it.return?.();
            try {
                completed.get_value();
            } catch (e) {
                gen.return_error(toError(e));
            }
            return null;
        }
        if (w.error !== null) {
            gen.return_error(toError(w.error));
            return null;
        }
        if (w.result.done)
            return null;
        gen.emit(w.result.value);
        return null;
    };
}

/**
 * Makes a GCoro.Generator of a JavaScript iterable, generator or async
 * generator (or a function returning one). Its items are consumed from C,
 * Python or JavaScript like those of any GCoro.Generator; closing it
 * returns the JavaScript generator (running its finally blocks).
 */
export function generator(source, name = null) {
    const it0 = typeof source === 'function' ? source() : source;
    let step;
    if (it0 && typeof it0[Symbol.asyncIterator] === 'function' && typeof it0[Symbol.iterator] !== 'function')
        step = asyncStep(it0[Symbol.asyncIterator]());
    else
        step = syncStep(it0[Symbol.iterator]());
    const gen = GCoro.Generator.new_stepped(step);
    if (name !== null)
        gen.set_name(name);
    return gen;
}
