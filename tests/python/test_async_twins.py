#!/usr/bin/python3
# Every _async of glib-coro is an awaitable from Python. The list comes from
# GCoro-1.0.gir (GCORO_GIR), not from a hand-kept list: a new _async that
# Python cannot reach, or whose arguments the table below does not know how
# to give, fails here.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

CORE = '{http://www.gtk.org/introspection/core/1.0}'
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')


class Twin:
    """One introspectable _async function of the GIR and its _finish."""

    def __init__(self, container, element, finish):
        self.container = container          # a class name, or None for GCoro.*
        self.name = element.get('name')
        self.is_method = element.tag == CORE + 'method'
        self.params = [p for p in element.iter(CORE + 'parameter')]
        self.finish = finish

    @property
    def key(self):
        return f'{self.container}.{self.name}' if self.container else self.name

    def param_names(self):
        return [p.get('name') for p in self.params]

    def python_args(self):
        """The parameters a Python caller passes before the cancellable:
        not the lengths of arrays (PyGObject takes them from the array)."""
        lengths = set()
        for p in self.params:
            array = p.find(CORE + 'array')
            if array is not None and array.get('length') is not None:
                lengths.add(int(array.get('length')))
        names = []
        for i, p in enumerate(self.params):
            if p.get('name') == 'cancellable':
                break
            if i not in lengths:
                names.append(p.get('name'))
        return names

    def bound(self, obj=None, name=None):
        """The callable a Python caller uses: GCoro.name, GCoro.Class.name,
        or obj.name for methods (the _async, or the function called name)."""
        name = name or self.name
        if self.container is None:
            return getattr(GCoro, name)
        if self.is_method and obj is not None:
            return getattr(obj, name)
        return getattr(getattr(GCoro, self.container), name)

    def bound_finish(self, obj=None):
        return self.bound(obj, self.finish.get('name'))


def twins_from_gir(path):
    root = ET.parse(path).getroot()
    namespace = root.find(CORE + 'namespace')
    containers = [(None, namespace)]
    for kind in ('class', 'interface', 'record'):
        containers += [(c.get('name'), c) for c in namespace.findall(CORE + kind)]
    found = []
    for name, container in containers:
        callables = {e.get('name'): e for tag in ('function', 'method', 'constructor')
                     for e in container.findall(CORE + tag)}
        for cname, element in callables.items():
            if not cname.endswith('_async') or element.get('introspectable') == '0':
                continue
            found.append(Twin(name, element, callables.get(cname[:-len('_async')] + '_finish')))
    return found


GIR = os.environ.get('GCORO_GIR')
TWINS = twins_from_gir(GIR) if GIR else []


def gvalue(gtype, v):
    gv = GObject.Value(gtype)
    gv.set_value(v)
    return gv


# --- setups: how to run each operation for real ---------------------------------------
#
# Each is an async function of `op`: op(obj_or_None, *args) starts the
# operation through GCoro.future_of() (checking the arguments against the
# GIR) and returns its future; the setup awaits it and checks the result.

async def echo_stream(test):
    """A client stream connected to a local echo server (closed by the
    test's cleanup)."""
    server = GCoro.StreamServer.new()

    async def echo(stream):
        while True:
            data = await GCoro.future_of(stream.read_async, stream.read_finish, 4096)
            if data.get_size() == 0:
                break
            stream.write(data.get_data())
            await GCoro.future_of(stream.drain_async, stream.drain_finish)

    server.connect('incoming', lambda _s, stream: GCoro.spawn(echo(stream)))
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    test.addCleanup(server.abort)
    return await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                 '127.0.0.1', server.get_port())


def listening_server(test, tls=None):
    server = GCoro.StreamServer.new()
    if tls is not None:
        server.set_tls_certificate(tls)
    server.connect('incoming', lambda _s, _stream: None)   # closed at once
    test.addCleanup(server.abort)
    return server


async def run_sleep(test, op):
    test.assertTrue(await op(None, 1))


async def run_yield(test, op):
    test.assertTrue(await op(None))


async def run_barrier(test, op):
    barrier = GCoro.Barrier.new(1)                    # the last party: at once
    test.assertEqual(await op(barrier), 0)


async def run_condition(test, op):
    cond = GCoro.Condition.new(None)
    lock = cond.get_lock()
    test.assertTrue(lock.try_acquire())
    wait = op(cond)
    while not wait.is_done():                         # until the waiter is there
        cond.notify_all()
        await GCoro.yield_()
    test.assertTrue(await wait)
    test.assertTrue(lock.is_locked())                 # held again
    lock.release()


async def run_event(test, op):
    event = GCoro.Event.new()
    wait = op(event)
    event.set()
    test.assertTrue(await wait)


async def run_future_wait(test, op):
    promise = GCoro.Promise.new()
    wait = op(promise)
    promise.resolve_string('settled')
    test.assertEqual(await wait, (True, 'settled'))


