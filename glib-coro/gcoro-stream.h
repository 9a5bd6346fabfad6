/* gcoro-stream.h: asyncio's reader/writer vocabulary over a GIOStream
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

/**
 * GCORO_STREAM_ERROR:
 *
 * The error domain of [class@GCoro.Stream]'s own failures.
 */
#define GCORO_STREAM_ERROR (gcoro_stream_error_quark ())

/**
 * GCoroStreamError:
 * @GCORO_STREAM_ERROR_LIMIT_OVERRUN: [method@GCoro.Stream.read_line] or
 *   [method@GCoro.Stream.read_until] found no separator within the stream's limit.
 *   Nothing is consumed: the buffered data can still be read with
 *   [method@GCoro.Stream.read].
 * @GCORO_STREAM_ERROR_INCOMPLETE_READ: the peer closed before
 *   [method@GCoro.Stream.read_exactly] got all it asked for; the partial data is
 *   returned through its `partial` argument.
 *
 * Error codes of the [error@GCoro.StreamError] domain.
 */
typedef enum
{
  GCORO_STREAM_ERROR_LIMIT_OVERRUN,
  GCORO_STREAM_ERROR_INCOMPLETE_READ,
} GCoroStreamError;

/**
 * gcoro_stream_error_quark:
 *
 * Gets the quark of the stream error domain, [error@GCoro.StreamError].
 *
 * Returns: the domain of the errors of [class@GCoro.Stream]
 */
GCORO_AVAILABLE_IN_ALL
GQuark gcoro_stream_error_quark (void);

#define GCORO_TYPE_STREAM (gcoro_stream_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroStream, gcoro_stream, GCORO, STREAM, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroStream    *gcoro_stream_new                (GIOStream     *io_stream);
GCORO_AVAILABLE_IN_ALL
GIOStream      *gcoro_stream_get_io_stream      (GCoroStream   *self);
GCORO_AVAILABLE_IN_ALL
gsize           gcoro_stream_get_limit          (GCoroStream   *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_set_limit          (GCoroStream   *self,
                                                 gsize          limit);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_set_idle_timeout   (GCoroStream   *self,
                                                 guint          timeout_msec);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_stream_get_idle_timeout   (GCoroStream   *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_set_write_buffer_limits (GCoroStream *self,
                                                      gsize        high,
                                                      gsize        low);
GCORO_AVAILABLE_IN_ALL
gsize           gcoro_stream_get_write_buffer_size (GCoroStream *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_at_eof             (GCoroStream   *self);
GCORO_AVAILABLE_IN_ALL
GSocketAddress *gcoro_stream_get_peer_address   (GCoroStream   *self,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
GSocketAddress *gcoro_stream_get_local_address  (GCoroStream   *self,
                                                 GError       **error);

/* Fiber calls (C only). */
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read               (GCoroStream   *self,
                                                 gssize         n,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_exactly       (GCoroStream   *self,
                                                 gsize          n,
                                                 GBytes       **partial,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_line          (GCoroStream   *self,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_until         (GCoroStream   *self,
                                                 const guint8  *separator,
                                                 gsize          separator_len,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_write              (GCoroStream   *self,
                                                 const guint8  *data,
                                                 gsize          len);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_write_bytes        (GCoroStream   *self,
                                                 GBytes        *bytes);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_drain              (GCoroStream   *self,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_write_eof          (GCoroStream   *self,
                                                 GError       **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_close              (GCoroStream   *self,
                                                 GError       **error);

/* The same, GIO style (for callbacks and bindings). */
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_read_line_async    (GCoroStream          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_line_finish   (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_read_async         (GCoroStream          *self,
                                                 gssize                n,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_finish        (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_read_exactly_async (GCoroStream          *self,
                                                 gsize                 n,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_exactly_finish (GCoroStream         *self,
                                                  GAsyncResult        *result,
                                                  GBytes             **partial,
                                                  GError             **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_read_until_async   (GCoroStream          *self,
                                                 const guint8         *separator,
                                                 gsize                 separator_len,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GBytes         *gcoro_stream_read_until_finish  (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_write_eof_async    (GCoroStream          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_write_eof_finish   (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_drain_async        (GCoroStream          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_drain_finish       (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_stream_close_async        (GCoroStream          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_stream_close_finish       (GCoroStream          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
