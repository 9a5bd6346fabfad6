/* test-worker.c: schedulers on other threads' contexts
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dirent.h>

#include "gcoro-test-util.h"

static GThread *main_thread;

static GCoroWorker *
new_worker (const char *name)
{
  g_autoptr(GError) error = NULL;
  GCoroWorker *worker = gcoro_worker_new (name, &error);

  g_assert_no_error (error);
  g_assert_true (gcoro_worker_is_running (worker));
  return worker;
}

static void
count_call (gpointer data)
{
  g_atomic_int_inc ((int *) data);
}

/* Blocks the worker thread (inside one task) until opened, so that what
 * is sent to the worker meanwhile waits in its inbox: ordering without
 * timing. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean entered;
  gboolean open;
} Gate;

static void
gate_body (GCoroTask *task,
           gpointer   data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static GCoroFuture *
gate_close (Gate        *gate,
            GCoroWorker *worker)
{
  GCoroFuture *job;

  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->entered = gate->open = FALSE;
  job = gcoro_worker_spawn (worker, gate_body, gate, NULL);

  g_mutex_lock (&gate->lock);
  while (!gate->entered)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);

  return job;
}

static void
gate_open (Gate        *gate,
           GCoroFuture *job)
{
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);

  /* Resolved, or cancelled when a stop came while it held the worker. */
  gcoro_run_until_complete (job, NULL);
  g_assert_true (gcoro_future_is_done (job));
  g_object_unref (job);
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

/* --- spawning and awaiting ------------------------------------------------ */

static void
square_body (GCoroTask *task,
             gpointer   data)
{
  gint64 n = GPOINTER_TO_INT (data);

  g_assert_true (g_thread_self () != main_thread);
  g_assert_true (gcoro_yield (NULL));   /* suspends on the worker's scheduler */
  g_assert_true (g_thread_self () != main_thread);
  gcoro_task_return_int64 (task, n * n);
}

static void
where_am_i_body (GCoroTask *task,
                 gpointer   data)
{
  GCoroWorker *worker = data;

  g_assert_true (gcoro_worker_is_worker_thread (worker));
  g_assert_true (gcoro_task_get_scheduler (task) == gcoro_worker_get_scheduler (worker));
  g_assert_true (g_main_context_get_thread_default () == gcoro_worker_get_context (worker));
  gcoro_task_return_pointer (task, g_strdup (gcoro_task_get_name (task)), g_free);
}

static void
await_square_body (GCoroTask *task,
                   gpointer   data)
{
  GCoroWorker *worker = data;
  g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (12), NULL);
  g_autoptr(GError) error = NULL;
  gint64 v = gcoro_await_int64 (job, &error);

  g_assert_no_error (error);
  g_assert_cmpint (v, ==, 144);
  g_assert_true (g_thread_self () == main_thread);   /* resumed here */
  g_assert_false (gcoro_worker_is_worker_thread (worker));
  gcoro_task_return_int64 (task, v);
}

static void
wait_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GValue value = G_VALUE_INIT;

  g_assert_true (gcoro_future_wait_finish (GCORO_FUTURE (source), result, &value, NULL));
  *(gint64 *) data = g_value_get_int64 (&value);
  g_value_unset (&value);
}

static void
test_spawn_and_await (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-await");
  g_autoptr(GCoroTask) task = gcoro_spawn (await_square_body, worker, NULL);
  g_autoptr(GCoroFuture) plain = NULL;
  g_autoptr(GCoroFuture) named = NULL;
  g_autoptr(GCoroFuture) callback = NULL;
  GCoroSpawnOptions opts = { .name = "wherever" };
  gint64 from_callback = 0;

  /* From a fiber task on the main thread. */
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 144);

  /* From plain code. */
  plain = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (5), NULL);
  g_assert_true (gcoro_run_until_complete (plain, NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (plain)), ==, 25);

  /* With options, returning a C pointer. */
  named = gcoro_worker_spawn_full (worker, &opts, where_am_i_body, worker, NULL);
  g_assert_true (gcoro_run_until_complete (named, NULL));
  g_assert_cmpstr (gcoro_future_peek_pointer (named), ==, "wherever");

  /* From a callback. */
  callback = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (7), NULL);
  gcoro_future_wait_async (callback, NULL, wait_done, &from_callback);
  while (from_callback == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (from_callback, ==, 49);

  gcoro_worker_stop (worker);
  g_assert_false (gcoro_worker_is_running (worker));
}

