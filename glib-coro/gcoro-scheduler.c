/* gcoro-scheduler.c: one scheduler per GMainContext
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroScheduler:
 *
 * Runs coroutine tasks on a [struct@GLib.MainContext].
 *
 * Every [struct@GLib.MainContext] that runs tasks gets exactly one scheduler, created
 * the first time it is asked for ([func@GCoro.Scheduler.get_default] for the
 * thread-default context, [func@GCoro.Scheduler.get_for_context] for any other)
 * and destroyed with the context. It is a custom [struct@GLib.Source] attached to the
 * context, so tasks take turns with every other source: timeouts, I/O,
 * GTK's frame clock.
 *
 * The scheduler owns a ready queue and a timer heap. Each dispatch first
 * moves expired timers' tasks to the queue, then runs the tasks that were
 * ready when it started (a snapshot, at most
 * [property@GCoro.Scheduler:max-batch] of them): a task that yields goes to
 * the back of the queue and runs again only after the other ready sources
 * of the context had their turn. Sleeps and timeouts are entries in the
 * heap, not [struct@GLib.Source]s of their own; the source's prepare()
 * reports the earliest deadline as its poll timeout.
 *
 * A scheduler belongs to the thread that created it: create it on the
 * thread that runs its context. Futures may be settled from any thread:
 * the wake-up is handed over through a locked inbox and
 * [method@GLib.MainContext.wakeup].
 *
 * A frame budget keeps a window drawing while tasks keep the scheduler
 * busy: once its sources have dispatched for longer than
 * [property@GCoro.Scheduler:frame-budget] without the loop reaching GTK's redraw
 * priority ([const@GLib.PRIORITY_HIGH_IDLE] + 20), they step aside for an
 * iteration, so the sources between their priority and the redraw
 * priority (input, layout, painting) run, then they resume where they
 * stopped. Nothing is dropped and tasks keep their order. It applies to
 * tasks and sockets at [const@GLib.PRIORITY_DEFAULT] and below; tasks spawned at a
 * higher priority ([const@GLib.PRIORITY_HIGH]) and the idle band never step aside.
 *
 * Setting `G_MESSAGES_DEBUG=GCoro` logs task life cycles;
 * [method@GCoro.Scheduler.dump] lists every live task with what it waits for.
 */

/* NOTES:
 * - One GSource cannot carry two priorities: GLib dispatches only the
 *   highest-priority ready sources of an iteration, and a child source
 *   always takes its parent's priority. So the scheduler is one "band"
 *   GSource per priority in use: the main band (the scheduler's priority,
 *   which also carries the timer heap) and, created lazily, the idle band
 *   for gcoro_idle_yield() and bands for tasks spawned at other priorities.
 *   Each band is the same GSourceFuncs over its own queue.
 * - Readiness is computed in prepare()/check() from the queue (owner thread
 *   only, no lock) rather than with g_source_set_ready_time(), which takes
 *   the context lock and writes to the wake-up fd on every call.
 * - The snapshot is O(1): detach the list, run it, splice back what the
 *   batch limit (or the frame budget) left over in front of whatever was
 *   queued meanwhile.
 * - Frame budget. GLib dispatches only the highest-priority ready sources,
 *   so a scheduler that is ready at every iteration (a flooded server, a
 *   task that yields in a loop, a worker streaming results back) starves
 *   GTK's redraw at 120. The budget counts the time the budgeted sources
 *   (the bands between G_PRIORITY_DEFAULT and 120, and the sockets'
 *   source) spent dispatching since the loop last reached priority 120:
 *   dispatching time only, so a server woken now and then by a request
 *   does not count its idle waits. The clock is read at the start and
 *   end of each such dispatch and between runnables
 *   (after the first, then at a stride that doubles while they are quick,
 *   so 1,024 quick yields cost a few clock reads and slow ones are
 *   checked one by one). Once the budget is spent the budgeted sources
 *   report not-ready, and a source of ours at priority 120, the frame
 *   source, reports ready: that iteration dispatches whatever is ready
 *   between our priority and 120 and nothing below it (the idle band and
 *   DEFAULT_IDLE sources still wait for a loop with nothing else to do).
 *   Its dispatch ends the step aside. Its check() is called only in
 *   iterations where nothing of a higher priority is ready, which is
 *   exactly "the loop reached 120": it ends the busy period, for free
 *   while we are busy (GLib never gets that far). Should something else
 *   below 120 stay ready, the step aside still ends after one budget.
 * - Stepping aside by g_source_set_priority() was rejected: it re-adds
 *   every poll record of the source (every socket, with the glib
 *   backend) under the context lock, twice per step. Reporting not-ready
 *   costs a branch in prepare() and check().
 */

#include "gcoro-config.h"

#include "gcoro-tls-private.h"
#include "gcoro-debug-private.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-backend-private.h"
#include "gcoro-io-watch-private.h"

#define DEFAULT_MAX_BATCH 1024

/* GTK's redraw priority (GDK_PRIORITY_REDRAW): stepping aside lets the
 * sources down to it run, and none below it. */
#define FRAME_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)
/* µs; chosen with bench/gtk-frames.sh, figures in docs/overview.md */
#define DEFAULT_FRAME_BUDGET 4000
/* The most runnables between two looks at the clock. */
#define MAX_CHECK_STRIDE 64

struct _GCoroBand
{
  GSource          source;
  GCoroScheduler  *scheduler;  /* the main band holds a ref; others are held by it */
  GCoroRunnable   *head;       /* ready queue: owner thread only */
  GCoroRunnable  **tailp;
  int              priority;
  guint            is_main : 1;
  guint            budgeted : 1; /* steps aside when the frame budget is spent */
  guint            aside_serial; /* the last step aside its prepare() saw */
};

