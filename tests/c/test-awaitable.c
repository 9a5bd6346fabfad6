/* test-awaitable.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

/* --- a user-defined awaitable: a door that opens -------------------------------- */

#define TEST_TYPE_DOOR (test_door_get_type ())
G_DECLARE_FINAL_TYPE (TestDoor, test_door, TEST, DOOR, GObject)

struct _TestDoor
{
  GObject       parent_instance;
  GCoroPromise *opened;
  guint         n_get_future;
};

static GCoroFuture *
test_door_get_future (GCoroAwaitable *awaitable)
{
  TestDoor *self = TEST_DOOR (awaitable);

  self->n_get_future++;
  if (self->opened == NULL)
    self->opened = gcoro_promise_new ();
  return g_object_ref (GCORO_FUTURE (self->opened));
}

static void
test_door_awaitable_init (GCoroAwaitableInterface *iface)
{
  iface->get_future = test_door_get_future;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestDoor, test_door, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE, test_door_awaitable_init))

static void
test_door_finalize (GObject *object)
{
  g_clear_object (&TEST_DOOR (object)->opened);
  G_OBJECT_CLASS (test_door_parent_class)->finalize (object);
}

static void
test_door_class_init (TestDoorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_door_finalize;
}

static void
test_door_init (TestDoor *self)
{
}

static void
test_door_open (TestDoor   *self,
                const char *who)
{
  if (self->opened == NULL)
    self->opened = gcoro_promise_new ();
  gcoro_promise_resolve_string (self->opened, who);
}

/* --- tests ------------------------------------------------------------------------ */

static void
await_it (GCoroTask *task,
          gpointer   user_data)
{
  GValue v = G_VALUE_INIT;
  GError *error = NULL;

  if (!gcoro_await_awaitable (user_data, &v, &error))
    return gcoro_task_return_error (task, error);
  gcoro_task_return_value (task, G_IS_VALUE (&v) ? &v : NULL);
  if (G_IS_VALUE (&v))
    g_value_unset (&v);
}

static gboolean
open_later (gpointer data)
{
  test_door_open (data, "alice");
  return G_SOURCE_REMOVE;
}

static void
test_user_type (void)
{
  g_autoptr(TestDoor) door = g_object_new (TEST_TYPE_DOOR, NULL);
  g_autoptr(GCoroTask) task = gcoro_spawn (await_it, door, NULL);
  g_autoptr(GError) error = NULL;

  settle_loop ();
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));
  g_assert_cmpuint (door->n_get_future, ==, 1);
  g_idle_add (open_later, door);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, "alice");
}

static void
test_futures_and_tasks (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCoroTask) waits_promise = NULL;
  g_autoptr(GCoroTask) waits_task = NULL;
  g_autoptr(GCoroFuture) f = NULL;
  g_autoptr(GError) error = NULL;

  /* A future is its own wait. */
  g_assert_true (GCORO_IS_AWAITABLE (p));
  f = gcoro_awaitable_get_future (GCORO_AWAITABLE (p));
  g_assert_true (f == GCORO_FUTURE (p));

  waits_promise = gcoro_spawn (await_it, p, NULL);
  waits_task = gcoro_spawn (await_it, waits_promise, NULL);
  g_assert_true (GCORO_IS_AWAITABLE (waits_task));
  settle_loop ();
  gcoro_promise_resolve_int64 (p, 7);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (waits_task), &error));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (waits_task))), ==, 7);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancellable_adapter (void)
{
  g_autoptr(GCancellable) c = g_cancellable_new ();
  g_autoptr(GCoroCancellableAwaitable) stop = gcoro_cancellable_awaitable_new (c);
  g_autoptr(GCoroTask) task = gcoro_spawn (await_it, stop, NULL);
  g_autoptr(GCoroTask) late = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_cancellable_awaitable_get_cancellable (stop) == c);
  settle_loop ();
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));
  g_idle_add (cancel_later, c);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_no_error (error);

  /* Already cancelled: ready at once, from a new adapter too. */
  g_clear_object (&stop);
  stop = gcoro_cancellable_awaitable_new (c);
  late = gcoro_spawn (await_it, stop, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (late), &error));
}

static void
test_cancellable_adapter_waiter_cancelled (void)
{
  g_autoptr(GCancellable) c = g_cancellable_new ();
  g_autoptr(GCoroCancellableAwaitable) stop = gcoro_cancellable_awaitable_new (c);
  g_autoptr(GCoroTask) task = gcoro_spawn (await_it, stop, NULL);
  g_autoptr(GError) error = NULL;

  settle_loop ();
  gcoro_task_cancel (task);
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_cancellable_is_cancelled (c));
}

static void
test_event (void)
{
  g_autoptr(GCoroEvent) event = gcoro_event_new ();
  g_autoptr(GCoroTask) a = gcoro_spawn (await_it, event, NULL);
  g_autoptr(GCoroTask) b = NULL;
  g_autoptr(GError) error = NULL;

  settle_loop ();
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (a)));
  gcoro_event_set (event);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (a), &error));
  b = gcoro_spawn (await_it, event, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (b), &error));
}

/* A stepped task waits on an awaitable through its future. */
static GCoroFuture *
step_on_door (GCoroTask   *task,
              GCoroFuture *completed,
              gpointer     user_data)
{
  if (completed == NULL)
    return gcoro_awaitable_get_future (user_data);
  gcoro_task_return_value (task, gcoro_future_peek_value (completed));
  return NULL;
}

static void
test_stepped_task (void)
{
  g_autoptr(TestDoor) door = g_object_new (TEST_TYPE_DOOR, NULL);
  g_autoptr(GCoroTask) task = gcoro_spawn_stepped ("stepped", step_on_door, door, NULL);

  settle_loop ();
  test_door_open (door, "bob");
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, "bob");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/awaitable/user-type", test_user_type);
  g_test_add_func ("/gcoro/awaitable/futures-and-tasks", test_futures_and_tasks);
  g_test_add_func ("/gcoro/awaitable/cancellable-adapter", test_cancellable_adapter);
  g_test_add_func ("/gcoro/awaitable/cancellable-adapter-waiter-cancelled",
                   test_cancellable_adapter_waiter_cancelled);
  g_test_add_func ("/gcoro/awaitable/event", test_event);
  g_test_add_func ("/gcoro/awaitable/stepped-task", test_stepped_task);

  return g_test_run ();
}
