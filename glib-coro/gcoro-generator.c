/* gcoro-generator.c: a body that yields values one at a time
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroGenerator:
 *
 * A body that produces values one at a time, each when its consumer asks
 * for it: Python's generators, in C.
 *
 * A coroutine and a generator are the same thing seen from two sides: a
 * function that can stop in the middle and be continued later. A task is
 * continued by the scheduler when what it awaits is ready; a generator is
 * continued by whoever wants its next value. The fiber body below is
 * suspended at every [method@GCoro.Generator.yield] until the consumer calls
 * [method@GCoro.Generator.next] again:
 *
 * |[<!-- language="C" -->
 * static void
 * count_to (GCoroGenerator *gen, gpointer user_data)
 * {
 *   gint64 n = GPOINTER_TO_SIZE (user_data);
 *
 *   for (gint64 i = 1; i <= n; i++)
 *     if (!gcoro_generator_yield_int64 (gen, i, NULL))
 *       return;                               // closed early: clean up here
 * }
 *
 * g_autoptr(GCoroGenerator) gen = gcoro_generator_new (count_to, GSIZE_TO_POINTER (3), NULL);
 * g_auto(GValue) v = G_VALUE_INIT;
 *
 * while (gcoro_generator_next (gen, &v, &error))   // 1, 2, 3
 *   {
 *     g_print ("%" G_GINT64_FORMAT "\n", g_value_get_int64 (&v));
 *     g_value_unset (&v);
 *   }
 * // FALSE with no error: exhausted; FALSE with an error: the body failed
 * ]|
 *
 * Consuming synchronously: [method@GCoro.Generator.next] works from any code,
 * task or not. It switches straight into the body's fiber and back, so an
 * item costs about one context switch pair: no main loop, no allocation
 * ([method@GCoro.Generator.next_pointer] does not even copy a [struct@GObject.Value]). A C
 * program that defines `GCORO_GENERATOR_INLINE` before including
 * <glib-coro.h> compiles the per-item calls inline, which is faster still
 * but ties it to this version's struct layout (see
 * gcoro-generator-inline.h).
 *
 * Consuming asynchronously: [method@GCoro.Generator.next_future] returns a future
 * of the next item (rejected with [GCORO_ERROR_EXHAUSTED][error@GCoro.Error] at the end), and
 * [method@GCoro.Generator.next_async] is its GIO-style twin. Then the body may
 * await between two items ([func@GCoro.await], [func@GCoro.sleep], …): it runs as
 * part of the task that consumes it, which suspends while the body waits.
 * The same holds when a fiber task calls [method@GCoro.Generator.next]. Awaiting
 * inside a body that plain code consumes synchronously is a programming
 * error, exactly like awaiting outside a task.
 *
 * Closing: [method@GCoro.Generator.close] (and dropping the last reference) makes
 * the pending yield fail with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] so the body runs its
 * cleanup, then ends the iteration. Errors: a body that calls
 * [method@GCoro.Generator.return_error] before returning makes the next call of
 * the consumer fail with that error; after it, the generator is exhausted.
 *
 * Language bindings cannot run on a fiber: they build generators with
 * [ctor@GCoro.Generator.new_stepped], whose body is called once per item (and
 * once per awaited future) on the main stack. The Python override turns a
 * Python generator or async generator into one and makes every
 * [class@GCoro.Generator] a Python iterator and async iterator; the GJS module
 * does the same for JavaScript. A stepped body can only run on the
 * thread's own stack: from inside a fiber (a fiber task, a fiber
 * generator's body), consume it with [method@GCoro.Generator.next_future].
 *
 * A generator is used from one thread at a time, and by one consumer at a
 * time: asking for an item while the body is running (or waiting) fails
 * with [G_IO_ERROR_BUSY][error@Gio.IOErrorEnum], except through [method@GCoro.Generator.next_future],
 * which queues.
 */

/* NOTES:
 * - One fast path, one slow path, on each side of the switch.
 *   The fast path is the common case of a C pipeline: a fiber body
 *   suspended at a yield, resumed by plain code, yielding a value that owns
 *   nothing. The consumer calls _gcoro_generator_resume() and reads the item
 *   itself; the body calls _gcoro_generator_suspend() and reads the closing
 *   flag itself. It is the fast one because of frames, not instructions: a
 *   function that switches stacks and then returns to its caller executes a
 *   "ret" the CPU's return predictor cannot know (its entries belong to the
 *   other stack). Both calls end in a jump to the switch, so each side
 *   switches straight into the other side's code, and the item is lent
 *   (the body's GValue lives on its suspended stack) and copied as plain
 *   memory, never through g_value_copy().
 *   The slow path is everything else, in _gcoro_generator_next_slow()
 *   (first item, a consuming task, a stepped body, an ended or failed body,
 *   an item to copy) and _gcoro_generator_yield_failed() (closing, a yield
 *   from outside the body).
 * - The fast path is written once, as the inline functions of
 *   gcoro-generator-inline.h. The exported functions are those inline
 *   functions compiled here; a program that defines GCORO_GENERATOR_INLINE
 *   compiles them into its own code, which saves its call of the exported
 *   function (one more frame around each switch) at the price of depending
 *   on the layout of _GCoroGeneratorPrefix (checked below). The figures
 *   of both, and their history, are in bench/bench-generator.c.
 * - Awaiting inside a body: the body's fiber is lent to the consuming task
 *   (_gcoro_task_lend_fiber()), so the task's ordinary suspend/resume
 *   machinery suspends and resumes the body; no second scheduler path.
 * - Async items are tasks (one per item, a warm stack from the pool): a
 *   fiber task for a fiber body, a stepped task for a stepped one. Each
 *   waits for the previous item's task first, which is what makes a
 *   burst of next_future() calls queue instead of failing as busy.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-await.h"
#include "gcoro-error.h"
#include "gcoro-fiber-private.h"
#include "gcoro-generator.h"
#include "gcoro-generator-inline.h"
#include "gcoro-promise.h"
#include "gcoro-task-private.h"

typedef enum
{
  GEN_CREATED,
  GEN_SUSPENDED,   /* at a yield (fiber) or between two items (stepped) */
  GEN_RUNNING,     /* the body runs, or waits as part of a consuming task */
  GEN_AWAITING,    /* stepped: parked on @awaiting by a synchronous next */
  GEN_FINISHED,
} GenState;