/* A stepped task (the form bindings use) on the worker. */
static GCoroFuture *
stepped_on_worker (GCoroTask   *task,
                   GCoroFuture *completed,
                   gpointer     data)
{
  GCoroPromise *p;

  g_assert_true (gcoro_worker_is_worker_thread (data));
  if (completed == NULL)
    {
      p = gcoro_promise_new ();
      gcoro_promise_resolve_int64 (p, 20);
      return GCORO_FUTURE (p);
    }
  gcoro_task_return_int64 (task, g_value_get_int64 (gcoro_future_peek_value (completed)) + 1);
  return NULL;
}

static void
test_stepped (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-stepped");
  int freed = 0;
  g_autoptr(GCoroFuture) job = NULL;

  job = gcoro_worker_spawn_stepped (worker, "stepper", stepped_on_worker, worker, NULL);
  g_assert_true (gcoro_run_until_complete (job, NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (job)), ==, 21);
  g_clear_object (&job);

  /* The data is freed once the task has ended. */
  job = gcoro_worker_spawn (worker, square_body, &freed, count_call);
  gcoro_run_until_complete (job, NULL);
  g_assert_cmpint (g_atomic_int_get (&freed), ==, 1);
}

/* --- from a third thread ---------------------------------------------------- */

static gpointer
third_thread_main (gpointer data)
{
  GCoroWorker *worker = data;
  GMainContext *ctx = g_main_context_new ();
  g_autoptr(GCoroFuture) job = NULL;
  g_autoptr(GError) error = NULL;
  gint64 v;

  g_main_context_push_thread_default (ctx);
  job = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (9), NULL);
  g_assert_true (gcoro_run_until_complete (job, &error));
  g_assert_no_error (error);
  v = g_value_get_int64 (gcoro_future_peek_value (job));
  g_clear_object (&job);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);

  return GINT_TO_POINTER ((int) v);
}

/* A third thread spawns; a main-thread task awaits what it spawned. */
static gpointer
third_thread_spawns_only (gpointer data)
{
  return gcoro_worker_spawn (data, square_body, GINT_TO_POINTER (11), NULL);
}

static void
await_handed_over (GCoroTask *task,
                   gpointer   data)
{
  gcoro_task_return_int64 (task, gcoro_await_int64 (data, NULL));
}

static void
test_spawn_from_third_thread (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-third");
  GThread *threads[4];
  g_autoptr(GCoroFuture) handed = NULL;
  g_autoptr(GCoroTask) task = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("third", third_thread_main, worker);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 81);

  handed = g_thread_join (g_thread_new ("third", third_thread_spawns_only, worker));
  task = gcoro_spawn (await_handed_over, handed, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 121);
}

/* --- many ---------------------------------------------------------------------- */

static void
thousand_body (GCoroTask *task,
               gpointer   data)
{
  enum { N = 1000 };
  GCoroWorker *worker = data;
  GCoroFuture *jobs[N];
  g_autoptr(GCoroFuture) all = NULL;

  for (int i = 0; i < N; i++)
    jobs[i] = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (i), NULL);
  all = gcoro_all (jobs, N, GCORO_ALL_DEFAULT);
  g_assert_true (gcoro_await (all, NULL));
  for (int i = 0; i < N; i++)
    {
      g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (jobs[i])), ==, (gint64) i * i);
      g_object_unref (jobs[i]);
    }
}

static void
test_thousand_spawns (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-many");
  g_autoptr(GCoroTask) task = gcoro_spawn (thousand_body, worker, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (gcoro_worker_get_scheduler (worker)), ==, 0);
}

/* --- failure and cancellation --------------------------------------------------- */

#define TEST_ERROR (g_quark_from_static_string ("test-worker-error"))

static void
fail_body (GCoroTask *task,
           gpointer   data)
{
  gcoro_task_return_new_error (task, TEST_ERROR, 42, "broke on %s", "the worker");
}

