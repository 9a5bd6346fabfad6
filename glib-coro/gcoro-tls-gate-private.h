/* gcoro-tls-gate-private.h: a TLS server's connections before their handler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GCoroStreamServer hands every accepted connection of a TLS server to its
 * gate. The gate waits, with the socket's one readiness registration,
 * until the client's whole first flight (its ClientHello record) is
 * there, then runs the handshake with one of max_handshakes places, all
 * within handshake_timeout of the accept. A connection that gets through
 * is passed back to the server; the others are closed (and logged).
 *
 * Embedded in the server; used from the thread of its scheduler.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-scheduler-private.h"

G_BEGIN_DECLS

typedef struct _GCoroTlsGate GCoroTlsGate;

/* The handshake with @peer (nullable) succeeded: @tls is the connection,
 * for a handler. */
typedef void (*GCoroTlsGatePassFunc) (GCoroTlsGate   *gate,
                                      GIOStream      *tls,
                                      GSocketAddress *peer);
/* A handshake ended, passed or not: the gate holds one connection less. */
typedef void (*GCoroTlsGateEndFunc)  (GCoroTlsGate   *gate);

struct _GCoroTlsGate
{
  /* Set by the owner. */
  GObject              *owner;              /* kept alive while a handshake runs */
  GCoroScheduler       *scheduler;          /* the owner's, once it started */
  GCoroTlsGatePassFunc  passed;
  GCoroTlsGateEndFunc   ended;
  GTlsCertificate      *certificate;        /* owned */
  guint                 handshake_timeout;  /* ms, 0: none */
  guint                 max_handshakes;

  /* The gate's own. */
  gboolean              closed;
  GQueue                greetings;          /* every connection, every stage */
  GQueue                waiting;            /* for a handshake's place, newest first */
  GQueue                handshaking;        /* by start time */
  GCoroTimer            shed_timer;
};

void  _gcoro_tls_gate_init   (GCoroTlsGate      *self,
                              GObject           *owner,
                              GCoroTlsGatePassFunc passed,
                              GCoroTlsGateEndFunc  ended);
/* After _gcoro_tls_gate_close(). */
void  _gcoro_tls_gate_clear  (GCoroTlsGate      *self);

/* A new connection (accepted on the gate's scheduler), and its peer's
 * address (nullable: a peer that reset has none later). */
void  _gcoro_tls_gate_greet  (GCoroTlsGate      *self,
                              GSocketConnection *connection,
                              GSocketAddress    *peer);

/* Closes every connection before its handshake and cancels the
 * handshakes in progress (each ends through the end function, later);
 * lets nothing through from then on. */
void  _gcoro_tls_gate_close  (GCoroTlsGate      *self);

static inline guint
_gcoro_tls_gate_get_n_connections (GCoroTlsGate *self)
{
  return self->greetings.length;
}

/* How the server names a peer in its messages. */
static inline char *
_gcoro_tls_gate_describe_peer (GSocketAddress *peer)
{
  return peer != NULL ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (peer))
                      : g_strdup ("an unknown peer");
}

G_END_DECLS
