// The scheduler from GJS: sleep, yield, idle-yield, contexts.
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, assertGError, call, iterateUntil, run} = imports.harness;
const {GCoro, GLib, Gio} = imports.gi;

const REDRAW_PRIORITY = GLib.PRIORITY_HIGH_IDLE + 20;

test('one scheduler per context', () => {
    const dflt = GCoro.Scheduler.get_default();
    assert(GCoro.Scheduler.get_for_context(null) === dflt);
    const other = GCoro.Scheduler.get_for_context(new GLib.MainContext());
    assert(other !== dflt);
    assert(dflt.dump().includes('0 live tasks'));
});

test('the frame budget is a property', () => {
    const scheduler = GCoro.Scheduler.get_for_context(new GLib.MainContext());
    if (GLib.getenv('GCORO_FRAME_BUDGET') === null)
        assertEqual(scheduler.frame_budget, 4000);
    scheduler.frame_budget = 0;
    assertEqual(scheduler.get_frame_budget(), 0);
    scheduler.set_frame_budget(2500);
    assertEqual(scheduler.frame_budget, 2500);
});

test('sleep, and cancel a sleep', () => {
    assertEqual(call(GCoro.sleep_async, GCoro.sleep_finish, [1]).wait().result, true);
    const c = new Gio.Cancellable();
    const s = call(GCoro.sleep_async, GCoro.sleep_finish, [60000], c);
    c.cancel();
    assertGError(s.wait().error, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
});

test('sleeps wake in deadline order', () => {
    const order = [];
    for (const ms of [30, 10, 20]) {
        GCoro.sleep_async(ms, null, (src, r) => {
            GCoro.sleep_finish(r);
            order.push(ms);
        });
    }
    iterateUntil(() => order.length === 3);
    assertEqual(order, [10, 20, 30]);
});

test('yield and idle-yield order', () => {
    // The order of one iteration, by GLib's priorities: with the frame
    // budget off, so that a slow machine cannot spend it meanwhile.
    const scheduler = GCoro.Scheduler.get_default();
    const budget = scheduler.frame_budget;
    scheduler.frame_budget = 0;
    const log = [];
    GCoro.idle_yield_async(null, (s, r) => log.push(GCoro.idle_yield_finish(r) && 'I'));
    GLib.idle_add(REDRAW_PRIORITY, () => {
        log.push('H');
        return GLib.SOURCE_REMOVE;
    });
    GCoro.yield_async(null, (s, r) => log.push(GCoro.yield_finish(r) && 'Y'));
    assertEqual(log, []);
    iterateUntil(() => log.length === 3);
    scheduler.frame_budget = budget;
    assertEqual(log, ['Y', 'H', 'I']);
});

test('a loop bridge notes what settles during the hosted iteration', () => {
    const calls = [];
    const bridge = GCoro.LoopBridge.new(null, (b, hasEvents) => {
        calls.push(hasEvents ? b.take_events() : []);
        return GCoro.LOOP_BRIDGE_NO_DEADLINE;
    });
    const p = GCoro.Promise.new(), q = GCoro.Promise.new();
    bridge.watch_future(p, 7);
    bridge.watch_future(q, 8);
    bridge.begin_iteration();
    assert(!bridge.has_news());
    p.resolve_int64(1);                    // on the owner thread: noted at once
    assert(bridge.has_news());
    assertEqual(bridge.take_events(), [GCoro.LOOP_BRIDGE_FUTURE, 7]);
    assert(!bridge.has_news());
    q.resolve_int64(2);                    // left untaken: reported after the end
    bridge.end_iteration();
    iterateUntil(() => calls.length === 1, 'the bridge call');
    assertEqual(calls[0], [GCoro.LOOP_BRIDGE_FUTURE, 8]);
    bridge.close();
});

run();
