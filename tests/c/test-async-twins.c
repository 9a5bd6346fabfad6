/* test-async-twins.c: every _async twin of the library, from one table
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Language bindings reach glib-coro through its `_async`/`_finish` pairs,
 * and they rely on the same promises from every one of them:
 *
 *   - the callback never runs inside the `_async` call, nor inside the
 *     call that completed or cancelled the operation;
 *   - it runs on the thread-default #GMainContext current at the call;
 *   - it sees the context variables current at the call, and what it sets
 *     does not leak out of it;
 *   - cancelling the `cancellable` argument, or the task that made the call
 *     (fiber or stepped), ends the wait with %G_IO_ERROR_CANCELLED and
 *     leaves nothing taken: no permit, lock, queue item, barrier seat,
 *     buffered byte.
 *
 * Each row of `rows[]` below teaches the test one `_async` function: how to
 * put an object in a state where the operation completes at once, one
 * where it waits and what makes it complete, and what "nothing taken"
 * means for it. Each row then runs as ten test cases:
 *
 *   now          completes at once
 *   later        waits, then the row's complete() ends the wait
 *   cancellable  waits, then its GCancellable is cancelled
 *   fiber-task   started from a fiber task with a %NULL cancellable; the
 *                task is cancelled
 *   stepped-task the same from a stepped task (how bindings run)
 *
 * each once on the global default context and once ("-pushed") with a
 * new context pushed with g_main_context_push_thread_default().
 *
 * The context variable `probe` is set to OUTER by the test, to AT_CALL just
 * before the call and to AFTER_CALL just after it (in the caller: the test
 * itself, or the task that made the call). The callback must see AT_CALL;
 * it sets IN_CALLBACK, which nobody may see afterwards.
 *
 * /gcoro/async-twins/gir-coverage makes the table impossible to escape: it
 * reads the built GCoro-1.0.gir (path in GCORO_TWINS_GIR, set by meson;
 * unset in builds without introspection, where it skips) and fails, naming
 * the function, for every <function>, <method> or <constructor> whose
 * c:identifier ends in `_async` and that has no row, introspectable or not.
 *
 * No case depends on timing: operations are made to complete by hand, and
 * "it is still waiting" means "the context has nothing left to dispatch".
 * A check that fails is reported and the case goes on, so that one run
 * lists every row and check that fails, not only the first.
 */
#include "gcoro-test-util.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

enum
{
  OUTER = 1,
  AT_CALL = 2,
  AFTER_CALL = 3,
  IN_CALLBACK = 99,
};

static GCoroContextVar *probe;

typedef enum
{
  CASE_NOW,
  CASE_LATER,
  CASE_CANCELLABLE,
  CASE_FIBER_TASK,
  CASE_STEPPED_TASK,
  N_CASE_KINDS
} CaseKind;

static const char *const kind_names[N_CASE_KINDS] = {
  "now", "later", "cancellable", "fiber-task", "stepped-task",
};

typedef enum
{
  /* Progress needs other threads or the network (connecting, TLS, a
   * worker's exit): when the context has nothing to dispatch, block in it
   * instead of concluding that nothing will happen. */
  ROW_BLOCKS = 1 << 0,
} RowFlags;

typedef struct _Case Case;
typedef struct _Row  Row;

struct _Row
{
  const char  *function;     /* the c:identifier this row covers */
  GCallback    symbol;       /* the function itself: a typo does not compile */
  RowFlags     flags;
  const char  *no_now;       /* why there is no now case (no setup_now) */
  const char  *no_later;     /* why there is no later case (no setup_wait or complete) */
  const char *(*unavailable) (void);                 /* why the row cannot run here */

  void       (*setup)         (Case *c);             /* after the context is pushed */
  void       (*setup_now)     (Case *c);
  /* A state where the operation waits; NULL when it always completes by
   * itself (yield, connect): the cancel cases then cancel it before the
   * context runs again. */
  void       (*setup_wait)    (Case *c);
  void       (*complete)      (Case *c);
  void       (*unblock)       (Case *c);             /* after a cancel: let the context reach it */
  void       (*start)         (Case *c, GCancellable *cancellable);
  gboolean   (*finish)        (Case *c, GObject *source, GAsyncResult *result, GError **error);
  void       (*after_success) (Case *c);
  void       (*after_cancel)  (Case *c);             /* nothing taken? */
  void       (*teardown)      (Case *c);
};

#define TWIN(fn) .function = #fn, .symbol = G_CALLBACK (fn)

struct _Case
{
  const Row    *row;
  CaseKind      kind;
  GMainContext *ctx;            /* pushed for this case, or NULL: the global default */
  GThread      *thread;
  GString      *problems;

  /* The callback's record */
  gboolean      in_call;
  gboolean      in_trigger;
  guint         n_called;
  gboolean      succeeded;
  GError       *error;

  /* Where the call was made from */
  GCoroToken   *outer;
  GCancellable *cancellable;
  GCoroTask    *task;
  GCoroEvent   *never;          /* what a fiber task waits on until cancelled */
  gboolean      started;
  gboolean      abandoned;      /* the callback may still come: never freed */

  /* Other parties (a second barrier arrival, a later reader...) */
  guint         n_helpers;
  GPtrArray    *helper_results;

  /* The row's objects */
  gpointer      obj;
  gpointer      server;
  GCoroPromise *promise;
  GCoroEvent   *gate;
  GCoroFuture  *member;
  GSource      *source;         /* the idle blocker, or the peer's reader */
  int           fd;             /* the raw peer of a stream */
  gsize         peer_bytes;
  gboolean      peer_eof;
  guint         msec;
  int           expect_index;
  gboolean      body_ended;
  GTlsDatabase *database;
  char         *tmpdir;
  char         *socket_path;
  GMutex        mutex;
  GCond         cond;
  gboolean      entered;
  gboolean      released;
};

typedef struct
{
  const Row *row;
  CaseKind   kind;
  gboolean   pushed;
} Spec;

typedef gboolean (*CaseDone) (Case *c);

/* A state that needs nothing done (the object as set up is the state). */
static void
nothing (Case *c)
{
}

static void problem (Case       *c,
                     const char *format,
                     ...) G_GNUC_PRINTF (2, 3);

static void
problem (Case       *c,
         const char *format,
         ...)
{
  va_list args;

  g_string_append (c->problems, "\n  - ");
  va_start (args, format);
  g_string_append_vprintf (c->problems, format, args);
  va_end (args);
}

static void
value_clear (GValue *value)
{
  if (G_IS_VALUE (value))
    g_value_unset (value);
}

static gboolean
bytes_equal (GBytes     *bytes,
             const char *text)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return len == strlen (text) && memcmp (data, text, len) == 0;
}

static char *
bytes_dup (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = g_strndup (data, len);

  return g_strescape (text, NULL);
}

/* --- running the context ------------------------------------------------------------ */

/* One iteration of the case's context. With a pushed context the global
 * default one is drained first, so that a callback sent there by mistake
 * runs (and is caught) instead of never coming. */
static gboolean
iterate (Case     *c,
         gboolean  may_block)
{
  gboolean dispatched = FALSE;

  if (c->ctx != NULL)
    while (g_main_context_pending (NULL))
      dispatched |= g_main_context_iteration (NULL, FALSE);
  if (g_main_context_iteration (c->ctx, may_block && !dispatched))
    dispatched = TRUE;
  return dispatched;
}

/* Iterates until done(): FALSE if the context runs out of work first
 * (twice in a row nothing to dispatch). Rows that wait for other threads
 * or the network block instead, when @may_block. */
static gboolean
run_until (Case     *c,
           CaseDone  done,
           gboolean  may_block)
{
  guint idle = 0;

  while (!done (c))
    {
      if (iterate (c, FALSE))
        idle = 0;
      else if (may_block)
        iterate (c, TRUE);
      else if (++idle == 2)
        return done (c);
    }
  return TRUE;
}

/* Runs what is ready now, and what that makes ready, until nothing is
 * (bounded, for a context with an always-ready source). */
static void
settle (Case *c)
{
  guint idle = 0;

  for (guint i = 0; i < 100 && idle < 2; i++)
    idle = iterate (c, FALSE) ? 0 : idle + 1;
}

static gboolean
is_called (Case *c)
{
  return c->n_called > 0;
}

static gboolean
is_started (Case *c)
{
  return c->started;
}

static gboolean
task_is_done (Case *c)
{
  return gcoro_future_is_done (GCORO_FUTURE (c->task));
}

static gboolean
helpers_done (Case *c)
{
  return c->helper_results->len >= c->n_helpers;
}

static gboolean
row_blocks (Case *c)
{
  return (c->row->flags & ROW_BLOCKS) != 0;
}

/* --- helpers: other parties, whose results the rows finish themselves ---------------- */

static void
helper_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Case *c = user_data;

  g_ptr_array_add (c->helper_results, g_object_ref (result));
}

static void
helper_started (Case *c)
{
  c->n_helpers++;
}

