/* gcoro-stream-server.h: one task per connection, on GSocketService
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-context-var.h"
#include "gcoro-future.h"
#include "gcoro-stream.h"

G_BEGIN_DECLS

/**
 * GCoroStreamHandler:
 * @stream: the connection
 * @user_data: the data given with the handler
 *
 * The body of a connection's fiber task (C only). It may suspend at any
 * depth; the stream is closed when it returns. Report failure with
 * [method@GCoro.Task.return_error] on [func@GCoro.Task.get_current].
 */
typedef void (*GCoroStreamHandler) (GCoroStream *stream,
                                    gpointer     user_data);

#define GCORO_TYPE_STREAM_SERVER (gcoro_stream_server_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroStreamServer, gcoro_stream_server, GCORO, STREAM_SERVER, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroStreamServer *gcoro_stream_server_new             (void);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_handler     (GCoroStreamServer  *self,
                                                        GCoroStreamHandler  handler,
                                                        gpointer            user_data,
                                                        GDestroyNotify      notify);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_listen_tcp      (GCoroStreamServer  *self,
                                                        const char         *host,
                                                        guint16             port,
                                                        GError            **error);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_listen_unix     (GCoroStreamServer  *self,
                                                        const char         *path,
                                                        GError            **error);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_tls_certificate (GCoroStreamServer *self,
                                                            GTlsCertificate   *certificate);
GCORO_AVAILABLE_IN_ALL
GTlsCertificate   *gcoro_stream_server_get_tls_certificate (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
guint16            gcoro_stream_server_get_port        (GCoroStreamServer  *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_max_connections (GCoroStreamServer *self,
                                                    guint              max);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_max_connections (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_idle_timeout (GCoroStreamServer *self,
                                                    guint              timeout_msec);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_idle_timeout (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_tls_handshake_timeout (GCoroStreamServer *self,
                                                    guint              timeout_msec);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_tls_handshake_timeout (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_max_handshakes (GCoroStreamServer *self,
                                                    guint              max);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_max_handshakes (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_shutdown_timeout (GCoroStreamServer *self,
                                                    guint              timeout_msec);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_shutdown_timeout (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_set_grace_period (GCoroStreamServer *self,
                                                    guint              period_msec);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_grace_period (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
guint              gcoro_stream_server_get_n_connections (GCoroStreamServer *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_start           (GCoroStreamServer  *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_close           (GCoroStreamServer  *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_abort           (GCoroStreamServer  *self);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_wait_closed_async  (GCoroStreamServer   *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_wait_closed_finish (GCoroStreamServer   *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_wait_closed     (GCoroStreamServer  *self,
                                                        GError            **error);
GCORO_AVAILABLE_IN_ALL
void               gcoro_stream_server_serve_forever_async  (GCoroStreamServer   *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_serve_forever_finish (GCoroStreamServer   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_stream_server_serve_forever   (GCoroStreamServer  *self,
                                                        GError            **error);

GCORO_AVAILABLE_IN_ALL
GCoroContextVar   *gcoro_stream_server_get_peer_var    (void);

G_END_DECLS