struct _GCoroGenerator
{
  /* The first members are _GCoroGeneratorPrefix of
   * gcoro-generator-inline.h, which the fast path reads (checked below). */
  GObject                 parent_instance;
  GCoroGeneratorFunc      func;        /* a fiber body, or ... */
  const GValue           *item;        /* the item in transit, or NULL: the
                                        * body's own value (lent while it is
                                        * suspended), @pointer_item or
                                        * @owned_item */
  GValue                  pointer_item;  /* G_TYPE_POINTER, set by yield_pointer */
  guint8                  state;
  guint8                  closing;
  guint8                  suspend_failed;  /* _gcoro_generator_suspend() refused */

  GCoroGeneratorStepFunc  step_func;   /* ... a stepped one */
  gpointer                user_data;
  GDestroyNotify          notify;      /* runs once the body has ended */
  char                   *name;

  GCoroFiber             *fiber;       /* fiber body: first next to end */
  GCoroFiber             *consumer;    /* where the body switches back to */

  GValue                  owned_item;    /* set by emit */
  GError                 *error;       /* the body's failure, reported once */

  GCoroFuture            *awaiting;    /* GEN_AWAITING */
  GCoroTask              *last_item;   /* the newest next_future() task */
};

#define SAME_MEMBER(m) \
  G_STATIC_ASSERT (G_STRUCT_OFFSET (GCoroGenerator, m) == G_STRUCT_OFFSET (_GCoroGeneratorPrefix, m) && \
                   sizeof (((GCoroGenerator *) 0)->m) == sizeof (((_GCoroGeneratorPrefix *) 0)->m))
SAME_MEMBER (func);
SAME_MEMBER (item);
SAME_MEMBER (pointer_item);
SAME_MEMBER (state);
SAME_MEMBER (closing);
SAME_MEMBER (suspend_failed);
G_STATIC_ASSERT (GEN_SUSPENDED == _GCORO_GENERATOR_SUSPENDED);

G_DEFINE_FINAL_TYPE (GCoroGenerator, gcoro_generator, G_TYPE_OBJECT)

/* The type check of the per-item calls, without a call to get_type():
 * the type is final, so its instances' class is exactly this one. */
static GType generator_type;

#define IS_GENERATOR(obj) \
  ((obj) != NULL && ((GTypeInstance *) (obj))->g_class != NULL && \
   ((GTypeInstance *) (obj))->g_class->g_type == generator_type)

static gboolean generator_close (GCoroGenerator *self, GError **error);

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- life cycle ------------------------------------------------------------- */

static void
generator_end (GCoroGenerator *self)
{
  self->state = GEN_FINISHED;
  self->item = NULL;
  if (G_IS_VALUE (&self->owned_item))
    g_value_unset (&self->owned_item);
  g_clear_object (&self->awaiting);
  if (self->notify != NULL)
    g_clear_pointer (&self->user_data, self->notify);
  self->step_func = NULL;
}

static gboolean
on_thread_stack (void)
{
  return gcoro_fiber_get_current () == gcoro_fiber_get_thread_fiber ();
}

static gboolean
deferred_close (gpointer data)
{
  generator_close (data, NULL);
  return G_SOURCE_REMOVE;
}

static void
gcoro_generator_dispose (GObject *object)
{
  GCoroGenerator *self = GCORO_GENERATOR (object);
  g_autoptr(GError) error = NULL;

  if (self->state == GEN_SUSPENDED || self->state == GEN_AWAITING)
    {
      if (self->step_func != NULL && !on_thread_stack ())
        {
          /* A binding's body must not run on a fiber: close it from the
           * main loop (the source keeps it alive until then). */
          g_idle_add_full (G_PRIORITY_DEFAULT, deferred_close, g_object_ref (self), g_object_unref);
        }
      else if (!generator_close (self, &error))
        g_warning ("Generator '%s' failed while being closed: %s", self->name, error->message);
    }

  G_OBJECT_CLASS (gcoro_generator_parent_class)->dispose (object);
}

static void
gcoro_generator_finalize (GObject *object)
{
  GCoroGenerator *self = GCORO_GENERATOR (object);

  /* A body that never ended (its cleanup is stuck in an await of a task
   * that went away) is dropped without unwinding. */
  g_clear_pointer (&self->fiber, gcoro_fiber_free);
  if (self->notify != NULL)
    g_clear_pointer (&self->user_data, self->notify);
  if (G_IS_VALUE (&self->owned_item))
    g_value_unset (&self->owned_item);
  g_clear_error (&self->error);
  g_clear_object (&self->awaiting);
  g_clear_object (&self->last_item);
  g_free (self->name);

  G_OBJECT_CLASS (gcoro_generator_parent_class)->finalize (object);
}