/* The result of helper @i, or NULL (reported) if the helpers never end. */
static GAsyncResult *
wait_helper (Case       *c,
             guint       i,
             const char *what)
{
  if (!run_until (c, helpers_done, row_blocks (c)))
    {
      problem (c, "%s never completed", what);
      return NULL;
    }
  return c->helper_results->pdata[i];
}

/* --- the callback under test --------------------------------------------------------- */

static const char *
context_name (Case         *c,
              GMainContext *ctx)
{
  if (ctx == g_main_context_default ())
    return "the global default context";
  if (ctx == c->ctx)
    return "the pushed context";
  return "another context";
}

static void
twin_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Case *c = user_data;
  GSource *current = g_main_current_source ();
  GMainContext *expected = c->ctx != NULL ? c->ctx : g_main_context_default ();
  gint64 seen = gcoro_context_var_get_int64 (probe, 0);
  GCoroToken *token;

  if (++c->n_called > 1)
    {
      problem (c, "the callback ran %u times", c->n_called);
      return;
    }
  if (c->in_call)
    problem (c, "the callback ran inside %s() itself", c->row->function);
  if (c->in_trigger)
    problem (c, "the callback ran inside the call that %s the operation",
             c->kind == CASE_LATER ? "completed" : "cancelled");
  if (g_thread_self () != c->thread)
    problem (c, "the callback ran on another thread");
  if (current == NULL)
    problem (c, "the callback ran outside any dispatch of a main context");
  else if (g_source_get_context (current) != expected)
    problem (c, "the callback ran on %s, not on %s (thread-default at the call)",
             context_name (c, g_source_get_context (current)), context_name (c, expected));
  if (seen != AT_CALL)
    problem (c, "the callback saw the context variable at %" G_GINT64_FORMAT
             ", not at its value at the call (%d)%s", seen, AT_CALL,
             seen == AFTER_CALL ? ": it runs in the caller's current context, not the captured one" : "");

  token = gcoro_context_var_set_int64 (probe, IN_CALLBACK);
  gcoro_token_unref (token);

  c->succeeded = c->row->finish (c, source, result, &c->error);
  if (!c->succeeded && c->error == NULL)
    problem (c, "the _finish function failed without an error");
}

/* --- starting the call --------------------------------------------------------------- */

/* From the test itself, or from inside a task: the variable is set in the
 * caller's own context either way. */
static void
call_twin (Case         *c,
           GCancellable *cancellable)
{
  GCoroToken *at_call = gcoro_context_var_set_int64 (probe, AT_CALL);
  GCoroToken *after_call;

  c->in_call = TRUE;
  c->row->start (c, cancellable);
  c->in_call = FALSE;

  after_call = gcoro_context_var_set_int64 (probe, AFTER_CALL);
  gcoro_token_unref (at_call);
  gcoro_token_unref (after_call);
  c->started = TRUE;
}

static void
fiber_caller (GCoroTask *task,
              gpointer   user_data)
{
  Case *c = user_data;
  g_autoptr(GError) error = NULL;

  call_twin (c, NULL);
  /* Until cancelled. */
  if (gcoro_event_wait (c->never, &error))
    problem (c, "the fiber task's wait ended without a cancellation");
}

static GCoroFuture *
stepped_caller (GCoroTask   *task,
                GCoroFuture *completed,
                gpointer     user_data)
{
  Case *c = user_data;

  if (completed != NULL)
    return NULL;   /* cancelled */
  call_twin (c, NULL);
  return GCORO_FUTURE (gcoro_promise_new ());   /* never settled */
}

/* The state should make the operation wait: nothing left to run must not
 * have completed it. */
static void
expect_waiting (Case *c)
{
  settle (c);
  if (c->n_called > 0)
    problem (c, "the operation completed before it was made to (the row's wait state does not wait)");
}

static gboolean
start_case (Case *c)
{
  gboolean waits = c->row->setup_wait != NULL;

  switch (c->kind)
    {
    case CASE_NOW:
      c->row->setup_now (c);
      call_twin (c, NULL);
      return TRUE;

    case CASE_LATER:
      c->row->setup_wait (c);
      call_twin (c, NULL);
      expect_waiting (c);
      c->in_trigger = TRUE;
      c->row->complete (c);
      c->in_trigger = FALSE;
      return TRUE;

    case CASE_CANCELLABLE:
      (waits ? c->row->setup_wait : c->row->setup_now) (c);
      c->cancellable = g_cancellable_new ();
      call_twin (c, c->cancellable);
      if (waits)
        expect_waiting (c);
      c->in_trigger = TRUE;
      g_cancellable_cancel (c->cancellable);
      c->in_trigger = FALSE;
      return TRUE;

    case CASE_FIBER_TASK:
    case CASE_STEPPED_TASK:
      (waits ? c->row->setup_wait : c->row->setup_now) (c);
      if (c->kind == CASE_FIBER_TASK)
        c->task = gcoro_spawn (fiber_caller, c, NULL);
      else
        c->task = gcoro_spawn_stepped ("twin-caller", stepped_caller, c, NULL);
      /* One iteration at a time: the operation must not get a turn of
       * its own before the cancellation when it completes by itself. */
      if (!run_until (c, is_started, FALSE))
        {
          problem (c, "the task that makes the call never ran");
          return FALSE;
        }
      if (waits)
        expect_waiting (c);
      c->in_trigger = TRUE;
      gcoro_task_cancel (c->task);
      c->in_trigger = FALSE;
      return TRUE;

    case N_CASE_KINDS:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* --- one case ------------------------------------------------------------------------ */

static Case *
case_new (const Spec *spec)
{
  Case *c = g_new0 (Case, 1);

  c->row = spec->row;
  c->kind = spec->kind;
  c->thread = g_thread_self ();
  c->problems = g_string_new (NULL);
  c->helper_results = g_ptr_array_new_with_free_func (g_object_unref);
  c->never = gcoro_event_new ();
  c->fd = -1;
  g_mutex_init (&c->mutex);
  g_cond_init (&c->cond);
  if (spec->pushed)
    {
      c->ctx = g_main_context_new ();
      g_main_context_push_thread_default (c->ctx);
    }
  c->outer = gcoro_context_var_set_int64 (probe, OUTER);
  return c;
}

static gboolean
is_cancel_kind (CaseKind kind)
{
  return kind >= CASE_CANCELLABLE;
}

/* Runs until the callback came, and checks the outcome. FALSE if it never
 * came: the case is then abandoned. */
static gboolean
run_case (Case *c)
{
  gboolean cancel = is_cancel_kind (c->kind);
  gboolean waits = c->row->setup_wait != NULL;
  /* After a cancellation nothing outside the process is needed, unless the
   * operation completes by itself anyway (a connect). */
  gboolean may_block = row_blocks (c) && (!cancel || !waits);
  gboolean fell_back = FALSE;
  gint64 outer_value;

  if (cancel && c->row->unblock != NULL)
    c->row->unblock (c);

  if (!run_until (c, is_called, may_block))
    {
      if (!cancel || c->row->complete == NULL)
        {
          problem (c, "the callback never ran (this case is abandoned, its memory leaked on purpose)");
          return FALSE;
        }
      problem (c, "%s did not end the wait", c->kind == CASE_CANCELLABLE
               ? "cancelling the GCancellable" : "cancelling the task that made the call");
      /* Make it end the ordinary way, to check the rest. */
      fell_back = TRUE;
      c->row->complete (c);
      if (!run_until (c, is_called, row_blocks (c)))
        {
          problem (c, "the callback never ran (this case is abandoned, its memory leaked on purpose)");
          return FALSE;
        }
    }

  if (!cancel)
    {
      if (!c->succeeded)
        problem (c, "%s failed: %s", c->row->function, c->error ? c->error->message : "?");
      else if (c->row->after_success != NULL)
        c->row->after_success (c);
    }
  else if (!g_error_matches (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    problem (c, "expected G_IO_ERROR_CANCELLED, got %s%s", c->succeeded ? "success" : c->error->message,
             fell_back ? " (after it was made to complete)" : "");
  else if (!fell_back && c->row->after_cancel != NULL)
    c->row->after_cancel (c);

  /* The caller's own context: untouched by the callback. */
  outer_value = gcoro_context_var_get_int64 (probe, 0);
  if (c->task == NULL && outer_value != AFTER_CALL)
    problem (c, "after the callback the caller's context variable is %" G_GINT64_FORMAT
             ", not %d%s", outer_value, AFTER_CALL,
             outer_value == IN_CALLBACK ? ": the callback's set leaked out" : "");
  if (c->task != NULL && outer_value != OUTER)
    problem (c, "after the callback the test's context variable is %" G_GINT64_FORMAT
             ", not %d%s", outer_value, OUTER,
             outer_value == IN_CALLBACK ? ": the callback's set leaked out" : "");

  if (c->task != NULL && !run_until (c, task_is_done, FALSE))
    problem (c, "the cancelled task that made the call did not end");

  settle (c);
  return TRUE;
}

static void
case_free (Case *c)
{
  GError *error = NULL;

  if (!run_until (c, helpers_done, row_blocks (c)))
    {
      problem (c, "%u helper operations never completed (this case is abandoned)",
               c->n_helpers - c->helper_results->len);
      c->abandoned = TRUE;
    }
  if (c->abandoned)
    {
      if (c->ctx != NULL)
        g_main_context_pop_thread_default (c->ctx);
      return;
    }

  if (c->row->teardown != NULL)
    c->row->teardown (c);
  settle (c);

  if (!gcoro_context_var_reset (probe, c->outer, &error))
    {
      problem (c, "the test's own context variable token no longer resets: %s", error->message);
      g_clear_error (&error);
    }
  gcoro_token_unref (c->outer);

  g_clear_object (&c->task);
  g_clear_object (&c->cancellable);
  g_clear_object (&c->never);
  g_clear_error (&c->error);
  g_ptr_array_unref (c->helper_results);
  if (c->ctx != NULL)
    {
      g_main_context_pop_thread_default (c->ctx);
      g_main_context_unref (c->ctx);
    }
  g_mutex_clear (&c->mutex);
  g_cond_clear (&c->cond);
  g_string_free (c->problems, TRUE);
  g_free (c);
}

static void
test_twin (gconstpointer data)
{
  const Spec *spec = data;
  const Row *row = spec->row;
  const char *reason = row->unavailable ? row->unavailable () : NULL;
  Case *c;

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }
  if (spec->kind == CASE_NOW && row->setup_now == NULL)
    {
      g_test_skip (row->no_now);
      return;
    }
  if (spec->kind == CASE_LATER && (row->setup_wait == NULL || row->complete == NULL))
    {
      g_test_skip (row->no_later);
      return;
    }

  c = case_new (spec);
  if (row->setup != NULL)
    row->setup (c);
  if (!start_case (c) || !run_case (c))
    c->abandoned = TRUE;

  if (c->problems->len > 0)
    {
      g_test_message ("%s:%s", row->function, c->problems->str);
      g_test_fail_printf ("%s, %s%s:%s", row->function, kind_names[spec->kind],
                          spec->pushed ? " (pushed context)" : "", c->problems->str);
    }
  if (c->abandoned)
    {
      /* Leave the pushed context, at least. */
      if (c->ctx != NULL)
        g_main_context_pop_thread_default (c->ctx);
      return;
    }
  case_free (c);
}

/* --- rows: synchronisation primitives ----------------------------------------------- */

/* barrier_wait: two parties */

static void
barrier_setup (Case *c)
{
  c->obj = gcoro_barrier_new (2);
}

static void
barrier_arrive_helper (Case *c)
{
  helper_started (c);
  gcoro_barrier_wait_async (c->obj, NULL, helper_done, c);
}

static void
barrier_now (Case *c)
{
  barrier_arrive_helper (c);   /* the call is the last party */
  c->expect_index = 1;
}

static void
barrier_wait (Case *c)
{
  c->expect_index = 0;
}

static void
barrier_start (Case         *c,
               GCancellable *cancellable)
{
  gcoro_barrier_wait_async (c->obj, cancellable, twin_done, c);
}

static gboolean
barrier_finish (Case          *c,
                GObject       *source,
                GAsyncResult  *result,
                GError       **error)
{
  int index = gcoro_barrier_wait_finish (GCORO_BARRIER (source), result, error);

  if (index < 0)
    return FALSE;
  if (index != c->expect_index)
    problem (c, "arrival index %d, expected %d", index, c->expect_index);
  return TRUE;
}

static void
barrier_after_cancel (Case *c)
{
  guint n = gcoro_barrier_get_n_waiting (c->obj);
  GAsyncResult *res;

  if (n != 0)
    problem (c, "%u parties still counted as waiting after the cancelled wait", n);

  /* The round needs two new parties: the cancelled one left its seat. */
  barrier_arrive_helper (c);
  settle (c);
  if (c->helper_results->len > 0)
    {
      problem (c, "the cancelled wait kept its seat: a single new party completed the round");
      return;
    }
  barrier_arrive_helper (c);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      if ((res = wait_helper (c, i, "the round after the cancelled wait")) == NULL)
        return;
      if (gcoro_barrier_wait_finish (c->obj, res, &error) < 0)
        problem (c, "a party of the next round failed: %s", error->message);
    }
}

static void
barrier_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

/* condition_wait: the caller holds the lock */

static GCoroLock *
cond_lock (Case *c)
{
  return gcoro_condition_get_lock (c->obj);
}

static void
condition_setup (Case *c)
{
  c->obj = gcoro_condition_new (NULL);
}

static void
condition_wait (Case *c)
{
  g_assert_true (gcoro_lock_try_acquire (cond_lock (c)));
}

static void
condition_complete (Case *c)
{
  gcoro_condition_notify (c->obj, 1);
}

static void
condition_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_condition_wait_async (c->obj, cancellable, twin_done, c);
}

static gboolean
condition_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  if (!gcoro_lock_is_locked (cond_lock (c)))
    problem (c, "the callback runs without the lock taken again (documented: always)");
  return gcoro_condition_wait_finish (GCORO_CONDITION (source), result, error);
}

