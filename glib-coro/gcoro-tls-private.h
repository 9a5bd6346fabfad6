/* gcoro-tls-private.h: thread-local storage on hot paths
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The default (general-dynamic) model makes every access from a shared
 * library a call to __tls_get_addr(); initial-exec is a single load. The
 * library keeps a few dozen bytes of TLS, well within the surplus glibc
 * reserves for libraries loaded later with dlopen() (as GObject
 * Introspection does from Python and GJS). */
#define GCORO_TLS __thread __attribute__ ((tls_model ("initial-exec")))
