#!/usr/bin/python3
# A stream server with an async def handler, and a Python client task.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import signal
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import iterate_until  # noqa: E402


class StreamServerTest(unittest.TestCase):
    def test_async_handler_echo_with_peer(self):
        server = GCoro.StreamServer.new()
        peers = []

        async def handle(stream):
            peer = GCoro.StreamServer.get_peer_var().dup_object()
            peers.append(peer.to_string())
            while True:
                line = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
                if line.get_size() == 0:
                    break
                stream.write(b'echo: ' + line.get_data())
                await GCoro.future_of(stream.drain_async, stream.drain_finish)
            await GCoro.future_of(stream.close_async, stream.close_finish)

        server.connect('incoming', lambda _server, stream: GCoro.spawn(handle(stream)))
        server.listen_tcp('127.0.0.1', 0)
        server.start()

        async def client():
            stream = await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                     '127.0.0.1', server.get_port())
            me = stream.get_local_address().to_string()
            stream.write(b'hello\n')
            reply = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
            await GCoro.future_of(stream.close_async, stream.close_finish)
            return me, reply.get_data()

        me, reply = GCoro.run(client())
        self.assertEqual(reply, b'echo: hello\n')
        iterate_until(lambda: server.get_n_connections() == 0)
        self.assertEqual(peers, [me])
        server.close()

    def test_failing_handler_is_logged_server_goes_on(self):
        server = GCoro.StreamServer.new()
        calls = []

        async def handle(stream):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError('handler broke')
            stream.write(b'ok\n')
            await GCoro.future_of(stream.close_async, stream.close_finish)

        server.connect('incoming', lambda _server, stream: GCoro.spawn(handle(stream)))
        server.listen_tcp('127.0.0.1', 0)
        server.start()

        async def client():
            stream = await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                     '127.0.0.1', server.get_port())
            line = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
            return line.get_data()

        self.assertEqual(GCoro.run(client()), b'')      # the first handler failed: EOF
        self.assertEqual(GCoro.run(client()), b'ok\n')  # the server goes on
        server.close()
        iterate_until(lambda: server.get_n_connections() == 0)

    def test_tls_server_and_client(self):
        if not Gio.TlsBackend.get_default().supports_tls():
            self.skipTest('no TLS backend (glib-networking)')
        data = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')
        cert = Gio.TlsCertificate.new_from_files(os.path.join(data, 'test-cert.pem'),
                                                 os.path.join(data, 'test-key.pem'))
        trusted = Gio.TlsFileDatabase.new(os.path.join(data, 'test-cert.pem'))
        server = GCoro.StreamServer.new()
        server.set_tls_certificate(cert)

        async def handle(stream):
            self.assertIsInstance(stream.get_io_stream(), Gio.TlsConnection)
            line = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
            stream.write(b'tls: ' + line.get_data())
            await GCoro.future_of(stream.close_async, stream.close_finish)

        server.connect('incoming', lambda _server, stream: GCoro.spawn(handle(stream)))
        server.listen_tcp('127.0.0.1', 0)
        server.start()

        async def client():
            stream = await GCoro.future_of(GCoro.Stream.connect_tls_async, GCoro.Stream.connect_tls_finish,
                                           '127.0.0.1', server.get_port(), trusted)
            stream.write(b'hello\n')
            reply = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
            return reply.get_data()

        self.assertEqual(GCoro.run(client()), b'tls: hello\n')
        server.close()
        iterate_until(lambda: server.get_n_connections() == 0)


def read_line(stream):
    return GCoro.future_of(stream.read_line_async, stream.read_line_finish)


def start_server(handle):
    """A server on 127.0.0.1 whose Python handler is handle(stream); the
    streams and handler tasks are kept referenced, so only the server can
    close a connection (not reference counting)."""
    server = GCoro.StreamServer.new()
    kept = {'streams': [], 'tasks': []}

    def incoming(_server, stream):
        kept['streams'].append(stream)
        task = GCoro.spawn(handle(stream), name=f'handler-{len(kept["tasks"])}')
        kept['tasks'].append(task)
        return task

    server.connect('incoming', incoming)
    server.listen_tcp('127.0.0.1', 0)
    server.start()
    return server, kept


def connect(server):
    return GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                           '127.0.0.1', server.get_port())


