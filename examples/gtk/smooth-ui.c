/* smooth-ui.c: a GTK 4 window that stays smooth while a coroutine computes
 *
 * Seed topic: "forcing an iteration of the event loop" (asyncio.sleep(0)),
 * in the place it matters most: a GUI's main loop.
 *
 * One main thread, one GMainContext, three kinds of work on it:
 *   - a long computation in a fiber task (prime-job.c): a blocking step in
 *     GLib's thread pool, then slices separated by gcoro_idle_yield(), so
 *     the progress bar and the spinner animate at the display's rate;
 *   - a Cancel button that cancels that task (the task's next yield fails
 *     with G_IO_ERROR_CANCELLED and it ends cancelled);
 *   - a stream server (line-feed.c) whose connection tasks append the
 *     lines they read to the list view.
 * The self-test adds a fourth: an echo server flooded by 100 connections
 * from a worker thread (echo-flood.c), which the scheduler's frame budget
 * keeps from starving the window.
 *
 * Run: ./smooth-ui                      then: echo hello | nc 127.0.0.1 PORT
 *      ./smooth-ui --starve             slices end with gcoro_yield()
 *      ./smooth-ui --starve --frame-budget 0
 *                                       ... without the frame budget: no frames
 *      ./smooth-ui --self-test          checks itself, prints frame rates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "self-test.h"
#include "smooth-ui.h"

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkStringObject *line = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (line));
}

static GtkWidget *
line_list_new (GtkStringList *lines)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (lines))));
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), gtk_list_view_new (selection, factory));
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static void
on_cancel_clicked (GtkButton *button,
                   SmoothUi  *ui)
{
  if (ui->job_task != NULL)
    gcoro_task_cancel (ui->job_task);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SmoothUi *ui = user_data;

  gcoro_future_wait_finish (GCORO_FUTURE (source), result, NULL, NULL);  /* the outcome is in the status line */
  gtk_widget_set_sensitive (GTK_WIDGET (ui->cancel), FALSE);
}

void
smooth_ui_start_job (SmoothUi *ui)
{
  ui->job_task = prime_job_spawn (ui->job);
  gcoro_future_wait_async (GCORO_FUTURE (ui->job_task), NULL, on_job_done, ui);
}

static GtkWidget *
build_content (SmoothUi *ui)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *progress = gtk_progress_bar_new ();
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *spinner = gtk_spinner_new ();
  g_autofree char *heading = g_strdup_printf ("Counting the primes below %d", ui->limit);
  g_autofree char *hint = g_strdup_printf ("Lines sent to 127.0.0.1:%u (echo hello | nc 127.0.0.1 %u):",
                                           gcoro_stream_server_get_port (ui->feed->server),
                                           gcoro_stream_server_get_port (ui->feed->server));

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_hexpand (status, TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  ui->cancel = GTK_BUTTON (gtk_button_new_with_mnemonic ("_Cancel"));
  g_signal_connect (ui->cancel, "clicked", G_CALLBACK (on_cancel_clicked), ui);
  ui->job = prime_job_new (ui->limit, ui->starve, GTK_PROGRESS_BAR (progress), GTK_LABEL (status));

  gtk_box_append (GTK_BOX (box), gtk_label_new (heading));
  gtk_box_append (GTK_BOX (box), progress);
  gtk_box_append (GTK_BOX (row), spinner);
  gtk_box_append (GTK_BOX (row), status);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (ui->cancel));
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), gtk_label_new (hint));
  gtk_box_append (GTK_BOX (box), line_list_new (ui->lines));
  return box;
}

static void
activate (GtkApplication *app,
          SmoothUi       *ui)
{
  g_autoptr(GError) error = NULL;

  ui->lines = gtk_string_list_new (NULL);
  ui->feed = line_feed_new (ui->lines, ui->port, &error);
  if (ui->feed == NULL)
    {
      g_printerr ("%s\n", error->message);
      ui->exit_status = 1;
      return;
    }

  ui->window = GTK_WINDOW (gtk_application_window_new (app));
  gtk_window_set_title (ui->window, ui->starve ? "glib-coro: gcoro_yield() and the frame budget"
                                               : "glib-coro: a smooth GTK window");
  gtk_window_set_default_size (ui->window, 560, 400);
  gtk_window_set_child (ui->window, build_content (ui));
  gtk_window_present (ui->window);

  if (ui->self_test)
    gcoro_task_detach (self_test_spawn (ui));
  else
    smooth_ui_start_job (ui);
}

/* After the main loop: stop what still runs, so nothing outlives @ui. */
static void
shut_down (SmoothUi *ui)
{
  if (ui->job_task != NULL)
    {
      gcoro_task_cancel (ui->job_task);
      gcoro_run_until_complete (GCORO_FUTURE (ui->job_task), NULL);
      g_clear_object (&ui->job_task);
    }
  g_clear_pointer (&ui->echo_flood, echo_flood_free);
  g_clear_pointer (&ui->feed, line_feed_free);
  g_clear_pointer (&ui->job, prime_job_free);
  g_clear_object (&ui->lines);
}

int
main (int   argc,
      char *argv[])
{
  SmoothUi ui = { .limit = 10000000, .flood = 100, .frame_budget = -1 };
  GOptionEntry entries[] = {
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &ui.self_test, "Check the window, print frame rates, exit", NULL },
    { "starve", 0, 0, G_OPTION_ARG_NONE, &ui.starve, "Slice the computation with gcoro_yield()", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &ui.limit, "Count the primes below LIMIT", "LIMIT" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &ui.port, "Port of the line server (0: any)", "PORT" },
    { "flood", 0, 0, G_OPTION_ARG_INT, &ui.flood, "Connections flooding the self-test's echo server (default 100)", "N" },
    { "frame-budget", 0, 0, G_OPTION_ARG_INT, &ui.frame_budget, "The scheduler's frame budget (0: off)", "USEC" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a GTK window that stays smooth");
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (ui.self_test)
    ui.limit = SELF_TEST_LIMIT;
  /* The scheduler of the main thread's context: GTK's. */
  if (ui.frame_budget >= 0)
    gcoro_scheduler_set_frame_budget (gcoro_scheduler_get_default (), ui.frame_budget);

  app = gtk_application_new ("org.gnome.GCoro.SmoothUi", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), &ui);
  status = g_application_run (G_APPLICATION (app), 1, argv);
  shut_down (&ui);
  return status != 0 ? status : ui.exit_status;
}
