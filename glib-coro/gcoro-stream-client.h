/* gcoro-stream-client.h: opening connections (asyncio's open_connection())
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-stream.h"

G_BEGIN_DECLS

GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect            (GSocketClient        *client,
                                              GSocketConnectable   *connectable,
                                              GError              **error);
GCORO_AVAILABLE_IN_ALL
void         gcoro_stream_connect_async      (GSocketClient        *client,
                                              GSocketConnectable   *connectable,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_finish     (GAsyncResult         *result,
                                              GError              **error);

GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_tcp        (const char           *host,
                                              guint16               port,
                                              GError              **error);
GCORO_AVAILABLE_IN_ALL
void         gcoro_stream_connect_tcp_async  (const char           *host,
                                              guint16               port,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_tcp_finish (GAsyncResult         *result,
                                              GError              **error);

GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_tls        (const char           *host,
                                              guint16               port,
                                              GTlsDatabase         *database,
                                              GError              **error);
GCORO_AVAILABLE_IN_ALL
void         gcoro_stream_connect_tls_async  (const char           *host,
                                              guint16               port,
                                              GTlsDatabase         *database,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_tls_finish (GAsyncResult         *result,
                                              GError              **error);

GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_unix       (const char           *path,
                                              GError              **error);
GCORO_AVAILABLE_IN_ALL
void         gcoro_stream_connect_unix_async (const char           *path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
GCoroStream *gcoro_stream_connect_unix_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
