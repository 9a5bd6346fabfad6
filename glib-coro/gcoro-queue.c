/* gcoro-queue.c: a FIFO channel between tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroQueue:
 *
 * A first-in first-out queue of [struct@GObject.Value]s between tasks, like asyncio's
 * `Queue`, optionally bounded: a get from an empty queue suspends until an
 * item arrives; a put into a full bounded queue suspends until there is
 * room, which is how a fast producer is slowed to its consumer's pace.
 *
 * Closing ends the stream: puts fail at once with [GCORO_ERROR_CLOSED][error@GCoro.Error],
 * gets drain what is left and then fail with [GCORO_ERROR_CLOSED][error@GCoro.Error] too, so
 * a consumer loops until that error:
 *
 * |[<!-- language="C" -->
 * g_auto(GValue) item = G_VALUE_INIT;
 * while (gcoro_queue_get (queue, &item, &error))
 *   {
 *     handle (&item);
 *     g_value_unset (&item);
 *   }
 * if (g_error_matches (error, GCORO_ERROR, GCORO_ERROR_CLOSED))
 *   ...   // producer is done
 * ]|
 *
 * A task cancelled while waiting loses nothing: its item was not put, or
 * no item was taken for it. Used from the thread of its scheduler.
 */

/* NOTES:
 * - Waiting getters and putters are woken to *retry* (as asyncio does),
 *   not handed an item or a slot directly: a wake-up that arrives after
 *   the waiter was cancelled is passed on to the next waiter, and nothing
 *   can be lost in between.
 * - Items live in a ring of GValues, moved in and out: a put and a get
 *   cost no allocation once the ring has grown to the working size (the
 *   first version, a GQueue of heap GValues, spent most of its time in
 *   malloc and free).
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-error.h"
#include "gcoro-promise.h"
#include "gcoro-queue.h"
#include "gcoro-task.h"
#include "gcoro-wait-queue-private.h"

struct _GCoroQueue
{
  GObject        parent_instance;
  GValue        *ring;       /* items[head .. head + length), modulo capacity */
  guint          capacity;
  guint          head;
  guint          length;
  guint          max_size;   /* 0: unbounded */
  GCoroWaitQueue getters;
  GCoroWaitQueue putters;
  gboolean       closed;
};

G_DEFINE_FINAL_TYPE (GCoroQueue, gcoro_queue, G_TYPE_OBJECT)

static void
gcoro_queue_finalize (GObject *object)
{
  GCoroQueue *self = GCORO_QUEUE (object);
  GError *error = g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED, "The queue was destroyed");

  _gcoro_wait_queue_fail_all (&self->getters, g_error_copy (error));
  _gcoro_wait_queue_fail_all (&self->putters, error);
  for (guint i = 0; i < self->length; i++)
    g_value_unset (&self->ring[(self->head + i) % self->capacity]);
  g_free (self->ring);

  G_OBJECT_CLASS (gcoro_queue_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_MAX_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_queue_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  GCoroQueue *self = GCORO_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_SIZE:
      g_value_set_uint (value, self->max_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_queue_class_init (GCoroQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_queue_finalize;
  G_OBJECT_CLASS (klass)->get_property = gcoro_queue_get_property;

  /**
   * GCoroQueue:max-size: (getter get_max_size)
   *
   * How many items the queue holds before [method@GCoro.Queue.put] waits,
   * as given to [ctor@GCoro.Queue.new]; 0 for no limit.
   */
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint ("max-size", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
}

static void
gcoro_queue_init (GCoroQueue *self)
{
  _gcoro_wait_queue_init (&self->getters);
  _gcoro_wait_queue_init (&self->putters);
}

/**
 * gcoro_queue_new:
 * @max_size: the most items the queue holds, or 0 for no bound
 *
 * Creates an empty queue.
 *
 * Returns: (transfer full): a new [class@GCoro.Queue]
 */
GCoroQueue *
gcoro_queue_new (guint max_size)
{
  GCoroQueue *self = g_object_new (GCORO_TYPE_QUEUE, NULL);

  self->max_size = max_size;
  return self;
}

/**
 * gcoro_queue_get_length:
 * @self: a [class@GCoro.Queue]
 *
 * Gets how many items wait in @self.
 *
 * Returns: the number of items waiting in @self
 */
guint
gcoro_queue_get_length (GCoroQueue *self)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), 0);

  return self->length;
}

