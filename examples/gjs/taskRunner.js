// taskRunner.js: one runner for coroutines and plain functions alike
//
// Seed topic: "APIs that accept both coroutines and plain functions". The
// GJS twin of examples/task-runner.c.
//
// Run: gjs -m taskRunner.js [--unit=MSEC]
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import * as Coro from '../../introspection/gjs/gcoro.js';

let unit = 1000;
for (const arg of ARGV) {
    if (arg.startsWith('--unit='))
        unit = Number(arg.slice('--unit='.length));
}

function* coroutineFunction() {
    print('Coroutine running, going to sleep!');
    yield Coro.sleep(unit);
    print('Woke up');
}

function regularFunction() {
    print('Hello from the regular function!');
}

const runner = GCoro.TaskRunner.new();
runner.add_future(Coro.spawn(coroutineFunction));      // a coroutine function
runner.add_future(Coro.spawn(coroutineFunction()));    // a coroutine (generator) object
runner.add_callback(regularFunction);                  // a plain function
runner.run_until_complete();
