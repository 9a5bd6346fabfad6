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
//   await lock.acquire_async(null);           // _async functions return promises
//   const task = Coro.spawn(function* () {    // a generator as a GCoro task:
//       const v = yield someFuture;           //   yields futures or JS promises,
//       return v + 1;                         //   cancellation thrown at the yield
//   });
//   const job = Coro.spawnAsync(async cancellable => {
//       await queue.get_async(cancellable);   // an async function as a GCoro task
//   });
//   const result = Coro.run(task);            // asyncio.run() from plain code
//
// Generators run as stepped tasks: each step on the main thread's stack
// (never on a fiber, never on a worker thread), from the scheduler of the
// thread-default GMainContext. JavaScript async functions are awaited the
// JavaScript way (futures are thenables); Coro.spawnAsync() runs one as a
// GCoro task so C code and task groups can wait for it and cancel it.
//
// NOTES
//
// - JavaScript values stay JavaScript. A future settled from JavaScript
//   (a task's return value or thrown error, a promise bridged to a future)
//   keeps the JS value or error object as an expando of its wrapper; the
//   C side gets what a GValue can hold (nothing for an array or a
//   Uint8Array) and a GLib.Error naming the JS error's type and message.
//   Awaiting it from JavaScript (await, yield, Coro.run) gives back the
//   very same object, stack included. An expando rather than a WeakMap:
//   GJS keeps a wrapper that has expandos alive as long as its GObject, a
//   WeakMap entry would vanish with a collected wrapper.
// - The promisified list comes from introspection (GIRepository): every
//   GCoro function whose name ends in `_async` and that has a `_finish`
//   twin. Nothing to keep in step with the C library by hand.
// - A wait started with a null cancellable while a task is running (a
//   generator task's step, the synchronous start of a spawnAsync function)
//   gets the task's cancellable: cancelling the task cancels the wait, and
//   the C side leaves nothing taken. JavaScript has no ambient task context
//   across `await`, so async functions pass the cancellable spawnAsync gives
//   them to their waits explicitly.
// - spawnAsync returns a task, not a bare promise: cancelling it cancels the
//   function's cancellable, and the task settles only once the function has
//   ended (the step waits for it inside a shield), so whoever waits for it
//   (a task group, with_timeout(), the stream server) never sees it done
//   while its cleanup still runs.

import GCoro from 'gi://GCoro?version=1.0';
import GIRepository from 'gi://GIRepository?version=2.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

// --- outcomes: JavaScript values and errors kept with their futures ------------

const JS_OUTCOME = Symbol.for('gcoro.js-outcome');

function isThenable(x) {
    return x !== null && (typeof x === 'object' || typeof x === 'function') &&
        typeof x.then === 'function';
}

function toError(e) {
    if (e instanceof GLib.Error)
        return e;
    const type = e?.name ?? e?.constructor?.name ?? 'Error';
    const message = e?.message ?? String(e);
    return new GLib.Error(GCoro.error_quark(), GCoro.Error.FAILED, `${type}: ${message}`);
}

// The outcome of a settled future as JavaScript sees it: the JS value or
// error it was settled with from JavaScript if any, else the C one.
function merge(settled, value, error) {
    const js = settled[JS_OUTCOME];
    if (error === null)
        return {ok: true, value: js?.ok ? js.value : value};
    return {ok: false, error: js && !js.ok ? js.error : error};
}

function outcomeOf(settled) {
    let value, error = null;
    try {
        [, value] = settled.get_value();
    } catch (e) {
        error = e;
    }
    return merge(settled, value, error);
}

// Settles a GCoro.Promise from JavaScript. C waiters get the value if a
// GValue can hold it (else none), or a GLib.Error; JS waiters get the
// original.
function settlePromise(promise, outcome) {
    promise[JS_OUTCOME] = outcome;
    let settled;
    if (outcome.ok) {
        const value = outcome.value === undefined ? null : outcome.value;
        try {
            settled = promise.resolve(value);
        } catch {
            settled = promise.resolve(null);   // no GValue for it
        }
    } else {
        settled = promise.reject(toError(outcome.error));
    }
    if (!settled)
        delete promise[JS_OUTCOME];
}

// The same for a task's result (it settles when its step returns null).
function taskReturn(task, value) {
    task[JS_OUTCOME] = {ok: true, value};
    if (value === undefined)
        return;
    try {
        task.return_value(value);
    } catch {
        // No GValue for it: C waiters see a task resolved with no value.
    }
}

