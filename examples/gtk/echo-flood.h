/* echo-flood.h: an echo server on the main thread, flooded from a worker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-coro.h>

typedef struct
{
  GCoroStreamServer *server;        /* on the main thread's scheduler */
  GCoroWorker       *clients;       /* the flooding connections' thread */
  guint16            port;
  guint64            served;        /* lines echoed: main thread only */
  int                wrong_echoes;  /* atomic: replies that were not the line sent */
} EchoFlood;

EchoFlood *echo_flood_new  (guint       connections,
                            GError    **error);
void       echo_flood_stop (EchoFlood  *flood);
void       echo_flood_free (EchoFlood  *flood);