static void
test_failure_rejects (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-fail");
  g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, fail_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_run_until_complete (job, &error));
  g_assert_error (error, TEST_ERROR, 42);
  g_assert_cmpstr (error->message, ==, "broke on the worker");
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_REJECTED);
}

typedef struct
{
  GCoroPromise *started;   /* resolved by the body, on the worker */
  GCoroPromise *never;
  int           saw_cancel;
  int           freed;
} Blocker;

static void
blocker_free (gpointer data)
{
  Blocker *b = data;

  g_atomic_int_inc (&b->freed);
}

static void
blocking_body (GCoroTask *task,
               gpointer   data)
{
  Blocker *b = data;
  g_autoptr(GError) error = NULL;

  gcoro_promise_resolve (b->started, NULL);
  g_assert_false (gcoro_await (GCORO_FUTURE (b->never), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (gcoro_get_cancellable ()));
  g_atomic_int_inc (&b->saw_cancel);
}

static void
blocker_init (Blocker *b)
{
  b->started = gcoro_promise_new ();
  b->never = gcoro_promise_new ();
  b->saw_cancel = b->freed = 0;
}

static void
blocker_clear (Blocker *b)
{
  g_clear_object (&b->started);
  g_clear_object (&b->never);
}

static void
cancel_from_task_body (GCoroTask *task,
                       gpointer   data)
{
  GCoroFuture *job = data;
  Blocker *b = g_object_get_data (G_OBJECT (job), "blocker");
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_await (GCORO_FUTURE (b->started), NULL));
  gcoro_future_cancel (job);
  /* It settles once the task has ended, its data freed. */
  g_assert_false (gcoro_await (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_atomic_int_get (&b->saw_cancel), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&b->freed), ==, 1);
}

static void
test_cancel_running (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-cancel");
  g_autoptr(GCoroFuture) job = NULL;
  g_autoptr(GCoroTask) task = NULL;
  Blocker b;

  blocker_init (&b);
  job = gcoro_worker_spawn (worker, blocking_body, &b, blocker_free);
  g_object_set_data (G_OBJECT (job), "blocker", &b);
  task = gcoro_spawn (cancel_from_task_body, job, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);
  blocker_clear (&b);
}

static void
never_runs_body (GCoroTask *task,
                 gpointer   data)
{
  g_assert_not_reached ();
}