async def run_generator_next(test, op):
    gen = GCoro.generator([7, 8])
    test.assertEqual(await op(gen), (True, 7))
    test.assertEqual(await op(gen), (True, 8))
    test.assertEqual((await op(gen))[0], False)      # exhausted


async def run_lock(test, op):
    lock = GCoro.Lock.new()
    test.assertTrue(await op(lock))
    test.assertTrue(lock.is_locked())
    lock.release()


async def run_queue_get(test, op):
    q = GCoro.Queue.new(0)
    q.try_put(gvalue(GObject.TYPE_STRING, 'item'))
    test.assertEqual(await op(q), (True, 'item'))


async def run_queue_put(test, op):
    q = GCoro.Queue.new(1)
    test.assertTrue(await op(q, gvalue(GObject.TYPE_INT64, 5)))
    test.assertEqual(q.try_get(), (True, 5))


async def run_semaphore(test, op):
    sem = GCoro.Semaphore.new(1)
    test.assertTrue(await op(sem))
    test.assertEqual(sem.get_value(), 0)
    sem.release()


async def run_connect(test, op):
    server = listening_server(test)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    address = Gio.InetSocketAddress.new_from_string('127.0.0.1', server.get_port())
    stream = await op(None, Gio.SocketClient(), address)
    test.assertIsInstance(stream, GCoro.Stream)


async def run_connect_tcp(test, op):
    server = listening_server(test)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    test.assertIsInstance(await op(None, '127.0.0.1', server.get_port()), GCoro.Stream)


async def run_connect_tls(test, op):
    if not Gio.TlsBackend.get_default().supports_tls():
        test.skipTest('no TLS backend (glib-networking)')
    cert = Gio.TlsCertificate.new_from_files(os.path.join(DATA, 'test-cert.pem'),
                                             os.path.join(DATA, 'test-key.pem'))
    server = listening_server(test, tls=cert)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    trusted = Gio.TlsFileDatabase.new(os.path.join(DATA, 'test-cert.pem'))
    stream = await op(None, '127.0.0.1', server.get_port(), trusted)
    io_stream = stream.get_io_stream()                # GSocketClient wraps the TLS stream
    if isinstance(io_stream, Gio.TcpWrapperConnection):
        io_stream = io_stream.get_base_io_stream()
    test.assertIsInstance(io_stream, Gio.TlsConnection)


async def run_connect_unix(test, op):
    folder = tempfile.TemporaryDirectory()
    test.addCleanup(folder.cleanup)
    path = os.path.join(folder.name, 'sock')
    server = listening_server(test)
    server.listen_unix(path)
    server.start()
    test.assertIsInstance(await op(None, path), GCoro.Stream)


async def run_close(test, op):
    stream = await echo_stream(test)
    test.assertTrue(await op(stream))


async def run_drain(test, op):
    stream = await echo_stream(test)
    stream.write(b'x' * 100000)
    test.assertTrue(await op(stream))
    data, _partial = await GCoro.future_of(stream.read_exactly_async,
                                           stream.read_exactly_finish, 100000)
    test.assertEqual(data.get_size(), 100000)         # all of it went through


async def run_read(test, op):
    stream = await echo_stream(test)
    stream.write(b'abc')
    test.assertEqual((await op(stream, 3)).get_data(), b'abc')


async def run_read_exactly(test, op):
    stream = await echo_stream(test)
    stream.write(b'ab')
    stream.write(b'cd')
    data, partial = await op(stream, 4)             # (bytes, out partial)
    test.assertEqual(data.get_data(), b'abcd')
    test.assertIsNone(partial)


async def run_read_line(test, op):
    stream = await echo_stream(test)
    stream.write(b'one\ntwo\n')
    test.assertEqual((await op(stream)).get_data(), b'one\n')
    test.assertEqual((await op(stream)).get_data(), b'two\n')


async def run_read_until(test, op):
    stream = await echo_stream(test)
    stream.write(b'key=value;rest;')
    test.assertEqual((await op(stream, b';')).get_data(), b'key=value;')
    test.assertEqual((await op(stream, b'st;')).get_data(), b'rest;')


async def run_write_eof(test, op):
    stream = await echo_stream(test)
    stream.write(b'last words')
    test.assertTrue(await op(stream))
    # The echo handler sees EOF and ends: the rest comes back, then EOF.
    data, _partial = await GCoro.future_of(stream.read_exactly_async,
                                           stream.read_exactly_finish, 10)
    test.assertEqual(data.get_data(), b'last words')
    test.assertEqual((await GCoro.future_of(stream.read_line_async,
                                            stream.read_line_finish)).get_size(), 0)


async def run_wait_closed(test, op):
    server = listening_server(test)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    server.close()
    test.assertTrue(await op(server))


async def run_serve_forever(test, op):
    server = listening_server(test)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    serving = op(server)
    server.close()                     # as a signal would: it shuts down and returns
    test.assertTrue(await serving)