struct _GCoroScheduler
{
  GObject         parent_instance;

  GMainContext   *context;     /* not owned: the context owns our sources */
  GThread        *owner;
  GCoroBand      *main;        /* NULL once the context is gone */
  GCoroBand      *idle;
  GPtrArray      *bands;       /* every band but main, with a ref each */

  /* Cross-thread hand-off: anything may append under inbox_lock, the owner
   * drains it in prepare()/check(). inbox_pending avoids the lock when
   * empty. */
  GMutex          inbox_lock;
  GCoroRunnable  *inbox_head;
  GCoroRunnable **inbox_tailp;
  int             inbox_pending;

  /* Timer heap (min-heap on deadline, then seq): owner thread only. */
  GCoroTimer    **heap;
  guint           heap_len;
  guint           heap_size;
  guint64         timer_seq;

  GCoroLive      *live;        /* live work (tasks): see GCoroLive */
  guint           n_live;

  guint           max_batch;
  int             dispatch_depth;

  /* Frame budget (µs, 0: off): owner thread only. Since the loop last
   * reached FRAME_PRIORITY the budgeted sources dispatched for
   * (busy_until - busy_since) µs, busy_until being the end of their last
   * dispatch (busy_since 0: not at all); aside_since is when they stepped
   * aside (0: they did not). */
  guint           frame_budget;
  gint64          busy_since;
  gint64          busy_until;
  gint64          aside_since;
  guint           aside_serial; /* counts the steps aside */
  GSource        *frame_source; /* at FRAME_PRIORITY, attached with the main band */

  GCoroBackend    backend;     /* fixed when the scheduler is made */
  GCoroIOPoller  *poller;      /* socket readiness, made on first use */
  GSource        *io_source;   /* carries the poller's poll records */
};

