/* custom-loop.c: a loop of your own, driving tasks that await your own objects
 *
 * Seed topic: "a custom event loop with custom awaitable objects".
 *
 * A ticket is an object of this program, not of glib-coro; it can be
 * awaited because it hands out a future (a GCoroPromise that its owner
 * settles). The loop is this program's too: a discrete-event loop over a
 * private GMainContext that runs every task until none can go on, then
 * produces the next event itself (the ticket office punches a ticket).
 *
 * Run: ./custom-loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

#define N_PASSENGERS 3

typedef struct
{
  int           number;
  GCoroPromise *punched;   /* resolved with the ticket's number */
} Ticket;

static void
ticket_punch (Ticket *ticket)
{
  g_print ("the office punches ticket %d\n", ticket->number);
  gcoro_promise_resolve_int64 (ticket->punched, ticket->number);
}

/* What makes a ticket awaitable: a future that settles when it is punched. */
static GCoroFuture *
ticket_get_future (Ticket *ticket)
{
  return GCORO_FUTURE (ticket->punched);
}

static void
passenger (GCoroTask *task,
           gpointer   user_data)
{
  Ticket *ticket = user_data;
  g_autoptr(GError) error = NULL;
  gint64 number;

  g_print ("passenger %d waits for ticket %d\n", ticket->number, ticket->number);
  number = gcoro_await_int64 (ticket_get_future (ticket), &error);
  if (error != NULL)
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  g_print ("passenger %d boards with ticket %" G_GINT64_FORMAT "\n", ticket->number, number);
}

/* Iterates without blocking until no source of @context is ready. */
static void
run_until_idle (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

int
main (void)
{
  GMainContext *context = g_main_context_new ();
  GCoroSpawnOptions options = { .context = context };
  Ticket tickets[N_PASSENGERS];
  GCoroTask *passengers[N_PASSENGERS];
  int i;

  for (i = 0; i < N_PASSENGERS; i++)
    {
      tickets[i] = (Ticket) { i + 1, gcoro_promise_new () };
      passengers[i] = gcoro_spawn_full (&options, passenger, &tickets[i], NULL);
    }

  /* The loop: let the tasks run, then make the next event happen. */
  for (i = N_PASSENGERS - 1; i >= 0; i--)
    {
      run_until_idle (context);
      ticket_punch (&tickets[i]);
    }
  run_until_idle (context);

  for (i = 0; i < N_PASSENGERS; i++)
    {
      g_assert (gcoro_future_is_done (GCORO_FUTURE (passengers[i])));
      g_object_unref (passengers[i]);
      g_object_unref (tickets[i].punched);
    }
  g_print ("every passenger boarded\n");
  g_main_context_unref (context);
  return 0;
}
