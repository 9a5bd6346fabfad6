/* gcoro-test-util.h: small helpers shared by the C tests
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-coro.h>

/* Iterates the default context until *counter reaches target. */
static inline void
iterate_until (int *counter,
               int  target)
{
  while (*counter < target)
    g_main_context_iteration (NULL, TRUE);
}

/* Iterates the default context a few times without blocking: enough for
 * every ready task to run and suspend again. */
static inline void
settle_loop (void)
{
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
}

static inline void
run_all (GCoroTask **tasks,
         guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL);
      g_object_unref (tasks[i]);
    }
}

/* A GCoroStream over a connected socket descriptor (one end of a
 * socketpair(), a raw client); the stream owns @fd. */
static inline GCoroStream *
stream_from_fd (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr(GSocketConnection) conn = NULL;

  g_assert_no_error (error);
  conn = g_socket_connection_factory_create_connection (socket);
  return gcoro_stream_new (G_IO_STREAM (conn));
}
