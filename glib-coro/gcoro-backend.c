/* gcoro-backend.c: the process-wide choice of socket readiness backend
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES
 * The choice is read by the scheduler when it creates its poller, so it
 * lives in the readiness layer, below the scheduler, although the design
 * lists the loop backends near the top (docs/internals.md says why): this
 * file holds only the choice, the pollers are in gcoro-io-watch.c. Once the first scheduler took the choice it is locked,
 * like uvloop.install() after the loop exists.
 */

#include "gcoro-config.h"

#include "gcoro-backend-private.h"
#include "gcoro-enum-types.h"
#include "gcoro-error.h"

static GMutex       backend_lock;
static gboolean     backend_chosen;   /* set (or read from the environment) */
static gboolean     backend_locked;   /* a scheduler uses it */
static GCoroBackend chosen = GCORO_BACKEND_GLIB;

static const char *
backend_nick (GCoroBackend b)
{
  return b == GCORO_BACKEND_EPOLL ? "epoll" : "glib";
}

/**
 * gcoro_backend_is_supported:
 * @backend: a [enum@GCoro.Backend]
 *
 * Tells whether a socket backend works here.
 *
 * Returns: whether @backend can be used on this system ([GCORO_BACKEND_GLIB][enum@GCoro.Backend]
 *   always can; [GCORO_BACKEND_EPOLL][enum@GCoro.Backend] on Linux)
 */
gboolean
gcoro_backend_is_supported (GCoroBackend backend)
{
  switch (backend)
    {
    case GCORO_BACKEND_GLIB:
      return TRUE;
    case GCORO_BACKEND_EPOLL:
      return HAVE_EPOLL;
    default:
      return FALSE;
    }
}

/* Reads GCORO_BACKEND once, unless gcoro_set_backend() came first.
 * Called with backend_lock held. */
static void
choose_from_environment (void)
{
  const char *env;

  if (backend_chosen)
    return;
  backend_chosen = TRUE;

  env = g_getenv ("GCORO_BACKEND");
  if (env == NULL || *env == '\0' || g_str_equal (env, "glib"))
    chosen = GCORO_BACKEND_GLIB;
  else if (g_str_equal (env, "epoll") && gcoro_backend_is_supported (GCORO_BACKEND_EPOLL))
    chosen = GCORO_BACKEND_EPOLL;
  else
    g_warning ("GCORO_BACKEND=%s is not a backend this system supports (glib%s); "
               "using glib", env, HAVE_EPOLL ? ", epoll" : "");
}

/**
 * gcoro_set_backend:
 * @backend: the backend every scheduler of the process will use
 * @error: return location for a [struct@GLib.Error]
 *
 * Chooses how schedulers watch sockets for readiness, the way
 * `uvloop.install()` chooses asyncio's loop. Call it early in main(),
 * before anything creates a scheduler (spawning a task, awaiting, a
 * stream server). It overrides the `GCORO_BACKEND` environment variable
 * (`glib` or `epoll`).
 *
 * Once a scheduler exists the choice is fixed: asking for another backend
 * then fails with [GCORO_ERROR_TOO_LATE][error@GCoro.Error] (asking for the one in use
 * succeeds). An unsupported backend fails with [G_IO_ERROR_NOT_SUPPORTED][error@Gio.IOErrorEnum].
 *
 * Returns: %TRUE if @backend is the process's backend, %FALSE with @error
 *   set otherwise
 */
gboolean
gcoro_set_backend (GCoroBackend   backend,
                   GError       **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!gcoro_backend_is_supported (backend))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The %s backend is not available on this system",
                   backend_nick (backend));
      return FALSE;
    }

  g_mutex_lock (&backend_lock);
  if (backend_locked && chosen != backend)
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_TOO_LATE,
                   "Cannot switch to the %s backend: a scheduler already runs on the %s "
                   "backend; call gcoro_set_backend() before the first task or stream",
                   backend_nick (backend), backend_nick (chosen));
      ok = FALSE;
    }
  else
    {
      chosen = backend;
      backend_chosen = TRUE;
    }
  g_mutex_unlock (&backend_lock);

  return ok;
}

/**
 * gcoro_get_backend:
 *
 * Gets the socket backend of the process.
 *
 * Returns: the backend schedulers use (or will use): the one set with
 *   [func@GCoro.set_backend], else the one `GCORO_BACKEND` names, else
 *   [GCORO_BACKEND_GLIB][enum@GCoro.Backend]
 */
GCoroBackend
gcoro_get_backend (void)
{
  GCoroBackend b;

  g_mutex_lock (&backend_lock);
  choose_from_environment ();
  b = chosen;
  g_mutex_unlock (&backend_lock);

  return b;
}

GCoroBackend
_gcoro_backend_lock (void)
{
  GCoroBackend b;

  g_mutex_lock (&backend_lock);
  choose_from_environment ();
  backend_locked = TRUE;
  b = chosen;
  g_mutex_unlock (&backend_lock);

  return b;
}