class HandlerEndsConnectionTest(unittest.TestCase):
    """The server closes each connection when the future the incoming
    handler returned settles, however it settles."""

    def client_reads_until_eof(self, server, started, then=None):
        async def client():
            stream = await connect(server)
            stream.write(b'hello\n')
            await GCoro.future_of(started.wait_async, started.wait_finish)
            if then is not None:
                then()
            lines = []
            while True:
                line = (await read_line(stream)).get_data()
                lines.append(line)
                if line == b'':             # EOF
                    return lines
        return GCoro.run(client())

    def finish(self, server):
        server.close()
        iterate_until(lambda: server.get_n_connections() == 0)

    def test_resolved(self):
        started = GCoro.Event.new()

        async def handle(stream):
            await read_line(stream)
            stream.write(b'done\n')
            await GCoro.future_of(stream.drain_async, stream.drain_finish)
            started.set()
            return 'resolved'              # without closing the stream itself

        server, kept = start_server(handle)
        self.assertEqual(self.client_reads_until_eof(server, started), [b'done\n', b''])
        self.assertEqual(kept['tasks'][0].get_state(), GCoro.FutureState.RESOLVED)
        self.finish(server)

    def test_rejected(self):
        started = GCoro.Event.new()

        async def handle(stream):
            await read_line(stream)
            started.set()
            raise RuntimeError('handler broke')

        server, kept = start_server(handle)
        self.assertEqual(self.client_reads_until_eof(server, started), [b''])
        self.assertEqual(kept['tasks'][0].get_state(), GCoro.FutureState.REJECTED)
        self.finish(server)

    def test_cancelled(self):
        started = GCoro.Event.new()

        async def handle(stream):
            await read_line(stream)
            started.set()
            await read_line(stream)        # the client sends nothing more

        server, kept = start_server(handle)
        lines = self.client_reads_until_eof(server, started,
                                            then=lambda: kept['tasks'][0].cancel())
        self.assertEqual(lines, [b''])
        self.assertEqual(kept['tasks'][0].get_state(), GCoro.FutureState.CANCELLED)
        self.finish(server)


class CancelledHandlerCleanupTest(unittest.TestCase):
    def test_cancelled_handler_flushes_its_last_reply(self):
        started = GCoro.Event.new()
        log = []

        async def handle(stream):
            started.set()
            try:
                await read_line(stream)    # nothing comes: the handler is cancelled here
            except GLib.Error as e:
                if not e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
                    raise
                log.append('cancelled')
                with GCoro.shielded():     # cleanup that awaits
                    stream.write(b'bye: server shutting down\n')
                    await GCoro.future_of(stream.drain_async, stream.drain_finish)
                    log.append('flushed')
                try:
                    await GCoro.yield_()   # outside the shield: cancelled again
                except GLib.Error:
                    log.append('next await cancelled')
                raise

        server, kept = start_server(handle)

        async def client():
            stream = await connect(server)
            await GCoro.future_of(started.wait_async, started.wait_finish)
            kept['tasks'][0].cancel()
            first = (await read_line(stream)).get_data()
            second = (await read_line(stream)).get_data()
            return first, second

        self.assertEqual(GCoro.run(client()), (b'bye: server shutting down\n', b''))
        self.assertEqual(log, ['cancelled', 'flushed', 'next await cancelled'])
        self.assertEqual(kept['tasks'][0].get_state(), GCoro.FutureState.CANCELLED)
        server.close()
        iterate_until(lambda: server.get_n_connections() == 0)


class HostileNetworkTest(unittest.TestCase):
    """The limits a Python program sets, and serve_forever() stopped by
    SIGTERM."""

    def test_limits_are_properties(self):
        server = GCoro.StreamServer.new()
        self.assertEqual(server.props.tls_handshake_timeout, 60000)
        self.assertEqual(server.props.shutdown_timeout, 30000)
        self.assertEqual(server.props.idle_timeout, 0)
        server.props.idle_timeout = 250
        server.set_max_handshakes(2)
        self.assertEqual(server.get_idle_timeout(), 250)
        self.assertEqual(server.props.max_handshakes, 2)

    def test_idle_timeout_fails_the_read(self):
        errors = []

        async def handle(stream):
            try:
                await read_line(stream)
            except GLib.Error as error:
                errors.append((error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)))

        server, kept = start_server(handle)
        server.set_idle_timeout(20)

        async def silent_client():
            stream = await connect(server)
            return (await GCoro.future_of(stream.read_async, stream.read_finish, -1)).get_size()

        self.assertEqual(GCoro.run(silent_client()), 0)   # the server let go
        iterate_until(lambda: server.get_n_connections() == 0)
        self.assertEqual(errors, [True])
        server.close()

    def test_serve_forever_until_sigterm(self):
        log = []

        async def handle(stream):
            try:
                await read_line(stream)               # nothing comes
            except GLib.Error:
                log.append('cancelled after the grace period')
                with GCoro.shielded():
                    stream.write(b'bye\n')
                    await GCoro.future_of(stream.drain_async, stream.drain_finish)

        server, kept = start_server(handle)
        server.props.grace_period = 20

        async def main():
            serving = GCoro.future_of(server.serve_forever_async, server.serve_forever_finish)
            stream = await connect(server)
            while server.get_n_connections() == 0:
                await GCoro.sleep(1)
            os.kill(os.getpid(), signal.SIGTERM)
            stopped = await serving
            bye = (await read_line(stream)).get_data()
            eof = (await read_line(stream)).get_data()
            return stopped, bye, eof

        self.assertEqual(GCoro.run(main()), (True, b'bye\n', b''))
        self.assertEqual(log, ['cancelled after the grace period'])
        self.assertEqual(server.get_n_connections(), 0)


if __name__ == '__main__':
    unittest.main()