/**
 * gcoro_queue_get_max_size:
 * @self: a [class@GCoro.Queue]
 *
 * Gets the bound of @self.
 *
 * Returns: the bound given at creation (0: none)
 */
guint
gcoro_queue_get_max_size (GCoroQueue *self)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), 0);

  return self->max_size;
}

/**
 * gcoro_queue_is_closed:
 * @self: a [class@GCoro.Queue]
 *
 * Tells whether @self was closed.
 *
 * Returns: %TRUE once [method@GCoro.Queue.close] was called
 */
gboolean
gcoro_queue_is_closed (GCoroQueue *self)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);

  return self->closed;
}

static void
wake_one (GCoroWaitQueue *waiters)
{
  GCoroWait *wait = _gcoro_wait_queue_pop (waiters);

  if (wait != NULL)
    _gcoro_wait_grant (wait);
}

static void
wake_all (GCoroWaitQueue *waiters)
{
  GCoroWait *wait;

  while ((wait = _gcoro_wait_queue_pop (waiters)) != NULL)
    _gcoro_wait_grant (wait);
}

/**
 * gcoro_queue_close:
 * @self: a [class@GCoro.Queue]
 *
 * Closes @self: puts fail from now on, gets fail once the items left have
 * been taken. Every waiting task wakes up to find out.
 */
void
gcoro_queue_close (GCoroQueue *self)
{
  g_return_if_fail (GCORO_IS_QUEUE (self));

  self->closed = TRUE;
  wake_all (&self->getters);
  wake_all (&self->putters);
}

static gboolean
is_full (GCoroQueue *self)
{
  return self->max_size != 0 && self->length >= self->max_size;
}

static gboolean
fail_if_closed (GCoroQueue  *self,
                GError     **error)
{
  if (!self->closed)
    return FALSE;

  g_set_error_literal (error, GCORO_ERROR, GCORO_ERROR_CLOSED, "The queue is closed");
  return TRUE;
}

/* A waiter woken for a retry it will not make: wake the next one. */
static void
pass_on_getter (gpointer   primitive,
                GCoroWait *wait)
{
  wake_one (&GCORO_QUEUE (primitive)->getters);
}

static void
pass_on_putter (gpointer   primitive,
                GCoroWait *wait)
{
  wake_one (&GCORO_QUEUE (primitive)->putters);
}

/* Scalars (numbers, booleans, enums, flags, raw pointers) own nothing:
 * copying their GValue is copying its bits, without the type-table calls
 * of g_value_init() and g_value_copy(). */
static inline gboolean
value_is_plain (const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR:
    case G_TYPE_UCHAR:
    case G_TYPE_BOOLEAN:
    case G_TYPE_INT:
    case G_TYPE_UINT:
    case G_TYPE_LONG:
    case G_TYPE_ULONG:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
    case G_TYPE_ENUM:
    case G_TYPE_FLAGS:
    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
    case G_TYPE_POINTER:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
grow (GCoroQueue *self)
{
  guint capacity = MAX (16, self->capacity * 2);
  GValue *ring = g_new0 (GValue, capacity);

  /* Unwrap into the new ring; GValues are moved as plain memory. */
  for (guint i = 0; i < self->length; i++)
    ring[i] = self->ring[(self->head + i) % self->capacity];
  g_free (self->ring);
  self->ring = ring;
  self->capacity = capacity;
  self->head = 0;
}

static void
push_copy (GCoroQueue   *self,
           const GValue *item)
{
  GValue *slot;

  if (self->length == self->capacity)
    grow (self);

  slot = &self->ring[(self->head + self->length) % self->capacity];
  if (value_is_plain (item))
    *slot = *item;   /* nothing owned: the bits are the value */
  else
    {
      g_value_init (slot, G_VALUE_TYPE (item));
      g_value_copy (item, slot);
    }
  self->length++;
  wake_one (&self->getters);
}

/* Moves the head item into @item (an unset value, or NULL to drop it). */
static void
pop_into (GCoroQueue *self,
          GValue     *item)
{
  GValue *slot = &self->ring[self->head];

  if (item != NULL)
    *item = *slot;
  else
    g_value_unset (slot);
  memset (slot, 0, sizeof *slot);
  self->head = (self->head + 1) % self->capacity;
  self->length--;
  wake_one (&self->putters);
}

/**
 * gcoro_queue_try_put:
 * @self: a [class@GCoro.Queue]
 * @item: the item (copied)
 *
 * Puts @item if there is room and @self is open, without suspending.
 *
 * Returns: %TRUE if @item was put
 */
gboolean
gcoro_queue_try_put (GCoroQueue   *self,
                     const GValue *item)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  if (self->closed || is_full (self))
    return FALSE;

  push_copy (self, item);
  return TRUE;
}

