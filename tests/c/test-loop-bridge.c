/* test-loop-bridge.c: a hosted event loop's callbacks, timers, descriptors
 * and futures on the scheduler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-coro.h>

#include "gcoro-test-util.h"

/* A hosted loop that records what the bridge tells it. */
typedef struct
{
  int      calls;
  gint64   next;          /* what the function returns */
  GArray  *events;        /* every pair taken, flat */
  gboolean take;          /* take events when told */
  gboolean had_events;    /* the last call's has_events */
  gboolean freed;
  gint64   last_call;     /* g_get_monotonic_time() */
} Hosted;

static gint64
hosted_iterate (GCoroLoopBridge *bridge,
                gboolean         has_events,
                gpointer         user_data)
{
  Hosted *h = user_data;

  h->calls++;
  h->had_events = has_events;
  h->last_call = g_get_monotonic_time ();
  if (has_events && h->take)
    {
      gsize n;
      g_autofree gint64 *events = gcoro_loop_bridge_take_events (bridge, &n);

      g_array_append_vals (h->events, events, n);
    }
  return h->next;
}

static void
hosted_free (gpointer user_data)
{
  Hosted *h = user_data;

  h->freed = TRUE;
}

static GCoroLoopBridge *
hosted_new (Hosted *h)
{
  memset (h, 0, sizeof *h);
  h->next = GCORO_LOOP_BRIDGE_NO_DEADLINE;
  h->events = g_array_new (FALSE, FALSE, sizeof (gint64));
  h->take = TRUE;
  return gcoro_loop_bridge_new (NULL, hosted_iterate, h, hosted_free);
}

static void
hosted_clear (Hosted          *h,
              GCoroLoopBridge *bridge)
{
  gcoro_loop_bridge_close (bridge);
  g_assert_true (h->freed);
  g_object_unref (bridge);
  g_array_unref (h->events);
  settle_loop ();
}

static void
test_wakeup_once (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);

  gcoro_loop_bridge_wakeup (bridge);
  gcoro_loop_bridge_wakeup (bridge);
  gcoro_loop_bridge_wakeup (bridge);
  g_assert_cmpint (h.calls, ==, 0);   /* never from inside wakeup() */
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 1);
  g_assert_false (h.had_events);

  hosted_clear (&h, bridge);
}

static gboolean
count_idle (gpointer user_data)
{
  (*(int *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* A function that returns a past deadline runs again at the next turn,
 * after the other ready sources of the context (one iteration each). */
static void
test_next_turn (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  int idles = 0;
  guint id = g_idle_add_full (G_PRIORITY_DEFAULT, count_idle, &idles, NULL);

  h.next = 0;
  gcoro_loop_bridge_wakeup (bridge);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (h.calls, >=, 4);
  g_assert_cmpint (ABS (h.calls - idles), <=, 1);

  g_source_remove (id);
  hosted_clear (&h, bridge);
}

static void
test_deadline (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  gint64 deadline;

  h.next = deadline = g_get_monotonic_time () + 20000;
  gcoro_loop_bridge_wakeup (bridge);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (h.calls, ==, 1);

  h.next = GCORO_LOOP_BRIDGE_NO_DEADLINE;
  iterate_until (&h.calls, 2);
  g_assert_cmpint (h.last_call, >=, deadline);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 2);

  hosted_clear (&h, bridge);
}

/* wake_at() keeps the earliest deadline. */
static void
test_wake_at_earliest (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  gint64 early = g_get_monotonic_time () + 10000;

  gcoro_loop_bridge_wake_at (bridge, early);
  gcoro_loop_bridge_wake_at (bridge, early + 10 * G_USEC_PER_SEC);
  iterate_until (&h.calls, 1);
  g_assert_cmpint (h.last_call, >=, early);
  g_assert_cmpint (h.last_call, <, early + 10 * G_USEC_PER_SEC);

  hosted_clear (&h, bridge);
}

static void
make_pair (int fds[2])
{
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds));
}

static gboolean
events_have_fd (Hosted      *h,
                int          fd,
                GIOCondition condition)
{
  for (guint i = 0; i + 1 < h->events->len; i += 2)
    if (g_array_index (h->events, gint64, i) == fd &&
        g_array_index (h->events, gint64, i + 1) == condition)
      return TRUE;
  return FALSE;
}