static void
condition_after_success (Case *c)
{
  gcoro_lock_release (cond_lock (c));
}

static void
condition_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  if (!gcoro_lock_is_locked (cond_lock (c)))
    problem (c, "after a cancelled wait the lock is not held again (documented: it is)");
  else
    gcoro_lock_release (cond_lock (c));
  if (gcoro_lock_is_locked (cond_lock (c)))
    {
      problem (c, "the lock is still held by someone after the cancelled wait");
      return;
    }

  /* The next waiter gets the next notification. */
  g_assert_true (gcoro_lock_try_acquire (cond_lock (c)));
  helper_started (c);
  gcoro_condition_wait_async (c->obj, NULL, helper_done, c);
  gcoro_condition_notify (c->obj, 1);
  if ((res = wait_helper (c, 0, "the next waiter")) == NULL)
    return;
  if (!gcoro_condition_wait_finish (c->obj, res, &error))
    problem (c, "the next waiter failed: %s", error->message);
  gcoro_lock_release (cond_lock (c));
}

static void
condition_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

/* event_wait */

static void
event_setup (Case *c)
{
  c->obj = gcoro_event_new ();
}

static void
event_set (Case *c)
{
  gcoro_event_set (c->obj);
}

static void
event_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_event_wait_async (c->obj, cancellable, twin_done, c);
}

static gboolean
event_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return gcoro_event_wait_finish (GCORO_EVENT (source), result, error);
}

static void
event_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  if (gcoro_event_is_set (c->obj))
    problem (c, "the cancelled wait set the event");
  helper_started (c);
  gcoro_event_wait_async (c->obj, NULL, helper_done, c);
  gcoro_event_set (c->obj);
  if ((res = wait_helper (c, 0, "the next waiter")) == NULL)
    return;
  if (!gcoro_event_wait_finish (c->obj, res, &error))
    problem (c, "the next waiter failed: %s", error->message);
}

static void
event_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

/* future_wait */

static void
future_setup (Case *c)
{
  c->promise = gcoro_promise_new ();
}

static void
future_resolve (Case *c)
{
  gcoro_promise_resolve_int64 (c->promise, 42);
}

static void
future_start (Case         *c,
              GCancellable *cancellable)
{
  gcoro_future_wait_async (GCORO_FUTURE (c->promise), cancellable, twin_done, c);
}

static gboolean
future_finish (Case          *c,
               GObject       *source,
               GAsyncResult  *result,
               GError       **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ok = gcoro_future_wait_finish (GCORO_FUTURE (source), result, &v, error);

  if (ok && (!G_VALUE_HOLDS_INT64 (&v) || g_value_get_int64 (&v) != 42))
    problem (c, "the value is not the future's (42)");
  value_clear (&v);
  return ok;
}

static void
future_after_cancel (Case *c)
{
  /* Documented: cancelling the wait leaves the future alone. */
  if (gcoro_future_get_state (GCORO_FUTURE (c->promise)) != GCORO_FUTURE_PENDING)
    problem (c, "the cancelled wait settled the future it waited on");
}

static void
future_teardown (Case *c)
{
  g_clear_object (&c->promise);
}

/* lock_acquire */

static void
lock_setup (Case *c)
{
  c->obj = gcoro_lock_new ();
}

static void
lock_take (Case *c)
{
  g_assert_true (gcoro_lock_try_acquire (c->obj));
}

static void
lock_release (Case *c)
{
  gcoro_lock_release (c->obj);
}

static void
lock_start (Case         *c,
            GCancellable *cancellable)
{
  gcoro_lock_acquire_async (c->obj, cancellable, twin_done, c);
}

static gboolean
lock_finish (Case          *c,
             GObject       *source,
             GAsyncResult  *result,
             GError       **error)
{
  return gcoro_lock_acquire_finish (GCORO_LOCK (source), result, error);
}