/**
 * gcoro_queue_put: (skip)
 * @self: a [class@GCoro.Queue]
 * @item: the item (copied)
 * @error: return location for a [struct@GLib.Error]
 *
 * Puts @item at the end of @self, suspending the calling fiber task while
 * a bounded queue is full. Fails with [GCORO_ERROR_CLOSED][error@GCoro.Error] on a closed
 * queue, and with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] (the item not put) if the task is
 * cancelled while waiting. Binding twin: [method@GCoro.Queue.put_async].
 *
 * Returns: %TRUE if @item was put
 */
gboolean
gcoro_queue_put (GCoroQueue    *self,
                 const GValue  *item,
                 GError       **error)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  for (;;)
    {
      GCoroWait wait = { 0, };

      if (fail_if_closed (self, error))
        return FALSE;
      if (!is_full (self))
        {
          push_copy (self, item);
          return TRUE;
        }
      if (!_gcoro_wait_queue_wait (&self->putters, &wait, self, pass_on_putter,
                                   G_STRFUNC, "gcoro_queue_put_async()", error))
        return FALSE;
    }
}

/**
 * gcoro_queue_try_get:
 * @self: a [class@GCoro.Queue]
 * @item: (out caller-allocates) (optional): receives the item (a %NULL
 *   object when there was none)
 *
 * Takes the first item if there is one, without suspending.
 *
 * Returns: %TRUE if an item was taken
 */
gboolean
gcoro_queue_try_get (GCoroQueue *self,
                     GValue     *item)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);

  if (self->length == 0)
    {
      if (item != NULL)
        g_value_init (item, G_TYPE_OBJECT);
      return FALSE;
    }

  pop_into (self, item);
  return TRUE;
}

/**
 * gcoro_queue_get: (skip)
 * @self: a [class@GCoro.Queue]
 * @item: (out caller-allocates) (optional): an unset [struct@GObject.Value] for the item
 * @error: return location for a [struct@GLib.Error]
 *
 * Takes the first item, suspending the calling fiber task while @self is
 * empty. On a closed queue, gets the items left and then fails with
 * [GCORO_ERROR_CLOSED][error@GCoro.Error]. A cancelled task takes nothing. Binding twin:
 * [method@GCoro.Queue.get_async].
 *
 * Returns: %TRUE if an item was taken
 */
gboolean
gcoro_queue_get (GCoroQueue  *self,
                 GValue      *item,
                 GError     **error)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);

  for (;;)
    {
      GCoroWait wait = { 0, };

      if (self->length > 0)
        {
          pop_into (self, item);
          return TRUE;
        }
      if (fail_if_closed (self, error) ||
          !_gcoro_wait_queue_wait (&self->getters, &wait, self, pass_on_getter,
                                   G_STRFUNC, "gcoro_queue_get_async()", error))
        {
          if (item != NULL)
            g_value_init (item, G_TYPE_OBJECT);
          return FALSE;
        }
    }
}

/* --- async twins: the fiber forms, unless it can be done at once ------------------ */

typedef struct
{
  GCoroQueue *queue;
  GValue      item;   /* put: the copy to put */
} QueueOp;

static void
queue_op_free (gpointer data)
{
  QueueOp *op = data;

  g_object_unref (op->queue);
  if (G_IS_VALUE (&op->item))
    g_value_unset (&op->item);
  g_free (op);
}

