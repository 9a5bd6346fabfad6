// threeStyles.js: one glib-coro operation, called three ways from GJS
//
// Seed topic: "APIs that accept both coroutines and plain functions". The
// GJS twin of examples/three-styles.c, seen from the caller's side: the
// operation is glib-coro's task runner, whose run exists as a future, as
// run_async()/run_finish() and as run_sync(). Its one item counts the lines
// of a file.
//
// Run: gjs -m threeStyles.js FILE
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const path = ARGV[0];

function countingRunner(results) {
    const runner = GCoro.TaskRunner.new();
    runner.add_callback(() => {
        const [, bytes] = GLib.file_get_contents(path);
        results.push(new TextDecoder().decode(bytes).split('\n').length - 1);
    });
    return runner;
}

// 1. From a coroutine (a generator task): yield the run's future.
Coro.run(function* () {
    const results = [];
    yield countingRunner(results).run();
    print(`coroutine: ${results[0]} lines`);
});

// 2. From callback code: run_async() / run_finish().
const loop = new GLib.MainLoop(null, false);
const results = [];
countingRunner(results).run_async(null, (runner, result) => {
    runner.run_finish(result);
    print(`callback: ${results[0]} lines`);
    loop.quit();
});
loop.run();

// 3. From plain blocking code: run_sync() (the caller's loop is left alone).
const blocking = [];
countingRunner(blocking).run_sync(null);
print(`blocking: ${blocking[0]} lines`);
