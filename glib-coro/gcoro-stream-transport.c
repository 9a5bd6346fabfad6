/* gcoro-stream-transport.c: the bytes under a GCoroStream
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - Every I/O call first tries the non-blocking operation and waits for
 *   readiness only when it would block (EAGAIN), through the stream's one
 *   registration (gcoro-readiness-private.h).
 * - A short recv() means the socket was empty: the next read waits first
 *   rather than paying for a recv() that says EAGAIN (see recv_short).
 * - Reads land in a per-thread scratch buffer and only the bytes that came
 *   are kept, so thousands of connections each holding a partial line
 *   cost those bytes, not a chunk each; a long line reads straight into
 *   its own buffer, which is given back once it is consumed.
 * - write() sends from the caller's memory when nothing is queued; what
 *   the socket does not take goes out from the watch's dispatch (the
 *   background flush, like asyncio's transports), so a writer that never
 *   drains still gets its bytes delivered.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "gcoro-stream-transport-private.h"
#include "gcoro-task-private.h"

#define READ_CHUNK        (16 * 1024)
/* A read buffer that grew past this is freed once it is empty again. */
#define KEEP_BUFFER       (4 * 1024)

static GIOCondition transport_ready (GCoroReadiness *readiness,
                                     GIOCondition    ready,
                                     GIOCondition    idle);

/* The socket connection under @io: itself, or the base stream of a TLS
 * connection. */
static GSocketConnection *
base_socket_connection (GIOStream *io)
{
  while (G_IS_TLS_CONNECTION (io))
    {
      GIOStream *base = NULL;

      g_object_get (io, "base-io-stream", &base, NULL);
      g_object_unref (base);   /* io holds it */
      io = base;
    }
  return G_IS_SOCKET_CONNECTION (io) ? G_SOCKET_CONNECTION (io) : NULL;
}

static void idle_timer_disarm (GCoroStreamTransport *self);

void
_gcoro_stream_transport_init (GCoroStreamTransport *self,
                              GIOStream            *io)
{
  GSocketConnection *base;

  self->io = g_object_ref (io);
  self->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (io));
  self->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (io));
  self->rbuf = g_byte_array_new ();
  self->wbuf = g_byte_array_new ();
  self->fd = -1;
  _gcoro_readiness_init (&self->readiness, transport_ready);
#ifdef G_OS_UNIX
  /* A wrapper connection's streams are not the socket's. */
  if (G_IS_SOCKET_CONNECTION (io) && !G_IS_TCP_WRAPPER_CONNECTION (io))
    self->fd = g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (io)));
#endif
  base = base_socket_connection (io);
  if (G_IS_TCP_CONNECTION (base))
    {
      /* As asyncio does: a line or a reply goes out when it is written,
       * not when the previous one was acknowledged. */
      g_socket_set_option (g_socket_connection_get_socket (base),
                           IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
    }
}

void
_gcoro_stream_transport_clear (GCoroStreamTransport *self)
{
  idle_timer_disarm (self);
  _gcoro_readiness_clear (&self->readiness);
  g_clear_pointer (&self->rbuf, g_byte_array_unref);
  g_clear_pointer (&self->wbuf, g_byte_array_unref);
  g_clear_error (&self->write_error);
  g_clear_object (&self->io);
}

GSocketConnection *
_gcoro_stream_transport_get_socket (GCoroStreamTransport *self)
{
  return base_socket_connection (self->io);
}

/* --- the idle timeout ------------------------------------------------------------ */

static GError *
idle_error (GCoroStreamTransport *self)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                      "The peer sent nothing for %u ms (the stream's idle timeout)",
                      self->idle_msec);
}

static void
idle_timer_disarm (GCoroStreamTransport *self)
{
  if (self->idle_scheduler == NULL)
    return;
  _gcoro_scheduler_remove_timer (self->idle_scheduler, &self->idle_timer);
  g_clear_object (&self->idle_scheduler);
}

