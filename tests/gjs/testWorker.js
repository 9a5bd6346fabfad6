// Workers from GJS. JavaScript runs on the main thread only (GJS blocks a
// JS callback called from another thread, with a critical), so JS never
// passes a function to a worker: it creates, inspects and stops workers
// that C code spawns its task bodies on.
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, call, run} = imports.harness;
const {GCoro, GLib} = imports.gi;

test('a worker runs its own context and scheduler', () => {
    const worker = GCoro.Worker.new('js-worker');
    assertEqual(worker.get_name(), 'js-worker');
    assert(worker.is_running());
    assert(!worker.is_worker_thread());
    const ctx = worker.get_context();
    assert(ctx !== GLib.MainContext.default());
    assert(GCoro.Scheduler.get_for_context(ctx) === worker.get_scheduler());
    assert(worker.get_scheduler() !== GCoro.Scheduler.get_default());
    worker.stop();
    assert(!worker.is_running());
    assertEqual(worker.get_scheduler().get_context(), null);
});

test('stop_async completes on the main loop', () => {
    const worker = GCoro.Worker.new(null);
    assertEqual(worker.get_name(), 'gcoro-worker');
    assertEqual(call(worker.stop_async.bind(worker), worker.stop_finish.bind(worker)).wait().result, true);
    assert(!worker.is_running());
    worker.stop();      // stopping a stopped worker does nothing
});

run();
