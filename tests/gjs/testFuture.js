// Promises and futures from GJS.
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, assertGError, call, settle, run} = imports.harness;
const {GCoro, GLib, GObject, Gio} = imports.gi;

function wait(future, cancellable = null) {
    return call(future.wait_async.bind(future), future.wait_finish.bind(future), [], cancellable).wait();
}

test('values of every kind', () => {
    const obj = new GObject.Object();
    const cases = [
        [p => p.resolve_int64(42), 42],
        [p => p.resolve_string('hello'), 'hello'],
        [p => p.resolve_boolean(true), true],
        [p => p.resolve_double(2.5), 2.5],
    ];
    for (const [resolve, expected] of cases) {
        const p = GCoro.Promise.new();
        assertEqual(p.get_state(), GCoro.FutureState.PENDING);
        resolve(p);
        assertEqual(p.get_value(), [true, expected]);
        assertEqual(wait(p).result, [true, expected]);
    }
    const p = GCoro.Promise.new();
    p.resolve_object(obj);
    assert(wait(p).result[1] === obj, 'the same object comes back');
});

test('reject: domain and code', () => {
    const p = GCoro.Promise.new();
    p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'nope');
    assertEqual(p.get_state(), GCoro.FutureState.REJECTED);
    const {error} = wait(p);
    assertGError(error, Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND);
    assertEqual(error.message, 'nope');
    assert(error.domain === Gio.io_error_quark(), 'the GIO error domain');
});

test('first settle wins', () => {
    const p = GCoro.Promise.new();
    assert(p.resolve_int64(1));
    assert(!p.resolve_int64(2));
    p.cancel();
    assertEqual(p.get_value(), [true, 1]);
});

test('callbacks are deferred and in order', () => {
    const p = GCoro.Promise.new(), q = GCoro.Promise.new();
    const order = [];
    for (const [name, f] of [['p1', p], ['q', q], ['p2', p]])
        f.wait_async(null, (src, res) => order.push(name, src.wait_finish(res)[0]));
    q.resolve_int64(0);
    p.resolve_int64(0);
    assertEqual(order, []);
    settle();
    assertEqual(order, ['q', true, 'p1', true, 'p2', true]);
});

test('cancel the wait, not the future', () => {
    const p = GCoro.Promise.new();
    const c = new Gio.Cancellable();
    const w = call(p.wait_async.bind(p), p.wait_finish.bind(p), [], c);
    c.cancel();
    assertGError(w.wait().error, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
    assertEqual(p.get_state(), GCoro.FutureState.PENDING);
});

test('cancel the future', () => {
    const p = GCoro.Promise.new();
    const w = call(p.wait_async.bind(p), p.wait_finish.bind(p));
    p.cancel();
    assertEqual(p.get_state(), GCoro.FutureState.CANCELLED);
    assertGError(w.wait().error, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
});

test('run_until_complete', () => {
    const p = GCoro.Promise.new();
    GCoro.sleep_async(1, null, (s, r) => {
        GCoro.sleep_finish(r);
        p.resolve_string('ran');
    });
    assert(GCoro.run_until_complete(p));
    assertEqual(p.get_value(), [true, 'ran']);
    const bad = GCoro.Promise.new();
    bad.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.EXISTS, 'exists');
    try {
        GCoro.run_until_complete(bad);
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.EXISTS);
    }
});

run();
