/* echo-server-gio.c: the plain GIO callback baseline of the benchmark
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GSocketService, GDataInputStream's read_line_async() and
 * g_output_stream_write_all_async(): how a GIO program echoes lines
 * without coroutines. Usage: echo-server-gio PORT
 */
#include <gio/gio.h>
#include <stdlib.h>

typedef struct
{
  GSocketConnection *conn;
  GDataInputStream  *in;
  char              *line;
} Client;

static void read_next (Client *c);

static void
client_free (Client *c)
{
  g_object_unref (c->in);
  g_object_unref (c->conn);
  g_free (c->line);
  g_free (c);
}

static void
written (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *c = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, NULL))
    return client_free (c);
  read_next (c);
}

static void
line_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *c = data;
  gsize len;

  g_free (c->line);
  c->line = g_data_input_stream_read_line_finish (c->in, res, &len, NULL);
  if (c->line == NULL)
    return client_free (c);
  c->line[len] = '\n';   /* read_line strips it; the buffer has room for the NUL */
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c->conn)),
                                   c->line, len + 1, G_PRIORITY_DEFAULT, NULL, written, c);
}

static void
read_next (Client *c)
{
  g_data_input_stream_read_line_async (c->in, G_PRIORITY_DEFAULT, NULL, line_read, c);
}

static gboolean
incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
  Client *c = g_new0 (Client, 1);

  c->conn = g_object_ref (conn);
  c->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  read_next (c);
  return TRUE;
}

int
main (int argc, char *argv[])
{
  GSocketService *service = g_socket_service_new ();
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, atoi (argv[1]));

  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), 1024);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, NULL))
    return 1;
  g_signal_connect (service, "incoming", G_CALLBACK (incoming), NULL);
  g_socket_service_start (service);
  g_main_loop_run (loop);
  return 0;
}
