/* gcoro-error.h: the GCORO_ERROR domain
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

/**
 * GCORO_ERROR:
 *
 * The error domain of states specific to glib-coro: a closed queue,
 * worker or loop bridge, a used or foreign token, a broken barrier, an
 * exhausted generator. I/O failures from the system, cancellation
 * ([G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]), timeouts ([G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum]) and busy or
 * re-entrant calls use [error@Gio.IOErrorEnum] instead; programmer errors are criticals,
 * not errors. The rule and the list of which function sets what are in
 * the "Errors" section of the overview.
 */
#define GCORO_ERROR (gcoro_error_quark ())

/**
 * GCoroError:
 * @GCORO_ERROR_FAILED: a generic failure; the message says what happened.
 * @GCORO_ERROR_NO_VALUE: a value was asked for where there is none: a future
 *   resolved without a value (or with one of another type) read as a typed
 *   value, or a context variable with no value and no default (Python's
 *   `LookupError`).
 * @GCORO_ERROR_INVALID_TOKEN: a [struct@GCoro.Token] was used with another variable,
 *   or in another context than the one it was made in (Python's
 *   `ValueError`).
 * @GCORO_ERROR_CONTEXT_ENTERED: [method@GCoro.Context.run] on a context that is
 *   already entered (here or on another thread).
 * @GCORO_ERROR_CLOSED: the object was closed: a [class@GCoro.Queue] after
 *   [method@GCoro.Queue.close] (once drained), a [class@GCoro.Worker] that
 *   is stopping or stopped, a [class@GCoro.LoopBridge] after
 *   [method@GCoro.LoopBridge.close]. (I/O on a closed stream, a [class@GCoro.Stream] included, keeps
 *   GIO's own [G_IO_ERROR_CLOSED][error@Gio.IOErrorEnum].)
 * @GCORO_ERROR_BROKEN: a [class@GCoro.Barrier] was aborted while tasks waited at
 *   it (Python's `BrokenBarrierError`).
 * @GCORO_ERROR_DESTROYED: the primitive a task waited on was finalized.
 * @GCORO_ERROR_TOO_LATE: [func@GCoro.set_backend] was asked to switch backends
 *   after a scheduler had started on the other one.
 * @GCORO_ERROR_EXHAUSTED: a [class@GCoro.Generator] has no more items: how the
 *   future of [method@GCoro.Generator.next_future] says so (Python's
 *   `StopAsyncIteration`).
 * @GCORO_ERROR_TOKEN_USED: a [struct@GCoro.Token] was used a second time (Python's
 *   `RuntimeError`).
 *
 * Error codes of the [error@GCoro.Error] domain.
 */
typedef enum
{
  GCORO_ERROR_FAILED,
  GCORO_ERROR_NO_VALUE,
  GCORO_ERROR_INVALID_TOKEN,
  GCORO_ERROR_CONTEXT_ENTERED,
  GCORO_ERROR_CLOSED,
  GCORO_ERROR_BROKEN,
  GCORO_ERROR_DESTROYED,
  GCORO_ERROR_TOO_LATE,
  GCORO_ERROR_EXHAUSTED,
  GCORO_ERROR_TOKEN_USED,
} GCoroError;

GCORO_AVAILABLE_IN_ALL
GQuark gcoro_error_quark (void);

G_END_DECLS
