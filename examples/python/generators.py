#!/usr/bin/python3
# generators.py: lazy sequences and pipelines of generators
#
# Seed topic: "coroutines and generators". The Python twin of
# examples/generators.c: Python generators made GCoro.Generators with
# GCoro.generator(), consumed as iterators, and the last one with
# `async for` in asyncio (on glib-coro's loop, GCoro.install()). Each
# stage pulls one item at a time from the one before; closing the last
# stage closes the chain (each generator's finally block runs).
#
# Run: python3 generators.py
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import itertools

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402


def fibonacci():
    a, b, n = 0, 1, 0
    try:
        while True:
            n += 1
            yield a
            a, b = b, a + b
    finally:
        print(f'fibonacci: closed after {n} items')


def numbers():
    i = 1
    try:
        while True:
            yield i
            i += 1
    finally:
        print(f'numbers: closed at {i}')


def squares(source):
    try:
        for x in source:
            yield x * x
    finally:
        print('squares: closed')


def odd_only(source):
    try:
        for x in source:
            if x % 2 == 1:
                yield x
    finally:
        print('odd_only: closed')


def checked(source):
    for x in source:
        if x > 20:
            raise GLib.Error.new_literal(GLib.quark_from_string('g-io-error-quark'),
                                         f'{x} is too big', 13)  # G_IO_ERROR_INVALID_DATA
        yield x


def take(gen, n, label):
    print(f'{label}:', *itertools.islice(gen, n))


print('--- a lazy sequence ---')
fib = GCoro.generator(fibonacci())
take(fib, 10, 'first 10')
take(fib, 3, '3 more')
fib.close()

print('--- a pipeline: numbers -> squares -> odd_only ---')
pipeline = GCoro.generator(odd_only(GCoro.generator(squares(GCoro.generator(numbers())))))
take(pipeline, 5, 'first 5')
del pipeline                  # closes the whole chain


async def consume(gen):
    # In an asyncio task a GCoro.Generator is an async iterator: each item
    # is a future, so the task waits without holding up the loop.
    try:
        async for x in gen:
            print(f'got {x}')
    except GLib.Error as error:
        print(f'error: {error.message}')


print('--- an error in a stage ---')
failing = GCoro.generator(checked(GCoro.generator(squares(GCoro.generator(numbers())))))
GCoro.install()
asyncio.run(consume(failing))
