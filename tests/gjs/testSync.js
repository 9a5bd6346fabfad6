// Event, Lock, Semaphore, Condition, Queue, Barrier, combinators and task
// groups from GJS.
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, assertGError, call, settle, run} = imports.harness;
const {GCoro, Gio} = imports.gi;

function op(obj, name, args = [], cancellable = null) {
    return call(obj[`${name}_async`].bind(obj), obj[`${name}_finish`].bind(obj), args, cancellable);
}

test('event', () => {
    const e = GCoro.Event.new();
    const w = op(e, 'wait');
    settle();
    assert(!w.done);
    e.set();
    assertEqual(w.wait().result, true);
});

test('lock: fifo, cancelled waiter leaves the line', () => {
    const lock = GCoro.Lock.new();
    assert(lock.try_acquire());
    const c = new Gio.Cancellable();
    const a = op(lock, 'acquire'), b = op(lock, 'acquire', [], c), d = op(lock, 'acquire');
    c.cancel();
    assertGError(b.wait().error, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
    lock.release();
    assertEqual(a.wait().result, true);
    assert(!d.done);
    lock.release();
    assertEqual(d.wait().result, true);
    lock.release();
    assert(!lock.is_locked());
});

test('semaphore', () => {
    const sem = GCoro.Semaphore.new(1);
    assertEqual(op(sem, 'acquire').wait().result, true);
    const b = op(sem, 'acquire');
    settle();
    assert(!b.done);
    sem.release();
    assertEqual(b.wait().result, true);
});

test('condition', () => {
    const cond = GCoro.Condition.new(null);
    const lock = cond.get_lock();
    assert(lock.try_acquire());
    const w = op(cond, 'wait');
    settle();
    assert(!lock.is_locked());
    cond.notify_all();
    assertEqual(w.wait().result, true);
    assert(lock.is_locked());
    lock.release();
});

test('queue: values, bound, close', () => {
    const q = GCoro.Queue.new(1);
    assert(q.try_put('a'));
    const blocked = op(q, 'put', [42]);
    settle();
    assert(!blocked.done);
    assertEqual(op(q, 'get').wait().result, [true, 'a']);
    assertEqual(blocked.wait().result, true);
    assertEqual(op(q, 'get').wait().result, [true, 42]);
    q.close();
    assertGError(op(q, 'get').wait().error, GCoro.Error, GCoro.Error.CLOSED);
});

test('barrier', () => {
    const b = GCoro.Barrier.new(2);
    const x = op(b, 'wait');
    settle();
    assert(!x.done);
    const y = op(b, 'wait');
    assertEqual([x.wait().result, y.wait().result].sort(), [0, 1]);
});

test('all, any, race, shield, with_timeout', () => {
    const ps = [GCoro.Promise.new(), GCoro.Promise.new()];
    const all = GCoro.all(ps, GCoro.AllFlags.DEFAULT);
    const any = GCoro.any(ps, false);
    ps[1].resolve_string('b');
    assertEqual(op(any, 'wait').wait().result, [true, 'b']);
    ps[0].resolve_string('a');
    assertEqual(op(all, 'wait').wait().result[0], true);

    const inner = GCoro.Promise.new();
    GCoro.shield(inner).cancel();
    assertEqual(inner.get_state(), GCoro.FutureState.PENDING);
    assertGError(op(inner.with_timeout(5), 'wait').wait().error, Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
    assertEqual(inner.get_state(), GCoro.FutureState.CANCELLED);
});

test('task group', () => {
    const group = GCoro.TaskGroup.new();
    const a = GCoro.Promise.new(), b = GCoro.Promise.new();
    group.add(a);
    group.add(b);
    const w = op(group, 'wait');
    a.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.FAILED, 'a failed');
    assertEqual(w.wait().error.message, 'a failed');
    assertEqual(b.get_state(), GCoro.FutureState.CANCELLED);
    assertEqual(group.get_errors().map(e => e.message), ['a failed']);
});

run();
