#!/usr/bin/python3
# GCoro.Stream from Python, through its _async twins.
# SPDX-License-Identifier: LGPL-2.1-or-later

import socket
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, Gio  # noqa: E402

from gcorotest import Call, settle  # noqa: E402


def stream_pair():
    a, b = socket.socketpair()
    streams = []
    for s in (a, b):
        sock = Gio.Socket.new_from_fd(s.detach())
        conn = sock.connection_factory_create_connection()
        streams.append(GCoro.Stream.new(conn))
    return streams


class StreamTest(unittest.TestCase):
    def test_lines_then_eof(self):
        a, b = stream_pair()
        first = Call(b.read_line_async, b.read_line_finish)
        settle()
        self.assertFalse(first.done)
        a.write(b'hello\nwor')
        self.assertEqual(first.wait().result.get_data(), b'hello\n')
        a.write(b'ld\npartial')
        self.assertTrue(Call(a.close_async, a.close_finish).wait().result)
        self.assertEqual(Call(b.read_line_async, b.read_line_finish).wait().result.get_data(), b'world\n')
        self.assertEqual(Call(b.read_line_async, b.read_line_finish).wait().result.get_data(), b'partial')
        self.assertEqual(Call(b.read_line_async, b.read_line_finish).wait().result.get_data(), b'')
        self.assertTrue(b.at_eof())

    def test_limit_overrun_error(self):
        a, b = stream_pair()
        b.set_limit(8)
        a.write(b'0123456789abcdef\n')
        err = Call(b.read_line_async, b.read_line_finish).wait().error
        self.assertEqual(err.domain, 'gcoro-stream-error-quark')
        self.assertEqual(err.code, GCoro.StreamError.LIMIT_OVERRUN)
        data = Call(b.read_async, b.read_finish, 100).wait().result.get_data()
        self.assertEqual(data, b'0123456789abcdef\n')


if __name__ == '__main__':
    unittest.main()
