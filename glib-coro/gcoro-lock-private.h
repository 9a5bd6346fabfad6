/* gcoro-lock-private.h
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-lock.h"

G_BEGIN_DECLS

/* Takes the lock from a fiber task even if the task is cancelled (a
 * condition wait must give its caller the lock back, whatever happens). */
void _gcoro_lock_acquire_uncancellable (GCoroLock *self);

G_END_DECLS