static void
test_cancel_before_start (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-early");
  g_autoptr(GCoroFuture) job = NULL;
  g_autoptr(GError) error = NULL;
  Gate gate;
  GCoroFuture *gate_job = gate_close (&gate, worker);
  int freed = 0;

  job = gcoro_worker_spawn (worker, never_runs_body, &freed, count_call);
  gcoro_future_cancel (job);
  gate_open (&gate, gate_job);

  g_assert_false (gcoro_run_until_complete (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (g_atomic_int_get (&freed), ==, 1);
}

/* --- context variables ------------------------------------------------------------ */

static GCoroContextVar *user;

static void
read_user_body (GCoroTask *task,
                gpointer   data)
{
  char *seen = gcoro_context_var_dup_string (user);
  /* What the worker sets stays in its copy. */
  G_GNUC_UNUSED g_autoptr(GCoroToken) token = gcoro_context_var_set_string (user, "worker");

  gcoro_task_return_pointer (task, seen, g_free);
}

static void
context_body (GCoroTask *task,
              gpointer   data)
{
  G_GNUC_UNUSED g_autoptr(GCoroToken) token = gcoro_context_var_set_string (user, "alice");
  g_autoptr(GCoroFuture) job = gcoro_worker_spawn (data, read_user_body, NULL, NULL);
  g_autofree char *mine = NULL;

  g_assert_cmpstr (gcoro_await_pointer (job, NULL), ==, "alice");
  mine = gcoro_context_var_dup_string (user);
  g_assert_cmpstr (mine, ==, "alice");
}

static void
test_context_copied (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-context");
  g_autoptr(GCoroTask) task = NULL;
  g_autoptr(GCoroFuture) job = NULL;
  g_autoptr(GCoroToken) token = NULL;

  user = gcoro_context_var_new ("user");

  /* From a task: the task's context. */
  task = gcoro_spawn (context_body, worker, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));

  /* From plain code: the thread's context, as it is at the spawn. */
  token = gcoro_context_var_set_string (user, "bob");
  job = gcoro_worker_spawn (worker, read_user_body, NULL, NULL);
  g_assert_true (gcoro_context_var_reset (user, token, NULL));
  g_assert_true (gcoro_run_until_complete (job, NULL));
  g_assert_cmpstr (gcoro_future_peek_pointer (job), ==, "bob");

  gcoro_worker_stop (worker);
  g_clear_object (&user);
}

/* --- two workers ------------------------------------------------------------------- */

typedef struct
{
  GCoroWorker *here;
  GCoroWorker *there;
  int          depth;
} Rally;

static void
rally_body (GCoroTask *task,
            gpointer   data)
{
  Rally *r = data;
  Rally *next;
  g_autoptr(GCoroFuture) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 v;

  g_assert_true (gcoro_worker_is_worker_thread (r->here));
  if (r->depth == 0)
    return gcoro_task_return_int64 (task, 0);

  /* Send the ball to the other worker and wait for it there. */
  next = g_new (Rally, 1);
  next->here = r->there;
  next->there = r->here;
  next->depth = r->depth - 1;
  reply = gcoro_worker_spawn (r->there, rally_body, next, g_free);
  v = gcoro_await_int64 (reply, &error);
  g_assert_no_error (error);
  g_assert_true (gcoro_worker_is_worker_thread (r->here));
  gcoro_task_return_int64 (task, v + 1);
}

static void
test_ping_pong (void)
{
  g_autoptr(GCoroWorker) ping = new_worker ("w-ping");
  g_autoptr(GCoroWorker) pong = new_worker ("w-pong");
  Rally first = { ping, pong, 40 };
  g_autoptr(GCoroFuture) job = gcoro_worker_spawn (ping, rally_body, &first, NULL);

  g_assert_true (gcoro_run_until_complete (job, NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (job)), ==, 40);
  gcoro_worker_stop (ping);
  gcoro_worker_stop (pong);
}

/* --- stopping ---------------------------------------------------------------------- */

static void
test_stop_with_tasks_pending (void)
{
  enum { N = 8, QUEUED = 5 };
  g_autoptr(GCoroWorker) worker = new_worker ("w-stop");
  GCoroScheduler *scheduler = gcoro_worker_get_scheduler (worker);
  GCoroFuture *jobs[N];
  GCoroFuture *queued[QUEUED];
  g_autoptr(GCoroFuture) late = NULL;
  g_autoptr(GError) error = NULL;
  Blocker b[N];
  GCoroFuture *gate_job;
  Gate gate;
  int freed = 0;

  for (int i = 0; i < N; i++)
    {
      blocker_init (&b[i]);
      jobs[i] = gcoro_worker_spawn (worker, blocking_body, &b[i], blocker_free);
      g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (b[i].started), NULL));
    }

  /* Spawns still in the inbox when the stop comes are refused. */
  gate_job = gate_close (&gate, worker);
  for (int i = 0; i < QUEUED; i++)
    queued[i] = gcoro_worker_spawn (worker, never_runs_body, &freed, count_call);
  gcoro_worker_request_stop (worker);
  g_assert_false (gcoro_worker_is_running (worker));
  gate_open (&gate, gate_job);

  gcoro_worker_join (worker);

  for (int i = 0; i < N; i++)
    {
      g_assert_cmpint (gcoro_future_get_state (jobs[i]), ==, GCORO_FUTURE_CANCELLED);
      g_assert_cmpint (b[i].saw_cancel, ==, 1);
      g_assert_cmpint (b[i].freed, ==, 1);
      g_object_unref (jobs[i]);
      blocker_clear (&b[i]);
    }
  for (int i = 0; i < QUEUED; i++)
    {
      g_assert_cmpint (gcoro_future_get_state (queued[i]), ==, GCORO_FUTURE_REJECTED);
      g_assert_error ((GError *) gcoro_future_peek_error (queued[i]), GCORO_ERROR, GCORO_ERROR_CLOSED);
      g_object_unref (queued[i]);
    }
  g_assert_cmpint (freed, ==, QUEUED);

  /* Stopped: the scheduler has ended, spawns are refused at once. */
  g_assert_null (gcoro_scheduler_get_context (scheduler));
  late = gcoro_worker_spawn (worker, never_runs_body, &freed, count_call);
  g_assert_false (gcoro_run_until_complete (late, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_CLOSED);
  g_assert_cmpint (freed, ==, QUEUED + 1);
  gcoro_worker_stop (worker);   /* again: nothing */
}