/* From the scheduler's dispatch, at the deadline of a wait that began
 * when the timer was armed (or moved). */
static void
idle_timer_fired (GCoroTimer *timer)
{
  GCoroStreamTransport *self = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (GCoroStreamTransport,
                                                                           idle_timer));
  gint64 deadline = self->read_wait_since + (gint64) self->idle_msec * 1000;

  if (self->reader != NULL && self->idle_msec > 0 && g_get_monotonic_time () < deadline)
    {
      /* Bytes came, and the reader waits again since: its own deadline. */
      _gcoro_scheduler_add_timer (self->idle_scheduler, timer, deadline);
      return;
    }
  if (self->reader != NULL && self->idle_msec > 0)
    _gcoro_readiness_fail (&self->readiness, G_IO_IN, idle_error (self));
  g_clear_object (&self->idle_scheduler);
}

/* The reader @task starts waiting for bytes. */
static void
idle_wait_begins (GCoroStreamTransport *self,
                  GCoroTask            *task)
{
  self->read_wait_since = g_get_monotonic_time ();
  if (self->idle_scheduler != NULL)
    return;   /* armed: it moves itself when it fires */
  self->idle_scheduler = g_object_ref (_gcoro_task_peek_scheduler (task));
  self->idle_timer.func = idle_timer_fired;
  _gcoro_scheduler_add_timer (self->idle_scheduler, &self->idle_timer,
                              self->read_wait_since + (gint64) self->idle_msec * 1000);
}

void
_gcoro_stream_transport_set_idle_timeout (GCoroStreamTransport *self,
                                          guint                 timeout_msec)
{
  self->idle_msec = timeout_msec;
  if (timeout_msec == 0)
    idle_timer_disarm (self);
}

/* --- waiting for readiness ------------------------------------------------------ */

/* The socket's reports for the directions nobody waits on, from the
 * scheduler's dispatch: notes that data may have come, sends what write()
 * left behind, and says what it still needs. */
static GIOCondition
transport_ready (GCoroReadiness *readiness,
                 GIOCondition    ready,
                 GIOCondition    idle)
{
  GCoroStreamTransport *self = G_STRUCT_MEMBER_P (readiness, -G_STRUCT_OFFSET (GCoroStreamTransport,
                                                                               readiness));
  gboolean failed = (ready & (G_IO_HUP | G_IO_ERR)) != 0;
  GIOCondition want = 0;

  if (failed)
    self->peer_hup = TRUE;

  if ((idle & G_IO_IN) && (failed || (ready & G_IO_IN)))
    self->maybe_readable = TRUE;

  if ((idle & G_IO_OUT) && self->wpos < self->wbuf->len && self->write_error == NULL)
    {
      /* Nobody drains: keep sending in the background, like asyncio's
       * transports do. */
      if (failed || (ready & G_IO_OUT))
        _gcoro_stream_transport_flush (self);
      if (self->wpos < self->wbuf->len && self->write_error == NULL)
        want |= G_IO_OUT;
    }

  return want;
}

/* Registers the socket with the scheduler of this thread's context, once. */
static gboolean
ensure_registered (GCoroStreamTransport *self)
{
  GCoroScheduler *scheduler;

  if (G_LIKELY (_gcoro_readiness_is_registered (&self->readiness)))
    return TRUE;
  if (self->fd < 0 || self->closed)
    return FALSE;

  scheduler = _gcoro_scheduler_get_for_thread_default ();
  if (scheduler == NULL || !_gcoro_readiness_register (&self->readiness, scheduler, self->fd))
    {
      self->fd = -1;   /* this backend takes no such descriptor: poll the streams */
      return FALSE;
    }
  return TRUE;
}

/* Suspends the calling task until the stream is ready for @condition
 * (G_IO_IN or G_IO_OUT) or hangs up, the task is cancelled, or (reading)
 * the idle timeout expires. @source (taken) is what to wait on instead of
 * the stream itself (NULL). */
