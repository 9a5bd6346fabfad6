/* echo-server-libuv.c: the libuv baseline line echo server of the benchmark
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a careful libuv program does: one uv_tcp_t per client, reads into a
 * per-connection buffer, memchr for '\n', and each complete line written
 * back with uv_try_write(), falling back to a queued uv_write() when the
 * socket is full.
 * Usage: echo-server-libuv PORT
 */
#define _GNU_SOURCE   /* memrchr */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define BUF_SIZE (64 * 1024)

typedef struct
{
  uv_tcp_t tcp;
  char     buf[BUF_SIZE];
  size_t   len;
} Conn;

typedef struct
{
  uv_write_t req;
  char       data[];
} WriteReq;

static void
on_close (uv_handle_t *handle)
{
  free (handle->data);
}

static void
on_alloc (uv_handle_t *handle,
          size_t       suggested,
          uv_buf_t    *out)
{
  Conn *conn = handle->data;

  *out = uv_buf_init (conn->buf + conn->len, BUF_SIZE - conn->len);
}

static void
on_written (uv_write_t *req,
            int         status)
{
  free (req);
}

static void
send_back (Conn       *conn,
           const char *data,
           size_t      len)
{
  uv_buf_t buf = uv_buf_init ((char *) data, len);
  int n = uv_try_write ((uv_stream_t *) &conn->tcp, &buf, 1);
  WriteReq *req;

  if (n == (int) len)
    return;
  if (n < 0)
    n = 0;
  req = malloc (sizeof *req + len - n);
  memcpy (req->data, data + n, len - n);
  buf = uv_buf_init (req->data, len - n);
  uv_write (&req->req, (uv_stream_t *) &conn->tcp, &buf, 1, on_written);
}

static void
on_read (uv_stream_t    *stream,
         ssize_t         nread,
         const uv_buf_t *unused)
{
  Conn *conn = stream->data;
  char *start, *nl;

  if (nread < 0)
    {
      uv_close ((uv_handle_t *) stream, on_close);
      return;
    }
  conn->len += nread;

  /* Every complete line goes back in one write; the partial one stays. */
  start = conn->buf;
  nl = memrchr (start, '\n', conn->len);
  if (nl != NULL)
    {
      size_t whole = nl + 1 - start;

      send_back (conn, start, whole);
      memmove (conn->buf, conn->buf + whole, conn->len - whole);
      conn->len -= whole;
    }
  if (conn->len == BUF_SIZE)   /* a line over the limit: drop the client */
    uv_close ((uv_handle_t *) stream, on_close);
}

static void
on_connection (uv_stream_t *server,
               int          status)
{
  Conn *conn;

  if (status < 0)
    return;
  conn = calloc (1, sizeof *conn);
  uv_tcp_init (server->loop, &conn->tcp);
  conn->tcp.data = conn;
  if (uv_accept (server, (uv_stream_t *) &conn->tcp) != 0)
    {
      uv_close ((uv_handle_t *) &conn->tcp, on_close);
      return;
    }
  uv_tcp_nodelay (&conn->tcp, 1);
  uv_read_start ((uv_stream_t *) &conn->tcp, on_alloc, on_read);
}

int
main (int argc, char *argv[])
{
  uv_loop_t *loop = uv_default_loop ();
  uv_tcp_t server;
  struct sockaddr_in addr;

  if (argc != 2)
    return 2;
  uv_tcp_init (loop, &server);
  uv_ip4_addr ("127.0.0.1", atoi (argv[1]), &addr);
  if (uv_tcp_bind (&server, (const struct sockaddr *) &addr, 0) != 0 ||
      uv_listen ((uv_stream_t *) &server, 1024, on_connection) != 0)
    return 1;
  return uv_run (loop, UV_RUN_DEFAULT);
}
