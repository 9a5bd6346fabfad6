/* gcoro-stream.c: asyncio's reader/writer vocabulary over a GIOStream
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroStream:
 *
 * A byte stream for tasks, with asyncio's `StreamReader`/`StreamWriter`
 * vocabulary, over any [class@Gio.IOStream] whose halves are pollable (socket
 * connections, TLS connections, unix pipes):
 *
 * |[<!-- language="C" -->
 * // a line echo, in a fiber task
 * g_autoptr(GCoroStream) stream = gcoro_stream_new (G_IO_STREAM (connection));
 *
 * for (;;)
 *   {
 *     g_autoptr(GBytes) line = gcoro_stream_read_line (stream, &error);
 *     if (line == NULL || g_bytes_get_size (line) == 0)   // error, or EOF
 *       break;
 *     gcoro_stream_write_bytes (stream, line);
 *     if (!gcoro_stream_drain (stream, &error))            // flow control
 *       break;
 *   }
 * gcoro_stream_close (stream, NULL);
 * ]|
 *
 * Reading: [method@GCoro.Stream.read] returns what is there (up to n bytes, or
 * everything until EOF with -1); [method@GCoro.Stream.read_exactly] insists (an
 * early EOF is [GCORO_STREAM_ERROR_INCOMPLETE_READ][error@GCoro.StreamError], with the partial data);
 * [method@GCoro.Stream.read_line] and [method@GCoro.Stream.read_until] return up to and
 * including the separator (a partial line at EOF, an empty one after it),
 * and refuse to buffer more than the stream's limit (64 KiB by default)
 * with [GCORO_STREAM_ERROR_LIMIT_OVERRUN][error@GCoro.StreamError], consuming nothing.
 *
 * Writing: [method@GCoro.Stream.write] never blocks: it sends what the peer takes
 * at once and buffers the rest. [method@GCoro.Stream.drain] is the flow control:
 * while the buffer holds more than the high-water mark it waits, until it
 * is down to the low-water mark (64 KiB and 16 KiB by default), so a peer
 * that stops reading stops a writer that drains, and memory stays bounded.
 * A write error (a peer that vanished) is reported by the next drain,
 * write_eof or close.
 *
 * Every I/O call first tries the non-blocking operation and only waits for
 * readiness when it would block. Each suspending call has a GIO-style twin
 * for callbacks and language bindings. A stream is used from one task at a
 * time per direction.
 *
 * A peer cannot make a stream hold what it did not send:
 * [method@GCoro.Stream.set_idle_timeout] bounds how long a read waits for the
 * next bytes, a stream holds only the bytes it was sent (plus a little
 * rounding; a long line's buffer is given back once it is read), and
 * [method@GCoro.Stream.close] never blocks the thread, over TLS either: the
 * close_notify alert goes out only once the socket can take it, and a
 * close that cannot finish (cancelled, or bounded by the caller with
 * [method@GCoro.Future.with_timeout] or a timeout scope) drops what is buffered.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "gcoro-async-result-private.h"
#include "gcoro-await.h"
#include "gcoro-operation.h"
#include "gcoro-promise.h"
#include "gcoro-stream.h"
#include "gcoro-task-private.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-io-watch-private.h"

#define READ_CHUNK        (16 * 1024)
/* A read buffer that grew past this is freed once it is empty again. */
#define KEEP_BUFFER       (4 * 1024)
#define DEFAULT_LIMIT     (64 * 1024)
#define DEFAULT_HIGH      (64 * 1024)
#define DEFAULT_LOW       (16 * 1024)

G_DEFINE_QUARK (gcoro-stream-error-quark, gcoro_stream_error)

struct _GCoroStream
{
  GObject                 parent_instance;
  GIOStream              *io;
  GPollableInputStream   *in;      /* borrowed from io */
  GPollableOutputStream  *out;

  /* A plain socket connection is read and written with recv()/send() on
   * its (non-blocking) descriptor and waits through one watch for its
   * whole life; other streams (TLS, pipes) go through the pollable
   * interfaces and a GSource per wait. */
  int                     fd;      /* -1: use the pollable interfaces */
  GCoroIOWatch            watch;
  GCoroTask              *reader;  /* suspended until readable */
  GCoroTask              *writer;  /* suspended until writable */
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

  gsize                   limit;
  gsize                   high;
  gsize                   low;

  /* The idle timeout: a reader that waits idle_msec for bytes fails. One
   * timer per stream, armed lazily: a wait only records when it began,
   * and the timer, when it fires, either expires the waiting reader or
   * moves itself to the deadline of the wait in progress. */
  guint                   idle_msec;
  GCoroTimer              idle_timer;
  GCoroScheduler         *idle_scheduler;   /* a reference while the timer is armed */
  gint64                  read_wait_since;
  gboolean                idle_expired;
};

G_DEFINE_FINAL_TYPE (GCoroStream, gcoro_stream, G_TYPE_OBJECT)

static GSocketConnection *base_socket_connection (GIOStream *io);

static void idle_timer_disarm (GCoroStream *self);