/* Readiness is level-triggered: reported at every turn until drained. */
static void
test_fd_level (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GError) error = NULL;
  int fds[2];
  char buf[8];

  make_pair (fds);
  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], G_IO_IN, &error));
  g_assert_no_error (error);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  g_assert_cmpint (write (fds[1], "xy", 2), ==, 2);
  iterate_until (&h.calls, 1);
  g_assert_true (h.had_events);
  g_assert_true (events_have_fd (&h, fds[0], G_IO_IN));

  /* Not read: reported again. */
  iterate_until (&h.calls, 3);

  g_assert_cmpint (read (fds[0], buf, sizeof buf), ==, 2);
  settle_loop ();
  h.calls = 0;
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  /* Unwatched: nothing more. */
  g_assert_cmpint (write (fds[1], "z", 1), ==, 1);
  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], 0, &error));
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  close (fds[0]);
  close (fds[1]);
  hosted_clear (&h, bridge);
}

/* Changing what a descriptor is watched for; a hang-up is news for the
 * conditions watched. */
static void
test_fd_modify (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GError) error = NULL;
  int fds[2];

  make_pair (fds);
  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], G_IO_OUT, &error));
  iterate_until (&h.calls, 1);
  g_assert_true (events_have_fd (&h, fds[0], G_IO_OUT));

  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], G_IO_IN, &error));
  g_assert_no_error (error);
  settle_loop ();
  h.calls = 0;
  g_array_set_size (h.events, 0);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  close (fds[1]);
  iterate_until (&h.calls, 1);
  g_assert_true (events_have_fd (&h, fds[0], G_IO_IN));
  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], 0, &error));

  close (fds[0]);
  hosted_clear (&h, bridge);
}

/* The epoll backend refuses regular files, as asyncio's epoll selector
 * does; the error carries the errno. */
static void
test_fd_refused (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GError) error = NULL;
  int fd = open (GCORO_TEST_SRCDIR "/meson.build", O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  if (gcoro_get_backend () == GCORO_BACKEND_EPOLL)
    {
      g_assert_false (gcoro_loop_bridge_watch_fd (bridge, fd, G_IO_IN, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM);
    }
  else
    {
      g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fd, G_IO_IN, &error));
      g_assert_no_error (error);
      g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fd, 0, &error));
    }
  g_clear_error (&error);
  g_assert_false (gcoro_loop_bridge_watch_fd (bridge, -1, G_IO_IN, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_BADF);

  close (fd);
  hosted_clear (&h, bridge);
}

static gpointer
resolve_in_thread (gpointer data)
{
  gcoro_promise_resolve (data, NULL);
  return NULL;
}

/* A watched future is reported by its token, settled from any thread;
 * one settled already is reported too. */
static void
test_future (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCoroPromise) done = gcoro_promise_new ();
  GThread *thread;

  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 41);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  thread = g_thread_new ("resolver", resolve_in_thread, p);
  iterate_until (&h.calls, 1);
  g_thread_join (thread);
  g_assert_cmpuint (h.events->len, ==, 2);
  g_assert_cmpint (g_array_index (h.events, gint64, 0), ==, GCORO_LOOP_BRIDGE_FUTURE);
  g_assert_cmpint (g_array_index (h.events, gint64, 1), ==, 41);

  gcoro_promise_resolve (done, NULL);
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (done), 42);
  iterate_until (&h.calls, 2);
  g_assert_cmpint (g_array_index (h.events, gint64, 3), ==, 42);

  hosted_clear (&h, bridge);
}

static void
test_unwatch_future (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCoroPromise) q = gcoro_promise_new ();

  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 1);
  g_assert_true (gcoro_loop_bridge_unwatch_future (bridge, 1));
  g_assert_false (gcoro_loop_bridge_unwatch_future (bridge, 1));
  gcoro_promise_resolve (p, NULL);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);

  /* Settled on this thread (noted by the bridge at once, which is due
   * then), then unwatched before it was taken: not reported. */
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (q), 2);
  gcoro_promise_resolve (q, NULL);
  g_assert_true (gcoro_loop_bridge_unwatch_future (bridge, 2));
  settle_loop ();
  g_assert_false (h.had_events);
  g_assert_cmpuint (h.events->len, ==, 0);

  hosted_clear (&h, bridge);
}

static gpointer
resolve_later_in_thread (gpointer data)
{
  gcoro_promise_resolve_int64 (data, 2);
  return NULL;
}

/* Between begin_iteration() and end_iteration(), a settled future is
 * noted without a call: the hosted loop takes it itself; what it leaves
 * makes it due once it ends. */
