/* context-var-server.c: each client's address in a context variable
 *
 * Seed topic: "context variables" (contextvars.ContextVar). The server
 * keeps each client's address in a context variable when it connects; the
 * task it spawns to listen for messages (and anything that task calls)
 * sees that client's address, without passing it around.
 *
 * What it logs is escaped like a Python bytes literal, NUL bytes and all;
 * a connection's error is logged with its client's address, and a line
 * too long is answered with an error line. SIGINT or SIGTERM stop it in
 * order (exit status 0).
 *
 * Run: ./context-var-server [--port=9000]     then: nc 127.0.0.1 9000
 *      ./context-var-server --demo             (clients in-process, then exit)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <stdio.h>
#include <string.h>

static GCoroContextVar *user_address;

/* Formats an address the way the Python text prints a peername. */
static char *
describe (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf ("('%s', %u)", host, g_inet_socket_address_get_port (inet));
}

/* Python's repr() of bytes: every byte shown, none able to mess up a log. */
static char *
bytes_repr (GBytes *data)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  gboolean double_quotes = memchr (p, '\'', len) != NULL && memchr (p, '"', len) == NULL;
  char quote = double_quotes ? '"' : '\'';
  GString *out = g_string_new ("b");

  g_string_append_c (out, quote);
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == quote || p[i] == '\\')
        g_string_append_printf (out, "\\%c", p[i]);
      else if (p[i] == '\t')
        g_string_append (out, "\\t");
      else if (p[i] == '\n')
        g_string_append (out, "\\n");
      else if (p[i] == '\r')
        g_string_append (out, "\\r");
      else if (p[i] < 0x20 || p[i] >= 0x7f)
        g_string_append_printf (out, "\\x%02x", p[i]);
      else
        g_string_append_c (out, p[i]);
    }
  g_string_append_c (out, quote);
  return g_string_free (out, FALSE);
}

static void
print_message (GBytes *data)
{
  g_autoptr(GSocketAddress) address = gcoro_context_var_dup_object (user_address);
  g_autofree char *who = describe (address);
  g_autofree char *text = bytes_repr (data);

  g_print ("received %s from %s\n", text, who);
}

/* The error of a connection, with its client; a line too long gets an
 * answer. */
static void
report_error (GCoroStream *stream,
              GError      *error)
{
  g_autoptr(GSocketAddress) address = gcoro_context_var_dup_object (user_address);
  g_autofree char *who = describe (address);

  g_print ("error from %s: %s\n", who, error->message);
  if (g_error_matches (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_LIMIT_OVERRUN))
    {
      g_autofree char *reply = g_strdup_printf ("error: line too long (the limit is %" G_GSIZE_FORMAT
                                                " bytes)\n", gcoro_stream_get_limit (stream));

      gcoro_stream_write (stream, (const guint8 *) reply, strlen (reply));
      if (!gcoro_stream_write_eof (stream, NULL))   /* the answer, then EOF */
        return;
      /* Read and drop the rest: closing a socket with unread data resets
       * the connection, and the answer with it. */
      for (;;)
        {
          g_autoptr(GBytes) rest = gcoro_stream_read (stream, 65536, NULL);

          if (rest == NULL || g_bytes_get_size (rest) == 0)
            return;
        }
    }
}

static void
listen_for_messages (GCoroTask *task,
                     gpointer   user_data)
{
  GCoroStream *stream = user_data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = gcoro_stream_read_line (stream, &error);

      if (data == NULL)
        report_error (stream, error);
      if (data == NULL || g_bytes_get_size (data) == 0)
        break;
      print_message (data);
    }
}

static void
client_connected (GCoroStream *stream,
                  gpointer     user_data)
{
  g_autoptr(GSocketAddress) peer = gcoro_stream_get_peer_address (stream, NULL);
  g_autoptr(GCoroTask) listener = NULL;

  /* user_address.set(peername): this task's context only. */
  gcoro_token_unref (gcoro_context_var_set_object (user_address, peer));
  /* create_task(listen_for_messages()): it inherits the address. */
  listener = gcoro_spawn (listen_for_messages, g_object_ref (stream), g_object_unref);
  gcoro_await (GCORO_FUTURE (listener), NULL);
}

static guint16 demo_port;

/* The text's client: two lines (and one with a NUL byte), then goodbye. */
static void
demo_client (GCoroTask *task,
             gpointer   user_data)
{
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", demo_port, NULL);

  gcoro_stream_write (stream, (const guint8 *) "Hello!\r\n", 8);
  gcoro_stream_write (stream, (const guint8 *) "Nul\0byte\n", 9);
  gcoro_stream_write (stream, (const guint8 *) "Bye!\r\n", 6);
  gcoro_stream_close (stream, NULL);
}

/* A client whose line is too long: it prints the answer. */
static void
overlong_client (GCoroTask *task,
                 gpointer   user_data)
{
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", demo_port, NULL);
  g_autofree guint8 *line = g_malloc (70001);
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *text = NULL;

  memset (line, 'x', 70000);
  line[70000] = '\n';
  gcoro_stream_write (stream, line, 70001);
  answer = gcoro_stream_read_line (stream, NULL);
  text = bytes_repr (answer);
  g_print ("got %s\n", text);
  gcoro_stream_close (stream, NULL);
}

static void
run_demo_client (GCoroStreamServer *server,
                 GCoroTaskFunc      client)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (client, NULL, NULL);

  demo_port = gcoro_stream_server_get_port (server);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  while (gcoro_stream_server_get_n_connections (server) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
serve (GCoroTask *task,
       gpointer   server)
{
  GError *error = NULL;

  /* Until SIGINT or SIGTERM, then an orderly shutdown. */
  if (!gcoro_stream_server_serve_forever (server, &error))
    gcoro_task_return_error (task, error);
}

int
main (int   argc,
      char *argv[])
{
  int port = 9000;
  gboolean demo = FALSE;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on", "PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Serve clients in-process, then exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a server that remembers its clients");
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !gcoro_stream_server_listen_tcp (server, "127.0.0.1", demo ? 0 : port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* A server's log: one line at a time, also into a pipe. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  user_address = gcoro_context_var_new ("user_address");
  gcoro_stream_server_set_max_connections (server, 1000);
  gcoro_stream_server_set_idle_timeout (server, 5 * 60 * 1000);   /* a chat: quiet for a while */
  gcoro_stream_server_set_handler (server, client_connected, NULL, NULL);
  gcoro_stream_server_start (server);

  if (demo)
    {
      run_demo_client (server, demo_client);
      run_demo_client (server, overlong_client);
      gcoro_stream_server_close (server);
    }
  else
    {
      g_autoptr(GCoroTask) serving = gcoro_spawn (serve, server, NULL);

      g_print ("listening on 127.0.0.1:%u\n", gcoro_stream_server_get_port (server));
      if (gcoro_run_until_complete (GCORO_FUTURE (serving), &error))
        g_print ("stopped: every connection closed\n");
      else
        {
          g_printerr ("%s\n", error->message);
          status = 1;
        }
    }

  g_clear_object (&user_address);
  return status;
}