static void
stop_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_assert_true (gcoro_worker_stop_finish (GCORO_WORKER (source), result, NULL));
  *(gboolean *) data = TRUE;
}

static void
test_stop_async (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-async");
  g_autoptr(GCoroFuture) job = NULL;
  gboolean stopped = FALSE;
  Blocker b;

  blocker_init (&b);
  job = gcoro_worker_spawn (worker, blocking_body, &b, blocker_free);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (b.started), NULL));

  gcoro_worker_stop_async (worker, NULL, stop_done, &stopped);
  while (!stopped)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (b.freed, ==, 1);
  blocker_clear (&b);
}

static void
stop_own_worker_body (GCoroTask *task,
                      gpointer   data)
{
  gcoro_worker_request_stop (data);
  /* The stop is by cancellation: this task is cancelled too. */
  g_assert_false (gcoro_yield (NULL));
  g_assert_true (gcoro_task_is_cancelled (task));
}

static void
test_request_stop_from_a_task (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-self");
  g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, stop_own_worker_body, worker, NULL);

  gcoro_worker_join (worker);
  g_assert_false (gcoro_worker_is_running (worker));
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);
}

static gpointer
join_in_thread (gpointer data)
{
  gcoro_worker_join (data);
  g_assert_false (gcoro_worker_is_running (data));
  return GINT_TO_POINTER (1);
}

static void
test_join_from_several_threads (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-joiners");
  GThread *joiners[3];
  int joined = 0;

  for (guint i = 0; i < G_N_ELEMENTS (joiners); i++)
    joiners[i] = g_thread_new ("joiner", join_in_thread, worker);
  gcoro_worker_stop (worker);
  for (guint i = 0; i < G_N_ELEMENTS (joiners); i++)
    joined += GPOINTER_TO_INT (g_thread_join (joiners[i]));
  g_assert_cmpint (joined, ==, 3);
}

static void
test_finalize_stops (void)
{
  GCoroWorker *worker = new_worker ("w-final");
  g_autoptr(GCoroFuture) job = NULL;
  Blocker b;

  blocker_init (&b);
  job = gcoro_worker_spawn (worker, blocking_body, &b, blocker_free);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (b.started), NULL));

  g_object_unref (worker);   /* stops and joins */
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (b.saw_cancel, ==, 1);
  g_assert_cmpint (b.freed, ==, 1);
  blocker_clear (&b);
}

/* A callback-style wait left behind by a task (what a binding's sleep is)
 * ends with the stop instead of keeping the context alive. */
static void
slept (GObject      *source,
       GAsyncResult *result,
       gpointer      data)
{
  g_assert_true (g_thread_self () != main_thread);
  g_assert_true (gcoro_sleep_finish (result, NULL));
  g_atomic_int_inc ((int *) data);
}

static void
leave_a_sleep_body (GCoroTask *task,
                    gpointer   data)
{
  gcoro_sleep_async (60000, NULL, slept, data);
}

static void
test_stop_ends_callback_waits (void)
{
  g_autoptr(GCoroWorker) worker = new_worker ("w-sleeps");
  g_autoptr(GCoroFuture) job = NULL;
  int called = 0;

  job = gcoro_worker_spawn (worker, leave_a_sleep_body, &called, NULL);
  g_assert_true (gcoro_run_until_complete (job, NULL));
  g_assert_cmpint (g_atomic_int_get (&called), ==, 0);
  gcoro_worker_stop (worker);
  g_assert_cmpint (g_atomic_int_get (&called), ==, 1);
}

/* --- no growth ----------------------------------------------------------------------- */

static guint
count_entries (const char *dir_path)
{
  DIR *dir = opendir (dir_path);
  struct dirent *entry;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      n++;
  closedir (dir);

  return n;
}

