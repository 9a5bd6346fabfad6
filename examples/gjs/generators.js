// generators.js: lazy sequences and pipelines of generators
//
// Seed topic: "coroutines and generators". The GJS twin of
// examples/generators.c: JavaScript generators made GCoro.Generators with
// Coro.generator(), consumed with for...of. Each stage pulls one item at a
// time from the one before; closing the last stage closes the chain.
//
// Run: gjs -m generators.js
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as Coro from '../../introspection/gjs/gcoro.js';

function* fibonacci() {
    let [a, b, n] = [0, 1, 0];
    try {
        for (;;) {
            n++;
            yield a;
            [a, b] = [b, a + b];
        }
    } finally {
        print(`fibonacci: closed after ${n} items`);
    }
}

function* numbers() {
    let i = 1;
    try {
        for (;;) {
            yield i;
            i++;
        }
    } finally {
        print(`numbers: closed at ${i}`);
    }
}

// A stage pulls from its source by hand and closes it when it ends,
// like the C stages (whose source is closed with them): first the stage's
// own cleanup, then its source's.
function* squares(source) {
    try {
        for (let [ok, x] = source.next(); ok; [ok, x] = source.next())
            yield x * x;
    } finally {
        print('squares: closed');
        source.close();
    }
}

function* oddOnly(source) {
    try {
        for (let [ok, x] = source.next(); ok; [ok, x] = source.next()) {
            if (x % 2 === 1)
                yield x;
        }
    } finally {
        print('odd_only: closed');
        source.close();
    }
}

function* checked(source) {
    try {
        for (let [ok, x] = source.next(); ok; [ok, x] = source.next()) {
            if (x > 20)
                throw new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_DATA, `${x} is too big`);
            yield x;
        }
    } finally {
        source.close();
    }
}

function take(gen, n, label) {
    const items = [];
    for (let i = 0; i < n; i++) {
        const [ok, value] = gen.next();
        if (!ok)
            break;
        items.push(value);
    }
    print(`${label}: ${items.join(' ')}`);
}

print('--- a lazy sequence ---');
const fib = Coro.generator(fibonacci());
take(fib, 10, 'first 10');
take(fib, 3, '3 more');
fib.close();

print('--- a pipeline: numbers -> squares -> odd_only ---');
const pipeline = Coro.generator(oddOnly(Coro.generator(squares(Coro.generator(numbers())))));
take(pipeline, 5, 'first 5');
pipeline.close();             // closes the whole chain

print('--- an error in a stage ---');
const failing = Coro.generator(checked(Coro.generator(squares(Coro.generator(numbers())))));
try {
    for (const x of failing)
        print(`got ${x}`);
} catch (e) {
    print(`error: ${e.message}`);
}
