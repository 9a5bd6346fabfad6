// Run by testModule.js in a process of its own: tasks that fail with nobody
// retrieving their error must be reported on stderr when they are finalized
// (and awaited or cancelled ones must not).
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const System = imports.system;

function iterateUntilDone(tasks) {
    const ctx = GLib.MainContext.default();
    while (!tasks.every(t => t.is_done()))
        ctx.iteration(true);
}

(() => {
    const tasks = [
        Coro.spawn(function* () {
            yield Coro.yieldNow();
            throw new RangeError('nobody saw this');
        }, 'lost-generator'),
        Coro.spawnAsync(async () => {
            await Coro.yieldNow();
            throw new TypeError('nor this');
        }, 'lost-async'),
        Coro.spawn(function* () {
            yield GCoro.Promise.new();
        }, 'cancelled-task'),
    ];
    const seen = [
        Coro.spawn(function* () {
            yield Coro.yieldNow();
            throw new Error('seen');
        }, 'seen-generator'),
        Coro.spawnAsync(async () => {
            throw new Error('seen too');
        }, 'seen-async'),
    ];
    tasks[2].cancel();
    for (const t of seen) {
        try {
            Coro.run(t);
        } catch {
            // retrieved
        }
    }
    iterateUntilDone(tasks);
})();

// Nothing refers to the tasks any more: collect their wrappers, which
// finalizes them.
const ctx = GLib.MainContext.default();
for (let i = 0; i < 3; i++) {
    System.gc();
    while (ctx.iteration(false)) {
        // drain
    }
}
print('child done');