static void
lock_after_success (Case *c)
{
  if (!gcoro_lock_is_locked (c->obj))
    problem (c, "the acquire succeeded but the lock is free");
  else
    gcoro_lock_release (c->obj);
}

static void
lock_after_cancel (Case *c)
{
  gcoro_lock_release (c->obj);   /* the test's hold */
  if (gcoro_lock_is_locked (c->obj))
    problem (c, "the lock stays held: the cancelled acquire took it");
}

static void
lock_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

/* queue_get / queue_put: items are ints */

static gboolean
queue_put_int (Case *c,
               int   n)
{
  GValue v = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, n);
  ok = gcoro_queue_try_put (c->obj, &v);
  g_value_unset (&v);
  return ok;
}

/* -1 if empty */
static int
queue_get_int (Case *c)
{
  GValue v = G_VALUE_INIT;
  int n = -1;

  if (gcoro_queue_try_get (c->obj, &v))
    n = G_VALUE_HOLDS_INT (&v) ? g_value_get_int (&v) : -2;
  value_clear (&v);
  return n;
}

static void
queue_get_setup (Case *c)
{
  c->obj = gcoro_queue_new (0);
}

static void
queue_put_42 (Case *c)
{
  g_assert_true (queue_put_int (c, 42));
}

static void
queue_get_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_queue_get_async (c->obj, cancellable, twin_done, c);
}

static gboolean
queue_get_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ok = gcoro_queue_get_finish (GCORO_QUEUE (source), result, &v, error);

  if (ok && (!G_VALUE_HOLDS_INT (&v) || g_value_get_int (&v) != 42))
    problem (c, "the item is not the one put (42)");
  value_clear (&v);
  return ok;
}

static void
queue_get_after_cancel (Case *c)
{
  guint len;
  int n;

  g_assert_true (queue_put_int (c, 7));
  settle (c);
  len = gcoro_queue_get_length (c->obj);
  n = queue_get_int (c);
  if (len != 1 || n != 7)
    problem (c, "the next item put went to the cancelled getter (length %u, next item %d)", len, n);
}

static void
queue_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

static void
queue_put_setup (Case *c)
{
  c->obj = gcoro_queue_new (1);
}

static void
queue_fill (Case *c)
{
  g_assert_true (queue_put_int (c, 1));
}

static void
queue_make_room (Case *c)
{
  int n = queue_get_int (c);

  if (n != 1)
    problem (c, "the full queue held %d, not 1", n);
}

static void
queue_put_start (Case         *c,
                 GCancellable *cancellable)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, 42);
  gcoro_queue_put_async (c->obj, &v, cancellable, twin_done, c);
  g_value_unset (&v);
}

static gboolean
queue_put_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return gcoro_queue_put_finish (GCORO_QUEUE (source), result, error);
}

static void
queue_put_after_success (Case *c)
{
  guint len = gcoro_queue_get_length (c->obj);
  int n = queue_get_int (c);

  if (len != 1 || n != 42)
    problem (c, "after the put the queue holds %u items, the next being %d (expected 1, 42)", len, n);
}

static void
queue_put_after_cancel (Case *c)
{
  int first = queue_get_int (c);
  guint len;

  settle (c);
  len = gcoro_queue_get_length (c->obj);
  if (first != 1 || len != 0)
    problem (c, "the cancelled put put its item anyway (first %d, then %u left)", first, len);
}

/* semaphore_acquire */

static void
semaphore_setup (Case *c)
{
  c->obj = gcoro_semaphore_new (0);
}

static void
semaphore_release (Case *c)
{
  gcoro_semaphore_release (c->obj);
}

static void
semaphore_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_semaphore_acquire_async (c->obj, cancellable, twin_done, c);
}

static gboolean
semaphore_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return gcoro_semaphore_acquire_finish (GCORO_SEMAPHORE (source), result, error);
}

static void
semaphore_after_success (Case *c)
{
  guint value = gcoro_semaphore_get_value (c->obj);

  if (value != 0)
    problem (c, "after the acquire the semaphore's value is %u, not 0", value);
}

static void
semaphore_after_cancel (Case *c)
{
  guint value;

  gcoro_semaphore_release (c->obj);
  settle (c);
  value = gcoro_semaphore_get_value (c->obj);
  if (value != 1)
    problem (c, "the cancelled acquire took the permit (value %u after a release, not 1)", value);
}

static void
semaphore_teardown (Case *c)
{
  g_clear_object (&c->obj);
}

/* --- rows: tasks, futures and what runs them ------------------------------------------ */

/* generator_next: the body waits for c->gate before each item */

static void
generator_body (GCoroGenerator *gen,
                gpointer        user_data)
{
  Case *c = user_data;

  for (;;)
    {
      GError *error = NULL;

      /* A request cancelled while the body waits ends the body, as a
       * cancelled __anext__() ends a Python async generator. (A body that
       * swallowed the cancellation and yielded would have its item
       * delivered to the cancelled request, not lost.) */
      if (!gcoro_event_wait (c->gate, &error))
        {
          c->body_ended = TRUE;
          gcoro_generator_return_error (gen, error);
          return;
        }
      if (!gcoro_generator_yield_int64 (gen, 42, NULL))
        return;
    }
}

static void
generator_setup (Case *c)
{
  c->gate = gcoro_event_new ();
  c->obj = gcoro_generator_new (generator_body, c, NULL);
}

static void
gate_open (Case *c)
{
  gcoro_event_set (c->gate);
}

static void
generator_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_generator_next_async (c->obj, cancellable, twin_done, c);
}

static gboolean
generator_check (Case          *c,
                 GAsyncResult  *result,
                 GError       **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ok = gcoro_generator_next_finish (c->obj, result, &v, error);

  if (ok && (!G_VALUE_HOLDS_INT64 (&v) || g_value_get_int64 (&v) != 42))
    problem (c, "the item is not the body's (42)");
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the generator is exhausted");
  value_clear (&v);
  return ok;
}

static gboolean
generator_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return generator_check (c, result, error);
}

static void
generator_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;
  GAsyncResult *res;

  if (!c->body_ended)
    problem (c, "the body's wait was not cancelled with the request");

  /* The body ended with the cancellation, which the cancelled request
   * reported: no item was made, and the generator is exhausted now. */
  gcoro_event_set (c->gate);
  helper_started (c);
  gcoro_generator_next_async (c->obj, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "the next request")) == NULL)
    return;
  if (gcoro_generator_next_finish (c->obj, res, &v, &error))
    problem (c, "the next request after the cancelled one got an item from an ended body");
  else if (error != NULL)
    problem (c, "the next request after the cancelled one failed: %s (expected: exhausted)",
             error->message);
  value_clear (&v);
}

static void
generator_teardown (Case *c)
{
  g_autoptr(GError) error = NULL;

  if (!gcoro_generator_close (c->obj, &error))
    problem (c, "closing the generator failed: %s", error->message);
  g_clear_object (&c->obj);
  g_clear_object (&c->gate);
}

/* operation_start: a fiber body that waits for c->gate */

static const char operation_tag[] = "twins";

static void
operation_body (GCoroTask *task,
                gpointer   user_data)
{
  Case *c = user_data;
  g_autoptr(GError) error = NULL;

  if (!gcoro_event_wait (c->gate, &error))
    {
      c->body_ended = TRUE;
      gcoro_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  c->body_ended = TRUE;
  gcoro_task_return_int64 (task, 42);
}

static void
gate_setup (Case *c)
{
  c->gate = gcoro_event_new ();
}

static void
operation_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_operation_start_async (NULL, operation_body, c, NULL, cancellable, twin_done, c,
                               (gpointer) operation_tag);
}

static gboolean
operation_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ok = gcoro_operation_finish (result, (gpointer) operation_tag, &v, error);

  if (ok && (!G_VALUE_HOLDS_INT64 (&v) || g_value_get_int64 (&v) != 42))
    problem (c, "the value is not the body's (42)");
  value_clear (&v);
  return ok;
}

static void
operation_after_cancel (Case *c)
{
  if (!c->body_ended)
    problem (c, "the operation's body still runs after the cancelled call reported");
}

static void
gate_teardown (Case *c)
{
  g_clear_object (&c->gate);
}

/* task_group_wait: one member, a fiber task waiting for c->gate */

static void
member_body (GCoroTask *task,
             gpointer   user_data)
{
  Case *c = user_data;
  g_autoptr(GError) error = NULL;

  if (!gcoro_event_wait (c->gate, &error))
    gcoro_task_return_error (task, g_steal_pointer (&error));
  c->body_ended = TRUE;
}

static void
group_setup (Case *c)
{
  c->obj = gcoro_task_group_new ();
  c->gate = gcoro_event_new ();
}

static void
group_add_member (Case *c)
{
  c->member = GCORO_FUTURE (gcoro_task_group_spawn (c->obj, NULL, member_body, c, NULL));
}

static void
group_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_task_group_wait_async (c->obj, cancellable, twin_done, c);
}

