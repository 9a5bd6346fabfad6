// cancellation.js: what cancelling a task releases
//
// Seed topic: tasks and their cancellation (asyncio's Task.cancel(),
// Semaphore, Queue, TaskGroup, wait_for()).
// The GJS twin of examples/cancellation.c, with generator tasks: a wait
// started with a null cancellable inside a task is cancelled with it.
//
// Run: gjs -m cancellation.js
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import * as Coro from '../../introspection/gjs/gcoro.js';

// Waits (yielding to the loop) until cond() holds.
function* until(cond) {
    while (!cond())
        yield Coro.yieldNow();
}

// Whether awaiting @future succeeds (a cancelled task's awaits fail).
function* awaitWorks(future) {
    try {
        yield future;
        return 'yes';
    } catch {
        return 'no';
    }
}

// --- 1. fetch many, at most two at a time ----------------------------------------

function* fetchMany() {
    print('-- fetch many, two at a time, cancelled after two results');
    const permits = GCoro.Semaphore.new(2);
    const results = GCoro.Queue.new(0);
    const replies = [];   // the "network": resolved below
    const group = GCoro.TaskGroup.new();
    let started = 0;

    function* fetcher(n) {
        try {
            yield permits.acquire_async(null);
        } catch {
            print(`fetcher ${n}: cancelled before it got a permit`);
            return;
        }
        print(`fetcher ${n}: fetching`);
        started++;
        try {
            yield replies[n];
            results.try_put(n * 100);
        } catch {
            print(`fetcher ${n}: cancelled while fetching`);
        }
        permits.release();
    }

    for (let i = 0; i < 5; i++) {
        replies.push(GCoro.Promise.new());
        group.add(Coro.spawn(fetcher(i)));
    }
    // The replies arrive one by one, each once two fetchers are at work;
    // after two results, enough.
    for (let i = 0; i < 2; i++) {
        yield* until(() => started >= i + 2);
        replies[i].resolve(null);
        yield* until(() => results.get_length() > i);
    }
    yield* until(() => started >= 4);
    group.cancel();
    try {
        yield group.wait_async(null);
        print('the group ended: ok');
    } catch (e) {
        print(`the group ended: ${e.message}`);
    }
    print(`results: ${results.get_length()}, permits back: ${permits.get_value()} of 2`);
}

// --- 2. a cancelled getter takes nothing -------------------------------------------

function* queueScene() {
    print('-- a getter cancelled while it waits');
    const queue = GCoro.Queue.new(0);
    let waiting = 0;

    function* getter(name) {
        waiting++;
        try {
            const [item] = yield queue.get_async(null);
            print(`${name} got '${item}'`);
        } catch (e) {
            print(`${name}: ${e.message}`);
        }
    }

    const first = Coro.spawn(getter('first getter'), 'first getter');
    yield* until(() => waiting >= 1);
    first.cancel();
    yield* awaitWorks(first);   // it ends cancelled

    const second = Coro.spawn(getter('second getter'), 'second getter');
    queue.try_put('the only item');
    yield second;
}

// --- 3. goodbye from a cancelled task -----------------------------------------------

function* shieldScene() {
    print('-- cleanup after cancellation');
    const never = GCoro.Promise.new();
    const task = Coro.spawn(function* () {
        try {
            yield never;
            return;
        } catch {
        }
        const works = yield* awaitWorks(Coro.yieldNow());
        print(`polite: cancelled; an await now fails: ${works === 'no' ? 'yes' : 'no'}`);
        yield* Coro.shielded(function* () {
            print(`polite: in a shield, an await works: ${yield* awaitWorks(Coro.yieldNow())}`);
            print('polite: goodbye sent');
        });
    });
    yield Coro.yieldNow();
    task.cancel();
    try {
        yield task;
    } catch {
    }
    print(`polite ended ${task.get_state() === GCoro.FutureState.CANCELLED ? 'cancelled' : '?'}`);
}

// --- 4. a timeout waits for the work to stop -----------------------------------------

function* timeoutScene() {
    print('-- a timeout');
    let stopped = false;
    const task = Coro.spawn(function* () {
        try {
            yield GCoro.Promise.new();
            return;
        } catch {
        }
        yield* Coro.shielded(function* () {
            yield Coro.yieldNow();        // cleanup that takes a moment
            stopped = true;
        });
    });
    try {
        yield task.with_timeout(10);
    } catch (e) {
        print(`${e.message}; the slow task had stopped by then: ${stopped ? 'yes' : 'no'}`);
    }
}

Coro.run(function* () {
    yield* fetchMany();
    yield* queueScene();
    yield* shieldScene();
    yield* timeoutScene();
});
