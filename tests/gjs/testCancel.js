// Cancelling a GJS task cancels what it waits on, and leaves nothing taken;
// callbacks of glib-coro's _async functions run in the context they were
// started in. Each case runs with a generator task (Coro.spawn) and with an
// async function task (Coro.spawnAsync). ES module.
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import Gio from 'gi://Gio';
import * as Coro from '../../introspection/gjs/gcoro.js';

const {test, assert, assertEqual, assertGError, iterateUntil, run} = imports.harness;

const {CANCELLED} = GCoro.FutureState;

// Two ways to write "a task that does this wait": wait(cancellable) starts a
// promisified call; log records 'waiting' once it has been started.
const STYLES = {
    generator: (wait, log) => Coro.spawn(function* () {
        log.push('waiting');
        try {
            yield wait(null);          // the task's cancellable, implicitly
            log.push('done');
        } catch (e) {
            log.push(e.matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED) ? 'cancelled' : `error ${e}`);
            throw e;
        } finally {
            log.push('ended');
        }
    }),
    async: (wait, log) => Coro.spawnAsync(async cancellable => {
        log.push('waiting');
        try {
            await wait(cancellable);   // JS async functions pass it explicitly
            log.push('done');
        } catch (e) {
            log.push(e.matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED) ? 'cancelled' : `error ${e}`);
            throw e;
        } finally {
            log.push('ended');
        }
    }),
};

// Starts the task, waits until its wait has begun, cancels it, and waits
// until the task has settled.
function cancelWhileWaiting(style, wait) {
    const log = [];
    const task = STYLES[style](wait, log);
    iterateUntil(() => log.includes('waiting'), 'the task starting its wait');
    task.cancel();
    iterateUntil(() => task.is_done(), 'the cancelled task');
    assertEqual(task.get_state(), CANCELLED);
    return {task, log};
}

for (const style of Object.keys(STYLES)) {
    test(`${style}: a task cancelled in Semaphore.acquire leaks no permit`, () => {
        const sem = GCoro.Semaphore.new(1);
        assert(sem.try_acquire());
        const {log} = cancelWhileWaiting(style, c => sem.acquire_async(c));
        assertEqual(log, ['waiting', 'cancelled', 'ended']);
        sem.release();
        assertEqual(sem.get_value(), 1, 'the permit is back:');
        assert(sem.try_acquire());
    });

    test(`${style}: a task cancelled in Queue.get loses no item`, () => {
        const q = GCoro.Queue.new(0);
        cancelWhileWaiting(style, c => q.get_async(c));
        assert(q.try_put('precious'));
        assertEqual(q.get_length(), 1);
        assertEqual(q.try_get(), [true, 'precious']);
    });

    test(`${style}: a task cancelled in Queue.put (full queue) puts nothing`, () => {
        const q = GCoro.Queue.new(1);
        assert(q.try_put('first'));
        cancelWhileWaiting(style, c => q.put_async('never', c));
        assertEqual(q.try_get(), [true, 'first']);
        assertEqual(q.get_length(), 0);
        assertEqual(q.try_get()[0], false);
    });

    test(`${style}: a task cancelled in Lock.acquire does not take the lock`, () => {
        const lock = GCoro.Lock.new();
        assert(lock.try_acquire());
        cancelWhileWaiting(style, c => lock.acquire_async(c));
        lock.release();
        assert(!lock.is_locked());
        assert(lock.try_acquire());
        lock.release();
    });

    test(`${style}: cancelling a task awaiting TaskGroup.wait cancels and awaits the members`, () => {
        const group = GCoro.TaskGroup.new();
        const ended = [];
        const members = [0, 1].map(i => Coro.spawn(function* () {
            try {
                yield GCoro.Promise.new();   // never settles by itself
            } finally {
                ended.push(i);
            }
        }, `member-${i}`));
        members.forEach(m => group.add(m));
        let atWaitEnd = null;   // what the group wait's end saw
        const {log} = cancelWhileWaiting(style, c => {
            const w = group.wait_async(c);
            w.catch(() => {
                atWaitEnd = {states: members.map(m => m.get_state()), ended: [...ended]};
            });
            return w;
        });
        iterateUntil(() => atWaitEnd !== null, 'the group wait');
        assertEqual(atWaitEnd.states, [CANCELLED, CANCELLED], 'members when the wait ended:');
        assertEqual(atWaitEnd.ended.sort(), [0, 1], 'members had run their cleanup:');
        assertEqual(group.get_n_pending(), 0);
        assert(log.includes('cancelled'), log);
    });

    test(`${style}: with_timeout ends the inner work before reporting`, () => {
        const q = GCoro.Queue.new(0);
        const log = [];
        const inner = STYLES[style](c => q.get_async(c), log);
        iterateUntil(() => log.includes('waiting'), 'the inner task starting its wait');
        const order = [];
        const timed = inner.with_timeout(1);
        const outer = Coro.spawn(function* () {
            try {
                yield timed;
            } catch (e) {
                order.push(`reported ${e.code === Gio.IOErrorEnum.TIMED_OUT ? 'TIMED_OUT' : e}`);
                order.push(`inner was ${inner.is_done() ? 'done' : 'still running'}`);
                order.push(`inner log ${log.join(',')}`);
            }
        });
        iterateUntil(() => outer.is_done(), 'the timed wait');
        assertEqual(order, ['reported TIMED_OUT', 'inner was done', 'inner log waiting,cancelled,ended']);
        assertEqual(inner.get_state(), CANCELLED);
        assert(q.try_put('kept'));
        assertEqual(q.get_length(), 1, 'the inner get took nothing:');
    });
}

