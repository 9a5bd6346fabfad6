/* test-context-var.c: PEP 567 semantics for tasks, threads and callbacks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static GCoroContextVar *
string_var (const char *name,
            const char *default_value)
{
  g_auto(GValue) v = G_VALUE_INIT;

  if (default_value == NULL)
    return gcoro_context_var_new (name);
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, default_value);
  return gcoro_context_var_new_with_default (name, &v);
}

/* Each test runs in a fresh context, so the thread's own context does not
 * leak between tests. */
static void
in_fresh_context (GTestDataFunc func)
{
  g_autoptr(GCoroContext) ctx = gcoro_context_new ();

  g_assert_true (gcoro_context_run (ctx, (GCoroContextFunc) func, NULL, NULL));
}

#define FRESH(fn) static void fn##_fresh (void) { in_fresh_context ((GTestDataFunc) fn); }

static void
test_get_set_reset (void)
{
  g_autoptr(GCoroContextVar) var = gcoro_context_var_new ("answer");
  g_autoptr(GError) error = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  g_autoptr(GCoroToken) t1 = NULL;
  g_autoptr(GCoroToken) t2 = NULL;

  g_assert_cmpstr (gcoro_context_var_get_name (var), ==, "answer");
  g_assert_false (gcoro_context_var_get (var, &v, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE);
  g_assert_nonnull (strstr (error->message, "answer"));
  g_value_unset (&v);
  g_clear_error (&error);

  t1 = gcoro_context_var_set_int64 (var, 1);
  t2 = gcoro_context_var_set_int64 (var, 2);
  g_assert_cmpint (gcoro_context_var_get_int64 (var, -1), ==, 2);

  /* The tokens remember what was there. */
  g_assert_false (gcoro_token_get_old_value (t1, NULL));
  g_assert_true (gcoro_token_get_old_value (t2, &v));
  g_assert_cmpint (g_value_get_int64 (&v), ==, 1);
  g_assert_true (gcoro_token_get_var (t2) == var);

  g_assert_true (gcoro_context_var_reset (var, t2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gcoro_context_var_get_int64 (var, -1), ==, 1);
  g_assert_true (gcoro_token_is_used (t2));
  g_assert_true (gcoro_context_var_reset (var, t1, NULL));
  g_assert_null (gcoro_context_var_peek (var));
  g_assert_cmpint (gcoro_context_var_get_int64 (var, -1), ==, -1);
}
FRESH (test_get_set_reset)

static void
test_default_and_fallback (void)
{
  g_autoptr(GCoroContextVar) with_default = string_var ("d", "dflt");
  g_autoptr(GCoroContextVar) without = string_var ("n", NULL);
  g_auto(GValue) fallback = G_VALUE_INIT;
  g_auto(GValue) a = G_VALUE_INIT;
  g_auto(GValue) b = G_VALUE_INIT;
  g_auto(GValue) c = G_VALUE_INIT;
  g_auto(GValue) d = G_VALUE_INIT;
  g_autofree char *s = NULL;
  g_autoptr(GCoroToken) t = NULL;

  g_value_init (&fallback, G_TYPE_STRING);
  g_value_set_string (&fallback, "fb");

  s = gcoro_context_var_dup_string (with_default);
  g_assert_cmpstr (s, ==, "dflt");
  g_assert_true (gcoro_context_var_get_default (with_default, NULL));
  g_assert_false (gcoro_context_var_get_default (without, NULL));

  /* var.get(fallback): value, else fallback, else default. */
  gcoro_context_var_get_or (with_default, &fallback, &a);
  g_assert_cmpstr (g_value_get_string (&a), ==, "fb");
  gcoro_context_var_get_or (with_default, NULL, &b);
  g_assert_cmpstr (g_value_get_string (&b), ==, "dflt");
  gcoro_context_var_get_or (without, NULL, &c);
  g_assert_true (G_VALUE_HOLDS_OBJECT (&c) && g_value_get_object (&c) == NULL);

  t = gcoro_context_var_set_string (with_default, "set");
  gcoro_context_var_get_or (with_default, &fallback, &d);
  g_assert_cmpstr (g_value_get_string (&d), ==, "set");
}
FRESH (test_default_and_fallback)

static void
test_bad_tokens (void)
{
  g_autoptr(GCoroContextVar) a = gcoro_context_var_new ("a");
  g_autoptr(GCoroContextVar) b = gcoro_context_var_new ("b");
  g_autoptr(GCoroToken) t = gcoro_context_var_set_int64 (a, 5);
  g_autoptr(GError) error = NULL;

  /* Another variable's token: refused, nothing changes. */
  g_assert_false (gcoro_context_var_reset (b, t, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_INVALID_TOKEN);
  g_clear_error (&error);
  g_assert_cmpint (gcoro_context_var_get_int64 (a, 0), ==, 5);

  g_assert_true (gcoro_context_var_reset (a, t, NULL));
  /* Twice: refused, and told apart from a wrong variable or context. */
  g_assert_false (gcoro_context_var_reset (a, t, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_TOKEN_USED);
}
FRESH (test_bad_tokens)

typedef struct
{
  GCoroContextVar *var;
  GCoroToken      *token;
  GError          *error;
} ForeignToken;

static void
reset_in_other_context (gpointer data)
{
  ForeignToken *ft = data;

  g_assert_false (gcoro_context_var_reset (ft->var, ft->token, &ft->error));
}

static void
test_token_from_another_context (void)
{
  g_autoptr(GCoroContextVar) var = gcoro_context_var_new ("v");
  g_autoptr(GCoroToken) t = gcoro_context_var_set_int64 (var, 1);
  g_autoptr(GCoroContext) other = gcoro_context_copy_current ();
  ForeignToken ft = { var, t, NULL };

  g_assert_true (gcoro_context_run (other, reset_in_other_context, &ft, NULL));
  g_assert_error (ft.error, GCORO_ERROR, GCORO_ERROR_INVALID_TOKEN);
  g_clear_error (&ft.error);
  g_assert_false (gcoro_token_is_used (t));
}
FRESH (test_token_from_another_context)

typedef struct
{
  GCoroContextVar *var;
  GCoroContext    *ctx;
  gboolean         reentered;
  GError          *error;
} RunState;

static void
set_inside (gpointer data)
{
  RunState *rs = data;
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_1 = gcoro_context_var_set_string (rs->var, "inside");

  g_assert_true (gcoro_context_is_entered (rs->ctx));
  rs->reentered = gcoro_context_run (rs->ctx, set_inside, rs, &rs->error);
}

static void
test_run_contains_changes (void)
{
  g_autoptr(GCoroContextVar) var = string_var ("where", NULL);
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_2 = gcoro_context_var_set_string (var, "outside");
  g_autoptr(GCoroContext) ctx = gcoro_context_copy_current ();
  RunState rs = { var, ctx, FALSE, NULL };
  g_auto(GValue) v = G_VALUE_INIT;
  g_autofree char *now = NULL;

  g_assert_cmpuint (gcoro_context_get_length (ctx), ==, 1);
  g_assert_false (gcoro_context_is_entered (ctx));
  g_assert_true (gcoro_context_run (ctx, set_inside, &rs, NULL));
  g_assert_false (gcoro_context_is_entered (ctx));
  /* Re-entering an entered context is refused. */
  g_assert_false (rs.reentered);
  g_assert_error (rs.error, GCORO_ERROR, GCORO_ERROR_CONTEXT_ENTERED);
  g_clear_error (&rs.error);

  /* The change stayed in ctx. */
  now = gcoro_context_var_dup_string (var);
  g_assert_cmpstr (now, ==, "outside");
  g_assert_true (gcoro_context_lookup (ctx, var, &v));
  g_assert_cmpstr (g_value_get_string (&v), ==, "inside");
}
FRESH (test_run_contains_changes)

static void
test_enumerate (void)
{
  g_autoptr(GCoroContextVar) a = gcoro_context_var_new ("a");
  g_autoptr(GCoroContextVar) b = gcoro_context_var_new ("b");
  g_autoptr(GCoroContextVar) unset = string_var ("unset", "has default");
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_3 = gcoro_context_var_set_int64 (a, 1);
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_4 = gcoro_context_var_set_string (b, "two");
  g_autoptr(GCoroContext) ctx = gcoro_context_copy_current ();
  g_autoptr(GPtrArray) vars = gcoro_context_list_vars (ctx);
  g_autoptr(GCoroContext) empty = gcoro_context_new ();

  g_assert_cmpuint (gcoro_context_get_length (ctx), ==, 2);
  g_assert_cmpuint (vars->len, ==, 2);
  g_assert_true ((vars->pdata[0] == a && vars->pdata[1] == b) ||
                 (vars->pdata[0] == b && vars->pdata[1] == a));
  g_assert_true (gcoro_context_contains (ctx, a));
  g_assert_false (gcoro_context_contains (ctx, unset));
  g_assert_false (gcoro_context_lookup (ctx, unset, NULL));
  g_assert_cmpuint (gcoro_context_get_length (empty), ==, 0);
}
FRESH (test_enumerate)

static int pointer_frees;

static void
count_free (gpointer p)
{
  pointer_frees++;
  g_free (p);
}

static void
test_typed_values (void)
{
  g_autoptr(GCoroContextVar) var = gcoro_context_var_new ("any");
  g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GCoroToken) t1 = NULL;
  GCoroToken *t2;
  g_autoptr(GObject) back = NULL;

  t1 = gcoro_context_var_set_object (var, obj);
  back = gcoro_context_var_dup_object (var);
  g_assert_true (back == obj);
  g_assert_null (gcoro_context_var_dup_string (var));

  pointer_frees = 0;
  t2 = gcoro_context_var_set_pointer (var, g_strdup ("p"), count_free);
  g_assert_cmpstr (gcoro_context_var_get_pointer (var), ==, "p");
  g_assert_true (gcoro_context_var_reset (var, t2, NULL));
  /* Still held by nobody but the (used) token? No: tokens keep the OLD
   * value; the pointer went away with its context entry. */
  g_assert_cmpint (pointer_frees, ==, 1);
  gcoro_token_unref (t2);
}
FRESH (test_typed_values)

/* --- tasks --------------------------------------------------------------------- */

static GCoroContextVar *peer;

typedef struct
{
  GString *log;
} Family;

static void
child_body (GCoroTask *task,
            gpointer   user_data)
{
  GString *log = user_data;
  g_autofree char *seen = gcoro_context_var_dup_string (peer);
  g_autoptr(GCoroToken) t = NULL;

  g_string_append_printf (log, "%s:saw=%s ", gcoro_task_get_name (task), seen);
  t = gcoro_context_var_set_string (peer, gcoro_task_get_name (task));
  gcoro_yield (NULL);
  g_free (seen);
  seen = gcoro_context_var_dup_string (peer);
  g_string_append_printf (log, "%s:own=%s ", gcoro_task_get_name (task), seen);
}

static void
parent_body (GCoroTask *task,
             gpointer   user_data)
{
  GString *log = user_data;
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_5 = gcoro_context_var_set_string (peer, "parent");
  GCoroSpawnOptions o1 = { .name = "c1" }, o2 = { .name = "c2" };
  g_autoptr(GCoroTask) c1 = gcoro_spawn_full (&o1, child_body, log, NULL);
  g_autoptr(GCoroToken) t2 = NULL;
  g_autoptr(GCoroTask) c2 = NULL;
  g_autofree char *after = NULL;

  /* A set after spawning c1 is not seen by c1 (copy at spawn time)... */
  t2 = gcoro_context_var_set_string (peer, "parent-later");
  /* ...but is by c2. */
  c2 = gcoro_spawn_full (&o2, child_body, log, NULL);
  gcoro_await (GCORO_FUTURE (c1), NULL);
  gcoro_await (GCORO_FUTURE (c2), NULL);

  after = gcoro_context_var_dup_string (peer);
  g_string_append_printf (log, "parent:own=%s", after);
}

static void
test_children_inherit_a_copy (void)
{
  GString *log = g_string_new (NULL);
  g_autoptr(GCoroTask) parent = NULL;

  peer = string_var ("peer", NULL);
  parent = gcoro_spawn (parent_body, log, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (parent), NULL));
  g_assert_cmpstr (log->str, ==,
                   "c1:saw=parent c2:saw=parent-later c1:own=c1 c2:own=c2 parent:own=parent-later");
  /* The thread's own context never saw any of it. */
  g_assert_null (gcoro_context_var_peek (peer));
  g_string_free (log, TRUE);
  g_clear_object (&peer);
}
FRESH (test_children_inherit_a_copy)

typedef struct
{
  GCoroContextVar *var;
  int              mismatches;
} Crowd;

static void
crowd_member (GCoroTask *task,
              gpointer   user_data)
{
  Crowd *crowd = user_data;
  gint64 me = (gint64) (gsize) g_object_get_data (G_OBJECT (task), "index");
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_6 = gcoro_context_var_set_int64 (crowd->var, me);

  for (int round = 0; round < 4; round++)
    {
      if (round % 2)
        gcoro_sleep (g_random_int_range (0, 3), NULL);
      else
        gcoro_yield (NULL);
      if (gcoro_context_var_get_int64 (crowd->var, -1) != me)
        crowd->mismatches++;
    }
}

static void
test_thousand_tasks_own_values (void)
{
  enum { N = 1000 };
  Crowd crowd = { gcoro_context_var_new ("id"), 0 };
  GCoroTask *tasks[N];

  for (gsize i = 0; i < N; i++)
    {
      /* Set the data before the task first runs (it runs at dispatch). */
      tasks[i] = gcoro_spawn (crowd_member, &crowd, NULL);
      g_object_set_data (G_OBJECT (tasks[i]), "index", (gpointer) i);
    }
  for (guint i = 0; i < N; i++)
    {
      g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }
  g_assert_cmpint (crowd.mismatches, ==, 0);
  g_object_unref (crowd.var);
}
FRESH (test_thousand_tasks_own_values)

typedef struct
{
  GCoroContextVar *var;
  GCoroContext    *ctx;
  GString         *log;
} RunInTask;

static void
run_and_suspend (gpointer data)
{
  RunInTask *r = data;
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_7 = gcoro_context_var_set_string (r->var, "in-ctx");
  g_autofree char *after = NULL;

  gcoro_sleep (1, NULL);   /* suspend inside gcoro_context_run() */
  after = gcoro_context_var_dup_string (r->var);
  g_string_append_printf (r->log, "after-sleep=%s ", after);
}

static void
task_running_a_context (GCoroTask *task,
                        gpointer   user_data)
{
  RunInTask *r = user_data;
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_8 = gcoro_context_var_set_string (r->var, "task");
  g_autofree char *back = NULL;

  gcoro_context_run (r->ctx, run_and_suspend, r, NULL);
  back = gcoro_context_var_dup_string (r->var);
  g_string_append_printf (r->log, "back=%s", back);
}

static void
interfering_task (GCoroTask *task,
                  gpointer   user_data)
{
  RunInTask *r = user_data;
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_9 = gcoro_context_var_set_string (r->var, "other");

  gcoro_yield (NULL);
}

static void
test_run_inside_task_across_suspension (void)
{
  RunInTask r = { string_var ("v", NULL), gcoro_context_new (), g_string_new (NULL) };
  g_autoptr(GCoroTask) a = gcoro_spawn (task_running_a_context, &r, NULL);
  g_autoptr(GCoroTask) b = gcoro_spawn (interfering_task, &r, NULL);

  gcoro_run_until_complete (GCORO_FUTURE (a), NULL);
  gcoro_run_until_complete (GCORO_FUTURE (b), NULL);
  g_assert_cmpstr (r.log->str, ==, "after-sleep=in-ctx back=task");
  g_object_unref (r.var);
  g_object_unref (r.ctx);
  g_string_free (r.log, TRUE);
}
FRESH (test_run_inside_task_across_suspension)

/* --- threads and callbacks ------------------------------------------------------- */

typedef struct
{
  GCoroContextVar *var;
  GCoroContext    *ctx;
  char            *seen;
  char            *thread_own;
} Offload;

static void
read_in_worker (gpointer data)
{
  Offload *o = data;
  g_autoptr(GCoroToken) t = NULL;

  o->seen = gcoro_context_var_dup_string (o->var);
  /* What the worker sets stays in its copy. */
  t = gcoro_context_var_set_string (o->var, "worker");
}

static void
worker (GTask        *task,
        gpointer      source,
        gpointer      task_data,
        GCancellable *cancellable)
{
  Offload *o = task_data;

  /* Outside any context run, a thread has its own (empty) context. */
  o->thread_own = gcoro_context_var_dup_string (o->var);
  gcoro_context_run (o->ctx, read_in_worker, o, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
test_thread_pool_runs_in_a_copy (void)
{
  g_autoptr(GCoroContextVar) var = string_var ("user", NULL);
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_10 = gcoro_context_var_set_string (var, "alice");
  Offload o = { var, gcoro_context_copy_current (), NULL, NULL };
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  g_autofree char *mine = NULL;

  g_task_set_task_data (task, &o, NULL);
  g_task_run_in_thread_sync (task, worker);

  g_assert_cmpstr (o.seen, ==, "alice");
  g_assert_null (o.thread_own);
  mine = gcoro_context_var_dup_string (var);
  g_assert_cmpstr (mine, ==, "alice");
  g_free (o.seen);
  g_object_unref (o.ctx);
}
FRESH (test_thread_pool_runs_in_a_copy)

typedef struct
{
  GCoroContextVar *var;
  char            *in_callback;
  int              done;
} CallbackCtx;

static void
slept (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  CallbackCtx *cc = user_data;

  gcoro_sleep_finish (result, NULL);
  cc->in_callback = gcoro_context_var_dup_string (cc->var);
  cc->done++;
}

static void
test_async_callbacks_run_in_starting_context (void)
{
  g_autoptr(GCoroContextVar) var = string_var ("op", NULL);
  CallbackCtx cc = { var, NULL, 0 };
  GCoroToken *t = gcoro_context_var_set_string (var, "at-start");

  gcoro_sleep_async (1, NULL, slept, &cc);
  /* Changed before the operation completes. */
  g_assert_true (gcoro_context_var_reset (var, t, NULL));
  gcoro_token_unref (t);

  while (cc.done == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (cc.in_callback, ==, "at-start");
  g_assert_null (gcoro_context_var_peek (var));
  g_free (cc.in_callback);
}
FRESH (test_async_callbacks_run_in_starting_context)

static gpointer
thread_sets_its_own (gpointer data)
{
  GCoroContextVar *var = data;
  g_autoptr(GCoroToken) t = NULL;
  char *seen = gcoro_context_var_dup_string (var);

  g_assert_null (seen);
  t = gcoro_context_var_set_string (var, "thread");
  return gcoro_context_var_dup_string (var);
}

static void
test_threads_have_their_own_context (void)
{
  g_autoptr(GCoroContextVar) var = string_var ("t", NULL);
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_11 = gcoro_context_var_set_string (var, "main");
  g_autofree char *from_thread = g_thread_join (g_thread_new ("other", thread_sets_its_own, var));
  g_autofree char *mine = gcoro_context_var_dup_string (var);

  g_assert_cmpstr (from_thread, ==, "thread");
  g_assert_cmpstr (mine, ==, "main");
}
FRESH (test_threads_have_their_own_context)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/context-var/get-set-reset", test_get_set_reset_fresh);
  g_test_add_func ("/gcoro/context-var/default-and-fallback", test_default_and_fallback_fresh);
  g_test_add_func ("/gcoro/context-var/bad-tokens", test_bad_tokens_fresh);
  g_test_add_func ("/gcoro/context-var/token-from-another-context", test_token_from_another_context_fresh);
  g_test_add_func ("/gcoro/context-var/run-contains-changes", test_run_contains_changes_fresh);
  g_test_add_func ("/gcoro/context-var/enumerate", test_enumerate_fresh);
  g_test_add_func ("/gcoro/context-var/typed-values", test_typed_values_fresh);
  g_test_add_func ("/gcoro/context-var/children-inherit-a-copy", test_children_inherit_a_copy_fresh);
  g_test_add_func ("/gcoro/context-var/thousand-tasks", test_thousand_tasks_own_values_fresh);
  g_test_add_func ("/gcoro/context-var/run-inside-task", test_run_inside_task_across_suspension_fresh);
  g_test_add_func ("/gcoro/context-var/thread-pool-copy", test_thread_pool_runs_in_a_copy_fresh);
  g_test_add_func ("/gcoro/context-var/async-callback-context", test_async_callbacks_run_in_starting_context_fresh);
  g_test_add_func ("/gcoro/context-var/threads-own-context", test_threads_have_their_own_context_fresh);

  return g_test_run ();
}