static gboolean
group_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  if (c->member != NULL && !c->body_ended)
    problem (c, "the wait reported before its member ended");
  return gcoro_task_group_wait_finish (GCORO_TASK_GROUP (source), result, error);
}

static void
group_after_cancel (Case *c)
{
  /* Documented: cancelling the wait cancels every member, and the wait
   * reports once they have ended. */
  if (gcoro_future_get_state (c->member) != GCORO_FUTURE_CANCELLED)
    problem (c, "the member was not cancelled with the wait (state %d)",
             gcoro_future_get_state (c->member));
}

static void
group_teardown (Case *c)
{
  if (c->member != NULL && !gcoro_future_is_done (c->member))
    {
      gcoro_event_set (c->gate);
      gcoro_run_until_complete (c->member, NULL);
    }
  g_clear_object (&c->member);
  g_clear_object (&c->obj);
  g_clear_object (&c->gate);
}

/* task_runner_run: one item, a promise */

static void
runner_setup (Case *c)
{
  c->obj = gcoro_task_runner_new ();
  c->promise = gcoro_promise_new ();
}

static void
runner_add_item (Case *c)
{
  gcoro_task_runner_add_future (c->obj, GCORO_FUTURE (c->promise));
}

static void
runner_start (Case         *c,
              GCancellable *cancellable)
{
  gcoro_task_runner_run_async (c->obj, cancellable, twin_done, c);
}

static gboolean
runner_finish (Case          *c,
               GObject       *source,
               GAsyncResult  *result,
               GError       **error)
{
  return gcoro_task_runner_run_finish (GCORO_TASK_RUNNER (source), result, error);
}

static void
runner_after_cancel (Case *c)
{
  /* Documented: cancelling the run cancels the items still running. */
  if (gcoro_future_get_state (GCORO_FUTURE (c->promise)) != GCORO_FUTURE_CANCELLED)
    problem (c, "the item still running was not cancelled with the run");
}

static void
runner_teardown (Case *c)
{
  g_clear_object (&c->obj);
  g_clear_object (&c->promise);
}

/* worker_stop: a worker held up by a body that blocks its thread */

static void
worker_setup (Case *c)
{
  g_autoptr(GError) error = NULL;

  c->obj = gcoro_worker_new ("twins", &error);
  g_assert_no_error (error);
}

static void
worker_stopped (Case *c)
{
  gcoro_worker_stop (c->obj);
}

static void
hold_worker (GCoroTask *task,
             gpointer   user_data)
{
  Case *c = user_data;

  g_mutex_lock (&c->mutex);
  c->entered = TRUE;
  g_cond_broadcast (&c->cond);
  while (!c->released)
    g_cond_wait (&c->cond, &c->mutex);
  g_mutex_unlock (&c->mutex);
}

static void
worker_hold (Case *c)
{
  c->member = gcoro_worker_spawn (c->obj, hold_worker, c, NULL);
  g_mutex_lock (&c->mutex);
  while (!c->entered)
    g_cond_wait (&c->cond, &c->mutex);
  g_mutex_unlock (&c->mutex);
}

static void
worker_let_go (Case *c)
{
  g_mutex_lock (&c->mutex);
  c->released = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->mutex);
}

static void
worker_start (Case         *c,
              GCancellable *cancellable)
{
  gcoro_worker_stop_async (c->obj, cancellable, twin_done, c);
}

static gboolean
worker_finish (Case          *c,
               GObject       *source,
               GAsyncResult  *result,
               GError       **error)
{
  return gcoro_worker_stop_finish (GCORO_WORKER (source), result, error);
}

static void
worker_after_success (Case *c)
{
  if (gcoro_worker_is_running (c->obj))
    problem (c, "the worker still runs after its stop reported");
}

static void
worker_after_cancel (Case *c)
{
  /* Documented: the stop goes on. */
  worker_let_go (c);
  gcoro_worker_join (c->obj);
  if (gcoro_worker_is_running (c->obj))
    problem (c, "the worker still runs after the cancelled stop_async and a join");
}

static void
worker_teardown (Case *c)
{
  worker_let_go (c);
  gcoro_worker_stop (c->obj);
  g_clear_object (&c->member);
  g_clear_object (&c->obj);
}

/* --- rows: the scheduler's own waits ------------------------------------------------- */

/* idle_yield: an always-ready source above the idle priority holds it */

static gboolean
keep_ready (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
idle_block (Case *c)
{
  c->source = g_idle_source_new ();
  g_source_set_priority (c->source, G_PRIORITY_HIGH_IDLE);
  g_source_set_callback (c->source, keep_ready, NULL, NULL);
  g_source_attach (c->source, c->ctx);
}

static void
idle_unblock (Case *c)
{
  if (c->source == NULL)
    return;
  g_source_destroy (c->source);
  g_clear_pointer (&c->source, g_source_unref);
}

static void
idle_yield_start (Case         *c,
                  GCancellable *cancellable)
{
  gcoro_idle_yield_async (cancellable, twin_done, c);
}

static gboolean
idle_yield_finish (Case          *c,
                   GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  return gcoro_idle_yield_finish (result, error);
}

/* yield */

static void
yield_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_yield_async (cancellable, twin_done, c);
}

static gboolean
yield_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return gcoro_yield_finish (result, error);
}

/* sleep */

static void
sleep_zero (Case *c)
{
  c->msec = 0;
}

static void
sleep_an_hour (Case *c)
{
  c->msec = 3600 * 1000;
}

static void
sleep_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_sleep_async (c->msec, cancellable, twin_done, c);
}

static gboolean
sleep_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return gcoro_sleep_finish (result, error);
}

/* --- rows: streams, over a socket pair with a raw peer ------------------------------- */

#define BIG (1024 * 1024)

static void
stream_setup (Case *c)
{
  int fds[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  c->obj = stream_from_fd (fds[0]);
  c->fd = fds[1];
  g_assert_true (g_unix_set_fd_nonblocking (c->fd, TRUE, NULL));
}

static void
peer_write (Case       *c,
            const char *text)
{
  gssize n = write (c->fd, text, strlen (text));

  g_assert_cmpint (n, ==, (gssize) strlen (text));
}

static gboolean
peer_readable (int           fd,
               GIOCondition  condition,
               gpointer      user_data)
{
  Case *c = user_data;
  guint8 buf[65536];

  for (;;)
    {
      gssize n = read (fd, buf, sizeof buf);

      if (n > 0)
        c->peer_bytes += n;
      else if (n == 0)
        {
          c->peer_eof = TRUE;
          g_clear_pointer (&c->source, g_source_unref);
          return G_SOURCE_REMOVE;
        }
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        return G_SOURCE_CONTINUE;
      else if (errno != EINTR)
        {
          problem (c, "the peer's read failed: %s", g_strerror (errno));
          g_clear_pointer (&c->source, g_source_unref);
          return G_SOURCE_REMOVE;
        }
    }
}

/* The peer starts reading everything, from the case's context. */
static void
peer_start_reading (Case *c)
{
  if (c->source != NULL)
    return;
  c->source = g_unix_fd_source_new (c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (c->source, G_SOURCE_FUNC (peer_readable), c, NULL);
  g_source_attach (c->source, c->ctx);
}

static gboolean
peer_got_everything (Case *c)
{
  return c->peer_bytes >= BIG;
}

static gboolean
peer_got_eof (Case *c)
{
  return c->peer_eof;
}

static void
stream_teardown (Case *c)
{
  if (c->source != NULL)
    {
      g_source_destroy (c->source);
      g_clear_pointer (&c->source, g_source_unref);
    }
  g_clear_object (&c->obj);
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
}

/* Reading rows: what the peer wrote before the call, then after it. */

static void
read_now (Case *c)
{
  peer_write (c, "hello");
}

static void
read_complete (Case *c)
{
  peer_write (c, "hello");
}

static void
read_start (Case         *c,
            GCancellable *cancellable)
{
  gcoro_stream_read_async (c->obj, 100, cancellable, twin_done, c);
}

static gboolean
check_bytes (Case       *c,
             GBytes     *bytes,
             const char *expected)
{
  g_autofree char *got = NULL;

  if (bytes == NULL)
    return FALSE;
  if (!bytes_equal (bytes, expected))
    {
      got = bytes_dup (bytes);
      problem (c, "read \"%s\", expected \"%s\"", got, expected);
    }
  g_bytes_unref (bytes);
  return TRUE;
}

static gboolean
read_finish (Case          *c,
             GObject       *source,
             GAsyncResult  *result,
             GError       **error)
{
  return check_bytes (c, gcoro_stream_read_finish (GCORO_STREAM (source), result, error), "hello");
}

static void
read_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  peer_write (c, "more");
  helper_started (c);
  gcoro_stream_read_async (c->obj, 100, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "the next read")) == NULL)
    return;
  if (!check_bytes (c, gcoro_stream_read_finish (c->obj, res, &error), "more"))
    problem (c, "the next read failed: %s", error->message);
}