test('generator: Coro.futureOf() with no cancellable is cancelled with the task', () => {
    const q = GCoro.Queue.new(0);
    const log = [];
    const task = Coro.spawn(function* () {
        log.push('waiting');
        yield Coro.futureOf(q.get_async.bind(q), q.get_finish.bind(q));
    });
    iterateUntil(() => log.length > 0);
    task.cancel();
    iterateUntil(() => task.is_done());
    assertEqual(task.get_state(), CANCELLED);
    assert(q.try_put('kept'));
    assertEqual(q.try_get(), [true, 'kept']);
});

test('Coro.futureOf() resolves with the _finish value', () => {
    const q = GCoro.Queue.new(0);
    assert(q.try_put([1, 2].length));
    assertEqual(Coro.run(Coro.futureOf(q.get_async.bind(q), q.get_finish.bind(q), null)), 2);
});

// --- callbacks run in the context their call started in ----------------------------

// Three callback-style calls started inside a task with `v` set to a value
// of their own, and `v` changed right after each call:
//   immediate: Queue.get with an item ready (completes at once)
//   later:     Queue.get on an empty queue, an item put from outside later
//   cancelled: Queue.get on an empty queue, its cancellable cancelled later
// Each callback records what it sees, then sets `v` (which must not leak).
function startCalls(v, seen, cancellable, allDone) {
    const ready = GCoro.Queue.new(0);
    assert(ready.try_put('ready'));
    const empty = GCoro.Queue.new(0);
    const blocked = GCoro.Queue.new(0);
    let inCall = false;
    const callback = (name, queue) => (_source, result) => {
        let outcome;
        try {
            outcome = queue.get_finish(result)[1];
        } catch (e) {
            outcome = e.code === Gio.IOErrorEnum.CANCELLED ? 'CANCELLED' : String(e);
        }
        seen[name] = {v: v.get()[1], inCall, outcome};
        v.set(`leaked from ${name}`);
        if (Object.keys(seen).length === 3)
            allDone.resolve_boolean(true);
    };
    const start = (value, name, queue, c) => {
        v.set(value);
        inCall = true;
        queue.get_async(c, callback(name, queue));
        inCall = false;
        v.set(`changed after ${name}`);
    };
    start('immediate start', 'immediate', ready, null);
    start('later start', 'later', empty, null);
    start('cancelled start', 'cancelled', blocked, cancellable);
    return empty;
}

function checkSeen(seen) {
    assertEqual(seen.immediate, {v: 'immediate start', inCall: false, outcome: 'ready'});
    assertEqual(seen.later, {v: 'later start', inCall: false, outcome: 'item'});
    assertEqual(seen.cancelled, {v: 'cancelled start', inCall: false, outcome: 'CANCELLED'});
}