G_DEFINE_FINAL_TYPE (GCoroScheduler, gcoro_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRAME_BUDGET,
  PROP_CONTEXT,
  PROP_PRIORITY,
  PROP_MAX_BATCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* context -> scheduler; no refs either way (see band_finalize) */
static GMutex      schedulers_lock;
static GHashTable *schedulers;
static int         schedulers_generation;

/* Per-thread cache of the scheduler of the thread-default context. */
static GCORO_TLS GMainContext   *cached_context;
static GCORO_TLS GCoroScheduler *cached_scheduler;
static GCORO_TLS int             cached_generation;

/* g_thread_self() is a pthread_getspecific() call; the owner checks of the
 * hot paths read this thread's GThread from initial-exec TLS instead. */
static GCORO_TLS GThread *this_thread;

static inline GThread *
current_thread (void)
{
  if (G_UNLIKELY (this_thread == NULL))
    this_thread = g_thread_self ();
  return this_thread;
}

static void
gcoro_scheduler_finalize (GObject *object)
{
  GCoroScheduler *self = GCORO_SCHEDULER (object);

  g_assert (self->main == NULL);
  g_assert (self->live == NULL);

  g_clear_pointer (&self->bands, g_ptr_array_unref);
  g_clear_pointer (&self->poller, _gcoro_io_poller_free);
  g_clear_pointer (&self->io_source, g_source_unref);
  g_clear_pointer (&self->frame_source, g_source_unref);
  g_free (self->heap);
  g_mutex_clear (&self->inbox_lock);

  G_OBJECT_CLASS (gcoro_scheduler_parent_class)->finalize (object);
}

static void
gcoro_scheduler_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GCoroScheduler *self = GCORO_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_FRAME_BUDGET:
      g_value_set_uint (value, self->frame_budget);
      break;
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->context);
      break;
    case PROP_PRIORITY:
      g_value_set_int (value, gcoro_scheduler_get_priority (self));
      break;
    case PROP_MAX_BATCH:
      g_value_set_uint (value, self->max_batch);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_scheduler_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GCoroScheduler *self = GCORO_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_FRAME_BUDGET:
      gcoro_scheduler_set_frame_budget (self, g_value_get_uint (value));
      break;
    case PROP_PRIORITY:
      gcoro_scheduler_set_priority (self, g_value_get_int (value));
      break;
    case PROP_MAX_BATCH:
      gcoro_scheduler_set_max_batch (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_scheduler_class_init (GCoroSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_scheduler_finalize;
  object_class->get_property = gcoro_scheduler_get_property;
  object_class->set_property = gcoro_scheduler_set_property;

  /**
   * GCoroScheduler:frame-budget: (getter get_frame_budget) (setter set_frame_budget)
   *
   * How long, in microseconds, the scheduler's tasks and sockets may keep
   * the main loop busy before they step aside for one iteration, so that
   * GTK can lay out and draw a frame (every source of a priority down to
   * [const@GLib.PRIORITY_HIGH_IDLE] + 20 gets its turn); 0 switches the budget off.
   *
   * The default, 4000 (a quarter of a 60 Hz frame), was chosen by
   * measurement: see "Frame budget" in the overview. The
   * `GCORO_FRAME_BUDGET` environment variable (microseconds, `0` for off)
   * sets another default for every scheduler of the process. Sources at a
   * priority higher than [const@GLib.PRIORITY_DEFAULT] (tasks spawned at
   * [const@GLib.PRIORITY_HIGH]) and at or below the redraw priority never step
   * aside.
   */
  properties[PROP_FRAME_BUDGET] =
    g_param_spec_uint ("frame-budget", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_FRAME_BUDGET,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroScheduler:context: (getter get_context)
   *
   * The [struct@GLib.MainContext] the scheduler runs on; %NULL once it has been
   * destroyed.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroScheduler:priority: (getter get_priority) (setter set_priority)
   *
   * The [struct@GLib.Source] priority tasks and timers are dispatched at (tasks spawned
   * with a priority of their own keep it). Set from the owner thread only.
   */
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL,
                      G_MININT, G_MAXINT, G_PRIORITY_DEFAULT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroScheduler:max-batch: (getter get_max_batch) (setter set_max_batch)
   *
   * The most ready tasks one dispatch runs, so that other sources of the
   * context get a turn even when thousands of tasks are ready; tasks left
   * over run first in the next dispatch.
   */
  properties[PROP_MAX_BATCH] =
    g_param_spec_uint ("max-batch", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_MAX_BATCH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* The default frame budget of the process: GCORO_FRAME_BUDGET (µs, 0: off)
 * if it is set and valid, read once. */
static guint
default_frame_budget (void)
{
  static gsize budget;

  if (g_once_init_enter (&budget))
    {
      const char *env = g_getenv ("GCORO_FRAME_BUDGET");
      guint64 value = DEFAULT_FRAME_BUDGET;
      g_autoptr(GError) error = NULL;

      if (env != NULL && *env != '\0' &&
          !g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT, &value, &error))
        {
          g_warning ("GCORO_FRAME_BUDGET=%s is not a budget in microseconds (%s); using %d",
                     env, error->message, DEFAULT_FRAME_BUDGET);
          value = DEFAULT_FRAME_BUDGET;
        }
      /* Stored plus one: g_once_init_leave() refuses 0. */
      g_once_init_leave (&budget, (gsize) value + 1);
    }

  return (guint) (budget - 1);
}

static void
gcoro_scheduler_init (GCoroScheduler *self)
{
  g_mutex_init (&self->inbox_lock);
  self->inbox_tailp = &self->inbox_head;
  self->max_batch = DEFAULT_MAX_BATCH;
  self->frame_budget = default_frame_budget ();
  self->bands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
}

/* --- timer heap ------------------------------------------------------------ */

static inline gboolean
timer_before (const GCoroTimer *a,
              const GCoroTimer *b)
{
  return a->deadline < b->deadline ||
         (a->deadline == b->deadline && a->seq < b->seq);
}

static inline void
heap_place (GCoroScheduler *self,
            guint           i,
            GCoroTimer     *timer)
{
  self->heap[i] = timer;
  timer->heap_index = i + 1;
}

static void
heap_sift_up (GCoroScheduler *self,
              guint           i)
{
  GCoroTimer *timer = self->heap[i];

  while (i > 0)
    {
      guint parent = (i - 1) / 2;

      if (!timer_before (timer, self->heap[parent]))
        break;
      heap_place (self, i, self->heap[parent]);
      i = parent;
    }
  heap_place (self, i, timer);
}

static void
heap_sift_down (GCoroScheduler *self,
                guint           i)
{
  GCoroTimer *timer = self->heap[i];

  for (;;)
    {
      guint child = 2 * i + 1;

      if (child >= self->heap_len)
        break;
      if (child + 1 < self->heap_len && timer_before (self->heap[child + 1], self->heap[child]))
        child++;
      if (!timer_before (self->heap[child], timer))
        break;
      heap_place (self, i, self->heap[child]);
      i = child;
    }
  heap_place (self, i, timer);
}

void
_gcoro_scheduler_add_timer (GCoroScheduler *self,
                            GCoroTimer     *timer,
                            gint64          deadline)
{
  g_assert (timer->heap_index == 0);

  if (self->heap_len == self->heap_size)
    {
      self->heap_size = MAX (16, self->heap_size * 2);
      self->heap = g_renew (GCoroTimer *, self->heap, self->heap_size);
    }

  timer->deadline = deadline;
  timer->seq = self->timer_seq++;
  self->heap[self->heap_len++] = timer;
  heap_sift_up (self, self->heap_len - 1);
}

void
_gcoro_scheduler_remove_timer (GCoroScheduler *self,
                               GCoroTimer     *timer)
{
  guint i;
  GCoroTimer *last;

  if (timer->heap_index == 0)
    return;

  i = timer->heap_index - 1;
  timer->heap_index = 0;
  last = self->heap[--self->heap_len];
  if (i == self->heap_len)
    return;

  heap_place (self, i, last);
  if (i > 0 && timer_before (last, self->heap[(i - 1) / 2]))
    heap_sift_up (self, i);
  else
    heap_sift_down (self, i);
}

static void
run_expired_timers (GCoroScheduler *self,
                    gint64          now)
{
  while (self->heap_len > 0 && self->heap[0]->deadline <= now)
    {
      GCoroTimer *timer = self->heap[0];

      _gcoro_scheduler_remove_timer (self, timer);
      timer->func (timer);
    }
}

/* --- queues ----------------------------------------------------------------- */

void
_gcoro_band_push (GCoroBand     *band,
                  GCoroRunnable *runnable)
{
  runnable->next = NULL;
  *band->tailp = runnable;
  band->tailp = &runnable->next;
}

static void
drain_inbox (GCoroScheduler *self)
{
  GCoroRunnable *list;

  if (!g_atomic_int_get (&self->inbox_pending))
    return;

  g_mutex_lock (&self->inbox_lock);
  list = self->inbox_head;
  self->inbox_head = NULL;
  self->inbox_tailp = &self->inbox_head;
  g_atomic_int_set (&self->inbox_pending, 0);
  g_mutex_unlock (&self->inbox_lock);

  while (list != NULL)
    {
      GCoroRunnable *r = list;

      list = r->next;
      _gcoro_band_push (r->band, r);
    }
}

void
_gcoro_scheduler_post (GCoroScheduler *self,
                       GCoroBand      *band,
                       GCoroRunnable  *runnable)
{
  if (G_LIKELY (self->owner == current_thread ()))
    {
      _gcoro_band_push (band, runnable);
      return;
    }

  runnable->band = band;
  runnable->next = NULL;
  g_mutex_lock (&self->inbox_lock);
  *self->inbox_tailp = runnable;
  self->inbox_tailp = &runnable->next;
  g_atomic_int_set (&self->inbox_pending, 1);
  g_mutex_unlock (&self->inbox_lock);

  g_main_context_wakeup (self->context);
}

/* --- the frame budget -------------------------------------------------------- */

/* The frame source: ready while the budgeted sources step aside. GLib
 * dispatches it (with every other ready source of FRAME_PRIORITY) only in
 * an iteration where nothing of a higher priority is ready, and calls its
 * check() only then too. */
typedef struct
{
  GSource         source;
  GCoroScheduler *scheduler;   /* NULL once the scheduler died */
} FrameSource;

static void
end_busy_period (GCoroScheduler *self)
{
  self->busy_since = 0;
  self->aside_since = 0;
}

static gboolean
frame_prepare (GSource *source,
               gint    *timeout)
{
  GCoroScheduler *self = ((FrameSource *) source)->scheduler;

  *timeout = -1;
  return self != NULL && self->aside_since != 0;
}

static gboolean
frame_check (GSource *source)
{
  GCoroScheduler *self = ((FrameSource *) source)->scheduler;

  if (self == NULL)
    return FALSE;
  if (self->aside_since != 0)
    return TRUE;
  /* The loop got this far with nothing of a higher priority ready: the
   * lower sources had their chance, the budgeted sources were not busy. */
  self->busy_since = 0;
  return FALSE;
}

static gboolean
frame_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  GCoroScheduler *self = ((FrameSource *) source)->scheduler;

  if (self != NULL)
    end_busy_period (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs frame_funcs = {
  frame_prepare,
  frame_check,
  frame_dispatch,
  NULL,
  NULL,
  NULL,
};

static void
step_aside (GCoroScheduler *self,
            gint64          now)
{
  self->busy_since = 0;
  self->aside_since = now;
  self->aside_serial++;
}

/* From the prepare() (@preparing) or check() of @band, a budgeted band,
 * while the scheduler stands aside: whether it still does, and the poll
 * timeout meanwhile. A step aside ends when the frame source is
 * dispatched. Should sources above FRAME_PRIORITY keep it from its turn,
 * it also ends after one budget, so that our tasks do not starve; but
 * only in the prepare() of a band that already stood aside in an earlier
 * iteration, so that a late iteration (a preempted thread) does not end
 * it before the frame source had its chance. */
static gboolean
still_aside (GCoroScheduler *self,
             GCoroBand      *band,
             gboolean        preparing,
             gint           *timeout)
{
  gint64 left = self->aside_since + self->frame_budget - g_get_monotonic_time ();

  if (preparing)
    {
      if (band->aside_serial == self->aside_serial && left <= 0)
        {
          end_busy_period (self);
          return FALSE;
        }
      band->aside_serial = self->aside_serial;
    }
  /* The frame source is ready meanwhile, so poll() does not block; should
   * it not get its turn, the loop still wakes up when the budget is over. */
  *timeout = left > 0 ? (int) MIN ((left + 999) / 1000, G_MAXINT) : 0;
  return TRUE;
}

/* A budgeted dispatch starts. The budget counts dispatching time only:
 * the time between two dispatches (the loop waiting in poll() for the
 * next request, or running other sources) moves the start of the busy
 * period forward. A pause cannot make the count start over, so a thread
 * preempted between two dispatches never delays a step aside. */
static inline void
budget_begin (GCoroScheduler *self)
{
  gint64 now;

  if (self->frame_budget == 0)
    return;
  now = g_get_monotonic_time ();
  if (self->busy_since == 0)
    self->busy_since = now;
  else
    self->busy_since += now - self->busy_until;
}

/* Steps aside, and returns TRUE, if the busy period has lasted the
 * budget at @now. */
static inline gboolean
budget_spent (GCoroScheduler *self,
              gint64          now)
{
  if (self->frame_budget == 0 || self->busy_since == 0 ||
      now - self->busy_since < self->frame_budget)
    return FALSE;
  step_aside (self, now);
  return TRUE;
}

/* --- running a queue ---------------------------------------------------------- */

/* Runs the runnables of @band that were ready when it started. It stops
 * early at the batch limit and, when @budgeted, once the frame budget is
 * spent: the leftovers go back in front of whatever was queued
 * meanwhile, in their order. */
static void
run_queue (GCoroScheduler *self,
           GCoroBand      *band,
           gboolean        budgeted)
{
  GCoroRunnable *head = band->head;
  GCoroRunnable **snapshot_tailp = band->tailp;
  guint n = 0;
  guint next_check = budgeted && self->frame_budget != 0 ? 1 : G_MAXUINT;
  guint stride = 1;
  gint64 last_check = 0;

  band->head = NULL;
  band->tailp = &band->head;

  while (head != NULL)
    {
      GCoroRunnable *r;

      if (n == next_check)
        {
          gint64 now = g_get_monotonic_time ();

          if (budget_spent (self, now))
            break;
          /* Quick runnables: look at the clock less and less often; after
           * a slow stride, after each one. */
          if (now - last_check < self->frame_budget / 16)
            stride = MIN (stride * 2, MAX_CHECK_STRIDE);
          else
            stride = 1;
          last_check = now;
          next_check = n + stride;
        }
      if (n == self->max_batch)
        break;

      r = head;
      head = r->next;
      r->next = NULL;
      r->func (r);
      n++;
    }

  if (head != NULL)
    {
      /* The last runnable of the snapshot has not run, so its next field
       * is still ours: splice the leftovers in front. */
      *snapshot_tailp = band->head;
      if (band->head == NULL)
        band->tailp = snapshot_tailp;
      band->head = head;
    }
}

/* --- the GSource ------------------------------------------------------------ */

static gboolean
band_is_ready (GCoroBand *band,
               gboolean   preparing,
               gint      *timeout)
{
  GCoroScheduler *self = band->scheduler;

  drain_inbox (self);

  if (band->budgeted && self->aside_since != 0 && still_aside (self, band, preparing, timeout))
    return FALSE;

  if (band->head != NULL)
    {
      *timeout = 0;
      return TRUE;
    }

  *timeout = -1;
  if (band->is_main && self->heap_len > 0)
    {
      gint64 now = g_source_get_time ((GSource *) band);
      gint64 deadline = self->heap[0]->deadline;

      if (deadline <= now)
        {
          *timeout = 0;
          return TRUE;
        }
      *timeout = (int) MIN ((deadline - now + 999) / 1000, G_MAXINT);
    }

  return FALSE;
}

static gboolean
band_prepare (GSource *source,
              gint    *timeout)
{
  return band_is_ready ((GCoroBand *) source, TRUE, timeout);
}

static gboolean
band_check (GSource *source)
{
  gint timeout;

  return band_is_ready ((GCoroBand *) source, FALSE, &timeout);
}

/* A dispatch of @band starts: the frame budget's clock, our context as
 * the thread-default one (so the GIO calls tasks make complete here).
 * Returns whether the context was pushed, for dispatch_leave(). */
static inline gboolean
dispatch_enter (GCoroScheduler *self,
                GCoroBand      *band)
{
  GMainContext *thread_default = g_main_context_get_thread_default ();
  gboolean push;

  if (band->budgeted)
    budget_begin (self);

  push = thread_default != self->context &&
         !(thread_default == NULL && self->context == g_main_context_default ());
  if (push)
    g_main_context_push_thread_default (self->context);

  self->dispatch_depth++;
  return push;
}

static inline void
dispatch_leave (GCoroScheduler *self,
                GCoroBand      *band,
                gboolean        pushed)
{
  if (band->budgeted && self->frame_budget != 0 && self->aside_since == 0)
    {
      self->busy_until = g_get_monotonic_time ();
      budget_spent (self, self->busy_until);
    }
  self->dispatch_depth--;

  if (pushed)
    g_main_context_pop_thread_default (self->context);
}

/* Runs @band's ready queue (and, for the main band, expired timers); with
 * @sockets, first tells the watches whose sockets are ready. */
static void
run_band (GCoroScheduler *self,
          GCoroBand      *band,
          gboolean        sockets)
{
  gboolean pushed;

  if (G_UNLIKELY (self->owner != current_thread ()))
    {
      g_critical ("The glib-coro scheduler of context %p was created on another thread "
                  "than the one dispatching it; get the scheduler of a context "
                  "(gcoro_scheduler_get_for_context()) on the thread that runs it",
                  self->context);
      return;
    }

  /* A source found ready in an earlier iteration is dispatched without a
   * new prepare(): it may come in while we stand aside. It stays ready. */
  if (band->budgeted && self->aside_since != 0)
    return;

  pushed = dispatch_enter (self, band);
  /* Reading the clock costs a call into the vDSO: only with timers. */
  if (band->is_main && self->heap_len > 0)
    run_expired_timers (self, g_source_get_time ((GSource *) band));
  /* Sockets first: the tasks they wake run in this dispatch. */
  if (sockets)
    _gcoro_io_poller_dispatch (self->poller);
  run_queue (self, band, band->budgeted);
  dispatch_leave (self, band, pushed);
}

gboolean
_gcoro_scheduler_run_in_dispatch (GCoroScheduler *self,
                                  GCoroBand      *band,
                                  GCoroRunnable  *runnable)
{
  GSource *current;
  gboolean pushed;

  /* Not from inside one of our own dispatches (a task, or a nested loop
   * in one), not ahead of anything already waiting for its turn, not
   * while the frame budget has us stand aside. */
  if (self->owner != current_thread () || self->dispatch_depth > 0 || self->main == NULL ||
      band->head != NULL || g_atomic_int_get (&self->inbox_pending) ||
      (band->budgeted && self->aside_since != 0))
    return FALSE;
  /* Only from the dispatch of a source of our context on its thread. */
  current = g_main_current_source ();
  if (current == NULL || g_source_get_context (current) != self->context)
    return FALSE;

  pushed = dispatch_enter (self, band);
  runnable->next = NULL;
  runnable->func (runnable);
  dispatch_leave (self, band, pushed);
  return TRUE;
}

static gboolean
band_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  GCoroBand *band = (GCoroBand *) source;

  run_band (band->scheduler, band, FALSE);
  return G_SOURCE_CONTINUE;
}

/* --- the sockets' source ----------------------------------------------------- */

/* The poll records of the sockets (or the one epoll descriptor) live on a
 * source of their own, at the main band's priority, that may recurse.
 * GLib blocks a non-recursive source while it dispatches, which takes its
 * poll records out of the context and puts them back afterwards: O(sockets)
 * list work and a wake-up write per iteration had they been the main
 * band's. This one runs the main band's queue right after waking tasks,
 * unless it is dispatched from inside one of the scheduler's dispatches (a
 * nested loop in a task): then it only wakes them. */
typedef struct
{
  GSource         source;
  GCoroScheduler *scheduler;   /* NULL once the scheduler died */
} IOSource;

static gboolean
io_prepare (GSource *source,
            gint    *timeout)
{
  *timeout = -1;
  return FALSE;
}

static gboolean
io_check (GSource *source)
{
  GCoroScheduler *self = ((IOSource *) source)->scheduler;

  if (self == NULL || (self->main != NULL && self->main->budgeted && self->aside_since != 0))
    return FALSE;
  return _gcoro_io_poller_check (self->poller);
}

static gboolean
io_dispatch (GSource     *source,
             GSourceFunc  callback,
             gpointer     user_data)
{
  GCoroScheduler *self = ((IOSource *) source)->scheduler;

  if (self == NULL)
    return G_SOURCE_CONTINUE;
  if (self->dispatch_depth > 0 || self->main == NULL)
    _gcoro_io_poller_dispatch (self->poller);
  else
    run_band (self, self->main, TRUE);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs io_funcs = {
  io_prepare,
  io_check,
  io_dispatch,
  NULL,
  NULL,
  NULL,
};

static void scheduler_die (GCoroScheduler *self);

static void
band_finalize (GSource *source)
{
  GCoroBand *band = (GCoroBand *) source;

  /* Only the main band's end (its context is being destroyed) ends the
   * scheduler; the other bands are dropped by scheduler_die(). */
  if (band->is_main && band->scheduler != NULL)
    scheduler_die (g_steal_pointer (&band->scheduler));
}

static GSourceFuncs band_funcs = {
  band_prepare,
  band_check,
  band_dispatch,
  band_finalize,
  NULL,
  NULL,
};

/* Whether a source at @priority holds GTK's redraw up when it is always
 * ready, and was not asked to (a priority above the default). */
static gboolean
priority_is_budgeted (int priority)
{
  return priority >= G_PRIORITY_DEFAULT && priority < FRAME_PRIORITY;
}

static GCoroBand *
band_new (GCoroScheduler *self,
          int             priority,
          gboolean        is_main)
{
  GCoroBand *band = (GCoroBand *) g_source_new (&band_funcs, sizeof (GCoroBand));
  g_autofree char *name = NULL;

  band->scheduler = self;
  band->tailp = &band->head;
  band->priority = priority;
  band->is_main = !!is_main;
  band->budgeted = priority_is_budgeted (priority);

  name = is_main ? g_strdup ("[gcoro] scheduler")
                 : g_strdup_printf ("[gcoro] scheduler (priority %d)", priority);
  g_source_set_static_name ((GSource *) band, g_intern_string (name));
  g_source_set_priority ((GSource *) band, priority);
  g_source_set_can_recurse ((GSource *) band, FALSE);

  return band;
}

static void
scheduler_die (GCoroScheduler *self)
{
  g_mutex_lock (&schedulers_lock);
  if (schedulers != NULL && g_hash_table_lookup (schedulers, self->context) == self)
    g_hash_table_remove (schedulers, self->context);
  schedulers_generation++;
  g_mutex_unlock (&schedulers_lock);

  GCORO_DEBUG ("scheduler of context %p ends with its context (%u live tasks)",
           self->context, self->n_live);

  self->main = NULL;
  self->idle = NULL;
  if (self->poller != NULL)
    _gcoro_io_poller_detach (self->poller);
  if (self->io_source != NULL)
    {
      ((IOSource *) self->io_source)->scheduler = NULL;
      g_source_destroy (self->io_source);
    }
  if (self->frame_source != NULL)
    {
      ((FrameSource *) self->frame_source)->scheduler = NULL;
      g_source_destroy (self->frame_source);
    }
  for (guint i = 0; i < self->bands->len; i++)
    {
      GCoroBand *band = g_ptr_array_index (self->bands, i);
      band->scheduler = NULL;
      g_source_destroy ((GSource *) band);
    }
  g_ptr_array_set_size (self->bands, 0);

  /* Tasks that can no longer run: their owners drop what kept them
   * alive. They end (without unwinding) when their last user lets go. */
  while (self->live != NULL)
    {
      GCoroLive *live = self->live;

      _gcoro_scheduler_remove_live (self, live);
      live->funcs->orphan (live);
    }

  self->context = NULL;
  g_object_unref (self);
}

GCoroIOPoller *
_gcoro_scheduler_get_poller (GCoroScheduler *self)
{
  if (self->poller == NULL && self->main != NULL)
    {
      self->io_source = g_source_new (&io_funcs, sizeof (IOSource));
      ((IOSource *) self->io_source)->scheduler = self;
      g_source_set_static_name (self->io_source, "[gcoro] sockets");
      g_source_set_priority (self->io_source, g_source_get_priority ((GSource *) self->main));
      g_source_set_can_recurse (self->io_source, TRUE);
      g_source_attach (self->io_source, self->context);
      self->poller = _gcoro_io_poller_new (self->backend, self->io_source, G_OBJECT (self));
    }
  return self->poller;
}

static GCoroScheduler *
scheduler_new (GMainContext *context)
{
  GCoroScheduler *self = g_object_new (GCORO_TYPE_SCHEDULER, NULL);

  self->context = context;
  self->owner = current_thread ();
  self->backend = _gcoro_backend_lock ();
  /* The main band holds the only initial reference; the context holds
   * the main band. */
  self->main = band_new (self, G_PRIORITY_DEFAULT, TRUE);
  g_source_attach ((GSource *) self->main, context);
  g_source_unref ((GSource *) self->main);

  /* From the start: its check() is what ends a busy period. */
  self->frame_source = g_source_new (&frame_funcs, sizeof (FrameSource));
  ((FrameSource *) self->frame_source)->scheduler = self;
  g_source_set_static_name (self->frame_source, "[gcoro] frame budget");
  g_source_set_priority (self->frame_source, FRAME_PRIORITY);
  g_source_set_can_recurse (self->frame_source, TRUE);
  g_source_attach (self->frame_source, context);

  return self;
}

/**
 * gcoro_scheduler_get_for_context:
 * @context: (nullable): a [struct@GLib.MainContext], or %NULL for the global default
 *   context
 *
 * Gets the scheduler of @context, creating it on first use. Call this on
 * the thread that runs @context: the scheduler belongs to that thread.
 *
 * Returns: (transfer none): the scheduler of @context; it lives as long as
 *   @context
 */
GCoroScheduler *
gcoro_scheduler_get_for_context (GMainContext *context)
{
  GCoroScheduler *self;

  if (context == NULL)
    context = g_main_context_default ();

  g_mutex_lock (&schedulers_lock);
  if (schedulers == NULL)
    schedulers = g_hash_table_new (NULL, NULL);
  self = g_hash_table_lookup (schedulers, context);
  if (self == NULL)
    {
      self = scheduler_new (context);
      g_hash_table_insert (schedulers, context, self);
    }
  g_mutex_unlock (&schedulers_lock);

  return self;
}

GCoroScheduler *
_gcoro_scheduler_get_for_thread_default (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  if (context == NULL)
    context = g_main_context_default ();

  if (G_LIKELY (cached_context == context &&
                cached_generation == g_atomic_int_get (&schedulers_generation)))
    return cached_scheduler;

  cached_generation = g_atomic_int_get (&schedulers_generation);
  cached_scheduler = gcoro_scheduler_get_for_context (context);
  cached_context = context;

  return cached_scheduler;
}

/**
 * gcoro_scheduler_get_default:
 *
 * Gets the scheduler of the calling thread's thread-default [struct@GLib.MainContext]
 * (the global default context when none was pushed), creating it on first
 * use.
 *
 * Returns: (transfer none): the scheduler
 */
GCoroScheduler *
gcoro_scheduler_get_default (void)
{
  return _gcoro_scheduler_get_for_thread_default ();
}

gboolean
_gcoro_scheduler_is_owner_thread (GCoroScheduler *self)
{
  return self->owner == current_thread ();
}

gboolean
_gcoro_scheduler_is_dispatching (GCoroScheduler *self)
{
  return self->dispatch_depth > 0 && self->owner == current_thread ();
}

gboolean
_gcoro_scheduler_has_queued (GCoroScheduler *self,
                             GCoroBand      *band)
{
  return band->head != NULL || g_atomic_int_get (&self->inbox_pending);
}

GCoroBand *
_gcoro_scheduler_get_main_band (GCoroScheduler *self)
{
  return self->main;
}

GCoroBand *
_gcoro_scheduler_get_band (GCoroScheduler *self,
                           int             priority)
{
  GCoroBand *band;

  if (priority == G_PRIORITY_DEFAULT || self->main == NULL ||
      priority == self->main->priority)
    return self->main;

  for (guint i = 0; i < self->bands->len; i++)
    {
      band = g_ptr_array_index (self->bands, i);
      if (band->priority == priority)
        return band;
    }

  band = band_new (self, priority, FALSE);
  g_source_attach ((GSource *) band, self->context);
  g_ptr_array_add (self->bands, band);

  return band;
}

GCoroBand *
_gcoro_scheduler_get_idle_band (GCoroScheduler *self)
{
  if (self->idle == NULL)
    self->idle = _gcoro_scheduler_get_band (self, G_PRIORITY_DEFAULT_IDLE);

  return self->idle;
}

void
_gcoro_scheduler_add_live (GCoroScheduler *self,
                           GCoroLive      *live)
{
  live->prev = NULL;
  live->next = self->live;
  if (self->live != NULL)
    self->live->prev = live;
  self->live = live;
  self->n_live++;
}

void
_gcoro_scheduler_remove_live (GCoroScheduler *self,
                              GCoroLive      *live)
{
  if (live->prev != NULL)
    live->prev->next = live->next;
  else
    self->live = live->next;
  if (live->next != NULL)
    live->next->prev = live->prev;
  live->prev = live->next = NULL;
  self->n_live--;
}

GCoroLive *
_gcoro_scheduler_peek_live (GCoroScheduler *self)
{
  return self->live;
}

void
_gcoro_scheduler_destroy (GCoroScheduler *self)
{
  gboolean ran;

  g_assert (_gcoro_scheduler_is_owner_thread (self));

  if (self->main == NULL)
    return;

  /* Hand-offs that arrived late (a cancellation for a task that has ended,
   * a delivery to a stale waiter) hold references: run them rather than
   * leak them. None of them can queue a task again: no task is left. The
   * GTasks they complete call back from idle sources of the context: the
   * caller iterates it a little more. */
  self->dispatch_depth++;
  do
    {
      ran = FALSE;
      drain_inbox (self);
      if (self->main->head != NULL)
        {
          run_queue (self, self->main, FALSE);
          ran = TRUE;
        }
      for (guint i = 0; i < self->bands->len; i++)
        {
          GCoroBand *band = g_ptr_array_index (self->bands, i);

          if (band->head != NULL)
            {
              run_queue (self, band, FALSE);
              ran = TRUE;
            }
        }
      /* Timers still armed belong to callback-style waits
       * (gcoro_sleep_async(), gcoro_future_with_timeout()) that hold
       * references: expire them, so they complete and let go. */
      if (self->heap_len > 0)
        {
          run_expired_timers (self, G_MAXINT64);
          ran = TRUE;
        }
    }
  while (ran);
  self->dispatch_depth--;

  /* The context holds the only reference to the main band: its end is
   * scheduler_die(). */
  g_source_destroy ((GSource *) self->main);
}

/**
 * gcoro_scheduler_get_context:
 * @self: a [class@GCoro.Scheduler]
 *
 * Gets the context @self runs on.
 *
 * Returns: (transfer none) (nullable): the [struct@GLib.MainContext], or %NULL once it
 *   has been destroyed
 */
GMainContext *
gcoro_scheduler_get_context (GCoroScheduler *self)
{
  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), NULL);

  return self->context;
}

/**
 * gcoro_scheduler_get_priority:
 * @self: a [class@GCoro.Scheduler]
 *
 * Gets the [struct@GLib.Source] priority tasks are resumed at (unless they were
 * spawned with a priority of their own).
 *
 * Returns: the priority
 */
int
gcoro_scheduler_get_priority (GCoroScheduler *self)
{
  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), G_PRIORITY_DEFAULT);

  return self->main ? self->main->priority : G_PRIORITY_DEFAULT;
}