static void
gcoro_generator_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GCoroGenerator *self = GCORO_GENERATOR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_generator_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GCoroGenerator *self = GCORO_GENERATOR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      gcoro_generator_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_generator_class_init (GCoroGeneratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  generator_type = G_TYPE_FROM_CLASS (klass);
  object_class->dispose = gcoro_generator_dispose;
  object_class->finalize = gcoro_generator_finalize;
  object_class->get_property = gcoro_generator_get_property;
  object_class->set_property = gcoro_generator_set_property;

  /**
   * GCoroGenerator:name: (getter get_name) (setter set_name)
   *
   * The generator's name ("generator-N" unless set): it names the body's
   * fiber in stack overflow reports and the generator in error messages.
   * It can be changed until the first item is asked for.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcoro_generator_init (GCoroGenerator *self)
{
  g_value_init (&self->pointer_item, G_TYPE_POINTER);
}

static GCoroGenerator *
generator_new (GCoroGeneratorFunc      func,
               GCoroGeneratorStepFunc  step_func,
               gpointer                user_data,
               GDestroyNotify          notify)
{
  static guint counter;
  GCoroGenerator *self = g_object_new (GCORO_TYPE_GENERATOR, NULL);

  self->func = func;
  self->step_func = step_func;
  self->user_data = user_data;
  self->notify = notify;
  self->name = g_strdup_printf ("generator-%u", g_atomic_int_add (&counter, 1) + 1);

  return self;
}

/**
 * gcoro_generator_new: (skip)
 * @func: the body
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the body has ended (or with
 *   the generator, if it never ran)
 *
 * Creates a generator whose body runs on a fiber of its own, from the
 * first [method@GCoro.Generator.next] on (creating one runs nothing).
 *
 * Returns: (transfer full): a new [class@GCoro.Generator]
 */
GCoroGenerator *
gcoro_generator_new (GCoroGeneratorFunc func,
                     gpointer           user_data,
                     GDestroyNotify     notify)
{
  g_return_val_if_fail (func != NULL, NULL);

  return generator_new (func, NULL, user_data, notify);
}

/**
 * gcoro_generator_new_stepped:
 * @func: (scope notified): the step function
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the body has ended
 *
 * Creates a generator whose body is a step function called on the main
 * stack (see [callback@GCoro.GeneratorStepFunc]): how language bindings, and C code
 * written as a state machine, make generators.
 *
 * Returns: (transfer full): a new [class@GCoro.Generator]
 */
GCoroGenerator *
gcoro_generator_new_stepped (GCoroGeneratorStepFunc func,
                             gpointer               user_data,
                             GDestroyNotify         notify)
{
  g_return_val_if_fail (func != NULL, NULL);

  return generator_new (NULL, func, user_data, notify);
}

/**
 * gcoro_generator_get_name:
 * @self: a [class@GCoro.Generator]
 *
 * Gets the name of @self ("generator-N" unless set): it names the body's
 * fiber in stack overflow reports and the generator in error messages.
 *
 * Returns: the name
 */
const char *
gcoro_generator_get_name (GCoroGenerator *self)
{
  g_return_val_if_fail (GCORO_IS_GENERATOR (self), NULL);

  return self->name;
}

/**
 * gcoro_generator_set_name:
 * @self: a [class@GCoro.Generator]
 * @name: the new name
 *
 * Names @self (before its first item).
 */
void
gcoro_generator_set_name (GCoroGenerator *self,
                          const char     *name)
{
  g_return_if_fail (GCORO_IS_GENERATOR (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->fiber == NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * gcoro_generator_is_closing:
 * @self: a [class@GCoro.Generator]
 *
 * Checks whether @self is being closed: a stepped body calls this to tell
 * cleanup from an ordinary cancellation of the task it waits in.
 *
 * Returns: %TRUE from [method@GCoro.Generator.close] on
 */
gboolean
gcoro_generator_is_closing (GCoroGenerator *self)
{
  g_return_val_if_fail (GCORO_IS_GENERATOR (self), FALSE);

  return self->closing;
}

/**
 * gcoro_generator_is_finished:
 * @self: a [class@GCoro.Generator]
 *
 * Checks whether the body of @self has ended (exhausted, failed or closed).
 *
 * Returns: %TRUE once no more items will come
 */
gboolean
gcoro_generator_is_finished (GCoroGenerator *self)
{
  g_return_val_if_fail (GCORO_IS_GENERATOR (self), FALSE);

  return self->state == GEN_FINISHED;
}

/* --- the fiber body ------------------------------------------------------------ */

G_NORETURN static void
generator_fiber_main (gpointer data)
{
  GCoroGenerator *self = data;

  self->func (self, self->user_data);

  self->state = GEN_FINISHED;
  self->item = NULL;
  gcoro_fiber_exit_to (self->fiber, self->consumer);
}

/* After a trip into a fiber body: the fiber of a body that ended is freed
 * (a trip on the fast path leaves this to the read of its outcome). */
static void
settle_fiber (GCoroGenerator *self)
{
  if (self->state == GEN_FINISHED && self->fiber != NULL)
    {
      g_clear_pointer (&self->fiber, gcoro_fiber_free);
      generator_end (self);
    }
}

/* The consumer's side, slow path: runs the fiber body until its next yield
 * or its end, starting it first if needed. When a fiber task is the
 * consumer, the body runs as part of it (see NOTES). Inlined into its
 * callers so that the switch back lands in them, with no frame of its own
 * to return from (see NOTES). */
G_ALWAYS_INLINE static inline void
fiber_resume (GCoroGenerator *self)
{
  GCoroTask *task = _gcoro_task_current ();
  GCoroFiber *here = gcoro_fiber_get_current ();

  if (self->fiber == NULL)
    {
      self->fiber = gcoro_fiber_new (generator_fiber_main, self, 0);
      gcoro_fiber_set_name (self->fiber, self->name);
    }

  self->consumer = here;
  self->state = GEN_RUNNING;
  if (task != NULL)
    _gcoro_task_lend_fiber (task, self->fiber);
  gcoro_fiber_switch_inline (here, self->fiber);
  if (task != NULL)
    _gcoro_task_lend_fiber (task, here);

  settle_fiber (self);
}

/**
 * _gcoro_generator_resume: (skip)
 * @self: a [class@GCoro.Generator] with a fiber body, suspended at a yield
 *
 * The consumer's side, fast path (see gcoro-generator-inline.h): runs the
 * body until its next yield or its end, with the switch as the last thing
 * done, so that the body's switch back lands straight in the caller. The
 * caller then reads the outcome, or leaves it to
 * _gcoro_generator_next_slow(). Not API.
 */
void
_gcoro_generator_resume (GCoroGenerator *self)
{
  GCoroFiber *here;

  /* Inside a task, the body borrows the task's identity (see NOTES):
   * that needs work after the switch, so it is the slow path. */
  if (G_UNLIKELY (_gcoro_task_current () != NULL || self->fiber == NULL))
    {
      fiber_resume (self);
      return;
    }

  here = gcoro_fiber_get_current ();
  self->consumer = here;
  self->state = GEN_RUNNING;
  /* Last, so that it compiles to a jump. */
  gcoro_fiber_switch_inline (here, self->fiber);
}

/* Whether the caller runs on the body's own stack. */
static inline gboolean
on_own_stack (GCoroGenerator *self)
{
  return self->fiber != NULL &&
         gcoro_fiber_stack_contains (self->fiber, __builtin_frame_address (0));
}

/**
 * _gcoro_generator_suspend: (skip)
 * @self: the [class@GCoro.Generator] whose body is running
 * @item: the item, which stays the body's while it is suspended
 * @func: the public function called, for the critical
 *
 * The body's side, the one way every yield suspends: until the next item is
 * asked for, with the switch as the last thing done (see
 * gcoro-generator-inline.h). Called from outside the body (a programmer
 * error: a critical) or while closing, it returns at once, and
 * _gcoro_generator_yield_failed() says why. Not API.
 */
void
_gcoro_generator_suspend (GCoroGenerator *self,
                          const GValue   *item,
                          const char     *func)
{
  if (G_UNLIKELY (!on_own_stack (self)))
    {
      g_critical ("%s() called outside the body of generator '%s'; only its "
                  "GCoroGeneratorFunc may yield (a stepped body uses "
                  "gcoro_generator_emit())", func, self->name);
      self->suspend_failed = TRUE;
      return;
    }
  if (G_UNLIKELY (self->closing))
    return;

  self->item = item;
  self->state = GEN_SUSPENDED;
  /* Last, a jump: the consumer switches back straight into the body's
   * code (see _gcoro_generator_resume()). */
  gcoro_fiber_switch_inline (self->fiber, self->consumer);
}

/**
 * _gcoro_generator_yield_failed: (skip)
 * @self: a [class@GCoro.Generator]
 * @error: return location for a [struct@GLib.Error]
 *
 * The body's side, slow path: why _gcoro_generator_suspend() did not
 * suspend (a yield from outside the body, reported by its critical alone),
 * or the closing that resumed it ([G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]). Not API.
 *
 * Returns: %FALSE
 */
gboolean
_gcoro_generator_yield_failed (GCoroGenerator  *self,
                               GError         **error)
{
  if (self->suspend_failed)
    {
      self->suspend_failed = FALSE;
      return FALSE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               "Generator '%s' was closed", self->name);
  return FALSE;
}

/**
 * gcoro_generator_yield: (skip)
 * @self: the [class@GCoro.Generator] whose body is running
 * @value: the item; it is copied only if the consumer asks for a [struct@GObject.Value]
 * @error: return location for a [struct@GLib.Error]
 *
 * Hands @value to the consumer and suspends the body until the next item
 * is asked for. Only the body of @self (a [callback@GCoro.GeneratorFunc]) may call it;
 * any other caller gets a critical and %FALSE.
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the generator is being closed.
 *
 * Returns: %TRUE when the next item is wanted; %FALSE with
 *   [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the generator is being closed: clean up and
 *   return from the body
 */
gboolean
gcoro_generator_yield (GCoroGenerator  *self,
                       const GValue    *value,
                       GError         **error)
{
  g_return_val_if_fail (IS_GENERATOR (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _gcoro_generator_yield_inline (self, value, G_STRFUNC, error);
}

/**
 * gcoro_generator_yield_pointer: (skip)
 * @self: the [class@GCoro.Generator] whose body is running
 * @pointer: (nullable): the item, which stays the body's
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [method@GCoro.Generator.yield] with a `G_TYPE_POINTER` item: the fastest
 * way through a C pipeline, read with [method@GCoro.Generator.next_pointer].
 *
 * A program that defines `GCORO_GENERATOR_INLINE` before including
 * <glib-coro.h> compiles calls to an inline fast path (a macro of the same
 * name, see gcoro-generator-inline.h), like those of
 * [method@GCoro.Generator.yield_int64], [method@GCoro.Generator.next] and
 * [method@GCoro.Generator.next_pointer]; it behaves the same.
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the generator is being closed.
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when closed
 */
gboolean
(gcoro_generator_yield_pointer) (GCoroGenerator  *self,
                                 gpointer         pointer,
                                 GError         **error)
{
  g_return_val_if_fail (IS_GENERATOR (self), FALSE);

  /* A G_TYPE_POINTER value is plain memory: set it in place. */
  self->pointer_item.data[0].v_pointer = pointer;
  return _gcoro_generator_yield_inline (self, &self->pointer_item, G_STRFUNC, error);
}

/**
 * gcoro_generator_yield_int64: (skip)
 * @self: the [class@GCoro.Generator] whose body is running
 * @value: the item
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [method@GCoro.Generator.yield] with a `G_TYPE_INT64` item.
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the generator is being closed.
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when closed
 */
gboolean
(gcoro_generator_yield_int64) (GCoroGenerator  *self,
                               gint64           value,
                               GError         **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (IS_GENERATOR (self), FALSE);

  /* An int64 value owns nothing: filled in place, nothing to unset (the
   * type system's value table lookups cost more than the switches). */
  v.g_type = G_TYPE_INT64;
  v.data[0].v_int64 = value;
  return _gcoro_generator_yield_inline (self, &v, G_STRFUNC, error);
}

/**
 * gcoro_generator_yield_string: (skip)
 * @self: the [class@GCoro.Generator] whose body is running
 * @value: (nullable): the item (the consumer gets a copy)
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [method@GCoro.Generator.yield] with a `G_TYPE_STRING` item.
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the generator is being closed.
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when closed
 */
gboolean
gcoro_generator_yield_string (GCoroGenerator  *self,
                              const char      *value,
                              GError         **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (IS_GENERATOR (self), FALSE);

  /* Static: the string stays the body's while it is suspended. */
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_static_string (&v, value);
  return _gcoro_generator_yield_inline (self, &v, G_STRFUNC, error);
}

/**
 * gcoro_generator_return_error:
 * @self: the [class@GCoro.Generator] whose body is running
 * @error: (transfer full): the failure
 *
 * Makes the body fail with @error when it returns (or, for a stepped body,
 * when the step returns): the consumer's call gets @error, and the
 * generator is exhausted after that.
 */
void
gcoro_generator_return_error (GCoroGenerator *self,
                              GError         *error)
{
  g_return_if_fail (GCORO_IS_GENERATOR (self));
  g_return_if_fail (error != NULL);

  if (self->state != GEN_RUNNING)
    {
      g_critical ("%s(): the body of generator '%s' is not running", G_STRFUNC, self->name);
      g_error_free (error);
      return;
    }
  g_clear_error (&self->error);
  self->error = error;
}

/**
 * gcoro_generator_emit:
 * @self: the [class@GCoro.Generator] whose step is running
 * @value: the item (copied)
 *
 * Produces the next item from a stepped body; the step then returns
 * %NULL. One item per step.
 */
void
gcoro_generator_emit (GCoroGenerator *self,
                      const GValue   *value)
{
  g_return_if_fail (GCORO_IS_GENERATOR (self));
  g_return_if_fail (G_IS_VALUE (value));

  if (self->step_func == NULL || self->state != GEN_RUNNING)
    {
      g_critical ("%s(): only the running step of a stepped generator emits items "
                  "('%s' is %s); a fiber body yields with gcoro_generator_yield()",
                  G_STRFUNC, self->name, self->func != NULL ? "a fiber generator" : "not running");
      return;
    }
  if (G_IS_VALUE (&self->owned_item))
    {
      g_critical ("%s(): the step of generator '%s' emitted twice; one item per step",
                  G_STRFUNC, self->name);
      return;
    }

  g_value_init (&self->owned_item, G_VALUE_TYPE (value));
  g_value_copy (value, &self->owned_item);
  self->item = &self->owned_item;
}

/* --- the stepped body ----------------------------------------------------------- */

static GCoroFuture *
closed_future (GCoroGenerator *self)
{
  GCoroPromise *p = gcoro_promise_new ();

  gcoro_promise_reject (p, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        "Generator '%s' was closed", self->name));
  return GCORO_FUTURE (p);
}

/* Runs steps until the body emits, ends or waits on a future that is still
 * pending (returned, transfer full; the generator stays GEN_RUNNING).
 * Takes @completed. Futures that are already settled are fed straight
 * back: a loop, not a recursion. */
static GCoroFuture *
stepped_advance (GCoroGenerator *self,
                 GCoroFuture    *completed)
{
  GCoroFuture *next;

  for (;;)
    {
      self->state = GEN_RUNNING;
      next = self->step_func (self, completed, self->user_data);
      g_clear_object (&completed);

      if (next == NULL)
        break;
      if (!GCORO_IS_FUTURE (next))
        {
          g_critical ("The step function of generator '%s' returned something that is "
                      "not a GCoroFuture; it returns a future to wait for, or NULL",
                      self->name);
          break;
        }
      if (!gcoro_future_is_done (next))
        return next;
      completed = next;
    }

  if (self->item != NULL && !self->closing && self->error == NULL)
    self->state = GEN_SUSPENDED;
  else
    generator_end (self);
  return NULL;
}

/* --- the consumer -------------------------------------------------------------- */

static inline void
value_copy_out (const GValue *src,
                GValue       *dest)
{
  switch (G_VALUE_TYPE (src))
    {
    /* Values that own nothing: their data is the whole value. */
    case G_TYPE_POINTER:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
    case G_TYPE_INT:
    case G_TYPE_UINT:
    case G_TYPE_LONG:
    case G_TYPE_ULONG:
    case G_TYPE_BOOLEAN:
    case G_TYPE_DOUBLE:
    case G_TYPE_FLOAT:
    case G_TYPE_CHAR:
    case G_TYPE_UCHAR:
      *dest = *src;
      break;

    default:
      g_value_init (dest, G_VALUE_TYPE (src));
      g_value_copy (src, dest);
      break;
    }
}

/* An item read as a pointer: only a G_TYPE_POINTER item is one. */
static gboolean
take_pointer (GCoroGenerator  *self,
              const GValue    *item,
              gpointer        *pointer,
              GError         **error)
{
  gboolean is_pointer = G_VALUE_TYPE (item) == G_TYPE_POINTER;

  if (is_pointer && pointer != NULL)
    *pointer = item->data[0].v_pointer;
  else if (!is_pointer)
    g_set_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE,
                 "Generator '%s' yielded %s, not a pointer",
                 self->name, G_VALUE_TYPE_NAME (item));
  if (item == &self->owned_item)
    g_value_unset (&self->owned_item);
  return is_pointer;
}

/* Reads what the body left behind into @out (a GValue *, or a gpointer *
 * when @as_pointer): an item (TRUE), its failure (FALSE with the error,
 * reported once) or nothing (FALSE: exhausted). */
static gboolean
take_outcome (GCoroGenerator  *self,
              gboolean         as_pointer,
              gpointer         out,
              GError         **error)
{
  const GValue *item;
  GValue *value = out;

  settle_fiber (self);
  item = self->item;
  if (item != NULL && self->state == GEN_SUSPENDED)
    {
      self->item = NULL;
      if (as_pointer)
        return take_pointer (self, item, out, error);
      if (value == NULL)
        {
          if (item == &self->owned_item)
            g_value_unset (&self->owned_item);
        }
      else if (item == &self->owned_item)
        {
          *value = self->owned_item;   /* move */
          memset (&self->owned_item, 0, sizeof self->owned_item);
        }
      else
        value_copy_out (item, value);
      return TRUE;
    }

  /* Bindings convert out values even on failure. */
  if (!as_pointer && value != NULL)
    g_value_init (value, G_TYPE_OBJECT);
  if (self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));
  return FALSE;
}

/* Checks that the body can be run for one more item; FALSE with the
 * reason in @error otherwise. */
static gboolean
check_runnable (GCoroGenerator  *self,
                const char      *func,
                GError         **error)
{
  if (self->state == GEN_RUNNING)
    {
      if (self->fiber != NULL && gcoro_fiber_get_current () == self->fiber)
        {
          /* A programmer error: the critical alone says it. */
          g_critical ("%s(): generator '%s' asks itself for its next item", func, self->name);
          return FALSE;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "Generator '%s' is already running (another consumer is waiting for "
                   "its next item)", self->name);
      return FALSE;
    }
  if (self->step_func != NULL && !on_thread_stack ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Generator '%s' has a stepped body, which only runs on the main stack; "
                   "from a fiber, await gcoro_generator_next_future() instead", self->name);
      return FALSE;
    }
  return TRUE;
}

/* Runs a stepped body for one more item; FALSE with
 * %G_IO_ERROR_WOULD_BLOCK when it waits for a future that is pending (it
 * stays parked on it, GEN_AWAITING). */
static gboolean
stepped_run (GCoroGenerator  *self,
             GError         **error)
{
  GCoroFuture *completed = NULL;
  GCoroFuture *pending;

  if (self->state == GEN_AWAITING)
    {
      if (!gcoro_future_is_done (self->awaiting))
        goto would_block;
      completed = g_steal_pointer (&self->awaiting);
    }

  pending = stepped_advance (self, completed);
  if (pending == NULL)
    return TRUE;
  self->awaiting = pending;
  self->state = GEN_AWAITING;

would_block:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
               "The body of generator '%s' waits for a future; consume it with "
               "gcoro_generator_next_future() or next_async()", self->name);
  return FALSE;
}

/**
 * _gcoro_generator_next_slow: (skip)
 * @self: a [class@GCoro.Generator]
 * @flags: #_GCoroGeneratorNextFlags
 * @out: (nullable): where the item goes: an unset [struct@GObject.Value], or a #gpointer
 *   with %_GCORO_GENERATOR_NEXT_POINTER
 * @error: return location for a [struct@GLib.Error]
 *
 * The consumer's side, slow path: everything but a fiber body suspended at
 * a yield of a value that owns nothing (first item, a consuming task, a
 * stepped body, an ended or failed body, an item to copy). With
 * %_GCORO_GENERATOR_NEXT_RESUMED, the fast path already ran the body and
 * only its outcome is read. Not API.
 *
 * Returns: what [method@GCoro.Generator.next] (or _next_pointer()) returns
 */
gboolean
_gcoro_generator_next_slow (GCoroGenerator  *self,
                            guint            flags,
                            gpointer         out,
                            GError         **error)
{
  gboolean as_pointer = (flags & _GCORO_GENERATOR_NEXT_POINTER) != 0;
  const char *func = as_pointer ? "gcoro_generator_next_pointer" : "gcoro_generator_next";

  /* The checks of the public functions, in their name. */
  if (G_UNLIKELY (!IS_GENERATOR (self)))
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, func, "GCORO_IS_GENERATOR (self)");
      return FALSE;
    }
  if (G_UNLIKELY (error != NULL && *error != NULL))
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, func, "error == NULL || *error == NULL");
      return FALSE;
    }

  if (as_pointer && out != NULL)
    *(gpointer *) out = NULL;
  if (!(flags & _GCORO_GENERATOR_NEXT_RESUMED) && self->state != GEN_FINISHED)
    {
      gboolean ran;

      if (!check_runnable (self, func, error))
        ran = FALSE;
      else if (self->func != NULL)
        {
          fiber_resume (self);
          ran = TRUE;
        }
      else
        ran = stepped_run (self, error);

      if (!ran)
        {
          if (!as_pointer && out != NULL)
            g_value_init (out, G_TYPE_OBJECT);
          return FALSE;
        }
    }
  return take_outcome (self, as_pointer, out, error);
}