/* Rows that read up to a separator or a size: part of it is there before
 * the call, and must still be there after a cancelled one. */

static void
line_now (Case *c)
{
  peer_write (c, "hello\n");
}

static void
line_wait (Case *c)
{
  peer_write (c, "hel");
}

static void
line_complete (Case *c)
{
  peer_write (c, "lo\n");
}

static void
line_start (Case         *c,
            GCancellable *cancellable)
{
  gcoro_stream_read_line_async (c->obj, cancellable, twin_done, c);
}

static gboolean
line_finish (Case          *c,
             GObject       *source,
             GAsyncResult  *result,
             GError       **error)
{
  return check_bytes (c, gcoro_stream_read_line_finish (GCORO_STREAM (source), result, error),
                      "hello\n");
}

static void
line_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  peer_write (c, "lo\n");
  helper_started (c);
  gcoro_stream_read_line_async (c->obj, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "the next read_line")) == NULL)
    return;
  if (!check_bytes (c, gcoro_stream_read_line_finish (c->obj, res, &error), "hello\n"))
    problem (c, "the next read_line failed: %s", error->message);
}

#ifdef HAVE_STREAM_READ_UNTIL_ASYNC
static const guint8 until_separator[] = { ':', ':' };

static void
until_now (Case *c)
{
  peer_write (c, "hello::");
}

static void
until_complete (Case *c)
{
  peer_write (c, "lo::");
}

static void
until_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_stream_read_until_async (c->obj, until_separator, sizeof until_separator, cancellable, twin_done, c);
}

static gboolean
until_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return check_bytes (c, gcoro_stream_read_until_finish (GCORO_STREAM (source), result, error),
                      "hello::");
}

static void
until_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  peer_write (c, "lo::");
  helper_started (c);
  gcoro_stream_read_until_async (c->obj, until_separator, sizeof until_separator, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "the next read_until")) == NULL)
    return;
  if (!check_bytes (c, gcoro_stream_read_until_finish (c->obj, res, &error), "hello::"))
    problem (c, "the next read_until failed: %s", error->message);
}
#endif

#ifdef HAVE_STREAM_READ_EXACTLY_ASYNC
static void
exactly_now (Case *c)
{
  peer_write (c, "hello");
}

static void
exactly_wait (Case *c)
{
  peer_write (c, "he");
}

static void
exactly_complete (Case *c)
{
  peer_write (c, "llo");
}

static void
exactly_start (Case         *c,
               GCancellable *cancellable)
{
  gcoro_stream_read_exactly_async (c->obj, 5, cancellable, twin_done, c);
}

static gboolean
exactly_check (Case          *c,
               GAsyncResult  *result,
               GError       **error)
{
  g_autoptr(GBytes) partial = NULL;
  GBytes *bytes = gcoro_stream_read_exactly_finish (c->obj, result, &partial, error);

  return check_bytes (c, bytes, "hello");
}

static gboolean
exactly_finish (Case          *c,
                GObject       *source,
                GAsyncResult  *result,
                GError       **error)
{
  return exactly_check (c, result, error);
}

static void
exactly_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  peer_write (c, "llo");
  helper_started (c);
  gcoro_stream_read_exactly_async (c->obj, 5, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "the next read_exactly")) == NULL)
    return;
  if (!exactly_check (c, res, &error))
    problem (c, "the next read_exactly failed: %s", error->message);
}
#endif

/* Writing rows: a megabyte the peer does not read yet. */

static void
write_big (Case *c)
{
  g_autofree guint8 *blob = g_malloc0 (BIG);

  gcoro_stream_write (c->obj, blob, BIG);
  g_assert_cmpuint (gcoro_stream_get_write_buffer_size (c->obj), >, 64 * 1024);
}

static void
drain_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_stream_drain_async (c->obj, cancellable, twin_done, c);
}

static gboolean
drain_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return gcoro_stream_drain_finish (GCORO_STREAM (source), result, error);
}

static void
drain_after_success (Case *c)
{
  gsize left = gcoro_stream_get_write_buffer_size (c->obj);

  if (left > 16 * 1024)
    problem (c, "drain reported with %" G_GSIZE_FORMAT " bytes buffered (low-water mark: 16 KiB)", left);
}

/* What was written before a cancelled drain, close or write_eof still
 * goes out. */
static void
writes_after_cancel (Case *c)
{
  peer_start_reading (c);
  if (!run_until (c, peer_got_everything, FALSE))
    problem (c, "the peer got %" G_GSIZE_FORMAT " of the %d bytes written before the cancelled call",
             c->peer_bytes, BIG);
}

static void
close_start (Case         *c,
             GCancellable *cancellable)
{
  gcoro_stream_close_async (c->obj, cancellable, twin_done, c);
}

static gboolean
close_finish (Case          *c,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  return gcoro_stream_close_finish (GCORO_STREAM (source), result, error);
}

static void
peer_sees_eof (Case *c)
{
  peer_start_reading (c);
  if (!run_until (c, peer_got_eof, FALSE))
    problem (c, "the peer never read EOF");
}

static void
close_after_success (Case *c)
{
  peer_sees_eof (c);
  if (c->peer_eof && c->peer_bytes != 0 && c->peer_bytes != BIG)
    problem (c, "the peer got %" G_GSIZE_FORMAT " of the %d bytes written before the close",
             c->peer_bytes, BIG);
}

static void
close_after_cancel (Case *c)
{
  /* Documented: a close closes either way, even when it reports an error. */
  peer_sees_eof (c);
}

#ifdef HAVE_STREAM_WRITE_EOF_ASYNC
static void
write_eof_start (Case         *c,
                 GCancellable *cancellable)
{
  gcoro_stream_write_eof_async (c->obj, cancellable, twin_done, c);
}

static gboolean
write_eof_finish (Case          *c,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return gcoro_stream_write_eof_finish (GCORO_STREAM (source), result, error);
}
#endif

/* --- rows: servers and connections --------------------------------------------------- */

static void
serve_until_eof (GCoroStream *stream,
                 gpointer     user_data)
{
  for (;;)
    {
      g_autoptr(GBytes) bytes = gcoro_stream_read (stream, 4096, NULL);

      if (bytes == NULL || g_bytes_get_size (bytes) == 0)
        return;
    }
}

static GCoroStreamServer *
new_server (Case *c)
{
  GCoroStreamServer *server = gcoro_stream_server_new ();

  gcoro_stream_server_set_handler (server, serve_until_eof, NULL, NULL);
  return server;
}

static void
server_listen_tcp (Case *c)
{
  g_autoptr(GError) error = NULL;

  c->server = new_server (c);
  g_assert_true (gcoro_stream_server_listen_tcp (c->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (c->server);
}

static gboolean
server_is_empty (Case *c)
{
  return gcoro_stream_server_get_n_connections (c->server) == 0;
}

static void
server_teardown (Case *c)
{
  g_clear_object (&c->obj);   /* a connected client: the server's handler sees EOF */
  if (c->server != NULL)
    {
      gcoro_stream_server_close (c->server);
      if (!run_until (c, server_is_empty, TRUE))
        problem (c, "the server's connections never ended");
    }
  g_clear_object (&c->server);
  g_clear_object (&c->database);
  if (c->socket_path != NULL)
    g_unlink (c->socket_path);
  if (c->tmpdir != NULL)
    g_rmdir (c->tmpdir);
  g_clear_pointer (&c->socket_path, g_free);
  g_clear_pointer (&c->tmpdir, g_free);
}

/* stream_server_wait_closed: it waits while a handler runs */

static void
server_close (Case *c)
{
  gcoro_stream_server_close (c->server);
}

static gboolean
server_has_one (Case *c)
{
  return gcoro_stream_server_get_n_connections (c->server) == 1;
}

/* A client (c->obj) whose handler runs until it closes. */
static void
server_busy (Case *c)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  c->obj = g_socket_client_connect_to_host (client, "127.0.0.1",
                                            gcoro_stream_server_get_port (c->server),
                                            NULL, &error);
  g_assert_no_error (error);
  if (!run_until (c, server_has_one, FALSE))
    problem (c, "the server never ran a handler for the client");
  gcoro_stream_server_close (c->server);
}

static void
server_client_leaves (Case *c)
{
  g_autoptr(GError) error = NULL;

  if (!g_io_stream_close (c->obj, NULL, &error))
    problem (c, "closing the client failed: %s", error->message);
}

static void
wait_closed_start (Case         *c,
                   GCancellable *cancellable)
{
  gcoro_stream_server_wait_closed_async (c->server, cancellable, twin_done, c);
}

static gboolean
wait_closed_finish (Case          *c,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  return gcoro_stream_server_wait_closed_finish (GCORO_STREAM_SERVER (source), result, error);
}

static void
wait_closed_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  /* The wait is gone, not the connection: once it ends, a new wait ends. */
  if (gcoro_stream_server_get_n_connections (c->server) != 1)
    problem (c, "the cancelled wait ended the server's connection");
  server_client_leaves (c);
  helper_started (c);
  gcoro_stream_server_wait_closed_async (c->server, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "a wait_closed after the cancelled one")) == NULL)
    return;
  if (!gcoro_stream_server_wait_closed_finish (c->server, res, &error))
    problem (c, "a wait_closed after the cancelled one failed: %s", error->message);
}