async def run_task_group_wait(test, op):
    group = GCoro.TaskGroup.new()
    member = GCoro.Promise.new()
    group.add(member)
    wait = op(group)
    member.resolve(None)
    test.assertTrue(await wait)
    test.assertTrue(group.is_closed())


async def run_task_runner(test, op):
    runner = GCoro.TaskRunner.new()
    item = GCoro.Promise.new()
    item.resolve_int64(3)
    runner.add_future(item)
    test.assertTrue(await op(runner))


async def run_worker_stop(test, op):
    worker = GCoro.Worker.new('twins')
    test.assertTrue(await op(worker))
    test.assertFalse(worker.is_running())


SETUPS = {
    'sleep_async': run_sleep,
    'yield_async': run_yield,
    'idle_yield_async': run_yield,
    'Barrier.wait_async': run_barrier,
    'Condition.wait_async': run_condition,
    'Event.wait_async': run_event,
    'Future.wait_async': run_future_wait,
    'Generator.next_async': run_generator_next,
    'Lock.acquire_async': run_lock,
    'Queue.get_async': run_queue_get,
    'Queue.put_async': run_queue_put,
    'Semaphore.acquire_async': run_semaphore,
    'Stream.connect_async': run_connect,
    'Stream.connect_tcp_async': run_connect_tcp,
    'Stream.connect_tls_async': run_connect_tls,
    'Stream.connect_unix_async': run_connect_unix,
    'Stream.close_async': run_close,
    'Stream.drain_async': run_drain,
    'Stream.read_async': run_read,
    'Stream.read_exactly_async': run_read_exactly,
    'Stream.read_line_async': run_read_line,
    'Stream.read_until_async': run_read_until,
    'Stream.write_eof_async': run_write_eof,
    'StreamServer.serve_forever_async': run_serve_forever,
    'StreamServer.wait_closed_async': run_wait_closed,
    'TaskGroup.wait_async': run_task_group_wait,
    'TaskRunner.run_async': run_task_runner,
    'Worker.stop_async': run_worker_stop,
}


@unittest.skipUnless(GIR, 'GCORO_GIR is not set (run through meson test)')
class AsyncTwinsTest(unittest.TestCase):
    def test_the_gir_lists_the_operations(self):
        keys = {t.key for t in TWINS}
        # A sanity check of the enumeration itself, not the list to keep.
        self.assertIn('Semaphore.acquire_async', keys)
        self.assertIn('sleep_async', keys)
        self.assertGreaterEqual(len(keys), 20)

    def test_every_async_has_its_finish(self):
        for twin in TWINS:
            with self.subTest(twin.key):
                self.assertIsNotNone(twin.finish, f'{twin.key} has no _finish')
                self.assertNotEqual(twin.finish.get('introspectable'), '0')
                names = [p.get('name') for p in twin.params]
                self.assertIn('cancellable', names)
                self.assertEqual(names[-2:], ['callback', 'user_data'])
                self.assertEqual(names.index('cancellable'), len(names) - 3)
                callback = twin.params[-2]
                self.assertEqual(callback.get('scope'), 'async')
                self.assertEqual(callback.find(CORE + 'type').get('name'), 'Gio.AsyncReadyCallback')
                results = [p for p in twin.finish.iter(CORE + 'parameter')
                           if p.find(CORE + 'type') is not None and
                           p.find(CORE + 'type').get('name') == 'Gio.AsyncResult']
                self.assertEqual(len(results), 1, f'{twin.key}: _finish takes no GAsyncResult')

    def test_every_async_is_bound_in_python_with_its_arguments(self):
        for twin in TWINS:
            with self.subTest(twin.key):
                start, finish = twin.bound(), twin.bound_finish()
                self.assertTrue(callable(start) and callable(finish))
                self.assertEqual([a.get_name() for a in start.get_arguments()], twin.param_names())
                self.assertEqual(start.is_method(), twin.is_method)

    def test_every_async_is_in_the_table(self):
        missing = sorted(t.key for t in TWINS if t.key not in SETUPS)
        self.assertEqual(missing, [], 'add a setup for these operations to SETUPS')
        stale = sorted(set(SETUPS) - {t.key for t in TWINS})
        self.assertEqual(stale, [], 'these operations are gone from the GIR')

    def test_every_async_runs_as_an_awaitable(self):
        for twin in TWINS:
            setup = SETUPS.get(twin.key)
            if setup is None:
                continue
            with self.subTest(twin.key):
                calls = []

                def op(obj, *args, twin=twin, calls=calls):
                    # The arguments a Python caller gives, as the GIR says.
                    self.assertEqual(len(args), len(twin.python_args()),
                                     f'{twin.key} takes {twin.python_args()}')
                    calls.append(args)
                    future = GCoro.future_of(twin.bound(obj), twin.bound_finish(obj), *args)
                    self.assertIsInstance(future, GCoro.Future)
                    return future

                GCoro.run(setup(self, op), name=twin.key)
                self.assertGreater(len(calls), 0, f'the setup of {twin.key} never ran it')


if __name__ == '__main__':
    unittest.main()
