/* smooth-ui.h: the window of the smooth-ui example, shared by its parts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <glib-coro.h>

#include "line-feed.h"
#include "prime-job.h"

typedef struct
{
  /* options */
  gboolean       self_test;
  gboolean       starve;
  int            limit;
  int            port;

  GtkWindow     *window;
  GtkButton     *cancel;
  GtkStringList *lines;       /* what the stream server received */
  LineFeed      *feed;
  PrimeJob      *job;
  GCoroTask     *job_task;    /* the running computation */
  int            exit_status; /* set by the self-test */
} SmoothUi;

void smooth_ui_start_job (SmoothUi *ui);
