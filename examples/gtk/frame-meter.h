/* frame-meter.h: how many frames a widget got per second
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

typedef struct
{
  GtkWidget *widget;
  guint      tick_id;
  guint      frames;
  gint64     start;
} FrameMeter;

void   frame_meter_start (FrameMeter *meter,
                          GtkWidget  *widget);
double frame_meter_stop  (FrameMeter *meter);