static void
gcoro_stream_finalize (GObject *object)
{
  GCoroStream *self = GCORO_STREAM (object);

  idle_timer_disarm (self);
  _gcoro_io_watch_clear (&self->watch);
  g_byte_array_unref (self->rbuf);
  g_byte_array_unref (self->wbuf);
  g_clear_error (&self->write_error);
  g_clear_object (&self->io);

  G_OBJECT_CLASS (gcoro_stream_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_IO_STREAM,
  PROP_LIMIT,
  PROP_IDLE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The properties go through the public accessors (the setters notify). */
static void
gcoro_stream_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GCoroStream *self = GCORO_STREAM (object);

  switch (prop_id)
    {
    case PROP_IO_STREAM:
      g_value_set_object (value, gcoro_stream_get_io_stream (self));
      break;
    case PROP_LIMIT:
      g_value_set_uint64 (value, gcoro_stream_get_limit (self));
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, gcoro_stream_get_idle_timeout (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_stream_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GCoroStream *self = GCORO_STREAM (object);

  switch (prop_id)
    {
    case PROP_LIMIT:
      gcoro_stream_set_limit (self, (gsize) MIN (g_value_get_uint64 (value), G_MAXSIZE));
      break;
    case PROP_IDLE_TIMEOUT:
      gcoro_stream_set_idle_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_stream_class_init (GCoroStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_stream_finalize;
  object_class->get_property = gcoro_stream_get_property;
  object_class->set_property = gcoro_stream_set_property;

  /**
   * GCoroStream:io-stream: (getter get_io_stream)
   *
   * The [class@Gio.IOStream] the stream wraps, as given to
   * [ctor@GCoro.Stream.new].
   */
  properties[PROP_IO_STREAM] =
    g_param_spec_object ("io-stream", NULL, NULL, G_TYPE_IO_STREAM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroStream:limit: (getter get_limit) (setter set_limit)
   *
   * The most bytes (separator included) [method@GCoro.Stream.read_line_async]
   * and [method@GCoro.Stream.read_until_async] buffer looking for their
   * separator; past it they fail with
   * [GCORO_STREAM_ERROR_LIMIT_OVERRUN][error@GCoro.StreamError].
   */
  properties[PROP_LIMIT] =
    g_param_spec_uint64 ("limit", NULL, NULL, 1, G_MAXSIZE, DEFAULT_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroStream:idle-timeout: (getter get_idle_timeout) (setter set_idle_timeout)
   *
   * How long, in milliseconds, a read may wait for the peer's next bytes
   * before it fails with [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum]; 0
   * (the default) for no limit. See [method@GCoro.Stream.set_idle_timeout].
   */
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcoro_stream_init (GCoroStream *self)
{
  self->rbuf = g_byte_array_new ();
  self->wbuf = g_byte_array_new ();
  self->fd = -1;
  self->limit = DEFAULT_LIMIT;
  self->high = DEFAULT_HIGH;
  self->low = DEFAULT_LOW;
}

/**
 * gcoro_stream_new:
 * @io_stream: a [class@Gio.IOStream] whose input and output streams are pollable
 *   ([class@Gio.SocketConnection], [class@Gio.TlsConnection], ...)
 *
 * Wraps @io_stream.
 *
 * Returns: (transfer full) (nullable): a new [class@GCoro.Stream], or %NULL (with
 *   a critical) if @io_stream is not pollable
 */
GCoroStream *
gcoro_stream_new (GIOStream *io_stream)
{
  GCoroStream *self;
  GInputStream *in;
  GOutputStream *out;
  GSocketConnection *base;

  g_return_val_if_fail (G_IS_IO_STREAM (io_stream), NULL);

  in = g_io_stream_get_input_stream (io_stream);
  out = g_io_stream_get_output_stream (io_stream);
  if (!G_IS_POLLABLE_INPUT_STREAM (in) || !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (in)) ||
      !G_IS_POLLABLE_OUTPUT_STREAM (out) || !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (out)))
    {
      g_critical ("%s(): the streams of this %s cannot be polled; wrap a socket, TLS "
                  "or pipe connection", G_STRFUNC, G_OBJECT_TYPE_NAME (io_stream));
      return NULL;
    }

  self = g_object_new (GCORO_TYPE_STREAM, NULL);
  self->io = g_object_ref (io_stream);
  self->in = G_POLLABLE_INPUT_STREAM (in);
  self->out = G_POLLABLE_OUTPUT_STREAM (out);
#ifdef G_OS_UNIX
  /* A wrapper connection's streams are not the socket's. */
  if (G_IS_SOCKET_CONNECTION (io_stream) && !G_IS_TCP_WRAPPER_CONNECTION (io_stream))
    self->fd = g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (io_stream)));
#endif
  base = base_socket_connection (io_stream);
  if (G_IS_TCP_CONNECTION (base))
    {
      /* As asyncio does: a line or a reply goes out when it is written,
       * not when the previous one was acknowledged. */
      g_socket_set_option (g_socket_connection_get_socket (base),
                           IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
    }
  return self;
}

/**
 * gcoro_stream_get_io_stream:
 * @self: a [class@GCoro.Stream]
 *
 * Returns: (transfer none): the wrapped stream
 */
GIOStream *
gcoro_stream_get_io_stream (GCoroStream *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);

  return self->io;
}

/**
 * gcoro_stream_get_limit:
 * @self: a [class@GCoro.Stream]
 *
 * Returns: the most bytes read_line()/read_until() buffer looking for
 *   their separator
 */
gsize
gcoro_stream_get_limit (GCoroStream *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), 0);

  return self->limit;
}

/**
 * gcoro_stream_set_limit:
 * @self: a [class@GCoro.Stream]
 * @limit: the most bytes (separator included) a line may take (> 0)
 *
 * Sets the limit of [method@GCoro.Stream.read_line] and [method@GCoro.Stream.read_until].
 */
void
gcoro_stream_set_limit (GCoroStream *self,
                        gsize        limit)
{
  g_return_if_fail (GCORO_IS_STREAM (self));
  g_return_if_fail (limit > 0);

  if (self->limit == limit)
    return;
  self->limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

/**
 * gcoro_stream_set_idle_timeout:
 * @self: a [class@GCoro.Stream]
 * @timeout_msec: how long a read may wait for the peer's next bytes, in
 *   milliseconds, or 0 for no limit (the default)
 *
 * Bounds how long the peer may stay silent while this side reads: a read
 * (read, read_line, read_until, read_exactly and their twins) that has
 * waited @timeout_msec without a byte arriving fails with
 * [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum]. Bytes that arrive start the wait afresh, so a
 * peer that sends slowly is only bounded by the read's limit. What was
 * buffered stays there. [class@GCoro.StreamServer] sets it on its connections
 * ([property@GCoro.StreamServer:idle-timeout]).
 */
void
gcoro_stream_set_idle_timeout (GCoroStream *self,
                               guint        timeout_msec)
{
  g_return_if_fail (GCORO_IS_STREAM (self));
  if (gcoro_stream_get_idle_timeout (self) == timeout_msec)
    return;

  self->idle_msec = timeout_msec;
  if (timeout_msec == 0)
    idle_timer_disarm (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

/**
 * gcoro_stream_get_idle_timeout:
 * @self: a [class@GCoro.Stream]
 *
 * Returns: how long a read may wait for bytes, in milliseconds (0: no limit)
 */
guint
gcoro_stream_get_idle_timeout (GCoroStream *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), 0);

  return self->idle_msec;
}

/**
 * gcoro_stream_set_write_buffer_limits:
 * @self: a [class@GCoro.Stream]
 * @high: drain() waits while more than this is buffered
 * @low: ... until at most this is left (at most @high)
 *
 * Sets the flow-control marks of [method@GCoro.Stream.drain].
 */
void
gcoro_stream_set_write_buffer_limits (GCoroStream *self,
                                      gsize        high,
                                      gsize        low)
{
  g_return_if_fail (GCORO_IS_STREAM (self));
  g_return_if_fail (low <= high);

  self->high = high;
  self->low = low;
}

/**
 * gcoro_stream_get_write_buffer_size:
 * @self: a [class@GCoro.Stream]
 *
 * Returns: the bytes written but not sent yet
 */
gsize
gcoro_stream_get_write_buffer_size (GCoroStream *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), 0);

  return self->wbuf->len - self->wpos;
}

/**
 * gcoro_stream_at_eof:
 * @self: a [class@GCoro.Stream]
 *
 * Returns: %TRUE once the peer has closed its side and everything it sent
 *   has been read
 */
gboolean
gcoro_stream_at_eof (GCoroStream *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), FALSE);

  return self->eof && self->rpos == self->rbuf->len;
}

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

