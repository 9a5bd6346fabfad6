/* self-test.h: the smooth-ui example checks itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "smooth-ui.h"

/* The limit the self-test counts primes below, and the right answer. */
#define SELF_TEST_LIMIT 100000000
#define SELF_TEST_PRIMES 5761455

GCoroTask *self_test_spawn (SmoothUi *ui);
