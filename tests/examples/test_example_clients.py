#!/usr/bin/python3
# The example servers as real processes, with real clients: Python's
# asyncio streams and nc(1). SIGTERM stops them in order: exit status 0.
# Usage: test_example_clients.py ECHO_SERVER CONTEXT_VAR_SERVER
# (each a command line: the C program, or python3/gjs and a twin's script)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import re
import shlex
import shutil
import signal
import subprocess
import sys
import unittest

ECHO_SERVER, CONTEXT_VAR_SERVER = (shlex.split(a) for a in sys.argv[1:3])
del sys.argv[1:3]


class Server:
    """Starts an example on a free port and reads the port it announces."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command + ['--port=0'], stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        match = re.search(r'127\.0\.0\.1:(\d+)', first)
        if not match:
            self.proc.kill()
            raise AssertionError(f'{command} did not announce its port: {first!r}')
        self.port = int(match.group(1))

    def line(self):
        return self.proc.stdout.readline()

    def stop(self, sig=signal.SIGTERM):
        """Stops it with a signal: it shuts down in order and exits 0."""
        self.proc.send_signal(sig)
        rest = self.proc.stdout.read()
        status = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        return status, rest


class ExampleClientsTest(unittest.TestCase):
    def test_echo_server_with_asyncio(self):
        server = Server(ECHO_SERVER)
        try:
            async def client():
                reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
                writer.write(b'Hello from asyncio\n')
                await writer.drain()
                line = await reader.readline()
                rest = await reader.read()          # the server closes after one line
                writer.close()
                await writer.wait_closed()
                return line, rest

            for _ in range(3):                      # it serves one client after another
                self.assertEqual(asyncio.run(client()), (b'Hello from asyncio\n', b''))
        finally:
            status, rest = server.stop()
        self.assertEqual(status, 0)
        self.assertRegex(rest, r'(?i)stopped: every connection closed\n$')

    def test_echo_server_answers_an_overlong_line(self):
        server = Server(ECHO_SERVER)
        try:
            async def client():
                reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
                port = writer.get_extra_info('sockname')[1]
                writer.write(b'x' * 100000 + b'\n')
                await writer.drain()
                answer = await reader.readline()
                rest = await reader.read()
                writer.close()
                await writer.wait_closed()
                return port, answer, rest

            port, answer, rest = asyncio.run(client())
            self.assertEqual(answer, b'error: line too long (the limit is 65536 bytes)\n')
            self.assertEqual(rest, b'')
            self.assertEqual(server.line(), f"127.0.0.1:{port}: No separator within the stream's "
                                            "limit of 65536 bytes\n")
        finally:
            server.stop()

    def test_sigint_during_a_connection_exits_zero(self):
        server = Server(ECHO_SERVER)
        try:
            async def client():
                reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
                writer.write(b'one line\n')
                await writer.drain()
                return await reader.readline(), await reader.read()

            self.assertEqual(asyncio.run(client()), (b'one line\n', b''))
        finally:
            status, _ = server.stop(signal.SIGINT)
        self.assertEqual(status, 0)

    @unittest.skipUnless(shutil.which('nc'), 'nc is not installed (netcat-openbsd)')
    def test_echo_server_with_nc(self):
        server = Server(ECHO_SERVER)
        try:
            out = subprocess.run(['nc', '-N', '127.0.0.1', str(server.port)], input=b'hi\n',
                                 capture_output=True, timeout=30)
            self.assertEqual(out.stdout, b'hi\n')
        finally:
            server.stop()

    def test_context_var_server_with_asyncio(self):
        server = Server(CONTEXT_VAR_SERVER)
        try:
            async def client():
                reader, writer = await asyncio.open_connection('127.0.0.1', server.port)
                port = writer.get_extra_info('sockname')[1]
                writer.write(b'Hello!\r\n')
                writer.write(b'Bye!\r\n')
                await writer.drain()
                writer.close()
                await writer.wait_closed()
                return port

            port = asyncio.run(client())
            self.assertEqual(server.line(), f"received b'Hello!\\r\\n' from ('127.0.0.1', {port})\n")
            self.assertEqual(server.line(), f"received b'Bye!\\r\\n' from ('127.0.0.1', {port})\n")
        finally:
            status, rest = server.stop()
        self.assertEqual(status, 0)
        self.assertEqual(rest, 'stopped: every connection closed\n')

    @unittest.skipUnless(shutil.which('nc'), 'nc is not installed (netcat-openbsd)')
    def test_context_var_server_with_nc(self):
        server = Server(CONTEXT_VAR_SERVER)
        try:
            subprocess.run(['nc', '-N', '127.0.0.1', str(server.port)], input=b'Hello!\r\n',
                           capture_output=True, timeout=30)
            self.assertRegex(server.line(), r"^received b'Hello!\\r\\n' from \('127\.0\.0\.1', \d+\)$")
        finally:
            server.stop()


if __name__ == '__main__':
    unittest.main()