static GSocketConnection *
socket_connection (GCoroStream *self,
                   GError     **error)
{
  GSocketConnection *conn = base_socket_connection (self->io);

  if (conn == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "A %s has no socket address", G_OBJECT_TYPE_NAME (self->io));
  return conn;
}

/**
 * gcoro_stream_get_peer_address:
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * Returns: (transfer full): the address of the other end of a socket
 *   connection
 */
GSocketAddress *
gcoro_stream_get_peer_address (GCoroStream  *self,
                               GError      **error)
{
  GSocketConnection *conn;

  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);

  conn = socket_connection (self, error);
  return conn ? g_socket_connection_get_remote_address (conn, error) : NULL;
}

/**
 * gcoro_stream_get_local_address:
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * Returns: (transfer full): the address of this end of a socket connection
 */
GSocketAddress *
gcoro_stream_get_local_address (GCoroStream  *self,
                                GError      **error)
{
  GSocketConnection *conn;

  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);

  conn = socket_connection (self, error);
  return conn ? g_socket_connection_get_local_address (conn, error) : NULL;
}

/* --- waiting for readiness ------------------------------------------------------ */

/* A GPollableSourceFunc: the stream comes first. */
static gboolean
source_ready (GObject  *pollable_stream,
              gpointer  data)
{
  gcoro_promise_resolve (data, NULL);
  return G_SOURCE_REMOVE;
}

static void
set_idle_error (GCoroStream  *self,
                GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "The peer sent nothing for %u ms (the stream's idle timeout)", self->idle_msec);
}

/* Suspends the calling task until @source (taken) fires, for at most
 * @timeout_msec (0: no limit). */
static gboolean
wait_for (GCoroStream  *self,
          GSource      *source,
          guint         timeout_msec,
          GError      **error)
{
  g_autoptr(GCoroPromise) ready = gcoro_promise_new ();
  GError *local_error = NULL;
  gboolean ok;

  g_source_set_callback (source, G_SOURCE_FUNC (source_ready), g_object_ref (ready), g_object_unref);
  g_source_set_static_name (source, "[gcoro] stream readiness");
  g_source_attach (source, g_main_context_get_thread_default ());
  if (timeout_msec > 0)
    ok = gcoro_await_timeout (GCORO_FUTURE (ready), timeout_msec, &local_error);
  else
    ok = gcoro_await (GCORO_FUTURE (ready), &local_error);
  g_source_destroy (source);
  g_source_unref (source);
  if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_clear_error (&local_error);
      set_idle_error (self, error);
    }
  else if (!ok)
    g_propagate_error (error, local_error);
  return ok;
}

