/* gcoro-version-macros.h: symbol visibility and version checks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib.h>

#if defined(_WIN32) || defined(__CYGWIN__)
# define _GCORO_EXTERN __declspec(dllexport) extern
#else
# define _GCORO_EXTERN __attribute__((visibility ("default"))) extern
#endif

#define GCORO_AVAILABLE_IN_ALL _GCORO_EXTERN

/**
 * GCORO_MAJOR_VERSION:
 *
 * The major version of the glib-coro headers a program is compiled with.
 */
#define GCORO_MAJOR_VERSION 0
/**
 * GCORO_MINOR_VERSION:
 *
 * The minor version of the glib-coro headers a program is compiled with.
 */
#define GCORO_MINOR_VERSION 1
/**
 * GCORO_MICRO_VERSION:
 *
 * The micro version of the glib-coro headers a program is compiled with.
 */
#define GCORO_MICRO_VERSION 0
