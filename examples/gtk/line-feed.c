/* line-feed.c: a stream server that feeds lines into a list model
 *
 * Seed topic: the asyncio stream server of the text, inside a GTK app.
 *
 * Each connection is a fiber task on the main thread (the same thread as
 * GTK), so its handler appends what it reads straight to the list model
 * of the window's list view: no locks, no idle callbacks, no queues.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "line-feed.h"

static void
client_connected (GCoroStream *stream,
                  gpointer     user_data)
{
  LineFeed *feed = user_data;

  for (;;)
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (stream, NULL);  /* reader.readline() */
      g_autofree char *text = NULL;

      if (line == NULL || g_bytes_get_size (line) == 0)
        break;
      text = g_strndup (g_bytes_get_data (line, NULL), g_bytes_get_size (line));
      gtk_string_list_append (feed->lines, g_strchomp (text));
    }
  gcoro_event_set (feed->client_done);
}

LineFeed *
line_feed_new (GtkStringList  *lines,
               guint16         port,
               GError        **error)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  LineFeed *feed;

  if (!gcoro_stream_server_listen_tcp (server, "127.0.0.1", port, error))
    return NULL;

  feed = g_new0 (LineFeed, 1);
  feed->server = g_steal_pointer (&server);
  feed->lines = g_object_ref (lines);
  feed->client_done = gcoro_event_new ();
  gcoro_stream_server_set_handler (feed->server, client_connected, feed, NULL);
  gcoro_stream_server_start (feed->server);
  return feed;
}

/* Call from outside the main loop: it iterates the context until the
 * cancelled handlers are gone, so none of them outlives @feed. */
void
line_feed_free (LineFeed *feed)
{
  gcoro_stream_server_abort (feed->server);
  while (gcoro_stream_server_get_n_connections (feed->server) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (feed->server);
  g_object_unref (feed->lines);
  g_object_unref (feed->client_done);
  g_free (feed);
}