/* --- the idle timeout ------------------------------------------------------------ */

static void
idle_timer_disarm (GCoroStream *self)
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
  GCoroStream *self = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (GCoroStream, idle_timer));
  gint64 deadline = self->read_wait_since + (gint64) self->idle_msec * 1000;

  if (self->reader != NULL && self->idle_msec > 0 && g_get_monotonic_time () < deadline)
    {
      /* Bytes came, and the reader waits again since: its own deadline. */
      _gcoro_scheduler_add_timer (self->idle_scheduler, timer, deadline);
      return;
    }
  if (self->reader != NULL && self->idle_msec > 0)
    {
      self->idle_expired = TRUE;
      _gcoro_task_wake (self->reader, GCORO_WAKE_TIMER);
    }
  g_clear_object (&self->idle_scheduler);
}

/* The reader @task starts waiting for bytes. */
static void
idle_wait_begins (GCoroStream *self,
                  GCoroTask   *task)
{
  self->idle_expired = FALSE;
  self->read_wait_since = g_get_monotonic_time ();
  if (self->idle_scheduler != NULL)
    return;   /* armed: it moves itself when it fires */
  self->idle_scheduler = g_object_ref (_gcoro_task_peek_scheduler (task));
  self->idle_timer.func = idle_timer_fired;
  _gcoro_scheduler_add_timer (self->idle_scheduler, &self->idle_timer,
                              self->read_wait_since + (gint64) self->idle_msec * 1000);
}

static gboolean flush_nonblocking (GCoroStream *self);

/* The watch's function, from the scheduler's dispatch: wakes the tasks
 * waiting for what became ready, sends what write() left behind, and
 * says what it still needs. */
static GIOCondition
stream_io_ready (GCoroIOWatch *watch,
                 GIOCondition  ready)
{
  GCoroStream *self = G_STRUCT_MEMBER_P (watch, -G_STRUCT_OFFSET (GCoroStream, watch));
  GIOCondition want = 0;
  gboolean failed = (ready & (G_IO_HUP | G_IO_ERR)) != 0;

  if (failed)
    self->peer_hup = TRUE;

  if (self->reader != NULL)
    {
      if (failed || (ready & G_IO_IN))
        _gcoro_task_wake (self->reader, GCORO_WAKE_IO);
      else
        want |= G_IO_IN;
    }
  else if (failed || (ready & G_IO_IN))
    self->maybe_readable = TRUE;

  if (self->writer != NULL)
    {
      if (failed || (ready & G_IO_OUT))
        _gcoro_task_wake (self->writer, GCORO_WAKE_IO);
      else
        want |= G_IO_OUT;
    }
  else if (self->wpos < self->wbuf->len && self->write_error == NULL)
    {
      /* Nobody drains: keep sending in the background, like asyncio's
       * transports do. */
      if (failed || (ready & G_IO_OUT))
        flush_nonblocking (self);
      if (self->wpos < self->wbuf->len && self->write_error == NULL)
        want |= G_IO_OUT;
    }

  return want;
}

/* Registers the socket with the scheduler of this thread's context, once. */
static gboolean
ensure_watch (GCoroStream *self)
{
  GCoroScheduler *scheduler;

  if (G_LIKELY (_gcoro_io_watch_is_registered (&self->watch)))
    return TRUE;
  if (self->fd < 0 || self->closed)
    return FALSE;

  scheduler = _gcoro_scheduler_get_for_thread_default ();
  if (scheduler == NULL || !_gcoro_io_watch_init (&self->watch, _gcoro_scheduler_get_poller (scheduler),
                                                     self->fd, stream_io_ready))
    {
      self->fd = -1;   /* this backend takes no such descriptor: poll the streams */
      return FALSE;
    }
  return TRUE;
}

/* Suspends the calling task until the socket is ready for @condition
 * (G_IO_IN or G_IO_OUT), it hangs up, or the task is cancelled. */
