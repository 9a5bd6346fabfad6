// The task runner from GJS.
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, assertGError, call, run} = imports.harness;
const {GCoro, Gio} = imports.gi;

test('callbacks and futures, outcomes in order', () => {
    const runner = GCoro.TaskRunner.new();
    const log = [];
    const started = GCoro.Promise.new();
    GCoro.sleep_async(1, null, (s, r) => {
        GCoro.sleep_finish(r);
        log.push('slept');
        started.resolve_string('woke');
    });
    runner.add_future(started);
    runner.add_callback(() => log.push('callback'));
    const failing = GCoro.Promise.new();
    failing.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'missing');
    runner.add_future(failing);
    try {
        runner.run_until_complete();
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND);
    }
    assertEqual(log, ['callback', 'slept']);
    const futures = runner.get_futures();
    assertEqual(futures[0].get_value(), [true, 'woke']);
    assertEqual(futures[2].get_state(), GCoro.FutureState.REJECTED);
});

test('run returns a future', () => {
    const runner = GCoro.TaskRunner.new();
    const hits = [];
    runner.add_callback(() => hits.push(1));
    const f = runner.run();
    assertEqual(hits, []);
    assert(GCoro.run_until_complete(f));
    assertEqual(hits, [1]);
});

test('run_async and run_sync', () => {
    const runner = GCoro.TaskRunner.new();
    const hits = [];
    runner.add_callback(() => hits.push('async'));
    const c = call(runner.run_async.bind(runner), runner.run_finish.bind(runner)).wait();
    assertEqual(c.result, true);
    const blocking = GCoro.TaskRunner.new();
    blocking.add_callback(() => hits.push('sync'));
    assert(blocking.run_sync(null));
    assertEqual(hits, ['async', 'sync']);
});

run();