static void
test_iteration_news (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCoroPromise) q = gcoro_promise_new ();
  g_autoptr(GCoroPromise) r = gcoro_promise_new ();
  g_autofree gint64 *events = NULL;
  GThread *thread;
  gsize n;

  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 1);
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (q), 2);
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (r), 3);

  gcoro_loop_bridge_begin_iteration (bridge);
  g_assert_false (gcoro_loop_bridge_has_news (bridge));
  gcoro_promise_resolve_int64 (p, 1);          /* on the owner thread: noted at once */
  g_assert_true (gcoro_loop_bridge_has_news (bridge));
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);             /* not posted */
  events = gcoro_loop_bridge_take_events (bridge, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (events[0], ==, GCORO_LOOP_BRIDGE_FUTURE);
  g_assert_cmpint (events[1], ==, 1);
  g_assert_false (gcoro_loop_bridge_has_news (bridge));

  /* From another thread: delivered through the scheduler, noted too. */
  thread = g_thread_new ("resolver", resolve_later_in_thread, q);
  g_thread_join (thread);
  while (!gcoro_loop_bridge_has_news (bridge))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (h.calls, ==, 0);

  /* Left untaken at the end: the loop is due, and gets them all. */
  gcoro_promise_resolve_int64 (r, 3);
  gcoro_loop_bridge_end_iteration (bridge);
  iterate_until (&h.calls, 1);
  g_assert_true (h.had_events);
  g_assert_cmpuint (h.events->len, ==, 4);
  g_assert_cmpint (g_array_index (h.events, gint64, 1), ==, 2);
  g_assert_cmpint (g_array_index (h.events, gint64, 3), ==, 3);

  /* Outside an iteration, a settled future is posted as before. */
  g_clear_object (&p);
  p = gcoro_promise_new ();
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 4);
  gcoro_promise_resolve_int64 (p, 4);
  g_assert_false (gcoro_loop_bridge_has_news (bridge));
  iterate_until (&h.calls, 2);
  g_assert_cmpint (g_array_index (h.events, gint64, 5), ==, 4);

  hosted_clear (&h, bridge);
}

static gpointer
wake_in_thread (gpointer data)
{
  g_usleep (10000);
  gcoro_loop_bridge_wakeup (data);
  return NULL;
}

/* Another thread's wakeup() ends a blocking iteration. */
static void
test_wakeup_from_thread (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  GThread *thread = g_thread_new ("waker", wake_in_thread, bridge);

  iterate_until (&h.calls, 1);
  g_thread_join (thread);

  hosted_clear (&h, bridge);
}

/* A hosted loop that drives the context: iterate() says the loop is due
 * instead of calling it back, and takes its next deadline. */
static void
test_iterate (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  GCoroLoopBridgeIterateFlags flags;
  gint64 deadline;
  int guard = 0;

  gcoro_loop_bridge_wakeup (bridge);
  flags = gcoro_loop_bridge_iterate (bridge, GCORO_LOOP_BRIDGE_KEEP, FALSE);
  g_assert_cmpint (flags, ==, GCORO_LOOP_BRIDGE_ITERATE_DUE);
  g_assert_cmpint (h.calls, ==, 0);

  /* "Again at the next turn": due again without a wakeup. */
  flags = gcoro_loop_bridge_iterate (bridge, 0, FALSE);
  g_assert_cmpint (flags, ==, GCORO_LOOP_BRIDGE_ITERATE_DUE);

  /* Nothing to do: not due. */
  flags = gcoro_loop_bridge_iterate (bridge, GCORO_LOOP_BRIDGE_NO_DEADLINE, FALSE);
  g_assert_cmpint (flags, ==, GCORO_LOOP_BRIDGE_ITERATE_NONE);

  /* A deadline: due once it has come. */
  deadline = g_get_monotonic_time () + 10000;
  flags = gcoro_loop_bridge_iterate (bridge, deadline, TRUE);
  while (flags == GCORO_LOOP_BRIDGE_ITERATE_NONE && guard++ < 100)
    flags = gcoro_loop_bridge_iterate (bridge, GCORO_LOOP_BRIDGE_KEEP, TRUE);
  g_assert_cmpint (flags, ==, GCORO_LOOP_BRIDGE_ITERATE_DUE);
  g_assert_cmpint (g_get_monotonic_time (), >=, deadline);

  /* Events. */
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 5);
  gcoro_promise_resolve (p, NULL);
  guard = 0;
  do
    flags = gcoro_loop_bridge_iterate (bridge, GCORO_LOOP_BRIDGE_NO_DEADLINE, TRUE);
  while (flags == GCORO_LOOP_BRIDGE_ITERATE_NONE && guard++ < 100);
  g_assert_cmpint (flags, ==, GCORO_LOOP_BRIDGE_ITERATE_DUE | GCORO_LOOP_BRIDGE_ITERATE_EVENTS);
  g_assert_cmpint (h.calls, ==, 0);

  hosted_clear (&h, bridge);
}

