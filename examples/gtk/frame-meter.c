/* frame-meter.c: how many frames a widget got per second
 *
 * A tick callback runs once per frame of the widget's GdkFrameClock (and
 * keeps the clock running while it is installed). The meter counts the
 * ticks over wall-clock time: a frame that GTK never got to produce, because
 * the main loop was busy elsewhere, is simply not counted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "frame-meter.h"

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FrameMeter *meter = user_data;

  meter->frames++;
  return G_SOURCE_CONTINUE;
}

void
frame_meter_start (FrameMeter *meter,
                   GtkWidget  *widget)
{
  meter->widget = g_object_ref (widget);
  meter->frames = 0;
  meter->start = g_get_monotonic_time ();
  meter->tick_id = gtk_widget_add_tick_callback (widget, on_tick, meter, NULL);
}

/* Returns the frames per second since frame_meter_start(). */
double
frame_meter_stop (FrameMeter *meter)
{
  double seconds = (g_get_monotonic_time () - meter->start) / (double) G_USEC_PER_SEC;

  gtk_widget_remove_tick_callback (meter->widget, meter->tick_id);
  g_clear_object (&meter->widget);
  return meter->frames / seconds;
}