static gboolean
wait_ready_on (GCoroStreamTransport  *self,
               GIOCondition           condition,
               GSource               *source,
               const char            *func,
               GError               **error)
{
  GCoroTask **slot = condition == G_IO_IN ? &self->reader : &self->writer;
  GCoroTask *task;
  gboolean registered = source == NULL && ensure_registered (self);
  gboolean ok;

  task = _gcoro_task_require_current (func, "its _async() twin");
  if (task == NULL)
    {
      /* A programmer error: the critical alone says it (no GError). */
      g_clear_pointer (&source, g_source_unref);
      return FALSE;
    }
  if (G_UNLIKELY (registered &&
                  _gcoro_task_peek_scheduler (task) != _gcoro_readiness_peek_scheduler (&self->readiness)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s(): this stream belongs to the scheduler of another main context", func);
      return FALSE;
    }
  if (G_UNLIKELY (*slot != NULL))
    {
      g_clear_pointer (&source, g_source_unref);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "%s(): task '%s' is already %s this stream; one task per direction at a time",
                   func, gcoro_task_get_name (*slot),
                   condition == G_IO_IN ? "reading" : "writing");
      return FALSE;
    }
  if (source == NULL && !registered)
    source = condition == G_IO_IN ? g_pollable_input_stream_create_source (self->in, NULL)
                                  : g_pollable_output_stream_create_source (self->out, NULL);

  *slot = task;
  if (condition == G_IO_IN && self->idle_msec > 0)
    idle_wait_begins (self, task);
  ok = _gcoro_readiness_await (&self->readiness, condition, source, error);
  *slot = NULL;
  return ok;
}

static gboolean
wait_ready (GCoroStreamTransport  *self,
            GIOCondition           condition,
            const char            *func,
            GError               **error)
{
  return wait_ready_on (self, condition, NULL, func, error);
}

/* --- non-blocking calls ------------------------------------------------------------ */

/* What a non-blocking call on the socket returned (@n, errno), in the
 * convention of read_nonblocking(). */
static gssize
socket_result (gssize       n,
               const char  *what,
               GError     **error)
{
  int saved = errno;

  if (n >= 0)
    return n;
  if (saved == EAGAIN || saved == EWOULDBLOCK)
    return -2;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               "Error %s data: %s", what, g_strerror (saved));
  return -1;
}

/* The same for a pollable stream's non-blocking call. */
static gssize
pollable_result (gssize   n,
                 GError  *local_error,
                 GError **error)
{
  if (n >= 0)
    return n;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_error_free (local_error);
      return -2;
    }
  g_propagate_error (error, local_error);
  return -1;
}

/* One non-blocking read: > 0 bytes, 0 at EOF, -1 with @error set, or
 * -2 when it would block. */
static gssize
read_nonblocking (GCoroStreamTransport  *self,
                  guint8                *buf,
                  gsize                  len,
                  GError               **error)
{
  GError *local_error = NULL;
  gssize n;

  if (self->fd >= 0)
    {
      self->maybe_readable = FALSE;
      do
        n = recv (self->fd, buf, len, 0);
      while (n < 0 && errno == EINTR);
      self->recv_short = n > 0 && (gsize) n < len;
      return socket_result (n, "receiving", error);
    }

  n = g_pollable_input_stream_read_nonblocking (self->in, buf, len, NULL, &local_error);
  return pollable_result (n, local_error, error);
}

/* One non-blocking write, as read_nonblocking(). A vanished peer is an
 * error, never a SIGPIPE. */
