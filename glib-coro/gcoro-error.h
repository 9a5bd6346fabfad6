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
 * The error domain of failures specific to glib-coro. I/O failures,
 * cancellation (%G_IO_ERROR_CANCELLED) and timeouts (%G_IO_ERROR_TIMED_OUT)
 * use %G_IO_ERROR instead.
 */
#define GCORO_ERROR (gcoro_error_quark ())

/**
 * GCoroError:
 * @GCORO_ERROR_FAILED: a generic failure; the message says what happened.
 * @GCORO_ERROR_NO_VALUE: a future resolved without a value (or with a value
 *   of another type) was read as a typed value.
 *
 * Error codes of the %GCORO_ERROR domain.
 */
typedef enum
{
  GCORO_ERROR_FAILED,
  GCORO_ERROR_NO_VALUE,
} GCoroError;

GCORO_AVAILABLE_IN_ALL
GQuark gcoro_error_quark (void);

G_END_DECLS
