#!/usr/bin/python3
# CPython's own asyncio test suites (Debian's libpython3.11-testsuite)
# against GCoro.EventLoop.
#
# Usage: cpython_asyncio.py [--stock] [--list] SUITE...   (test_events, ...)
#
# Every test of a suite runs with GCoro.EventLoopPolicy installed, so the
# tests that make their loop with asyncio.new_event_loop() or asyncio.run()
# (IsolatedAsyncioTestCase, the functional tests) get a GCoro.EventLoop.
# The classes that test one of asyncio's own selector loops (EPoll, Poll,
# Select, ...) are replaced by one class that makes a GCoro.EventLoop from
# the same mixins. With --stock, the same tests run on asyncio's own
# SelectorEventLoop (epoll) and default policy: the baseline.
#
# A test that fails on GCoro.EventLoop must be listed in KNOWN_FAILURES with
# its reason; the run fails on any other failure. A known failure that
# passes is reported (remove it from the list).
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import asyncio
import importlib
import os
import selectors
import sys
import time
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

# test id (without the module) -> why it fails on GCoro.EventLoop
KNOWN_FAILURES = {
}

# What each suite needs so that its loop tests run on the loop under test.
# 'mixins': the classes that test one of asyncio's own selector loops
# (EPoll, Poll, Select, ...) are replaced by one class of these mixins
# whose create_event_loop() makes the loop; 'new_loop': these classes make
# their loop with new_loop(); 'drop': classes for other platforms' loops.
# The other suites make their loops through the policy.
SUITES = {
    'test_events': {'mixins': ('UnixEventLoopTestsMixin', 'SubprocessTestsMixin')},
    'test_sock_lowlevel': {'mixins': ('BaseSockTestsMixin',)},
    'test_sendfile': {'mixins': ('SendfileTestsBase',)},
    'test_server': {'new_loop': ('SelectorStartServerTests',),
                    'drop': ('ProactorStartServerTests',)},
    'test_sslproto': {'new_loop': ('SelectorStartTLSTests',),
                      'drop': ('ProactorStartTLSTests',)},
    'test_buffered_proto': {'new_loop': ('BufferedProtocolSelectorTests',),
                            'drop': ('BufferedProtocolProactorTests',)},
}
STOCK_LOOP_CLASSES = ('KqueueEventLoopTests', 'EPollEventLoopTests', 'PollEventLoopTests',
                      'SelectEventLoopTests', 'ProactorEventLoopTests')


def stock_loop():
    return asyncio.SelectorEventLoop(selectors.EpollSelector())


def make_loop(stock):
    return stock_loop() if stock else GCoro.EventLoop()


def loop_classes(name, module, stock):
    """The classes that run a suite's loop tests on the loop under test,
    and the names of the module's classes not to run."""
    plan = SUITES.get(name, {})
    classes = []
    dropped = set(plan.get('drop', ()))
    if 'mixins' in plan:
        label = 'Stock' if stock else 'GCoro'
        bases = tuple(getattr(module, m) for m in plan['mixins']) + (module.test_utils.TestCase,)
        classes.append(type(f'{label}EventLoopTests', bases,
                            {'create_event_loop': lambda self: make_loop(stock)}))
        dropped.update(STOCK_LOOP_CLASSES)
    for cls_name in plan.get('new_loop', ()):
        getattr(module, cls_name).new_loop = lambda self: make_loop(stock)
    return classes, dropped


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _record(self, test, outcome):
        self.outcomes[test.id()] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, 'pass')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, 'fail')

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, 'fail')

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, 'skip')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, 'pass')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, 'fail')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, 'fail')


def load_suite(name, stock):
    module = importlib.import_module('test.test_asyncio.' + name)
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    classes, skipped = loop_classes(name, module, stock)
    for cls in classes:
        cls.__module__ = module.__name__
        suite.addTests(loader.loadTestsFromTestCase(cls))
    for attr in dir(module):
        obj = getattr(module, attr)
        if (isinstance(obj, type) and issubclass(obj, unittest.TestCase) and
                obj.__module__ == module.__name__ and attr not in skipped):
            suite.addTests(loader.loadTestsFromTestCase(obj))
    return module, suite


def short_id(test_id):
    return test_id.split('.', 3)[-1]     # test.test_asyncio.SUITE.Class.test -> Class.test


def set_policy(stock):
    if stock:
        asyncio.set_event_loop_policy(None)
    else:
        asyncio.set_event_loop_policy(GCoro.EventLoopPolicy())


loops_made = 0


def count_loops():
    """Counts the GCoro.EventLoop loops made: the proof that the tests
    ran on ours."""
    init = GCoro.EventLoop.__init__

    def counting_init(self, *args, **kwargs):
        global loops_made
        loops_made += 1
        init(self, *args, **kwargs)
    GCoro.EventLoop.__init__ = counting_init


def run_suite(name, stock, verbosity):
    module, suite = load_suite(name, stock)
    set_policy(stock)
    # The suite's tearDownModule() resets the policy; so do some tests:
    # a policy of None between tests means ours again.
    original = asyncio.set_event_loop_policy

    def set_event_loop_policy(policy):
        if policy is None and not stock:
            policy = GCoro.EventLoopPolicy()
        original(policy)
    asyncio.set_event_loop_policy = set_event_loop_policy
    asyncio.events.set_event_loop_policy = set_event_loop_policy
    try:
        runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=verbosity,
                                         stream=sys.stdout)
        start = time.monotonic()
        result = runner.run(suite)
        elapsed = time.monotonic() - start
    finally:
        asyncio.set_event_loop_policy = original
        asyncio.events.set_event_loop_policy = original
    return result.outcomes, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--stock', action='store_true',
                        help="run on asyncio's own loop (the baseline)")
    parser.add_argument('-v', '--verbose', action='store_true')
    parser.add_argument('suites', nargs='+')
    args = parser.parse_args()
    try:
        importlib.import_module('test.test_asyncio')
    except ImportError as error:
        print(f'CPython\'s test suite is not installed ({error}): '
              'apt-get install libpython3.11-testsuite')
        sys.exit(77)    # skipped
    count_loops()

    ok = True
    for name in args.suites:
        outcomes, elapsed = run_suite(name, args.stock, 2 if args.verbose else 1)
        counts = {k: sum(1 for v in outcomes.values() if v == k) for k in ('pass', 'fail', 'skip')}
        loop = 'stock asyncio' if args.stock else f'GCoro.EventLoop ({GCoro.get_backend().value_nick})'
        print(f'\n{name} on {loop}: {counts["pass"]} passed, {counts["fail"]} failed, '
              f'{counts["skip"]} skipped ({elapsed:.1f} s; {loops_made} GCoro.EventLoop loops made)')
        if args.stock:
            continue
        for test_id, outcome in sorted(outcomes.items()):
            key = f'{name}.{short_id(test_id)}'
            if outcome == 'fail' and key not in KNOWN_FAILURES:
                print(f'UNEXPECTED FAILURE: {key}')
                ok = False
            elif outcome == 'fail':
                print(f'known failure: {key}: {KNOWN_FAILURES[key]}')
            elif outcome == 'pass' and key in KNOWN_FAILURES:
                print(f'now passes (remove it from KNOWN_FAILURES): {key}')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