/* stream_server_serve_forever: it serves until the server is closed (or
 * a signal comes); cancelled, it shuts the server down */

static void
serve_forever_start (Case         *c,
                     GCancellable *cancellable)
{
  gcoro_stream_server_serve_forever_async (c->server, cancellable, twin_done, c);
}

static gboolean
serve_forever_finish (Case          *c,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  return gcoro_stream_server_serve_forever_finish (GCORO_STREAM_SERVER (source), result, error);
}

static void
serve_forever_after_cancel (Case *c)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res;

  /* The server was shut down: serving it again ends at once. */
  helper_started (c);
  gcoro_stream_server_serve_forever_async (c->server, NULL, helper_done, c);
  if ((res = wait_helper (c, 0, "a serve_forever after the cancelled one")) == NULL)
    return;
  if (!gcoro_stream_server_serve_forever_finish (c->server, res, &error))
    problem (c, "a serve_forever after the cancelled one failed: %s", error->message);
}

/* The connect rows */

static gboolean
keep_stream (Case        *c,
             GCoroStream *stream)
{
  if (stream == NULL)
    return FALSE;
  g_clear_object (&c->obj);
  c->obj = stream;
  return TRUE;
}

static void
connect_start (Case         *c,
               GCancellable *cancellable)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address =
    g_network_address_new ("127.0.0.1", gcoro_stream_server_get_port (c->server));

  g_socket_client_set_enable_proxy (client, FALSE);
  gcoro_stream_connect_async (client, address, cancellable, twin_done, c);
}

static gboolean
connect_finish (Case          *c,
                GObject       *source,
                GAsyncResult  *result,
                GError       **error)
{
  return keep_stream (c, gcoro_stream_connect_finish (result, error));
}

static void
connect_tcp_start (Case         *c,
                   GCancellable *cancellable)
{
  gcoro_stream_connect_tcp_async ("127.0.0.1", gcoro_stream_server_get_port (c->server),
                                  cancellable, twin_done, c);
}

static gboolean
connect_tcp_finish (Case          *c,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  return keep_stream (c, gcoro_stream_connect_tcp_finish (result, error));
}

static const char *
tls_unavailable (void)
{
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return "no TLS backend (install glib-networking)";
  return NULL;
}