static void
test_start_stop_cycles (void)
{
  guint fds = 0, threads = 0;

  /* One cycle first: whatever GLib sets up once (the type system, the
   * default context's wake-up fd) is not growth. */
  for (int cycle = 0; cycle < 51; cycle++)
    {
      g_autoptr(GCoroWorker) worker = new_worker ("w-cycle");
      g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, square_body, GINT_TO_POINTER (cycle), NULL);

      g_assert_true (gcoro_run_until_complete (job, NULL));
      g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (job)), ==, cycle * cycle);
      gcoro_worker_stop (worker);

      if (cycle == 0)
        {
          g_clear_object (&job);
          g_clear_object (&worker);
          fds = count_entries ("/proc/self/fd");
          threads = count_entries ("/proc/self/task");
        }
    }

  g_assert_cmpuint (count_entries ("/proc/self/fd"), ==, fds);
  /* A joined thread has exited, but the kernel may list it for a moment
   * after pthread_join() returns: wait for the reaping, not for a time. */
  for (int i = 0; i < 10000 && count_entries ("/proc/self/task") > threads; i++)
    g_usleep (1000);
  g_assert_cmpuint (count_entries ("/proc/self/task"), ==, threads);
}

/* --- misuse --------------------------------------------------------------------------- */

static void
drop_last_ref_body (GCoroTask *task,
                    gpointer   data)
{
  g_object_unref (data);
}

static void
test_finalize_on_own_thread_is_critical (void)
{
  if (g_test_subprocess ())
    {
      GCoroWorker *worker = new_worker ("w-orphan");
      g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, drop_last_ref_body, worker, NULL);

      gcoro_run_until_complete (job, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*last reference to GCoroWorker 'w-orphan' was dropped on the worker's own thread*gcoro_worker_stop()*");
}

static void
stop_on_own_thread_body (GCoroTask *task,
                         gpointer   data)
{
  gcoro_worker_stop (data);
}

static void
test_stop_on_own_thread_is_critical (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroWorker) worker = new_worker ("w-selfjoin");
      g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, stop_on_own_thread_body, worker, NULL);

      gcoro_run_until_complete (job, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*gcoro_worker_stop() called on the thread of worker 'w-selfjoin'*gcoro_worker_request_stop()*");
}

static void
test_spawn_options_misuse_is_critical (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroWorker) worker = new_worker ("w-opts");
      GCoroSpawnOptions opts = { .owner = G_OBJECT (worker) };

      g_assert_null (gcoro_worker_spawn_full (worker, &opts, square_body, NULL, NULL));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*gcoro_worker_spawn_full(): an owner object cannot be given*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/gcoro/worker/spawn-and-await", test_spawn_and_await);
  g_test_add_func ("/gcoro/worker/stepped", test_stepped);
  g_test_add_func ("/gcoro/worker/spawn-from-third-thread", test_spawn_from_third_thread);
  g_test_add_func ("/gcoro/worker/thousand-spawns", test_thousand_spawns);
  g_test_add_func ("/gcoro/worker/failure-rejects", test_failure_rejects);
  g_test_add_func ("/gcoro/worker/cancel-running", test_cancel_running);
  g_test_add_func ("/gcoro/worker/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/gcoro/worker/context-copied", test_context_copied);
  g_test_add_func ("/gcoro/worker/ping-pong", test_ping_pong);
  g_test_add_func ("/gcoro/worker/stop-with-tasks-pending", test_stop_with_tasks_pending);
  g_test_add_func ("/gcoro/worker/stop-async", test_stop_async);
  g_test_add_func ("/gcoro/worker/request-stop-from-a-task", test_request_stop_from_a_task);
  g_test_add_func ("/gcoro/worker/join-from-several-threads", test_join_from_several_threads);
  g_test_add_func ("/gcoro/worker/finalize-stops", test_finalize_stops);
  g_test_add_func ("/gcoro/worker/stop-ends-callback-waits", test_stop_ends_callback_waits);
  g_test_add_func ("/gcoro/worker/start-stop-cycles", test_start_stop_cycles);
  g_test_add_func ("/gcoro/worker/finalize-on-own-thread-is-critical", test_finalize_on_own_thread_is_critical);
  g_test_add_func ("/gcoro/worker/stop-on-own-thread-is-critical", test_stop_on_own_thread_is_critical);
  g_test_add_func ("/gcoro/worker/spawn-options-misuse-is-critical", test_spawn_options_misuse_is_critical);

  return g_test_run ();
}
