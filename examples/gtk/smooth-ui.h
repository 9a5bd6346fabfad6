/* smooth-ui.h: the window of the smooth-ui example, shared by its parts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <glib-coro.h>

#include "echo-flood.h"
#include "line-feed.h"
#include "prime-job.h"

typedef struct
{
  /* options */
  gboolean       self_test;
  gboolean       starve;
  int            limit;
  int            port;
  int            flood;        /* connections of the self-test's flood */
  int            frame_budget; /* µs, 0: off, -1: the scheduler's default */

  GtkWindow     *window;
  GtkButton     *cancel;
  GtkStringList *lines;       /* what the stream server received */
  LineFeed      *feed;
  PrimeJob      *job;
  GCoroTask     *job_task;    /* the running computation */
  EchoFlood     *echo_flood;  /* the self-test's flooded server, once started */
  int            exit_status; /* set by the self-test */
} SmoothUi;

void smooth_ui_start_job (SmoothUi *ui);