static void
tls_server_setup (Case *c)
{
  g_autofree char *cert_path = g_test_build_filename (G_TEST_DIST, "data", "test-cert.pem", NULL);
  g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "data", "test-key.pem", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  c->database = g_tls_file_database_new (cert_path, &error);
  g_assert_no_error (error);

  c->server = new_server (c);
  gcoro_stream_server_set_tls_certificate (c->server, cert);
  g_assert_true (gcoro_stream_server_listen_tcp (c->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (c->server);
}

static void
connect_tls_start (Case         *c,
                   GCancellable *cancellable)
{
  gcoro_stream_connect_tls_async ("127.0.0.1", gcoro_stream_server_get_port (c->server),
                                  c->database, cancellable, twin_done, c);
}

static gboolean
connect_tls_finish (Case          *c,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  GCoroStream *stream = gcoro_stream_connect_tls_finish (result, error);
  GIOStream *io = stream != NULL ? gcoro_stream_get_io_stream (stream) : NULL;

  /* GSocketClient hands a TLS connection over in a GTcpWrapperConnection. */
  if (G_IS_TCP_WRAPPER_CONNECTION (io))
    io = g_tcp_wrapper_connection_get_base_io_stream (G_TCP_WRAPPER_CONNECTION (io));
  if (stream != NULL && !G_IS_TLS_CONNECTION (io))
    problem (c, "the stream is not a TLS connection");
  return keep_stream (c, stream);
}

static void
unix_server_setup (Case *c)
{
  g_autoptr(GError) error = NULL;

  c->tmpdir = g_dir_make_tmp ("gcoro-twins-XXXXXX", &error);
  g_assert_no_error (error);
  c->socket_path = g_build_filename (c->tmpdir, "socket", NULL);
  c->server = new_server (c);
  g_assert_true (gcoro_stream_server_listen_unix (c->server, c->socket_path, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (c->server);
}

static void
connect_unix_start (Case         *c,
                    GCancellable *cancellable)
{
  gcoro_stream_connect_unix_async (c->socket_path, cancellable, twin_done, c);
}

static gboolean
connect_unix_finish (Case          *c,
                     GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return keep_stream (c, gcoro_stream_connect_unix_finish (result, error));
}

/* --- the table ----------------------------------------------------------------------- */

#define NO_LATER_BY_ITSELF \
  "it completes by itself, in a later dispatch: the now case already checks a deferred completion"
#define NO_LATER_CONNECT \
  "a connection to a listening socket completes by itself"

static const Row rows[] = {
  /* Synchronisation primitives */
  { TWIN (gcoro_barrier_wait_async),
    .setup = barrier_setup, .setup_now = barrier_now, .setup_wait = barrier_wait,
    .complete = barrier_arrive_helper, .start = barrier_start, .finish = barrier_finish,
    .after_cancel = barrier_after_cancel, .teardown = barrier_teardown },
  { TWIN (gcoro_condition_wait_async),
    .no_now = "a condition wait always waits for a notification",
    .setup = condition_setup, .setup_wait = condition_wait,
    .complete = condition_complete, .start = condition_start, .finish = condition_finish,
    .after_success = condition_after_success, .after_cancel = condition_after_cancel,
    .teardown = condition_teardown },
  { TWIN (gcoro_event_wait_async),
    .setup = event_setup, .setup_now = event_set, .setup_wait = nothing,
    .complete = event_set, .start = event_start, .finish = event_finish,
    .after_cancel = event_after_cancel, .teardown = event_teardown },
  { TWIN (gcoro_future_wait_async),
    .setup = future_setup, .setup_now = future_resolve, .setup_wait = nothing,
    .complete = future_resolve, .start = future_start, .finish = future_finish,
    .after_cancel = future_after_cancel, .teardown = future_teardown },
  { TWIN (gcoro_lock_acquire_async),
    .setup = lock_setup, .setup_now = nothing, .setup_wait = lock_take,
    .complete = lock_release, .start = lock_start, .finish = lock_finish,
    .after_success = lock_after_success, .after_cancel = lock_after_cancel,
    .teardown = lock_teardown },
  { TWIN (gcoro_queue_get_async),
    .setup = queue_get_setup, .setup_now = queue_put_42, .setup_wait = nothing,
    .complete = queue_put_42, .start = queue_get_start, .finish = queue_get_finish,
    .after_cancel = queue_get_after_cancel, .teardown = queue_teardown },
  { TWIN (gcoro_queue_put_async),
    .setup = queue_put_setup, .setup_now = nothing, .setup_wait = queue_fill,
    .complete = queue_make_room, .start = queue_put_start, .finish = queue_put_finish,
    .after_success = queue_put_after_success, .after_cancel = queue_put_after_cancel,
    .teardown = queue_teardown },
  { TWIN (gcoro_semaphore_acquire_async),
    .setup = semaphore_setup, .setup_now = semaphore_release, .setup_wait = nothing,
    .complete = semaphore_release, .start = semaphore_start, .finish = semaphore_finish,
    .after_success = semaphore_after_success, .after_cancel = semaphore_after_cancel,
    .teardown = semaphore_teardown },

  /* Futures, tasks and what runs them */
  { TWIN (gcoro_generator_next_async),
    .setup = generator_setup, .setup_now = gate_open, .setup_wait = nothing,
    .complete = gate_open, .start = generator_start, .finish = generator_finish,
    .after_cancel = generator_after_cancel, .teardown = generator_teardown },
  { TWIN (gcoro_operation_start_async),
    .setup = gate_setup, .setup_now = gate_open, .setup_wait = nothing,
    .complete = gate_open, .start = operation_start, .finish = operation_finish,
    .after_cancel = operation_after_cancel, .teardown = gate_teardown },
  { TWIN (gcoro_task_group_wait_async),
    .setup = group_setup, .setup_now = nothing, .setup_wait = group_add_member,
    .complete = gate_open, .start = group_start, .finish = group_finish,
    .after_cancel = group_after_cancel, .teardown = group_teardown },
  { TWIN (gcoro_task_runner_run_async),
    .setup = runner_setup, .setup_now = nothing, .setup_wait = runner_add_item,
    .complete = future_resolve, .start = runner_start, .finish = runner_finish,
    .after_cancel = runner_after_cancel, .teardown = runner_teardown },
  { TWIN (gcoro_worker_stop_async), .flags = ROW_BLOCKS,
    .setup = worker_setup, .setup_now = worker_stopped, .setup_wait = worker_hold,
    .complete = worker_let_go, .start = worker_start, .finish = worker_finish,
    .after_success = worker_after_success, .after_cancel = worker_after_cancel,
    .teardown = worker_teardown },

  /* The scheduler's own waits */
  { TWIN (gcoro_idle_yield_async),
    .setup_now = nothing, .setup_wait = idle_block, .complete = idle_unblock,
    .unblock = idle_unblock, .start = idle_yield_start, .finish = idle_yield_finish,
    .teardown = idle_unblock },
  { TWIN (gcoro_yield_async),
    .no_later = NO_LATER_BY_ITSELF,
    .setup_now = nothing, .start = yield_start, .finish = yield_finish },
  { TWIN (gcoro_sleep_async),
    .no_later = "nothing but time ends a sleep, and these tests do not wait for time "
                "(the now case is a sleep of 0 ms, the cancel cases an hour)",
    .setup_now = sleep_zero, .setup_wait = sleep_an_hour,
    .start = sleep_start, .finish = sleep_finish },

  /* Streams */
  { TWIN (gcoro_stream_read_async),
    .setup = stream_setup, .setup_now = read_now, .setup_wait = nothing,
    .complete = read_complete, .start = read_start, .finish = read_finish,
    .after_cancel = read_after_cancel, .teardown = stream_teardown },
  { TWIN (gcoro_stream_read_line_async),
    .setup = stream_setup, .setup_now = line_now, .setup_wait = line_wait,
    .complete = line_complete, .start = line_start, .finish = line_finish,
    .after_cancel = line_after_cancel, .teardown = stream_teardown },
#ifdef HAVE_STREAM_READ_UNTIL_ASYNC
  { TWIN (gcoro_stream_read_until_async),
    .setup = stream_setup, .setup_now = until_now, .setup_wait = line_wait,
    .complete = until_complete, .start = until_start, .finish = until_finish,
    .after_cancel = until_after_cancel, .teardown = stream_teardown },
#endif
#ifdef HAVE_STREAM_READ_EXACTLY_ASYNC
  { TWIN (gcoro_stream_read_exactly_async),
    .setup = stream_setup, .setup_now = exactly_now, .setup_wait = exactly_wait,
    .complete = exactly_complete, .start = exactly_start, .finish = exactly_finish,
    .after_cancel = exactly_after_cancel, .teardown = stream_teardown },
#endif
  { TWIN (gcoro_stream_drain_async),
    .setup = stream_setup, .setup_now = nothing, .setup_wait = write_big,
    .complete = peer_start_reading, .start = drain_start, .finish = drain_finish,
    .after_success = drain_after_success, .after_cancel = writes_after_cancel,
    .teardown = stream_teardown },
  { TWIN (gcoro_stream_close_async),
    .setup = stream_setup, .setup_now = nothing, .setup_wait = write_big,
    .complete = peer_start_reading, .start = close_start, .finish = close_finish,
    .after_success = close_after_success, .after_cancel = close_after_cancel,
    .teardown = stream_teardown },
#ifdef HAVE_STREAM_WRITE_EOF_ASYNC
  { TWIN (gcoro_stream_write_eof_async),
    .setup = stream_setup, .setup_now = nothing, .setup_wait = write_big,
    .complete = peer_start_reading, .start = write_eof_start, .finish = write_eof_finish,
    .after_success = close_after_success, .after_cancel = writes_after_cancel,
    .teardown = stream_teardown },
#endif

  /* Servers and connections */
  { TWIN (gcoro_stream_server_wait_closed_async),
    .setup = server_listen_tcp, .setup_now = server_close, .setup_wait = server_busy,
    .complete = server_client_leaves, .start = wait_closed_start, .finish = wait_closed_finish,
    .after_cancel = wait_closed_after_cancel, .teardown = server_teardown },
  { TWIN (gcoro_stream_server_serve_forever_async),
    .setup = server_listen_tcp, .setup_now = server_close, .setup_wait = nothing,
    .complete = server_close, .start = serve_forever_start, .finish = serve_forever_finish,
    .after_cancel = serve_forever_after_cancel, .teardown = server_teardown },
  { TWIN (gcoro_stream_connect_async), .flags = ROW_BLOCKS, .no_later = NO_LATER_CONNECT,
    .setup = server_listen_tcp, .setup_now = nothing,
    .start = connect_start, .finish = connect_finish, .teardown = server_teardown },
  { TWIN (gcoro_stream_connect_tcp_async), .flags = ROW_BLOCKS, .no_later = NO_LATER_CONNECT,
    .setup = server_listen_tcp, .setup_now = nothing,
    .start = connect_tcp_start, .finish = connect_tcp_finish, .teardown = server_teardown },
  { TWIN (gcoro_stream_connect_tls_async), .flags = ROW_BLOCKS, .no_later = NO_LATER_CONNECT,
    .unavailable = tls_unavailable,
    .setup = tls_server_setup, .setup_now = nothing,
    .start = connect_tls_start, .finish = connect_tls_finish, .teardown = server_teardown },
  { TWIN (gcoro_stream_connect_unix_async), .flags = ROW_BLOCKS, .no_later = NO_LATER_CONNECT,
    .setup = unix_server_setup, .setup_now = nothing,
    .start = connect_unix_start, .finish = connect_unix_finish, .teardown = server_teardown },
};

/* `_async` functions with no row of their own, and the row that covers
 * them. Empty today: keep it that way if you can. */
static const struct
{
  const char *function;
  const char *covered_by;
} covered_elsewhere[] = {
  { NULL, NULL },
};

static gboolean
has_row (const char *function)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (g_str_equal (rows[i].function, function))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (covered_elsewhere); i++)
    if (g_strcmp0 (covered_elsewhere[i].function, function) == 0)
      return TRUE;
  return FALSE;
}

/* --- the GIR: every _async function has a row ----------------------------------------- */

static void
gir_start_element (GMarkupParseContext  *context,
                   const char           *element_name,
                   const char          **attribute_names,
                   const char          **attribute_values,
                   gpointer              user_data,
                   GError              **error)
{
  GPtrArray *found = user_data;

  if (!g_str_equal (element_name, "function") && !g_str_equal (element_name, "method") &&
      !g_str_equal (element_name, "constructor"))
    return;

  for (guint i = 0; attribute_names[i] != NULL; i++)
    if (g_str_equal (attribute_names[i], "c:identifier") &&
        g_str_has_suffix (attribute_values[i], "_async"))
      g_ptr_array_add (found, g_strdup (attribute_values[i]));
}

static void
test_gir_coverage (void)
{
  const char *path = g_getenv ("GCORO_TWINS_GIR");
  const GMarkupParser parser = { .start_element = gir_start_element };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (path == NULL || *path == '\0')
    {
      g_test_skip ("built without introspection: no GCoro-1.0.gir to enumerate "
                   "(GCORO_TWINS_GIR is unset); the table still runs");
      return;
    }

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, found, NULL);
  g_markup_parse_context_parse (context, text, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  /* A GIR without the well-known twins is not the library's. */
  g_assert_cmpuint (found->len, >=, 20);

  for (guint i = 0; i < found->len; i++)
    if (!has_row (found->pdata[i]))
      g_string_append_printf (missing, " %s", (const char *) found->pdata[i]);
  g_test_message ("%u _async functions in %s, %u rows", found->len, path,
                  (guint) G_N_ELEMENTS (rows));
  if (missing->len > 0)
    g_test_fail_printf ("these _async functions of the GIR have no row in the table of "
                        "tests/c/test-async-twins.c:%s", missing->str);
}

/* The row's name in test paths: gcoro_queue_get_async → queue-get */
static char *
row_name (const Row *row)
{
  const char *name = row->function + strlen ("gcoro_");
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen ("_async"));

  return g_strdelimit (g_steal_pointer (&stem), "_", '-');
}

int
main (int   argc,
      char *argv[])
{
  /* Owned here: a test filtered out with -p or --skip-prefix never runs
   * the teardown that would free its data. */
  g_autofree Spec *specs = g_new0 (Spec, G_N_ELEMENTS (rows) * N_CASE_KINDS * 2);
  Spec *spec = specs;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* A peer that went away must be an error, not a signal. */
  signal (SIGPIPE, SIG_IGN);

  probe = gcoro_context_var_new ("twins-probe");

  g_test_add_func ("/gcoro/async-twins/gir-coverage", test_gir_coverage);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *name = row_name (&rows[i]);

      for (CaseKind kind = 0; kind < N_CASE_KINDS; kind++)
        for (int pushed = 0; pushed < 2; pushed++, spec++)
          {
            g_autofree char *path = g_strdup_printf ("/gcoro/async-twins/%s/%s%s", name,
                                                     kind_names[kind], pushed ? "-pushed" : "");

            spec->row = &rows[i];
            spec->kind = kind;
            spec->pushed = pushed;
            g_test_add_data_func (path, spec, test_twin);
          }
    }

  ret = g_test_run ();
  g_object_unref (probe);
  return ret;
}