static gboolean
wait_ready (GCoroStream   *self,
            GIOCondition   condition,
            const char    *func,
            GError       **error)
{
  GCoroTask **slot = condition == G_IO_IN ? &self->reader : &self->writer;
  GCoroTask *task;

  if (!ensure_watch (self))
    return wait_for (self,
                     condition == G_IO_IN
                       ? g_pollable_input_stream_create_source (self->in, NULL)
                       : g_pollable_output_stream_create_source (self->out, NULL),
                     condition == G_IO_IN ? self->idle_msec : 0,
                     error);

  task = _gcoro_task_require_current (func, "its _async() twin");
  if (task == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s() was called outside a task", func);
      return FALSE;
    }
  if (!_gcoro_task_check_cancelled (task, error))
    return FALSE;
  if (G_UNLIKELY (_gcoro_task_peek_scheduler (task) != self->watch.owner))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s(): this stream belongs to the scheduler of another main context", func);
      return FALSE;
    }
  if (G_UNLIKELY (*slot != NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "%s(): task '%s' is already %s this stream; one task per direction at a time",
                   func, gcoro_task_get_name (*slot),
                   condition == G_IO_IN ? "reading" : "writing");
      return FALSE;
    }

  *slot = task;
  if (condition == G_IO_IN && self->idle_msec > 0)
    idle_wait_begins (self, task);
  _gcoro_io_watch_want (&self->watch, condition);
  for (;;)
    {
      GCoroWake wake = _gcoro_task_suspend (task,
                                            condition == G_IO_IN ? "socket readable" : "socket writable",
                                            self);
      if (wake == GCORO_WAKE_IO)
        break;
      if (wake == GCORO_WAKE_TIMER && condition == G_IO_IN && self->idle_expired)
        {
          self->idle_expired = FALSE;
          *slot = NULL;
          set_idle_error (self, error);
          return FALSE;
        }
      if (!_gcoro_task_check_cancelled (task, error))
        {
          *slot = NULL;
          return FALSE;
        }
    }
  *slot = NULL;
  return TRUE;
}

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
read_nonblocking (GCoroStream  *self,
                  guint8       *buf,
                  gsize         len,
                  GError      **error)
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
write_nonblocking (GCoroStream  *self,
                   const guint8 *buf,
                   gsize         len,
                   GError      **error)
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
read_into_buffer (GCoroStream  *self,
                  GError      **error)
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

/* Reads what is available into the buffer, waiting for some if none is.
 * Returns the bytes added, 0 at EOF, -1 on error. */
static gssize
fill (GCoroStream  *self,
      GError      **error)
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

static gsize
buffered (GCoroStream *self)
{
  return self->rbuf->len - self->rpos;
}

static GBytes *
take (GCoroStream *self,
      gsize        n)
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

/* --- reading ---------------------------------------------------------------------- */

/**
 * gcoro_stream_read: (skip)
 * @self: a [class@GCoro.Stream]
 * @n: the most bytes to read, or -1 for everything until EOF
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads up to @n bytes, suspending the calling fiber task until at least
 * one is there (or, with -1, until EOF). At EOF it returns empty bytes.
 *
 * Returns: (transfer full) (nullable): the data, or %NULL with @error set
 */
GBytes *
gcoro_stream_read (GCoroStream  *self,
                   gssize        n,
                   GError      **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);

  if (n < 0)
    {
      gssize r;

      while ((r = fill (self, error)) > 0)
        ;
      return r < 0 ? NULL : take (self, buffered (self));
    }

  if (n == 0)
    return g_bytes_new (NULL, 0);
  if (buffered (self) == 0 && fill (self, error) < 0)
    return NULL;
  return take (self, MIN ((gsize) n, buffered (self)));
}

/**
 * gcoro_stream_read_exactly: (skip)
 * @self: a [class@GCoro.Stream]
 * @n: how many bytes
 * @partial: (out) (optional) (nullable): on [GCORO_STREAM_ERROR_INCOMPLETE_READ][error@GCoro.StreamError],
 *   the bytes that did arrive (consumed)
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads exactly @n bytes, suspending the calling fiber task until they are
 * there. If the peer closes first, fails with
 * [GCORO_STREAM_ERROR_INCOMPLETE_READ][error@GCoro.StreamError] and hands over what arrived.
 * Binding twin: [method@GCoro.Stream.read_exactly_async].
 *
 * Returns: (transfer full) (nullable): the @n bytes, or %NULL with @error set
 */
GBytes *
gcoro_stream_read_exactly (GCoroStream  *self,
                           gsize         n,
                           GBytes      **partial,
                           GError      **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);

  if (partial != NULL)
    *partial = NULL;

  while (buffered (self) < n)
    {
      gssize r = fill (self, error);

      if (r < 0)
        return NULL;
      if (r == 0)
        {
          gsize got = buffered (self);
          GBytes *rest = take (self, got);

          g_set_error (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_INCOMPLETE_READ,
                       "The peer closed after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                       got, n);
          if (partial != NULL)
            *partial = rest;
          else
            g_bytes_unref (rest);
          return NULL;
        }
    }

  return take (self, n);
}

static const guint8 *
find (const guint8 *haystack,
      gsize         haystack_len,
      const guint8 *needle,
      gsize         needle_len)
{
  if (needle_len == 1)
    return memchr (haystack, needle[0], haystack_len);
  return memmem (haystack, haystack_len, needle, needle_len);
}

/**
 * gcoro_stream_read_until: (skip)
 * @self: a [class@GCoro.Stream]
 * @separator: (array length=separator_len): the separator
 * @separator_len: its length (at least 1)
 * @error: return location for a [struct@GLib.Error]
 *
 * Reads up to and including @separator, suspending the calling fiber task
 * until it arrives. At EOF returns what is left (possibly empty, and then
 * again empty). If the separator does not show up within the stream's
 * limit, fails with [GCORO_STREAM_ERROR_LIMIT_OVERRUN][error@GCoro.StreamError] and consumes nothing.
 * Binding twin: [method@GCoro.Stream.read_until_async].
 *
 * Returns: (transfer full) (nullable): the data, or %NULL with @error set
 */
