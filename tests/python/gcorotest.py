# Shared helpers for the Python tests: run the default main context until
# an _async operation completes, with a safety limit (a test never hangs).
# SPDX-License-Identifier: LGPL-2.1-or-later

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GLib  # noqa: E402

SAFETY_SECONDS = 10


def iterate_until(predicate, what='the operation'):
    ctx = GLib.MainContext.default()
    timed_out = []
    guard = GLib.timeout_add_seconds(SAFETY_SECONDS, lambda: timed_out.append(1) or False)
    try:
        while not predicate():
            ctx.iteration(True)
            if timed_out:
                raise AssertionError(f'{what} did not complete within {SAFETY_SECONDS} s')
    finally:
        if not timed_out:
            GLib.source_remove(guard)


def settle(n=5):
    ctx = GLib.MainContext.default()
    for _ in range(n):
        ctx.iteration(False)


class Call:
    """Starts obj.NAME_async(*args, cancellable, callback) and records the
    outcome of obj.NAME_finish(result) (a value or a GLib.Error)."""

    def __init__(self, start, finish, *args, cancellable=None):
        self.done = False
        self.result = None
        self.error = None

        def callback(source, res):
            try:
                self.result = finish(res)
            except GLib.Error as e:
                self.error = e
            self.done = True
        start(*args, cancellable, callback)

    def wait(self):
        iterate_until(lambda: self.done)
        return self