static void
put_body (GCoroTask *task,
          gpointer   data)
{
  QueueOp *op = data;
  GError *error = NULL;

  if (gcoro_queue_put (op->queue, &op->item, &error))
    gcoro_task_return_boolean (task, TRUE);
  else
    gcoro_task_return_error (task, error);
}

static void
get_body (GCoroTask *task,
          gpointer   data)
{
  QueueOp *op = data;
  GError *error = NULL;

  if (gcoro_queue_get (op->queue, &op->item, &error))
    gcoro_task_return_value (task, &op->item);
  else
    gcoro_task_return_error (task, error);
}

static QueueOp *
queue_op_new (GCoroQueue *self)
{
  QueueOp *op = g_new0 (QueueOp, 1);

  op->queue = g_object_ref (self);
  return op;
}

/**
 * gcoro_queue_put_async:
 * @self: a [class@GCoro.Queue]
 * @item: the item (copied now)
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once @item is in @self
 * @user_data: data for @callback
 *
 * Puts @item, waiting while a bounded queue is full.
 */
void
gcoro_queue_put_async (GCoroQueue          *self,
                       const GValue        *item,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GError *error = NULL;
  QueueOp *op;

  g_return_if_fail (GCORO_IS_QUEUE (self));
  g_return_if_fail (G_IS_VALUE (item));

  if (fail_if_closed (self, &error))
    {
      _gcoro_async_start_error (self, error, cancellable, callback, user_data, gcoro_queue_put_async);
      return;
    }
  if (!is_full (self))
    {
      g_autoptr(GCoroPromise) done = gcoro_promise_new ();

      push_copy (self, item);
      gcoro_promise_resolve (done, NULL);
      _gcoro_async_start (self, g_object_ref (GCORO_FUTURE (done)), cancellable, callback,
                          user_data, gcoro_queue_put_async);
      return;
    }

  op = queue_op_new (self);
  g_value_init (&op->item, G_VALUE_TYPE (item));
  g_value_copy (item, &op->item);
  _gcoro_async_start_task (self, put_body, op, queue_op_free, NULL, cancellable, callback,
                           user_data, gcoro_queue_put_async);
}

/**
 * gcoro_queue_put_finish:
 * @self: a [class@GCoro.Queue]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Queue.put_async].
 *
 * Errors: those of [method@GCoro.Queue.put].
 *
 * Returns: %TRUE if the item was put
 */
gboolean
gcoro_queue_put_finish (GCoroQueue    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);

  return _gcoro_async_finish (result, self, gcoro_queue_put_async, NULL, error);
}

/**
 * gcoro_queue_get_async:
 * @self: a [class@GCoro.Queue]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once an item is taken
 * @user_data: data for @callback
 *
 * Takes the first item, waiting while @self is empty.
 */
void
gcoro_queue_get_async (GCoroQueue          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_QUEUE (self));

  if (self->length > 0)
    {
      g_autoptr(GCoroPromise) done = gcoro_promise_new ();
      GValue item = G_VALUE_INIT;

      pop_into (self, &item);
      gcoro_promise_resolve (done, &item);
      g_value_unset (&item);
      _gcoro_async_start (self, g_object_ref (GCORO_FUTURE (done)), cancellable, callback,
                          user_data, gcoro_queue_get_async);
      return;
    }

  _gcoro_async_start_task (self, get_body, queue_op_new (self), queue_op_free, NULL,
                           cancellable, callback, user_data, gcoro_queue_get_async);
}

/**
 * gcoro_queue_get_finish:
 * @self: a [class@GCoro.Queue]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @item: (out caller-allocates) (optional): receives the item (a %NULL
 *   object on failure)
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Queue.get_async].
 *
 * Errors: those of [method@GCoro.Queue.get].
 *
 * Returns: %TRUE if an item was taken
 */
gboolean
gcoro_queue_get_finish (GCoroQueue    *self,
                        GAsyncResult  *result,
                        GValue        *item,
                        GError       **error)
{
  g_return_val_if_fail (GCORO_IS_QUEUE (self), FALSE);

  return _gcoro_async_finish (result, self, gcoro_queue_get_async, item, error);
}