GBytes *
gcoro_stream_read_until (GCoroStream   *self,
                         const guint8  *separator,
                         gsize          separator_len,
                         GError       **error)
{
  gsize scanned = 0;   /* bytes already known not to start a separator */

  g_return_val_if_fail (GCORO_IS_STREAM (self), NULL);
  g_return_val_if_fail (separator != NULL && separator_len > 0, NULL);

  for (;;)
    {
      const guint8 *start = self->rbuf->data + self->rpos;
      gsize avail = buffered (self);
      const guint8 *hit = find (start + scanned, avail - scanned, separator, separator_len);

      if (hit != NULL)
        {
          gsize len = (gsize) (hit - start) + separator_len;

          if (len > self->limit)
            goto overrun;
          return take (self, len);
        }
      if (avail >= self->limit)
        goto overrun;
      if (avail >= separator_len)
        scanned = avail - separator_len + 1;

      switch (fill (self, error))
        {
        case -1:
          return NULL;
        case 0:
          return take (self, buffered (self));   /* the last, partial, piece */
        default:
          break;
        }
    }

overrun:
  g_set_error (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_LIMIT_OVERRUN,
               "No separator within the stream's limit of %" G_GSIZE_FORMAT " bytes",
               self->limit);
  return NULL;
}

/**
 * gcoro_stream_read_line: (skip)
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * [method@GCoro.Stream.read_until] with "\n": a line with its newline, a partial
 * line at EOF, empty bytes after it.
 *
 * Returns: (transfer full) (nullable): the line, or %NULL with @error set
 */
GBytes *
gcoro_stream_read_line (GCoroStream  *self,
                        GError      **error)
{
  return gcoro_stream_read_until (self, (const guint8 *) "\n", 1, error);
}

/* --- writing ---------------------------------------------------------------------- */

/* Sends what the peer takes without waiting. FALSE when it would block
 * (and data is left) or the write failed (write_error set). */
static gboolean
flush_nonblocking (GCoroStream *self)
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

/* Waits until at most @target bytes are left unsent. */
static gboolean
flush_until (GCoroStream  *self,
             gsize         target,
             GError      **error)
{
  for (;;)
    {
      flush_nonblocking (self);
      if (self->write_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->write_error));
          return FALSE;
        }
      if (gcoro_stream_get_write_buffer_size (self) <= target)
        return TRUE;
      if (!wait_ready (self, G_IO_OUT, "gcoro_stream_drain", error))
        return FALSE;
    }
}

/**
 * gcoro_stream_write:
 * @self: a [class@GCoro.Stream]
 * @data: (array length=len): the bytes
 * @len: how many
 *
 * Sends @data, buffering what the peer does not take at once. Never
 * blocks; call [method@GCoro.Stream.drain] for flow control. A write error shows
 * at the next drain, write_eof or close.
 */
void
gcoro_stream_write (GCoroStream  *self,
                    const guint8 *data,
                    gsize         len)
{
  g_return_if_fail (GCORO_IS_STREAM (self));
  g_return_if_fail (data != NULL || len == 0);

  if (self->closed || self->write_shut)
    {
      g_critical ("%s(): the stream is closed for writing", G_STRFUNC);
      return;
    }
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
      flush_nonblocking (self);
    }
  if (self->wpos < self->wbuf->len && self->write_error == NULL && ensure_watch (self))
    _gcoro_io_watch_want (&self->watch, G_IO_OUT);   /* sent in the background */
}

/**
 * gcoro_stream_write_bytes:
 * @self: a [class@GCoro.Stream]
 * @bytes: the data
 *
 * Like [method@GCoro.Stream.write].
 */
void
gcoro_stream_write_bytes (GCoroStream *self,
                          GBytes      *bytes)
{
  gsize len;
  const guint8 *data;

  g_return_if_fail (bytes != NULL);

  data = g_bytes_get_data (bytes, &len);
  gcoro_stream_write (self, data, len);
}

/**
 * gcoro_stream_drain: (skip)
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * Flow control: if more than the high-water mark is buffered, suspends the
 * calling fiber task until the peer has taken enough to leave at most the
 * low-water mark. Reports a write error (a peer that vanished).
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_drain (GCoroStream  *self,
                    GError      **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), FALSE);

  flush_nonblocking (self);
  if (gcoro_stream_get_write_buffer_size (self) <= self->high && self->write_error == NULL)
    return TRUE;
  return flush_until (self, self->low, error);
}

/**
 * gcoro_stream_write_eof: (skip)
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * Sends everything buffered, then closes the writing half (the peer reads
 * EOF; this side can still read). Binding twin:
 * [method@GCoro.Stream.write_eof_async].
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_write_eof (GCoroStream  *self,
                        GError      **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM (self), FALSE);

  if (self->write_shut)
    return TRUE;
  if (!flush_until (self, 0, error))
    return FALSE;

  self->write_shut = TRUE;
  if (G_IS_SOCKET_CONNECTION (self->io))
    return g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->io)),
                              FALSE, TRUE, error);
  return g_output_stream_close (G_OUTPUT_STREAM (self->out), NULL, error);
}

/* TLS: waits until the socket under the TLS layer can take the
 * close_notify alert, so that GIO's (blocking) close sends it at once
 * instead of blocking the thread on a peer that does not read. */
static gboolean
wait_room_for_close_notify (GCoroStream  *self,
                            GError      **error)
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
  return wait_for (self, g_pollable_output_stream_create_source (out, NULL), 0, error);
}

/* Closes without sending anything more: the socket under a TLS layer is
 * closed first, so the TLS close finds it gone instead of waiting to
 * send close_notify. */