function taskFail(task, error) {
    task[JS_OUTCOME] = {ok: false, error};
    task.return_error(toError(error));
}

// --- futures are thenables ---------------------------------------------------

function futureThen(onResolved, onRejected) {
    const self = this;
    return new Promise((resolve, reject) => {
        self.wait_async(null, (_source, result) => {
            let value, error = null;
            try {
                [, value] = self.wait_finish(result);
            } catch (e) {
                error = e;
            }
            const o = merge(self, value, error);
            if (o.ok)
                resolve(o.value);
            else
                reject(o.error);
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

/**
 * The GCoro future of anything awaitable: a GCoro.Future itself, the future
 * of a GCoro.Awaitable, or a GCoro.Promise settled by a JavaScript promise
 * or thenable (awaiting it from JavaScript gives the thenable's own value
 * or error object). Returns null for anything else.
 */
export function future(x) {
    if (x instanceof GCoro.Future)
        return x;
    if (x instanceof GCoro.Awaitable)
        return x.get_future();
    if (!isThenable(x))
        return null;
    const promise = GCoro.Promise.new();
    try {
        x.then(value => settlePromise(promise, {ok: true, value}),
            error => settlePromise(promise, {ok: false, error}));
    } catch (e) {
        settlePromise(promise, {ok: false, error: e});
    }
    return promise;
}

// --- the running task ----------------------------------------------------------

// The task whose step runs right now, as this module knows it; the C
// library's own answer (GCoro.Task.get_current()) comes first.
let stepTask = null;

function inStep(task, fn) {
    const outer = stepTask;
    stepTask = task;
    try {
        return fn();
    } finally {
        stepTask = outer;
    }
}

/** The GCoro task whose step is running, or null. */
export function currentTask() {
    return GCoro.Task.get_current() ?? stepTask;
}

// What a wait started with a null cancellable is cancelled with: the
// running task's (inside a shield, a fresh one that its cancellation
// leaves alone), or none outside any task.
function ambientCancellable() {
    if (GCoro.Task.get_current() !== null)
        return GCoro.get_cancellable();
    return stepTask?.get_cancellable() ?? null;
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

// --- promisified _async/_finish pairs, from introspection ---------------------

const TASK_LINKED = Symbol.for('gcoro.task-linked');

function isCancellableArg(arg) {
    const type = GIRepository.arg_info_get_type(arg);
    if (GIRepository.type_info_get_tag(type) !== GIRepository.TypeTag.INTERFACE)
        return false;
    const iface = GIRepository.type_info_get_interface(type);
    return iface.get_namespace() === 'Gio' && iface.get_name() === 'Cancellable';
}

// The position of the GCancellable among the arguments a JavaScript caller
// passes (GJS hides closures, destroy notifiers, array lengths and out
// arguments), or -1.
function cancellableIndex(fn) {
    const n = GIRepository.callable_info_get_n_args(fn);
    const args = [];
    const hidden = new Set();
    for (let i = 0; i < n; i++) {
        const arg = GIRepository.callable_info_get_arg(fn, i);
        args.push(arg);
        for (const j of [GIRepository.arg_info_get_closure(arg), GIRepository.arg_info_get_destroy(arg)]) {
            if (j >= 0 && j !== i)
                hidden.add(j);
        }
        const type = GIRepository.arg_info_get_type(arg);
        if (GIRepository.type_info_get_tag(type) === GIRepository.TypeTag.ARRAY) {
            const length = GIRepository.type_info_get_array_length(type);
            if (length >= 0)
                hidden.add(length);
        }
        if (GIRepository.arg_info_get_direction(arg) === GIRepository.Direction.OUT)
            hidden.add(i);
    }
    let visible = 0;
    for (let i = 0; i < n; i++) {
        if (hidden.has(i))
            continue;
        if (isCancellableArg(args[i]))
            return visible;
        visible++;
    }
    return -1;
}

// A null (or omitted) cancellable becomes the running task's. Static and
// namespace functions also work unbound (const {sleep_async} = GCoro).
function linkTaskCancellation(holder, asyncName, index, isStatic) {
    const inner = holder[asyncName];
    if (inner[TASK_LINKED])
        return;
    const linked = function (...args) {
        if (index >= 0) {
            if (args.length === index)
                args.push(null);
            if (args[index] === null || args[index] === undefined)
                args[index] = ambientCancellable();
        }
        return inner.apply(isStatic ? holder : this, args);
    };
    linked[TASK_LINKED] = true;
    Object.defineProperty(linked, 'length', {value: holder[`_original_${asyncName}`]?.length ?? inner.length});
    holder[asyncName] = linked;
}

function promisify(holder, fn, hasFinish, isStatic) {
    const asyncName = fn.get_name();
    if (!asyncName.endsWith('_async'))
        return;
    const finishName = `${asyncName.slice(0, -'_async'.length)}_finish`;
    if (!hasFinish(finishName) || typeof holder?.[asyncName] !== 'function' ||
        typeof holder[finishName] !== 'function')
        return;
    Gio._promisify(holder, asyncName, finishName);
    linkTaskCancellation(holder, asyncName, cancellableIndex(fn), isStatic);
    promisified.push(holder === GCoro ? asyncName : `${fn.get_container().get_name()}.${asyncName}`);
}

const promisified = [];

function promisifyMethods(container, n, get, find) {
    const klass = GCoro[container.get_name()];
    for (let i = 0; i < n; i++) {
        const fn = get(container, i);
        const isMethod = GIRepository.function_info_get_flags(fn) & GIRepository.FunctionInfoFlags.IS_METHOD;
        promisify(isMethod ? klass?.prototype : klass, fn, name => find(container, name) !== null, !isMethod);
    }
}

function promisifyNamespace() {
    const repo = GIRepository.Repository.get_default();
    const I = GIRepository.InfoType;
    for (let i = 0, n = repo.get_n_infos('GCoro'); i < n; i++) {
        const info = repo.get_info('GCoro', i);
        switch (info.get_type()) {
        case I.FUNCTION:
            promisify(GCoro, info, name => repo.find_by_name('GCoro', name) !== null, true);
            break;
        case I.OBJECT:
            promisifyMethods(info, GIRepository.object_info_get_n_methods(info),
                GIRepository.object_info_get_method, GIRepository.object_info_find_method);
            break;
        case I.INTERFACE:
            promisifyMethods(info, GIRepository.interface_info_get_n_methods(info),
                GIRepository.interface_info_get_method, GIRepository.interface_info_find_method);
            break;
        case I.STRUCT:
            if (!GIRepository.struct_info_is_gtype_struct(info)) {
                promisifyMethods(info, GIRepository.struct_info_get_n_methods(info),
                    GIRepository.struct_info_get_method, GIRepository.struct_info_find_method);
            }
            break;
        case I.UNION:
            promisifyMethods(info, GIRepository.union_info_get_n_methods(info),
                GIRepository.union_info_get_method, GIRepository.union_info_find_method);
            break;
        }
    }
}

promisifyNamespace();

/**
 * The promisified functions ('Class.name_async' for methods and static
 * functions, 'name_async' for the namespace's), for tests and curious
 * readers.
 */
export function promisifiedFunctions() {
    return [...promisified];
}

// --- helpers --------------------------------------------------------------------

// What a promisified _finish gives, the way Gio._promisify gives it but
// with a single out value unwrapped: (TRUE, value) → value.
function finishValue(result) {
    if (!Array.isArray(result))
        return result;
    if (result.length > 1 && result[0] === true)
        result = result.slice(1);
    return result.length === 1 ? result[0] : result;
}

/**
 * Starts start(...args, cancellable, callback) and returns a GCoro.Promise
 * settled with finish(result). @args may end with the cancellable; a null or
 * missing one is the running task's (see currentTask()).
 */
export function futureOf(start, finish, ...args) {
    const promise = GCoro.Promise.new();
    // start.length counts the callback: the cancellable comes just before.
    const n = start.length > 0 ? start.length - 1 : args.length + 1;
    while (args.length < n)
        args.push(null);
    if (args[n - 1] === null || args[n - 1] === undefined)
        args[n - 1] = ambientCancellable();
    start(...args, (_source, result) => {
        let outcome;
        try {
            outcome = {ok: true, value: finishValue(finish(result))};
        } catch (error) {
            outcome = {ok: false, error};
        }
        settlePromise(promise, outcome);
    });
    return promise;
}

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

function isGenerator(x) {
    return x !== null && typeof x === 'object' &&
        typeof x.next === 'function' && typeof x.throw === 'function';
}

/**
 * Runs a generator function (or generator) as a GCoro task: it yields
 * GCoro futures, GCoro awaitables, JavaScript promises or any thenable, and
 * receives their values; errors (the very objects thrown) and cancellation
 * are thrown into it at the yield. Returns the GCoro.Task, which resolves
 * with what the generator returns (C waiters: when a GValue can hold it)
 * and fails with what it throws.
 */
export function spawn(generator, name = null) {
    const gen = typeof generator === 'function' ? generator() : generator;
    if (!isGenerator(gen))
        throw new TypeError('Coro.spawn() needs a generator function or generator');

    return GCoro.spawn_stepped(name, (task, completed) => {
        let input = completed === null ? {ok: true, value: undefined} : outcomeOf(completed);
        for (;;) {
            let step;
            try {
                step = inStep(task, () => input.ok ? gen.next(input.value) : gen.throw(input.error));
            } catch (e) {
                taskFail(task, e);
                return null;
            }
            if (step.done) {
                taskReturn(task, step.value);
                return null;
            }
            const next = future(step.value);
            if (next !== null)
                return next;
            input = {ok: false, error: new TypeError(
                `a GCoro task yields futures, awaitables or promises, not ${String(step.value)}`)};
        }
    });
}

/**
 * Runs a JavaScript async function as a GCoro task: spawnAsync(fn) calls
 * fn(cancellable) at the task's first step and the task settles with the
 * function's outcome (its own value or error object for JavaScript
 * awaiters). Cancelling the task (future.cancel(), a task group, a
 * timeout) cancels @cancellable: pass it to the function's waits, since
 * JavaScript carries no task across `await`. The task then settles once the
 * function has ended.
 */
export function spawnAsync(asyncFunction, name = null) {
    const cancellable = new Gio.Cancellable();
    const done = GCoro.Promise.new();   // settled by the function's promise
    let shieldOpen = false;

    const task = GCoro.spawn_stepped(name, (t, completed) => {
        if (completed === null) {
            let result;
            try {
                result = inStep(t, () => asyncFunction(cancellable));
            } catch (e) {
                result = Promise.reject(e);
            }
            Promise.resolve(result).then(value => settlePromise(done, {ok: true, value}),
                error => settlePromise(done, {ok: false, error}));
            return done;
        }
        if (completed !== done) {
            // Cancelled: tell the function, and wait for it to end, its
            // awaits unharmed by the task's cancellation (a shield).
            cancellable.cancel();
            if (!done.is_done() && !shieldOpen && typeof t.shield_begin === 'function') {
                t.shield_begin();
                shieldOpen = true;
                return done;
            }
            if (!done.is_done()) {
                taskFail(t, outcomeOf(completed).error);
                return null;
            }
        }
        if (shieldOpen) {
            shieldOpen = false;
            t.shield_end();
        }
        const o = outcomeOf(done);
        if (o.ok)
            taskReturn(t, o.value);
        else
            taskFail(t, o.error);
        return null;
    });
    // Cancel at once, not at the next step: a wait the function started
    // must leave nothing taken before anyone sees the task cancelled.
    task.get_cancellable().connect(() => cancellable.cancel());
    return task;
}

/**
 * Cleanup after cancellation, inside a Coro.spawn() task:
 *
 *     } catch (e) {
 *         yield* Coro.shielded(function* () {
 *             stream.write(bye);
 *             yield stream.drain_async(null);
 *         });
 *         throw e;
 *     }
 *
 * Runs @body (a generator function or generator; or a function returning
 * a promise, awaited) with a shield open on the running task: its awaits
 * and the waits it starts work normally even though the task was
 * cancelled. The task's cancellation comes back at its next await after.
 */
export function* shielded(body) {
    const task = currentTask();
    if (task === null)
        throw new Error('Coro.shielded() runs inside a Coro.spawn() task: yield* Coro.shielded(function* () { ... })');
    task.shield_begin();
    try {
        const work = typeof body === 'function' ? body() : body;
        if (isGenerator(work))
            return yield* work;
        if (future(work) !== null)
            return yield work;
        return work;
    } finally {
        task.shield_end();
    }
}

function isAsyncFunction(f) {
    return Object.prototype.toString.call(f) === '[object AsyncFunction]';
}

/**
 * Runs a task, a future (or awaitable, or JS promise), a generator function
 * or an async function to completion from plain code (iterating the
 * thread-default context) and returns its value, or throws its error.
 */
export function run(work, name = null) {
    let f = future(work);
    if (f === null)
        f = isAsyncFunction(work) ? spawnAsync(work, name) : spawn(work, name);
    try {
        GCoro.run_until_complete(f);
    } catch (e) {
        if (!f.is_done())
            throw e;
    }
    const o = outcomeOf(f);
    if (o.ok)
        return o.value;
    throw o.error;
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
