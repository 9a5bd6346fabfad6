/* self-test.c: the smooth-ui example checks itself
 *
 * A fiber task drives the window like a user would, and checks what a
 * user would see: frames keep coming while the computation runs, the
 * thread pool's sieve reports the right count, lines sent to the stream
 * server appear in the list view, pressing Cancel ends the computation as
 * cancelled, and frames keep coming while 100 connections flood an echo
 * server in the same main loop, every reply being the line sent.
 *
 * "Frames keep coming" is counted, not timed: a tick callback counts the
 * frames GTK drew, against the work the main loop did meanwhile, the
 * computation's slices (each at least 3 ms of computing) or the flood's
 * requests. A loaded machine makes the work slower and the frames fewer
 * per second, but not fewer per slice: the checks hold however busy the
 * machine is. The frame and request rates are printed, not checked:
 * bench/gtk-frames.sh collects them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "frame-meter.h"
#include "self-test.h"

#define WARM_UP_MSEC 500
#define POLL_MSEC 20

/* The computation: at least one frame per MAX_SLICES_PER_FRAME slices.
 * Measured with a 4 ms frame budget: a frame every 2 to 5 slices; with
 * the budget off and gcoro_yield(), one every 100 or more. */
#define COMPUTE_SLICES 600
#define MAX_SLICES_PER_FRAME 20

/* The flood: at least one frame per MAX_REQUESTS_PER_FRAME requests.
 * Measured with a 4 ms frame budget: about 5,000 per frame; with the
 * budget off, 60,000. The phase lasts FLOOD_FRAMES frames, or at most
 * FLOOD_MAX_MSEC when frames do not come: the length of a phase is not
 * what is checked. */
#define FLOOD_WARM_UP_REQUESTS 5000
#define FLOOD_FRAMES 120
#define FLOOD_MAX_MSEC 4000
#define MAX_REQUESTS_PER_FRAME 50000

static const char *const sent_lines[] = { "first line", "second line", "third line" };

static gboolean
check (gboolean    ok,
       const char *what)
{
  g_print ("%s: %s\n", ok ? "ok" : "FAILED", what);
  return ok;
}

static const char *
describe_budget (void)
{
  static char text[64];
  guint budget = gcoro_scheduler_get_frame_budget (gcoro_scheduler_get_default ());

  if (budget == 0)
    return "frame budget off";
  g_snprintf (text, sizeof text, "frame budget %u µs", budget);
  return text;
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

/* Frames per slice of the computation, once the sieve is in and the
 * slices run on the main thread. */
static gboolean
measure_computation (SmoothUi *ui)
{
  FrameMeter meter = { 0 };
  g_autofree char *what = NULL;
  guint first, slices;
  double seconds, fps;

  gcoro_event_wait (ui->job->sieved, NULL);
  first = ui->job->slices;
  frame_meter_start (&meter, GTK_WIDGET (ui->window));
  while (ui->job->slices - first < COMPUTE_SLICES && !gcoro_future_is_done (GCORO_FUTURE (ui->job_task)))
    gcoro_sleep (POLL_MSEC, NULL);
  slices = ui->job->slices - first;
  seconds = (g_get_monotonic_time () - meter.start) / (double) G_USEC_PER_SEC;
  fps = frame_meter_stop (&meter);

  g_print ("computing with %s, %s: %.1f frames per second (%u frames, %u slices in %.1f s)\n",
           ui->starve ? "gcoro_yield()" : "gcoro_idle_yield()", describe_budget (),
           fps, meter.frames, slices, seconds);
  what = g_strdup_printf ("a frame at least every %d slices of the computation", MAX_SLICES_PER_FRAME);
  return check (slices >= COMPUTE_SLICES && meter.frames * MAX_SLICES_PER_FRAME >= slices, what);
}

/* Frames per request while ui->flood connections flood an echo server on
 * this main loop, from a worker thread. */
static gboolean
measure_flood (SmoothUi *ui)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  FrameMeter meter = { 0 };
  guint64 first, requests;
  double seconds, fps;
  gboolean ok = TRUE;

  ui->echo_flood = echo_flood_new (ui->flood, &error);
  if (!check (ui->echo_flood != NULL, "the echo server and its clients started"))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  while (ui->echo_flood->served < FLOOD_WARM_UP_REQUESTS)
    gcoro_sleep (POLL_MSEC, NULL);

  first = ui->echo_flood->served;
  frame_meter_start (&meter, GTK_WIDGET (ui->window));
  while (meter.frames < FLOOD_FRAMES &&
         g_get_monotonic_time () - meter.start < FLOOD_MAX_MSEC * (gint64) 1000)
    gcoro_sleep (POLL_MSEC, NULL);
  requests = ui->echo_flood->served - first;
  seconds = (g_get_monotonic_time () - meter.start) / (double) G_USEC_PER_SEC;
  fps = frame_meter_stop (&meter);

  g_print ("flooded by %d connections, %s: %.1f frames per second, %.0f requests per second "
           "(%u frames, %" G_GUINT64_FORMAT " requests in %.1f s)\n",
           ui->flood, describe_budget (), fps, requests / seconds, meter.frames, requests, seconds);
  what = g_strdup_printf ("a frame at least every %d requests of the flood", MAX_REQUESTS_PER_FRAME);
  ok &= check ((guint64) meter.frames * MAX_REQUESTS_PER_FRAME >= requests, what);
  ok &= check (g_atomic_int_get (&ui->echo_flood->wrong_echoes) == 0, "every reply echoed its request");

  echo_flood_stop (ui->echo_flood);
  while (gcoro_stream_server_get_n_connections (ui->echo_flood->server) > 0)
    gcoro_sleep (POLL_MSEC, NULL);
  return ok;
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
  ok &= check (gcoro_await (GCORO_FUTURE (client), NULL), "the client sent its lines");
  gcoro_event_wait (ui->feed->client_done, NULL);
  ok &= check (lines_arrived (ui), "the lines are in the list view");

  ok &= measure_computation (ui);
  ok &= check (ui->job->sieve_count == SELF_TEST_PRIMES, "the thread pool counted the primes");
  ok &= check (!gcoro_future_is_done (GCORO_FUTURE (ui->job_task)), "the computation is still running");

  gtk_widget_activate (GTK_WIDGET (ui->cancel));   /* press Cancel */
  gcoro_await (GCORO_FUTURE (ui->job_task), NULL);
  ok &= check (gcoro_future_get_state (GCORO_FUTURE (ui->job_task)) == GCORO_FUTURE_CANCELLED,
               "Cancel ended the computation as cancelled");

  if (ui->flood > 0)
    ok &= measure_flood (ui);

  ui->exit_status = ok ? 0 : 1;
  gtk_window_destroy (ui->window);
}

GCoroTask *
self_test_spawn (SmoothUi *ui)
{
  GCoroSpawnOptions options = { .name = "self-test" };

  return gcoro_spawn_full (&options, self_test_body, ui, NULL);
}