static void
close_abruptly (GCoroStream *self)
{
  GSocketConnection *base = base_socket_connection (self->io);

  if (base != NULL && G_IO_STREAM (base) != self->io)
    g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
  g_io_stream_close (self->io, NULL, NULL);
}

/**
 * gcoro_stream_close: (skip)
 * @self: a [class@GCoro.Stream]
 * @error: return location for a [struct@GLib.Error]
 *
 * Sends what is buffered (waiting for the peer to take it) and, over TLS,
 * the close_notify alert, then closes the connection. If that cannot
 * finish (a write error, or the calling task is cancelled: bound a close
 * with [method@GCoro.Future.with_timeout] or a timeout scope), what is left is
 * dropped and the connection closed all the same. Never blocks the
 * thread. Binding twin: [method@GCoro.Stream.close_async].
 *
 * Returns: %TRUE, or %FALSE with @error set (closed either way)
 */
gboolean
gcoro_stream_close (GCoroStream  *self,
                    GError      **error)
{
  GError *flush_error = NULL;

  g_return_val_if_fail (GCORO_IS_STREAM (self), FALSE);

  if (self->closed)
    return TRUE;
  if (!self->write_shut)
    flush_until (self, 0, &flush_error);
  if (flush_error == NULL)
    wait_room_for_close_notify (self, &flush_error);

  self->closed = TRUE;
  idle_timer_disarm (self);
  _gcoro_io_watch_clear (&self->watch);   /* before the descriptor goes */
  if (flush_error != NULL)
    {
      close_abruptly (self);
      g_propagate_error (error, flush_error);
      return FALSE;
    }
  return g_io_stream_close (self->io, NULL, error);
}

/* --- GIO-style twins: each runs its fiber form as a task ------------------------------------- */

/* Shared by the operation's task (its arguments) and its result (what
 * read_exactly left over, for the _finish function): reference counted. */
typedef struct
{
  GCoroStream *stream;
  gssize       n;
  GBytes      *separator;   /* read_until */
  GBytes      *partial;     /* read_exactly, when it ended early */
} ReadArgs;

static void
read_args_clear (gpointer data)
{
  ReadArgs *args = data;

  g_object_unref (args->stream);
  g_clear_pointer (&args->separator, g_bytes_unref);
  g_clear_pointer (&args->partial, g_bytes_unref);
}

static void
read_args_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, read_args_clear);
}

static void
return_bytes (GCoroTask *task,
              GBytes    *bytes,
              GError    *error)
{
  GValue v = G_VALUE_INIT;

  if (bytes == NULL)
    {
      gcoro_task_return_error (task, error);
      return;
    }
  g_value_init (&v, G_TYPE_BYTES);
  g_value_take_boxed (&v, bytes);
  gcoro_task_return_value (task, &v);
  g_value_unset (&v);
}

static void
read_line_body (GCoroTask *task,
                gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;
  GBytes *line = gcoro_stream_read_line (args->stream, &error);

  return_bytes (task, line, error);
}

static void
read_body (GCoroTask *task,
           gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;
  GBytes *bytes = gcoro_stream_read (args->stream, args->n, &error);

  return_bytes (task, bytes, error);
}

static void
read_exactly_body (GCoroTask *task,
                   gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;
  GBytes *bytes = gcoro_stream_read_exactly (args->stream, (gsize) args->n, &args->partial, &error);

  return_bytes (task, bytes, error);
}

static void
read_until_body (GCoroTask *task,
                 gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;
  gsize len;
  const guint8 *sep = g_bytes_get_data (args->separator, &len);
  GBytes *bytes = gcoro_stream_read_until (args->stream, sep, len, &error);

  return_bytes (task, bytes, error);
}

static void
write_eof_body (GCoroTask *task,
                gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;

  if (!gcoro_stream_write_eof (args->stream, &error))
    gcoro_task_return_error (task, error);
}

static void
drain_body (GCoroTask *task,
            gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;

  if (!gcoro_stream_drain (args->stream, &error))
    gcoro_task_return_error (task, error);
}

static void
close_body (GCoroTask *task,
            gpointer   data)
{
  ReadArgs *args = data;
  GError *error = NULL;

  if (!gcoro_stream_close (args->stream, &error))
    gcoro_task_return_error (task, error);
}

static ReadArgs *
start (GCoroStream         *self,
       GCoroTaskFunc        body,
       gssize               n,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             tag)
{
  GCoroAsyncResult *result = _gcoro_async_result_new (self, cancellable, callback, user_data, tag);
  ReadArgs *args = g_atomic_rc_box_new0 (ReadArgs);
  GCoroTask *task;

  args->stream = g_object_ref (self);
  args->n = n;
  /* Filled in before the task first runs (the next dispatch). */
  task = gcoro_spawn (body, g_atomic_rc_box_acquire (args), read_args_release);
  _gcoro_async_result_wait (result, GCORO_FUTURE (task), NULL, args, read_args_release);
  return args;
}

static GBytes *
finish_bytes (GAsyncResult  *result,
              gpointer       tag,
              GError       **error)
{
  g_auto(GValue) v = G_VALUE_INIT;

  if (!gcoro_operation_finish (result, tag, &v, error))
    return NULL;
  return g_value_dup_boxed (&v);
}