/**
 * gcoro_generator_next:
 * @self: a [class@GCoro.Generator]
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] for the
 *   item; it holds a %NULL object when there is none. Unset it when done
 * @error: return location for the body's failure
 *
 * Runs the body of @self until it yields its next item. Works from any
 * code; inside a fiber task, the body may await (it runs as part of the
 * task). An item costs about one context switch pair, a little more than
 * that in a program that does not opt in to the inline fast path
 * (`GCORO_GENERATOR_INLINE`, see [method@GCoro.Generator.yield_pointer]).
 *
 * Errors: whatever the body failed with
 * ([method@GCoro.Generator.return_error]); [G_IO_ERROR_WOULD_BLOCK][error@Gio.IOErrorEnum] when a stepped
 * body waits for a future that is still pending (use
 * [method@GCoro.Generator.next_future]); [G_IO_ERROR_NOT_SUPPORTED][error@Gio.IOErrorEnum] when a stepped
 * body is run from a fiber; [G_IO_ERROR_BUSY][error@Gio.IOErrorEnum] when another consumer is
 * waiting for an item.
 *
 * Returns: %TRUE with the item; %FALSE without an error when @self is
 *   exhausted (or closed); %FALSE with @error when the body failed
 */
gboolean
(gcoro_generator_next) (GCoroGenerator  *self,
                        GValue          *value,
                        GError         **error)
{
  g_return_val_if_fail (IS_GENERATOR (self), FALSE);

  /* No reference is taken for the trip: the consumer holds one (a ref
   * and an unref cost as much as the two switches together). */
  return _gcoro_generator_next_inline (self, value, error);
}

