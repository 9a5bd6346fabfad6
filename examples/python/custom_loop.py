#!/usr/bin/python3
# custom_loop.py: a loop of your own, driving tasks that await your own objects
#
# Seed topic: "a custom event loop with custom awaitable objects". The
# Python twin of examples/custom-loop.c: a Ticket is awaitable through
# __await__ (delegating to a GCoro.Promise its owner settles, which C code
# could settle as well), and the loop is a discrete-event loop over a
# private GLib.MainContext. The passengers are asyncio tasks of the
# loop asyncio makes once GCoro.install() is called, a GCoro.EventLoop on
# the thread-default context (here the private one). Nobody calls
# run_forever(): the program iterates the context itself, and whoever
# iterates it runs the asyncio loop's callbacks.
#
# Run: python3 custom_loop.py
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402

N_PASSENGERS = 3


class Ticket:
    def __init__(self, number):
        self.number = number
        self._punched = GCoro.Promise.new()

    def punch(self):
        print(f'the office punches ticket {self.number}')
        self._punched.resolve_int64(self.number)

    def __await__(self):
        return (yield from self._punched.__await__())


async def passenger(ticket):
    print(f'passenger {ticket.number} waits for ticket {ticket.number}')
    number = await ticket
    print(f'passenger {ticket.number} boards with ticket {number}')


def run_until_idle(context):
    while context.iteration(False):
        pass


GCoro.install()
context = GLib.MainContext.new()
context.push_thread_default()
loop = asyncio.new_event_loop()        # a GCoro.EventLoop on the thread-default context
tickets = [Ticket(i + 1) for i in range(N_PASSENGERS)]
passengers = [loop.create_task(passenger(ticket)) for ticket in tickets]

# The loop: let the tasks run, then make the next event happen.
for ticket in reversed(tickets):
    run_until_idle(context)
    ticket.punch()
run_until_idle(context)

assert all(p.done() for p in passengers)
print('every passenger boarded')
loop.close()
context.pop_thread_default()