static void
yielded (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_assert_true (gcoro_yield_finish (result, NULL));
  (*(int *) user_data)++;
}

/* Company: other work queued on the scheduler. */
static void
test_has_company (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  int done = 0;

  settle_loop ();
  g_assert_false (gcoro_loop_bridge_has_company (bridge));
  gcoro_yield_async (NULL, yielded, &done);
  g_assert_true (gcoro_loop_bridge_has_company (bridge));
  iterate_until (&done, 1);
  settle_loop ();
  g_assert_false (gcoro_loop_bridge_has_company (bridge));

  hosted_clear (&h, bridge);
}

/* Entering a context: what variables read and set; NULL goes back. */
static void
test_enter_context (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroContextVar) var = gcoro_context_var_new ("who");
  g_autoptr(GCoroContext) a = gcoro_context_new ();
  g_autoptr(GCoroContext) b = gcoro_context_new ();
  g_autofree char *value = NULL;

  gcoro_loop_bridge_enter_context (bridge, a);
  gcoro_token_unref (gcoro_context_var_set_string (var, "a"));
  gcoro_loop_bridge_enter_context (bridge, b);
  g_assert_null (gcoro_context_var_peek (var));
  gcoro_token_unref (gcoro_context_var_set_string (var, "b"));
  gcoro_loop_bridge_enter_context (bridge, a);
  value = gcoro_context_var_dup_string (var);
  g_assert_cmpstr (value, ==, "a");
  gcoro_loop_bridge_enter_context (bridge, NULL);
  g_assert_null (gcoro_context_var_peek (var));

  /* Closing leaves what was entered. */
  gcoro_loop_bridge_enter_context (bridge, b);
  hosted_clear (&h, bridge);
  g_assert_null (gcoro_context_var_peek (var));
}

/* Closing stops everything and frees the data; a future watch in flight
 * is let go of when it arrives. */
static void
test_close (void)
{
  Hosted h;
  GCoroLoopBridge *bridge = hosted_new (&h);
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;
  int fds[2];

  make_pair (fds);
  g_assert_true (gcoro_loop_bridge_watch_fd (bridge, fds[0], G_IO_OUT, &error));
  gcoro_loop_bridge_watch_future (bridge, GCORO_FUTURE (p), 9);
  gcoro_promise_resolve (p, NULL);
  gcoro_loop_bridge_wake_at (bridge, g_get_monotonic_time () + 1000);
  gcoro_loop_bridge_wakeup (bridge);

  gcoro_loop_bridge_close (bridge);
  g_assert_true (h.freed);
  gcoro_loop_bridge_close (bridge);
  gcoro_loop_bridge_wakeup (bridge);
  g_usleep (2000);
  settle_loop ();
  g_assert_cmpint (h.calls, ==, 0);
  g_assert_false (gcoro_loop_bridge_watch_fd (bridge, fds[0], G_IO_IN, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_CLOSED);

  close (fds[0]);
  close (fds[1]);
  hosted_clear (&h, bridge);
}

int
main (int   argc,
      char *argv[])
{
  /* These tests count the context's iterations and the hosted loop's turns
   * between them; on a slow run (valgrind) the frame budget could step
   * aside midway and change the counts. */
  g_setenv ("GCORO_FRAME_BUDGET", "0", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/loop-bridge/wakeup-once", test_wakeup_once);
  g_test_add_func ("/gcoro/loop-bridge/next-turn", test_next_turn);
  g_test_add_func ("/gcoro/loop-bridge/deadline", test_deadline);
  g_test_add_func ("/gcoro/loop-bridge/wake-at-earliest", test_wake_at_earliest);
  g_test_add_func ("/gcoro/loop-bridge/fd-level", test_fd_level);
  g_test_add_func ("/gcoro/loop-bridge/fd-modify", test_fd_modify);
  g_test_add_func ("/gcoro/loop-bridge/fd-refused", test_fd_refused);
  g_test_add_func ("/gcoro/loop-bridge/future", test_future);
  g_test_add_func ("/gcoro/loop-bridge/unwatch-future", test_unwatch_future);
  g_test_add_func ("/gcoro/loop-bridge/iteration-news", test_iteration_news);
  g_test_add_func ("/gcoro/loop-bridge/wakeup-from-thread", test_wakeup_from_thread);
  g_test_add_func ("/gcoro/loop-bridge/iterate", test_iterate);
  g_test_add_func ("/gcoro/loop-bridge/has-company", test_has_company);
  g_test_add_func ("/gcoro/loop-bridge/enter-context", test_enter_context);
  g_test_add_func ("/gcoro/loop-bridge/close", test_close);

  return g_test_run ();
}
