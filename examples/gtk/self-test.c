/* self-test.c: the smooth-ui example checks itself
 *
 * A fiber task drives the window like a user would, and checks what a
 * user would see: frames keep coming while the computation runs (at least
 * MIN_FPS, counted over MEASURE_MSEC by a tick callback), the thread pool's
 * sieve reports the right count, lines sent to the stream server appear in
 * the list view, and pressing Cancel ends the computation as cancelled.
 * With --starve the frame rate is reported, not checked: that mode exists
 * to show it collapse (bench/gtk-frames.sh prints both).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "frame-meter.h"
#include "self-test.h"

#define WARM_UP_MSEC 500
#define MEASURE_MSEC 3000
#define MIN_FPS 50.0

static const char *const sent_lines[] = { "first line", "second line", "third line" };

static gboolean
check (gboolean    ok,
       const char *what)
{
  g_print ("%s: %s\n", ok ? "ok" : "FAILED", what);
  return ok;
}

/* A client of the window's own stream server. */
static void
send_lines (GCoroTask *task,
            gpointer   user_data)
{
  SmoothUi *ui = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream =
    gcoro_stream_connect_tcp ("127.0.0.1", gcoro_stream_server_get_port (ui->feed->server), &error);
  gsize i;

  if (stream == NULL)
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  for (i = 0; i < G_N_ELEMENTS (sent_lines); i++)
    {
      gcoro_stream_write (stream, (const guint8 *) sent_lines[i], strlen (sent_lines[i]));
      gcoro_stream_write (stream, (const guint8 *) "\n", 1);
    }
  if (!gcoro_stream_drain (stream, &error) || !gcoro_stream_close (stream, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
lines_arrived (SmoothUi *ui)
{
  GListModel *model = G_LIST_MODEL (ui->lines);
  guint i;

  if (g_list_model_get_n_items (model) != G_N_ELEMENTS (sent_lines))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (sent_lines); i++)
    if (g_strcmp0 (gtk_string_list_get_string (ui->lines, i), sent_lines[i]) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
measure_frames (SmoothUi *ui)
{
  FrameMeter meter = { 0 };
  g_autofree char *what = NULL;
  double fps;

  frame_meter_start (&meter, GTK_WIDGET (ui->window));
  gcoro_sleep (MEASURE_MSEC, NULL);
  fps = frame_meter_stop (&meter);

  g_print ("frames per second while computing, with %s: %.1f (%u frames in %.1f s)\n",
           ui->starve ? "gcoro_yield()" : "gcoro_idle_yield()", fps, meter.frames, MEASURE_MSEC / 1000.0);
  if (ui->starve)
    return TRUE;
  what = g_strdup_printf ("at least %.0f frames per second", MIN_FPS);
  return check (fps >= MIN_FPS, what);
}

static void
self_test_body (GCoroTask *task,
                gpointer   user_data)
{
  SmoothUi *ui = user_data;
  g_autoptr(GCoroTask) client = NULL;
  gboolean ok = TRUE;

  while (!gtk_widget_get_mapped (GTK_WIDGET (ui->window)))
    gcoro_sleep (10, NULL);
  gcoro_sleep (WARM_UP_MSEC, NULL);

  smooth_ui_start_job (ui);
  client = gcoro_spawn (send_lines, ui, NULL);
  ok &= measure_frames (ui);

  ok &= check (gcoro_await (GCORO_FUTURE (client), NULL), "the client sent its lines");
  gcoro_event_wait (ui->feed->client_done, NULL);
  ok &= check (lines_arrived (ui), "the lines are in the list view");
  gcoro_event_wait (ui->job->sieved, NULL);
  ok &= check (ui->job->sieve_count == SELF_TEST_PRIMES, "the thread pool counted the primes");
  ok &= check (!gcoro_future_is_done (GCORO_FUTURE (ui->job_task)), "the computation is still running");

  gtk_widget_activate (GTK_WIDGET (ui->cancel));   /* press Cancel */
  gcoro_await (GCORO_FUTURE (ui->job_task), NULL);
  ok &= check (gcoro_future_get_state (GCORO_FUTURE (ui->job_task)) == GCORO_FUTURE_CANCELLED,
               "Cancel ended the computation as cancelled");

  ui->exit_status = ok ? 0 : 1;
  gtk_window_destroy (ui->window);
}

GCoroTask *
self_test_spawn (SmoothUi *ui)
{
  GCoroSpawnOptions options = { .name = "self-test" };

  return gcoro_spawn_full (&options, self_test_body, ui, NULL);
}
