/* mini-loop.c: an event loop of your own, from poll() and custom awaitables
 *
 * Seed topic: "building your own event loop from custom awaitables". What the GCoro
 * scheduler does, in miniature, without it or a GMainContext: coroutines are generators that
 * yield what they wait for (a MiniWait: a deadline or a readable fd); the loop keeps a ready
 * queue, polls for the fds and the earliest deadline, and resumes whoever's wait is over.
 * MiniWait also implements GCoroAwaitable, so an ordinary GCoro task can await it too.
 *
 * Run: ./mini-loop [--unit=MSEC]   (one tick lasts MSEC ms, default 5)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <glib-unix.h>
#include <poll.h>
#include <unistd.h>

static int unit_msec = 5;
static int pipe_fds[2];

/* The custom awaitable: what a coroutine waits for. */
G_DECLARE_FINAL_TYPE (MiniWait, mini_wait, MINI, WAIT, GObject)

struct _MiniWait
{
  GObject         parent_instance;
  int             fd;         /* wait until readable, or -1 */
  gint64          deadline;   /* monotonic µs for a sleep; 0 (first in line) for an fd */
  GCoroGenerator *coro;       /* who waits, while in the loop's list */
};

/* For GCoro tasks: a future the GLib main loop settles (mini_loop never asks). */
static gboolean timer_cb (gpointer p) { gcoro_promise_resolve (p, NULL); return G_SOURCE_REMOVE; }
static gboolean fd_cb (int fd, GIOCondition c, gpointer p) { return timer_cb (p); }

static GCoroFuture *
mini_wait_get_future (GCoroAwaitable *awaitable)
{
  MiniWait *self = MINI_WAIT (awaitable);
  GCoroPromise *p = gcoro_promise_new ();

  if (self->fd >= 0)
    g_unix_fd_add_full (0, self->fd, G_IO_IN, fd_cb, g_object_ref (p), g_object_unref);
  else
    g_timeout_add_full (0, MAX (0, self->deadline - g_get_monotonic_time ()) / 1000,
                        timer_cb, g_object_ref (p), g_object_unref);
  return GCORO_FUTURE (p);
}

static void
mini_wait_iface_init (GCoroAwaitableInterface *iface)
{
  iface->get_future = mini_wait_get_future;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MiniWait, mini_wait, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE, mini_wait_iface_init))
static void mini_wait_class_init (MiniWaitClass *klass) { }
static void mini_wait_init (MiniWait *self) { }

static MiniWait *
mini_wait_new (int fd, int ticks)
{
  MiniWait *w = g_object_new (mini_wait_get_type (), NULL);

  w->fd = fd;
  w->deadline = fd >= 0 ? 0 : g_get_monotonic_time () + (gint64) ticks * unit_msec * 1000;
  return w;
}
#define mini_sleep(ticks)  mini_wait_new (-1, (ticks))
#define mini_readable(fd)  mini_wait_new ((fd), 0)

/* "await" in a mini loop coroutine: the loop takes the wait and resumes us when it is over. */
#define mini_await(gen, wait)  gcoro_generator_yield_pointer ((gen), (wait), NULL)

/* The loop. It wakes waits in deadline order, fd waits first. */
static int
wake_order (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(MiniWait **) a)->deadline, y = (*(MiniWait **) b)->deadline;

  return (x > y) - (x < y);
}

static void
mini_loop_run (GPtrArray *ready)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      struct pollfd fds[16];
      guint nfds;
      int timeout = -1;
      MiniWait *w;
      gint64 now;

      /* Run everything that is ready until it waits again (or returns). */
      for (guint i = 0; i < ready->len; i++)
        {
          if (gcoro_generator_next_pointer (ready->pdata[i], (gpointer *) &w, NULL))
            w->coro = ready->pdata[i], g_ptr_array_add (waiting, w);
          else
            g_object_unref (ready->pdata[i]);
        }
      g_ptr_array_set_size (ready, 0);
      if (waiting->len == 0)
        return;

      /* Sleep in poll() until an fd is readable or the earliest sleep is over (fd waits
       * sort first: the for stops with w at the earliest sleep). */
      g_ptr_array_sort (waiting, wake_order);
      for (nfds = 0; nfds < waiting->len && (w = waiting->pdata[nfds])->fd >= 0; nfds++)
        fds[nfds] = (struct pollfd) { .fd = w->fd, .events = POLLIN };
      if (nfds < waiting->len)
        timeout = (int) MAX (0, (w->deadline - g_get_monotonic_time () + 999) / 1000);
      poll (fds, nfds, timeout);

      /* Wake whoever's wait is over, in that order (and free the wait). */
      now = g_get_monotonic_time ();
      for (guint i = 0, k = 0; i < waiting->len;)
        {
          if ((w = waiting->pdata[i])->fd >= 0 ? fds[k++].revents != 0 : w->deadline <= now)
            g_ptr_array_add (ready, w->coro), g_ptr_array_remove_index (waiting, i);
          else
            i++;
        }
    }
}

/* Coroutines for it. */
typedef struct { const char *name; int count, ticks; } Countdown;

static void
countdown (GCoroGenerator *gen, gpointer data)
{
  const Countdown *c = data;

  for (int i = c->count; i > 0; i--)
    {
      g_print ("%s: %d\n", c->name, i);
      mini_await (gen, mini_sleep (c->ticks));
    }
  g_print ("%s: done\n", c->name);
}

static void
writer (GCoroGenerator *gen, gpointer data)
{
  mini_await (gen, mini_sleep (7));
  g_print ("writer: writing\n");
  if (write (pipe_fds[1], "hello", 5) != 5)
    g_error ("write: %s", g_strerror (errno));
}

static void
reader (GCoroGenerator *gen, gpointer data)
{
  char buf[16] = "";

  g_print ("reader: waiting for the pipe\n");
  mini_await (gen, mini_readable (pipe_fds[0]));
  if (read (pipe_fds[0], buf, sizeof buf - 1) < 0)
    g_error ("read: %s", g_strerror (errno));
  g_print ("reader: got '%s'\n", buf);
}

static void
task_body (GCoroTask *task, gpointer data)   /* a GCoro task awaits a MiniWait: GCoroAwaitable */
{
  g_autoptr(MiniWait) wait = mini_sleep (2);

  gcoro_await_awaitable (wait, NULL, NULL);
  g_print ("a GCoro task awaited a MiniWait too\n");
}

int
main (int argc, char *argv[])
{
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();
  Countdown a = { "A", 3, 4 }, b = { "B", 2, 5 };

  if (argc > 1 && g_str_has_prefix (argv[1], "--unit="))
    unit_msec = atoi (argv[1] + 7);
  if (!g_unix_open_pipe (pipe_fds, FD_CLOEXEC, NULL))
    return 1;

  /* In ticks: A prints at 0, 4, 8, ends at 12; B at 0, 5, ends at 10; the pipe carries at 7. */
  g_ptr_array_add (ready, gcoro_generator_new (countdown, &a, NULL));
  g_ptr_array_add (ready, gcoro_generator_new (countdown, &b, NULL));
  g_ptr_array_add (ready, gcoro_generator_new (writer, NULL, NULL));
  g_ptr_array_add (ready, gcoro_generator_new (reader, NULL, NULL));
  mini_loop_run (ready);
  g_print ("mini loop: all coroutines finished\n");

  gcoro_run (task_body, NULL, NULL, NULL);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
  return 0;
}
