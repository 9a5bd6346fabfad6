/* gcoro-stream-transport-private.h: the bytes under a GCoroStream
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A transport moves bytes between a GIOStream and two buffers, and waits
 * for readiness when the stream would block; GCoroStream
 * (gcoro-stream.c) builds asyncio's reader/writer vocabulary on it. A
 * plain socket connection is read and written with recv()/send() on its
 * non-blocking descriptor and waits through one readiness registration
 * for its whole life; other streams (TLS, pipes) go through the pollable
 * interfaces and a GSource per wait (gcoro-readiness-private.h). What
 * write() could not send goes out in the background as the socket takes
 * it.
 *
 * Embedded in its stream; used from the thread of the stream's scheduler,
 * one task at a time per direction. The functions that wait suspend the
 * calling fiber task.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-readiness-private.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task.h"

G_BEGIN_DECLS

typedef struct _GCoroStreamTransport GCoroStreamTransport;

struct _GCoroStreamTransport
{
  GIOStream              *io;
  GPollableInputStream   *in;      /* borrowed from io */
  GPollableOutputStream  *out;

  int                     fd;      /* -1: use the pollable interfaces */
  GCoroReadiness          readiness;
  GCoroTask              *reader;  /* waiting for the stream to be readable */
  GCoroTask              *writer;  /* waiting for it to be writable */
  /* The last recv() returned less than it asked for, so the socket was
   * empty then; unless readiness was reported since (maybe_readable), the
   * next read waits first instead of paying for a recv() that would only
   * say EAGAIN. The epoll backend reports each arrival as an edge, and a
   * reported edge nobody waited for sets maybe_readable. A short read
   * says nothing of an end of stream queued behind the data, so once a
   * hang-up or error was reported (peer_hup) reads never skip. */
  gboolean                recv_short;
  gboolean                maybe_readable;
  gboolean                peer_hup;

  GByteArray             *rbuf;    /* unread data is rbuf[rpos .. len) */
  gsize                   rpos;
  gboolean                rbuf_grown;   /* past KEEP_BUFFER: freed once empty */
  gboolean                eof;

  GByteArray             *wbuf;    /* unsent data is wbuf[wpos .. len) */
  gsize                   wpos;
  GError                 *write_error;   /* sticky: the peer is gone */
  gboolean                write_shut;
  gboolean                closed;

  /* The idle timeout: a reader that waits idle_msec for bytes fails. One
   * timer per stream, armed lazily: a wait only records when it began,
   * and the timer, when it fires, either fails the waiting reader or
   * moves itself to the deadline of the wait in progress. */
  guint                   idle_msec;
  GCoroTimer              idle_timer;
  GCoroScheduler         *idle_scheduler;   /* a reference while the timer is armed */
  gint64                  read_wait_since;
};

/* @io's halves are pollable (the caller checked). */
void               _gcoro_stream_transport_init        (GCoroStreamTransport  *self,
                                                        GIOStream             *io);
void               _gcoro_stream_transport_clear       (GCoroStreamTransport  *self);

/* The socket connection under the stream (itself, or under its TLS
 * layers), or NULL. */
GSocketConnection *_gcoro_stream_transport_get_socket  (GCoroStreamTransport  *self);

/* 0: no limit. */
void               _gcoro_stream_transport_set_idle_timeout (GCoroStreamTransport *self,
                                                             guint                 timeout_msec);

/* --- reading: the buffer, and filling it --- */

static inline gsize
_gcoro_stream_transport_buffered (GCoroStreamTransport *self)
{
  return self->rbuf->len - self->rpos;
}

/* The unread bytes (_gcoro_stream_transport_buffered() of them). */
static inline const guint8 *
_gcoro_stream_transport_peek (GCoroStreamTransport *self)
{
  return self->rbuf->data + self->rpos;
}

/* Consumes the first @n unread bytes (at most what is buffered). */
GBytes            *_gcoro_stream_transport_take        (GCoroStreamTransport  *self,
                                                        gsize                  n);

/* Reads what is available into the buffer, waiting for some if none is.
 * Returns the bytes added, 0 at EOF, -1 on error. */
gssize             _gcoro_stream_transport_fill        (GCoroStreamTransport  *self,
                                                        GError               **error);

/* --- writing: never blocks; the waits are explicit --- */

static inline gsize
_gcoro_stream_transport_unsent (GCoroStreamTransport *self)
{
  return self->wbuf->len - self->wpos;
}

/* Sends @data, keeping what the peer does not take at once; that goes out
 * in the background. A failure is kept in write_error. */
void               _gcoro_stream_transport_write       (GCoroStreamTransport  *self,
                                                        const guint8          *data,
                                                        gsize                  len);

/* Sends what the peer takes without waiting. FALSE when data is left or
 * the write failed (write_error set). */
gboolean           _gcoro_stream_transport_flush       (GCoroStreamTransport  *self);

/* Waits until at most @target bytes are left unsent; reports write_error. */
gboolean           _gcoro_stream_transport_flush_until (GCoroStreamTransport  *self,
                                                        gsize                  target,
                                                        GError               **error);

/* Sends everything, then shuts the writing half. */
gboolean           _gcoro_stream_transport_write_eof   (GCoroStreamTransport  *self,
                                                        GError               **error);

/* Sends what is buffered (and TLS's close_notify), then closes; if that
 * cannot finish, drops what is left and closes all the same. */
gboolean           _gcoro_stream_transport_close       (GCoroStreamTransport  *self,
                                                        GError               **error);

G_END_DECLS
