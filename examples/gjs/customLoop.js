// customLoop.js: a loop of your own, driving tasks that await your own objects
//
// Seed topic: "a custom event loop with custom awaitable objects". The
// GJS twin of examples/custom-loop.c: a generator task awaits a Ticket with
// `yield*`, which the Ticket answers by yielding a GCoro.Promise its owner
// settles (JavaScript's counterpart of Python's __await__); the loop is a
// discrete-event loop over a private GLib.MainContext.
//
// Run: gjs -m customLoop.js
// SPDX-License-Identifier: LGPL-2.1-or-later

import GCoro from 'gi://GCoro?version=1.0';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

const N_PASSENGERS = 3;

class Ticket {
    constructor(number) {
        this.number = number;
        this._punched = GCoro.Promise.new();
    }

    punch() {
        print(`the office punches ticket ${this.number}`);
        this._punched.resolve_int64(this.number);
    }

    *[Symbol.iterator]() {
        return yield this._punched;
    }
}

function* passenger(ticket) {
    print(`passenger ${ticket.number} waits for ticket ${ticket.number}`);
    const number = yield* ticket;
    print(`passenger ${ticket.number} boards with ticket ${number}`);
}

function runUntilIdle(context) {
    while (context.iteration(false))
        ;
}

const context = GLib.MainContext.new();
context.push_thread_default();          // Coro.spawn() uses the thread-default context
const tickets = Array.from({length: N_PASSENGERS}, (_, i) => new Ticket(i + 1));
const passengers = tickets.map(ticket => Coro.spawn(passenger(ticket)));

// The loop: let the tasks run, then make the next event happen.
for (const ticket of [...tickets].reverse()) {
    runUntilIdle(context);
    ticket.punch();
}
runUntilIdle(context);

if (!passengers.every(p => p.is_done()))
    throw new Error('a passenger is still waiting');
print('every passenger boarded');
context.pop_thread_default();