static gssize
write_nonblocking (GCoroStreamTransport  *self,
                   const guint8          *buf,
                   gsize                  len,
                   GError               **error)
{
  GError *local_error = NULL;
  gssize n;

  if (self->fd >= 0)
    {
      do
        n = send (self->fd, buf, len, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
      return socket_result (n, "sending", error);
    }

  n = g_pollable_output_stream_write_nonblocking (self->out, buf, len, NULL, &local_error);
  return pollable_result (n, local_error, error);
}

/* --- reading ----------------------------------------------------------------------- */

/* The thread's landing place for reads: a read that brings a few bytes
 * then costs the stream only those bytes, not a whole chunk of buffer
 * (thousands of connections each holding a partial line). */
static guint8 *
scratch_buffer (void)
{
  static GPrivate key = G_PRIVATE_INIT (g_free);
  guint8 *buf = g_private_get (&key);

  if (G_UNLIKELY (buf == NULL))
    {
      buf = g_malloc (READ_CHUNK);
      g_private_set (&key, buf);
    }
  return buf;
}

/* One non-blocking read appended to the buffer: as read_nonblocking().
 * A long line in progress reads straight into its own buffer. */
static gssize
read_into_buffer (GCoroStreamTransport  *self,
                  GError               **error)
{
  guint old_len = self->rbuf->len;
  gssize n;

  if (old_len < KEEP_BUFFER)
    {
      guint8 *scratch = scratch_buffer ();

      n = read_nonblocking (self, scratch, READ_CHUNK, error);
      if (n > 0)
        g_byte_array_append (self->rbuf, scratch, n);
      return n;
    }

  self->rbuf_grown = TRUE;
  g_byte_array_set_size (self->rbuf, old_len + READ_CHUNK);
  n = read_nonblocking (self, self->rbuf->data + old_len, READ_CHUNK, error);
  g_byte_array_set_size (self->rbuf, old_len + MAX (n, 0));
  return n;
}

gssize
_gcoro_stream_transport_fill (GCoroStreamTransport  *self,
                              GError               **error)
{
  if (self->eof)
    return 0;

  /* Keep the unread bytes at the front, so the buffer only grows with
   * what is really unread. */
  if (self->rpos > 0)
    {
      g_byte_array_remove_range (self->rbuf, 0, self->rpos);
      self->rpos = 0;
    }

  /* The socket was drained by the last recv() and nothing arrived since
   * as far as the loop has said: wait, then read. */
  if (self->recv_short && !self->maybe_readable && !self->peer_hup && _gcoro_task_current () != NULL &&
      !wait_ready (self, G_IO_IN, "gcoro_stream_read", error))
    return -1;

  for (;;)
    {
      gssize n = read_into_buffer (self, error);

      if (n > 0)
        return n;
      if (n == 0)
        {
          self->eof = TRUE;
          return 0;
        }
      if (n == -1)
        return -1;

      if (!wait_ready (self, G_IO_IN, "gcoro_stream_read", error))
        return -1;
    }
}

GBytes *
_gcoro_stream_transport_take (GCoroStreamTransport *self,
                              gsize                 n)
{
  GBytes *bytes = g_bytes_new (self->rbuf->data + self->rpos, n);

  self->rpos += n;
  if (self->rpos == self->rbuf->len)
    {
      if (self->rbuf_grown)
        {
          /* A long line is gone: so is its buffer. */
          g_byte_array_unref (self->rbuf);
          self->rbuf = g_byte_array_new ();
          self->rbuf_grown = FALSE;
        }
      else
        g_byte_array_set_size (self->rbuf, 0);
      self->rpos = 0;
    }
  return bytes;
}

/* --- writing ----------------------------------------------------------------------- */

gboolean
_gcoro_stream_transport_flush (GCoroStreamTransport *self)
{
  while (self->wpos < self->wbuf->len && self->write_error == NULL)
    {
      gssize n = write_nonblocking (self, self->wbuf->data + self->wpos,
                                    self->wbuf->len - self->wpos, &self->write_error);
      if (n < 0)
        return FALSE;
      self->wpos += n;
    }

  if (self->wpos == self->wbuf->len)
    {
      g_byte_array_set_size (self->wbuf, 0);
      self->wpos = 0;
    }
  return self->write_error == NULL;
}

gboolean
_gcoro_stream_transport_flush_until (GCoroStreamTransport  *self,
                                     gsize                  target,
                                     GError               **error)
{
  for (;;)
    {
      _gcoro_stream_transport_flush (self);
      if (self->write_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->write_error));
          return FALSE;
        }
      if (_gcoro_stream_transport_unsent (self) <= target)
        return TRUE;
      if (!wait_ready (self, G_IO_OUT, "gcoro_stream_drain", error))
        return FALSE;
    }
}