/**
 * gcoro_scheduler_set_priority:
 * @self: a [class@GCoro.Scheduler]
 * @priority: a [struct@GLib.Source] priority such as [const@GLib.PRIORITY_DEFAULT]
 *
 * Sets the priority of the scheduler's main source: the priority tasks
 * and timers are dispatched at. Owner thread only.
 */
void
gcoro_scheduler_set_priority (GCoroScheduler *self,
                              int             priority)
{
  g_return_if_fail (GCORO_IS_SCHEDULER (self));
  if (!_gcoro_scheduler_is_owner_thread (self))
    {
      g_critical ("%s() called from a thread that does not own the scheduler", G_STRFUNC);
      return;
    }
  if (self->main == NULL || self->main->priority == priority)
    return;

  self->main->priority = priority;
  self->main->budgeted = priority_is_budgeted (priority);
  g_source_set_priority ((GSource *) self->main, priority);
  if (self->io_source != NULL)
    g_source_set_priority (self->io_source, priority);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIORITY]);
}

/**
 * gcoro_scheduler_get_max_batch:
 * @self: a [class@GCoro.Scheduler]
 *
 * Gets how many ready tasks one dispatch runs at most.
 *
 * Returns: the batch limit
 */
guint
gcoro_scheduler_get_max_batch (GCoroScheduler *self)
{
  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), 0);

  return self->max_batch;
}

