// A tiny TAP harness for the GJS tests (GJS 1.74, legacy imports).
// SPDX-License-Identifier: LGPL-2.1-or-later
/* exported test, assert, assertEqual, assertGError, iterateUntil, settle, call, run */

imports.gi.versions.GCoro = '1.0';
const {GLib} = imports.gi;
const System = imports.system;

const SAFETY_SECONDS = 10;
const tests = [];

function test(name, fn) {
    tests.push({name, fn});
}

function assert(condition, message = 'assertion failed') {
    if (!condition)
        throw new Error(message);
}

function assertEqual(actual, expected, message = '') {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${message} expected ${e}, got ${a}`);
}

function assertGError(error, domain, code) {
    assert(error instanceof GLib.Error, `expected a GLib.Error, got ${error}`);
    assert(error.matches(domain, code),
        `expected error ${code}, got ${error.code}: ${error.message}`);
}

function iterateUntil(predicate, what = 'the operation') {
    const ctx = GLib.MainContext.default();
    let timedOut = false;
    const guard = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, SAFETY_SECONDS, () => {
        timedOut = true;
        return GLib.SOURCE_REMOVE;
    });
    while (!predicate()) {
        ctx.iteration(true);
        if (timedOut)
            throw new Error(`${what} did not complete within ${SAFETY_SECONDS} s`);
    }
    GLib.source_remove(guard);
}

function settle(n = 5) {
    const ctx = GLib.MainContext.default();
    for (let i = 0; i < n; i++)
        ctx.iteration(false);
}

// Starts start(...args, cancellable, callback); the callback records
// finish(result) or the error it throws. .wait() iterates until done.
function call(start, finish, args = [], cancellable = null) {
    const c = {done: false, result: undefined, error: null};
    start(...args, cancellable, (source, res) => {
        try {
            c.result = finish(res);
        } catch (e) {
            c.error = e;
        }
        c.done = true;
    });
    c.wait = () => {
        iterateUntil(() => c.done);
        return c;
    };
    return c;
}

function run() {
    print(`1..${tests.length}`);
    let failed = 0;
    tests.forEach((t, i) => {
        try {
            t.fn();
            print(`ok ${i + 1} - ${t.name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${t.name}`);
            printerr(`# ${e}\n${e.stack || ''}`);
        }
    });
    System.exit(failed ? 1 : 0);
}
