/* context-var-server.c: each client's address in a context variable
 *
 * Seed topic: "context variables" (contextvars.ContextVar). The server
 * keeps each client's address in a context variable when it connects; the
 * task it spawns to listen for messages (and anything that task calls)
 * sees that client's address, without passing it around.
 *
 * Run: ./context-var-server [--port=9000]     then: nc 127.0.0.1 9000
 *      ./context-var-server --demo             (a client in-process, then exit)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <stdio.h>

static GCoroContextVar *user_address;

/* Formats an address the way the Python text prints a peername. */
static char *
describe (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf ("('%s', %u)", host, g_inet_socket_address_get_port (inet));
}

static void
print_message (GBytes *data)
{
  g_autoptr(GSocketAddress) address = gcoro_context_var_dup_object (user_address);
  g_autofree char *who = describe (address);
  g_autofree char *raw = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_autofree char *escaped = g_strescape (raw, NULL);

  g_print ("received b'%s' from %s\n", escaped, who);
}

static void
listen_for_messages (GCoroTask *task,
                     gpointer   user_data)
{
  GCoroStream *stream = user_data;

  for (;;)
    {
      g_autoptr(GBytes) data = gcoro_stream_read_line (stream, NULL);

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

static void
demo_client (GCoroTask *task,
             gpointer   user_data)
{
  GCoroStreamServer *server = user_data;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1",
                                                            gcoro_stream_server_get_port (server), NULL);

  gcoro_stream_write (stream, (const guint8 *) "Hello!\r\n", 8);
  gcoro_stream_write (stream, (const guint8 *) "Bye!\r\n", 6);
  gcoro_stream_close (stream, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int port = 9000;
  gboolean demo = FALSE;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on", "PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Serve one in-process client, then exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a server that remembers its clients");
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !gcoro_stream_server_listen_tcp (server, "127.0.0.1", demo ? 0 : port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  user_address = gcoro_context_var_new ("user_address");
  gcoro_stream_server_set_handler (server, client_connected, NULL, NULL);
  gcoro_stream_server_start (server);

  if (demo)
    {
      g_autoptr(GCoroTask) client = gcoro_spawn (demo_client, server, NULL);

      gcoro_run_until_complete (GCORO_FUTURE (client), NULL);
      while (gcoro_stream_server_get_n_connections (server) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

      /* A server's log: one line at a time, also into a pipe. */
      setvbuf (stdout, NULL, _IOLBF, 0);

      g_print ("listening on 127.0.0.1:%u\n", gcoro_stream_server_get_port (server));
      g_main_loop_run (loop);
    }

  gcoro_stream_server_close (server);
  g_clear_object (&user_address);
  return 0;
}