/**
 * gcoro_scheduler_set_max_batch:
 * @self: a [class@GCoro.Scheduler]
 * @max_batch: the most tasks one dispatch runs (at least 1)
 *
 * Bounds the work of one dispatch, so that other sources of the context
 * get a turn even when thousands of tasks are ready. Tasks left over run
 * first in the next dispatch. The default is 1024.
 */
void
gcoro_scheduler_set_max_batch (GCoroScheduler *self,
                               guint           max_batch)
{
  g_return_if_fail (GCORO_IS_SCHEDULER (self));
  g_return_if_fail (max_batch > 0);

  if (self->max_batch == max_batch)
    return;
  self->max_batch = max_batch;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BATCH]);
}

/**
 * gcoro_scheduler_get_frame_budget:
 * @self: a [class@GCoro.Scheduler]
 *
 * Gets the frame budget: see [property@GCoro.Scheduler:frame-budget].
 *
 * Returns: the budget in microseconds, or 0 if it is off
 */
guint
gcoro_scheduler_get_frame_budget (GCoroScheduler *self)
{
  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), 0);

  return self->frame_budget;
}

/**
 * gcoro_scheduler_set_frame_budget:
 * @self: a [class@GCoro.Scheduler]
 * @usec: the budget in microseconds, or 0 to switch it off
 *
 * Sets how long the scheduler's tasks and sockets may keep the main loop
 * busy before they step aside for an iteration so that GTK draws a frame:
 * see [property@GCoro.Scheduler:frame-budget]. With 0, they run whenever they are
 * ready, and the sources of a lower priority wait until they are not (as
 * GLib's priorities say). Owner thread only.
 */