/**
 * gcoro_generator_next_pointer: (skip)
 * @self: a [class@GCoro.Generator]
 * @pointer: (out) (optional): the item, a pointer yielded with
 *   [method@GCoro.Generator.yield_pointer] (it stays the body's)
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [method@GCoro.Generator.next] for pointer items, without any [struct@GObject.Value] on
 * the consumer's side: the fast path of C pipelines.
 *
 * Errors: those of [method@GCoro.Generator.next], and [GCORO_ERROR_NO_VALUE][error@GCoro.Error] for an
 * item that is not a pointer.
 *
 * Returns: %TRUE with the item; %FALSE without an error when exhausted
 */
gboolean
(gcoro_generator_next_pointer) (GCoroGenerator  *self,
                                gpointer        *pointer,
                                GError         **error)
{
  g_return_val_if_fail (IS_GENERATOR (self), FALSE);

  return _gcoro_generator_next_pointer_inline (self, pointer, error);
}

/* --- asynchronous items ------------------------------------------------------------- */

typedef struct
{
  GCoroGenerator *gen;
  GCoroFuture    *prev;      /* the previous item's task, while pending */
  gboolean        started;
} ItemJob;

static void
item_job_free (gpointer data)
{
  ItemJob *job = data;

  g_clear_object (&job->prev);
  g_object_unref (job->gen);
  g_free (job);
}

