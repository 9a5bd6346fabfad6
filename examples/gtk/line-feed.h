/* line-feed.h: a stream server that feeds lines into a list model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <glib-coro.h>

typedef struct
{
  GCoroStreamServer *server;
  GtkStringList     *lines;
  GCoroEvent        *client_done;  /* set each time a client hangs up */
} LineFeed;

LineFeed *line_feed_new  (GtkStringList  *lines,
                          guint16         port,
                          GError        **error);
void      line_feed_free (LineFeed       *feed);
