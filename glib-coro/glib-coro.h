/* glib-coro.h: the one header applications include
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <glib-object.h>
#include <gio/gio.h>

#define GCORO_INSIDE
# include "gcoro-version-macros.h"
# include "gcoro-enum-types.h"
# include "gcoro-error.h"
# include "gcoro-awaitable.h"
# include "gcoro-future.h"
# include "gcoro-promise.h"
# include "gcoro-backend.h"
# include "gcoro-scheduler.h"
# include "gcoro-task.h"
# include "gcoro-await.h"
# include "gcoro-yield.h"
# include "gcoro-sleep.h"
# include "gcoro-async.h"
# include "gcoro-run.h"
# include "gcoro-context-var.h"
# include "gcoro-context.h"
# include "gcoro-event.h"
# include "gcoro-lock.h"
# include "gcoro-semaphore.h"
# include "gcoro-condition.h"
# include "gcoro-queue.h"
# include "gcoro-barrier.h"
# include "gcoro-combine.h"
# include "gcoro-timeout.h"
# include "gcoro-task-group.h"
# include "gcoro-thread.h"
# include "gcoro-task-runner.h"
# include "gcoro-operation.h"
# include "gcoro-stream.h"
# include "gcoro-stream-server.h"
# include "gcoro-stream-client.h"
# include "gcoro-cancellable-awaitable.h"
# include "gcoro-generator.h"
# include "gcoro-worker.h"
# include "gcoro-loop-bridge.h"
#undef GCORO_INSIDE