static GError *
exhausted_error (GCoroGenerator *self)
{
  return g_error_new (GCORO_ERROR, GCORO_ERROR_EXHAUSTED,
                      "Generator '%s' is exhausted", self->name);
}

/* Settles the item task from the outcome of the body. */
static void
item_return (GCoroTask      *task,
             GCoroGenerator *self)
{
  GValue v = G_VALUE_INIT;
  GError *error = NULL;

  if (take_outcome (self, FALSE, &v, &error))
    gcoro_task_return_value (task, &v);
  else
    gcoro_task_return_error (task, error != NULL ? error : exhausted_error (self));
  g_value_unset (&v);
}

/* A fiber body's item: its task runs the body with gcoro_generator_next(),
 * so the body's awaits suspend this task. */
static void
item_fiber_body (GCoroTask *task,
                 gpointer   data)
{
  ItemJob *job = data;
  GError *error = NULL;

  if (job->prev != NULL)
    {
      gcoro_await (job->prev, NULL);
      if (gcoro_task_is_cancelled (task))
        return;
    }
  if (job->gen->state == GEN_FINISHED)
    return item_return (task, job->gen);
  if (!check_runnable (job->gen, G_STRFUNC, &error))
    return gcoro_task_return_error (task, error);

  fiber_resume (job->gen);
  item_return (task, job->gen);
}

