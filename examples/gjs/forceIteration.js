// forceIteration.js: letting new tasks start at once with a yield
//
// Seed topic: "forcing an iteration of the event loop" (asyncio.sleep(0)).
// The GJS twin of examples/force-iteration.c, with generator tasks.
//
// Run: gjs -m forceIteration.js [--unit=MSEC]
// SPDX-License-Identifier: LGPL-2.1-or-later

import * as Coro from '../../introspection/gjs/gcoro.js';

let unit = 1000;
for (const arg of ARGV) {
    if (arg.startsWith('--unit='))
        unit = Number(arg.slice('--unit='.length));
}

function* delay(seconds) {
    print(`sleeping for ${seconds} second(s)`);
    yield Coro.sleep(seconds * unit);
    print(`finished sleeping for ${seconds} second(s)`);
    return seconds;
}

function* waitBoth(task1, task2) {
    print('awaiting the tasks');
    yield task1;
    yield task2;
}

function* createTasksNoYield() {
    const task1 = Coro.spawn(delay(1));
    const task2 = Coro.spawn(delay(2));
    yield* waitBoth(task1, task2);
}

function* createTasksYield() {
    const task1 = Coro.spawn(delay(1));
    yield Coro.yieldNow();        // task1 starts now
    const task2 = Coro.spawn(delay(2));
    yield Coro.yieldNow();        // and task2
    yield* waitBoth(task1, task2);
}

Coro.run(function* () {
    print('--- without gcoro_yield() ---');
    yield* createTasksNoYield();
    print('--- with gcoro_yield() ---');
    yield* createTasksYield();
});