/**
 * gcoro_stream_read_line_async:
 * @self: a [class@GCoro.Stream]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called with the line
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.read_line].
 */
void
gcoro_stream_read_line_async (GCoroStream         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));

  start (self, read_line_body, 0, cancellable, callback, user_data, gcoro_stream_read_line_async);
}

/**
 * gcoro_stream_read_line_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.read_line_async].
 *
 * Returns: (transfer full) (nullable): the line (empty at EOF), or %NULL
 *   with @error set
 */
GBytes *
gcoro_stream_read_line_finish (GCoroStream   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_bytes (result, gcoro_stream_read_line_async, error);
}

/**
 * gcoro_stream_read_async:
 * @self: a [class@GCoro.Stream]
 * @n: the most bytes, or -1 until EOF
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called with the data
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.read].
 */
void
gcoro_stream_read_async (GCoroStream         *self,
                         gssize               n,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));

  start (self, read_body, n, cancellable, callback, user_data, gcoro_stream_read_async);
}

/**
 * gcoro_stream_read_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.read_async].
 *
 * Returns: (transfer full) (nullable): the data (empty at EOF), or %NULL
 *   with @error set
 */
GBytes *
gcoro_stream_read_finish (GCoroStream   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_bytes (result, gcoro_stream_read_async, error);
}

/**
 * gcoro_stream_read_exactly_async:
 * @self: a [class@GCoro.Stream]
 * @n: how many bytes
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called with the data
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.read_exactly].
 */
void
gcoro_stream_read_exactly_async (GCoroStream         *self,
                                 gsize                n,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));
  g_return_if_fail (n <= G_MAXSSIZE);

  start (self, read_exactly_body, (gssize) n, cancellable, callback, user_data,
         gcoro_stream_read_exactly_async);
}

/**
 * gcoro_stream_read_exactly_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @partial: (out) (optional) (nullable) (transfer full): on
 *   [GCORO_STREAM_ERROR_INCOMPLETE_READ][error@GCoro.StreamError], the bytes that did arrive
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.read_exactly_async].
 *
 * Returns: (transfer full) (nullable): exactly the bytes asked for, or
 *   %NULL with @error set
 */
GBytes *
gcoro_stream_read_exactly_finish (GCoroStream   *self,
                                  GAsyncResult  *result,
                                  GBytes       **partial,
                                  GError       **error)
{
  GBytes *bytes = finish_bytes (result, gcoro_stream_read_exactly_async, error);

  if (partial != NULL)
    {
      ReadArgs *args = bytes == NULL && GCORO_IS_ASYNC_RESULT (result)
                       ? _gcoro_async_get_op_data (result) : NULL;

      *partial = args != NULL && args->partial != NULL ? g_bytes_ref (args->partial) : NULL;
    }
  return bytes;
}

/**
 * gcoro_stream_read_until_async:
 * @self: a [class@GCoro.Stream]
 * @separator: (array length=separator_len): the separator
 * @separator_len: its length (at least 1)
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called with the data
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.read_until].
 */
void
gcoro_stream_read_until_async (GCoroStream         *self,
                               const guint8        *separator,
                               gsize                separator_len,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ReadArgs *args;

  g_return_if_fail (GCORO_IS_STREAM (self));
  g_return_if_fail (separator != NULL && separator_len > 0);

  args = start (self, read_until_body, 0, cancellable, callback, user_data,
                gcoro_stream_read_until_async);
  args->separator = g_bytes_new (separator, separator_len);
}

/**
 * gcoro_stream_read_until_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.read_until_async].
 *
 * Returns: (transfer full) (nullable): the data up to and including the
 *   separator (empty at EOF), or %NULL with @error set
 */
GBytes *
gcoro_stream_read_until_finish (GCoroStream   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_bytes (result, gcoro_stream_read_until_async, error);
}

/**
 * gcoro_stream_write_eof_async:
 * @self: a [class@GCoro.Stream]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once the write side is shut
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.write_eof].
 */
void
gcoro_stream_write_eof_async (GCoroStream         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));

  start (self, write_eof_body, 0, cancellable, callback, user_data, gcoro_stream_write_eof_async);
}

/**
 * gcoro_stream_write_eof_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.write_eof_async].
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_write_eof_finish (GCoroStream   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return gcoro_operation_finish (result, gcoro_stream_write_eof_async, NULL, error);
}

/**
 * gcoro_stream_drain_async:
 * @self: a [class@GCoro.Stream]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once drained
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.drain].
 */
void
gcoro_stream_drain_async (GCoroStream         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));

  start (self, drain_body, 0, cancellable, callback, user_data, gcoro_stream_drain_async);
}

/**
 * gcoro_stream_drain_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.drain_async].
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_drain_finish (GCoroStream   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return gcoro_operation_finish (result, gcoro_stream_drain_async, NULL, error);
}

/**
 * gcoro_stream_close_async:
 * @self: a [class@GCoro.Stream]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once closed
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Stream.close].
 */
void
gcoro_stream_close_async (GCoroStream         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM (self));

  start (self, close_body, 0, cancellable, callback, user_data, gcoro_stream_close_async);
}

/**
 * gcoro_stream_close_finish:
 * @self: a [class@GCoro.Stream]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Stream.close_async].
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_close_finish (GCoroStream   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return gcoro_operation_finish (result, gcoro_stream_close_async, NULL, error);
}
