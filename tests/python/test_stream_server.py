#!/usr/bin/python3
# A stream server with an async def handler, and a Python client task.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
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


if __name__ == '__main__':
    unittest.main()