test('generator: _async callbacks see the starting context, and their set() stays there', () => {
    const v = GCoro.ContextVar.new_with_default('cb-var-gen', 'outside');
    const seen = {};
    const cancellable = new Gio.Cancellable();
    const allDone = GCoro.Promise.new();
    let empty = null;
    let after = null;
    const task = Coro.spawn(function* () {
        empty = startCalls(v, seen, cancellable, allDone);
        v.set('task after the calls');
        yield allDone;
        after = v.get()[1];
    });
    iterateUntil(() => seen.immediate !== undefined, 'the immediate completion');
    assertEqual(v.get()[1], 'outside', 'after the immediate callback, outside:');
    assert(empty.try_put('item'));
    cancellable.cancel();
    iterateUntil(() => task.is_done(), 'the task');
    checkSeen(seen);
    assertEqual(after, 'task after the calls', 'the task\'s own context:');
    assertEqual(v.get()[1], 'outside', 'outside the task:');
});

test('spawnAsync: _async callbacks see the starting context, and their set() stays there', () => {
    const v = GCoro.ContextVar.new_with_default('cb-var-async', 'outside');
    const seen = {};
    const cancellable = new Gio.Cancellable();
    const allDone = GCoro.Promise.new();
    let empty = null;
    let after = null;
    const task = Coro.spawnAsync(async () => {
        empty = startCalls(v, seen, cancellable, allDone);
        v.set('task after the calls');
        await allDone;
        // JavaScript carries no task context across await: this runs in
        // the thread's own context, which no callback may have changed.
        after = v.get()[1];
    });
    iterateUntil(() => seen.immediate !== undefined, 'the immediate completion');
    assertEqual(v.get()[1], 'outside', 'after the immediate callback, outside:');
    assert(empty.try_put('item'));
    cancellable.cancel();
    iterateUntil(() => task.is_done(), 'the task');
    assertEqual(task.get_state(), GCoro.FutureState.RESOLVED);
    checkSeen(seen);
    assertEqual(after, 'outside', 'after await, in the thread\'s context:');
    assertEqual(v.get()[1], 'outside', 'outside the task:');
});

test('promisified calls outside any task are not linked to anything', () => {
    assertEqual(Coro.currentTask(), null);
    const sem = GCoro.Semaphore.new(1);
    const s = {done: false};
    sem.acquire_async(null).then(v => Object.assign(s, {done: true, v}));
    iterateUntil(() => s.done);
    assertEqual(s.v, true);
});

test('a generator task sees itself as the current task in its steps', () => {
    let current = null;
    const task = Coro.spawn(function* () {
        current = Coro.currentTask();
        yield Coro.yieldNow();
    });
    Coro.run(task);
    assert(current === task, `currentTask() in a step: ${current}`);
    assert(GCoro.Task.get_current() === null, 'no task outside steps');
});

test('GCoro.Task.get_current() in a generator step (the C library\'s view)', () => {
    let current = null;
    let cancellable;
    const task = Coro.spawn(function* () {
        current = GCoro.Task.get_current();
        cancellable = GCoro.get_cancellable();
        yield Coro.yieldNow();
    });
    Coro.run(task);
    assert(current === task, `GCoro.Task.get_current() in a step: ${current}`);
    assert(cancellable instanceof Gio.Cancellable, 'GCoro.get_cancellable() in a step');
});

test('a spawnAsync task settles only after its function has ended', () => {
    const order = [];
    const q = GCoro.Queue.new(0);
    const task = Coro.spawnAsync(async c => {
        try {
            order.push('waiting');
            await q.get_async(c);
        } catch (e) {
            assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
            await Coro.yieldNow();   // cleanup that awaits
            order.push('cleanup done');
            throw e;
        }
    });
    iterateUntil(() => order.includes('waiting'));
    task.cancel();
    iterateUntil(() => task.is_done());
    assertEqual(order, ['waiting', 'cleanup done']);
    assertEqual(task.get_state(), CANCELLED);
});

run();