void
gcoro_scheduler_set_frame_budget (GCoroScheduler *self,
                                  guint           usec)
{
  g_return_if_fail (GCORO_IS_SCHEDULER (self));
  if (!_gcoro_scheduler_is_owner_thread (self))
    {
      g_critical ("%s() called from a thread that does not own the scheduler", G_STRFUNC);
      return;
    }

  if (self->frame_budget == usec)
    return;
  self->frame_budget = usec;
  /* A new budget starts a new count; a step aside in progress ends. */
  end_busy_period (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_BUDGET]);
}

/**
 * gcoro_scheduler_get_n_tasks:
 * @self: a [class@GCoro.Scheduler]
 *
 * Counts the tasks spawned on @self that have not finished.
 *
 * Returns: the number of live tasks
 */
guint
gcoro_scheduler_get_n_tasks (GCoroScheduler *self)
{
  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), 0);

  return self->n_live;
}

/**
 * gcoro_scheduler_dump:
 * @self: a [class@GCoro.Scheduler]
 *
 * Describes every live task of @self, one per line, with its state and what
 * it waits for, for debugging. Owner thread only.
 *
 * Returns: (transfer full): the description
 */
char *
gcoro_scheduler_dump (GCoroScheduler *self)
{
  GString *out;

  g_return_val_if_fail (GCORO_IS_SCHEDULER (self), NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "GCoroScheduler %p (context %p): %u live task%s, %u timer%s\n",
                          self, self->context,
                          self->n_live, self->n_live == 1 ? "" : "s",
                          self->heap_len, self->heap_len == 1 ? "" : "s");
  for (GCoroLive *live = self->live; live != NULL; live = live->next)
    {
      g_string_append (out, "  ");
      live->funcs->describe (live, out);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