/* A stepped body's item: the stepped task forwards the futures the body
 * waits for, and the body's steps run from the scheduler's dispatch. */
static GCoroFuture *
item_step (GCoroTask   *task,
           GCoroFuture *completed,
           gpointer     data)
{
  ItemJob *job = data;
  GCoroGenerator *self = job->gen;
  GCoroFuture *pending;
  GError *error = NULL;

  if (!job->started)
    {
      if (job->prev != NULL && completed == NULL && !gcoro_future_is_done (job->prev))
        return g_object_ref (job->prev);
      if (gcoro_task_is_cancelled (task))
        {
          gcoro_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      "Task '%s' was cancelled",
                                                      gcoro_task_get_name (task)));
          return NULL;
        }
      g_clear_object (&job->prev);
      job->started = TRUE;

      if (self->state == GEN_FINISHED)
        {
          item_return (task, self);
          return NULL;
        }
      if (!check_runnable (self, G_STRFUNC, &error))
        {
          gcoro_task_return_error (task, error);
          return NULL;
        }
      completed = NULL;
      if (self->state == GEN_AWAITING)
        {
          /* Parked by a synchronous next: wait for it here. */
          self->state = GEN_RUNNING;
          pending = g_steal_pointer (&self->awaiting);
          if (!gcoro_future_is_done (pending))
            return pending;
          completed = pending;
        }
      pending = stepped_advance (self, completed);
    }
  else
    pending = stepped_advance (self, g_object_ref (completed));

  if (pending != NULL)
    return pending;
  item_return (task, self);
  return NULL;
}

/**
 * gcoro_generator_next_future:
 * @self: a [class@GCoro.Generator]
 *
 * Asks for the next item without waiting for it: the returned future (a
 * task) resolves with the item, rejects with the body's failure, or with
 * [GCORO_ERROR_EXHAUSTED][error@GCoro.Error] when there are no more items. The body runs from
 * the scheduler of the thread-default context and may await between items;
 * cancelling the future cancels what the body awaits.
 *
 * Calls made before the previous item arrived queue: each item waits for
 * the one before it.
 *
 * Returns: (transfer full): the future of the next item
 */
