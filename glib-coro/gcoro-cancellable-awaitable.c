/* gcoro-cancellable-awaitable.c: awaiting a GCancellable
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroCancellableAwaitable:
 *
 * A [iface@GCoro.Awaitable] that is ready once a [class@Gio.Cancellable] is cancelled: a task
 * can wait for "someone pressed Stop" like for any future.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GCoroCancellableAwaitable) stop =
 *   gcoro_cancellable_awaitable_new (stop_button_cancellable);
 * gcoro_await_awaitable (stop, NULL, &error);   // returns once cancelled
 * ]|
 *
 * Its future resolves (without a value) when the cancellable is cancelled,
 * on whichever thread cancels it; at once if it was cancelled already. The
 * adapter does not cancel anything itself, and awaiting it is cancelled,
 * like every await, when the awaiting task is.
 */

#include "gcoro-config.h"

#include "gcoro-cancellable-awaitable.h"
#include "gcoro-promise.h"

struct _GCoroCancellableAwaitable
{
  GObject       parent_instance;

  GCancellable *cancellable;
  GCoroPromise *cancelled;     /* created on the first get_future() */
  gulong        handler_id;
};

static void gcoro_cancellable_awaitable_iface_init (GCoroAwaitableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GCoroCancellableAwaitable, gcoro_cancellable_awaitable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE,
                                                      gcoro_cancellable_awaitable_iface_init))

/* Any thread: resolving a promise is. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  gcoro_promise_resolve (user_data, NULL);
}

static GCoroFuture *
gcoro_cancellable_awaitable_get_future (GCoroAwaitable *awaitable)
{
  GCoroCancellableAwaitable *self = GCORO_CANCELLABLE_AWAITABLE (awaitable);

  if (self->cancelled == NULL)
    {
      self->cancelled = gcoro_promise_new ();
      /* The handler owns a reference on the promise: it may run on another
       * thread while this object goes away. If the cancellable is already
       * cancelled, it runs right here. */
      self->handler_id = g_cancellable_connect (self->cancellable, G_CALLBACK (on_cancelled),
                                                g_object_ref (self->cancelled), g_object_unref);
    }

  return g_object_ref (GCORO_FUTURE (self->cancelled));
}

static void
gcoro_cancellable_awaitable_iface_init (GCoroAwaitableInterface *iface)
{
  iface->get_future = gcoro_cancellable_awaitable_get_future;
}

static void
gcoro_cancellable_awaitable_finalize (GObject *object)
{
  GCoroCancellableAwaitable *self = GCORO_CANCELLABLE_AWAITABLE (object);

  /* Disconnecting also drops the handler's reference on the promise. */
  g_cancellable_disconnect (self->cancellable, self->handler_id);
  g_clear_object (&self->cancelled);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gcoro_cancellable_awaitable_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_CANCELLABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_cancellable_awaitable_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  GCoroCancellableAwaitable *self = GCORO_CANCELLABLE_AWAITABLE (object);

  switch (prop_id)
    {
    case PROP_CANCELLABLE:
      g_value_set_object (value, self->cancellable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_cancellable_awaitable_class_init (GCoroCancellableAwaitableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_cancellable_awaitable_finalize;
  G_OBJECT_CLASS (klass)->get_property = gcoro_cancellable_awaitable_get_property;

  /**
   * GCoroCancellableAwaitable:cancellable: (getter get_cancellable)
   *
   * The [class@Gio.Cancellable] whose cancellation this awaitable reports, as given
   * to [ctor@GCoro.CancellableAwaitable.new].
   */
  properties[PROP_CANCELLABLE] =
    g_param_spec_object ("cancellable", NULL, NULL, G_TYPE_CANCELLABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
}

static void
gcoro_cancellable_awaitable_init (GCoroCancellableAwaitable *self)
{
}

/**
 * gcoro_cancellable_awaitable_new:
 * @cancellable: the [class@Gio.Cancellable] to wait for
 *
 * Creates an awaitable that is ready once @cancellable is cancelled.
 *
 * Returns: (transfer full): a new [class@GCoro.CancellableAwaitable]
 */
GCoroCancellableAwaitable *
gcoro_cancellable_awaitable_new (GCancellable *cancellable)
{
  GCoroCancellableAwaitable *self;

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (GCORO_TYPE_CANCELLABLE_AWAITABLE, NULL);
  self->cancellable = g_object_ref (cancellable);

  return self;
}

/**
 * gcoro_cancellable_awaitable_get_cancellable:
 * @self: a [class@GCoro.CancellableAwaitable]
 *
 * Gets the cancellable @self waits for.
 *
 * Returns: (transfer none): the cancellable
 */
GCancellable *
gcoro_cancellable_awaitable_get_cancellable (GCoroCancellableAwaitable *self)
{
  g_return_val_if_fail (GCORO_IS_CANCELLABLE_AWAITABLE (self), NULL);

  return self->cancellable;
}