void
_gcoro_stream_transport_write (GCoroStreamTransport *self,
                               const guint8         *data,
                               gsize                 len)
{
  if (self->write_error != NULL)
    return;

  if (self->wpos == self->wbuf->len && self->fd >= 0)
    {
      /* Nothing queued: send straight from the caller's memory. What the
       * socket did not take waits for it to be writable again. */
      gssize n = write_nonblocking (self, data, len, &self->write_error);

      if (n == -1)
        return;
      n = MAX (n, 0);
      if ((gsize) n == len)
        return;
      g_byte_array_append (self->wbuf, data + n, len - n);
    }
  else
    {
      g_byte_array_append (self->wbuf, data, len);
      _gcoro_stream_transport_flush (self);
    }
  if (self->wpos < self->wbuf->len && self->write_error == NULL && ensure_registered (self))
    _gcoro_readiness_want (&self->readiness, G_IO_OUT);   /* sent in the background */
}

gboolean
_gcoro_stream_transport_write_eof (GCoroStreamTransport  *self,
                                   GError               **error)
{
  if (self->write_shut)
    return TRUE;
  if (!_gcoro_stream_transport_flush_until (self, 0, error))
    return FALSE;

  self->write_shut = TRUE;
  if (G_IS_SOCKET_CONNECTION (self->io))
    return g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->io)),
                              FALSE, TRUE, error);
  return g_output_stream_close (G_OUTPUT_STREAM (self->out), NULL, error);
}

/* --- closing ----------------------------------------------------------------------- */

/* TLS: waits until the socket under the TLS layer can take the
 * close_notify alert, so that GIO's (blocking) close sends it at once
 * instead of blocking the thread on a peer that does not read. */
static gboolean
wait_room_for_close_notify (GCoroStreamTransport  *self,
                            GError               **error)
{
  GSocketConnection *base;
  GPollableOutputStream *out;

  if (self->fd >= 0 || !G_IS_TLS_CONNECTION (self->io))
    return TRUE;
  base = base_socket_connection (self->io);
  if (base == NULL)
    return TRUE;
  out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (G_IO_STREAM (base)));
  if (g_pollable_output_stream_is_writable (out))
    return TRUE;
  return wait_ready_on (self, G_IO_OUT, g_pollable_output_stream_create_source (out, NULL),
                        "gcoro_stream_close", error);
}

/* Closes without sending anything more: the socket under a TLS layer is
 * closed first, so the TLS close finds it gone instead of waiting to
 * send close_notify. */
static void
close_abruptly (GCoroStreamTransport *self)
{
  GSocketConnection *base = base_socket_connection (self->io);

  if (base != NULL && G_IO_STREAM (base) != self->io)
    g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
  g_io_stream_close (self->io, NULL, NULL);
}

gboolean
_gcoro_stream_transport_close (GCoroStreamTransport  *self,
                               GError               **error)
{
  GError *flush_error = NULL;

  if (self->closed)
    return TRUE;
  if (!self->write_shut)
    _gcoro_stream_transport_flush_until (self, 0, &flush_error);
  if (flush_error == NULL)
    wait_room_for_close_notify (self, &flush_error);

  self->closed = TRUE;
  idle_timer_disarm (self);
  _gcoro_readiness_clear (&self->readiness);   /* before the descriptor goes */
  if (flush_error != NULL)
    {
      close_abruptly (self);
      g_propagate_error (error, flush_error);
      return FALSE;
    }
  return g_io_stream_close (self->io, NULL, error);
}