GCoroFuture *
gcoro_generator_next_future (GCoroGenerator *self)
{
  GCoroSpawnOptions opts = { 0, };
  g_autofree char *name = NULL;
  ItemJob *job;
  GCoroTask *task;

  g_return_val_if_fail (GCORO_IS_GENERATOR (self), NULL);

  job = g_new0 (ItemJob, 1);
  job->gen = g_object_ref (self);
  if (self->last_item != NULL && !gcoro_future_is_done (GCORO_FUTURE (self->last_item)))
    job->prev = g_object_ref (GCORO_FUTURE (self->last_item));

  name = g_strconcat (self->name, ":next", NULL);
  opts.name = name;
  if (self->func != NULL)
    task = gcoro_spawn_full (&opts, item_fiber_body, job, item_job_free);
  else
    task = gcoro_spawn_stepped (name, item_step, job, item_job_free);
  if (task == NULL)
    return NULL;

  g_set_object (&self->last_item, task);
  return GCORO_FUTURE (task);
}

/**
 * gcoro_generator_next_async:
 * @self: a [class@GCoro.Generator]
 * @cancellable: (nullable): cancels the wait and the item (see
 *   [method@GCoro.Generator.next_future])
 * @callback: (scope async) (nullable): called with the item
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.Generator.next_future]. Cancelling the
 * wait (through @cancellable, or by cancelling the task that called this)
 * cancels the item: the body's pending yield fails with
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum], and the wait reports that error once the body
 * has reacted. A body that ignores the cancellation and yields an item
 * all the same delivers it: it is not lost.
 */
void
gcoro_generator_next_async (GCoroGenerator      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_GENERATOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Cancelling the wait cancels the item: it is no longer wanted. */
  _gcoro_async_start (self, gcoro_generator_next_future (self), cancellable, callback,
                      user_data, gcoro_generator_next_async);
}

/**
 * gcoro_generator_next_finish:
 * @self: a [class@GCoro.Generator]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] for the
 *   item (a %NULL object when there is none)
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Generator.next_async], with the conventions of
 * [method@GCoro.Generator.next].
 *
 * Errors: those of [method@GCoro.Generator.next], and [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the
 * wait was cancelled.
 *
 * Returns: %TRUE with the item; %FALSE without an error when exhausted;
 *   %FALSE with @error when the body failed or the wait was cancelled
 */
gboolean
gcoro_generator_next_finish (GCoroGenerator  *self,
                             GAsyncResult    *result,
                             GValue          *value,
                             GError         **error)
{
  GError *local = NULL;

  g_return_val_if_fail (GCORO_IS_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (_gcoro_async_finish (result, self, gcoro_generator_next_async, value, &local))
    return TRUE;
  if (g_error_matches (local, GCORO_ERROR, GCORO_ERROR_EXHAUSTED))
    {
      g_error_free (local);
      return FALSE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

/* --- closing ---------------------------------------------------------------------- */

static gboolean
generator_close (GCoroGenerator  *self,
                 GError         **error)
{
  GError *local = NULL;

  switch ((GenState) self->state)
    {
    case GEN_FINISHED:
      return TRUE;

    case GEN_CREATED:
      /* Never ran: there is nothing to clean up. */
      self->closing = TRUE;
      generator_end (self);
      return TRUE;

    case GEN_RUNNING:
      /* The body waits inside a consumer's task (or runs right now): it
       * sees the closing at its next yield. */
      self->closing = TRUE;
      if (self->last_item != NULL)
        gcoro_future_cancel (GCORO_FUTURE (self->last_item));
      return TRUE;

    case GEN_SUSPENDED:
    case GEN_AWAITING:
    default:
      break;
    }

  self->closing = TRUE;
  g_object_ref (self);
  if (self->func != NULL)
    fiber_resume (self);
  else
    {
      GCoroFuture *pending;

      g_clear_object (&self->awaiting);
      pending = stepped_advance (self, closed_future (self));
      if (pending != NULL)
        {
          g_warning ("The cleanup of generator '%s' waits for a future; closing "
                     "does not wait, the rest of its cleanup is abandoned", self->name);
          g_object_unref (pending);
          generator_end (self);
        }
    }

  /* An item yielded during cleanup is dropped; a failure other than the
   * closing itself is reported. */
  self->item = NULL;
  if (self->error != NULL &&
      !g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    local = g_steal_pointer (&self->error);
  g_clear_error (&self->error);
  g_object_unref (self);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/**
 * gcoro_generator_close:
 * @self: a [class@GCoro.Generator]
 * @error: return location for a failure of the body's cleanup
 *
 * Stops @self early: the body's pending yield fails with
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum], so it runs its cleanup, and the generator is
 * exhausted from then on. A generator that never started or has finished
 * is simply marked closed. If the body is waiting inside a consumer's
 * task, that wait is cancelled and the body sees the closing at its next
 * yield. Dropping the last reference closes a generator too.
 *
 * The cleanup runs inside this call. It may await only when this is
 * called from a fiber task (as for [method@GCoro.Generator.next]); a stepped
 * body's cleanup that waits for a future is abandoned with a warning.
 *
 * Returns: %TRUE, or %FALSE if the cleanup failed with an error other than
 *   the cancellation
 */
gboolean
gcoro_generator_close (GCoroGenerator  *self,
                       GError         **error)
{
  g_return_val_if_fail (GCORO_IS_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->fiber != NULL && gcoro_fiber_get_current () == self->fiber)
    {
      g_critical ("%s(): generator '%s' cannot close itself from its body; return instead",
                  G_STRFUNC, self->name);
      return FALSE;
    }
  if (self->step_func != NULL && !on_thread_stack () &&
      (self->state == GEN_SUSPENDED || self->state == GEN_AWAITING))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Generator '%s' has a stepped body, which only runs on the main "
                   "stack; close it from there", self->name);
      return FALSE;
    }

  return generator_close (self, error);
}
