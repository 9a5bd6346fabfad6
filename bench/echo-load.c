/* echo-load.c: a closed-loop load client for line echo servers
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * N connections to 127.0.0.1:PORT; each sends an S-byte line (S-1 bytes
 * and '\n'), waits for the whole echo, and sends the next (closed loop).
 * One thread, poll(2) over all connections, so the client's own cost per
 * request is small and the same for every server. After a warm-up it
 * counts replies for D seconds and prints: req/s, p50 and p99 latency.
 *
 * Usage: echo-load PORT CONNECTIONS SIZE SECONDS [IDLE]
 * With IDLE, that many more connections are opened first and left silent:
 * a server that polls every descriptor slows down with them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
  int    fd;
  size_t received;
  double sent_at;
} Conn;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* A connection that stays open and silent. */
static int
connect_to (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    return -1;
  return fd;
}

int
main (int argc, char *argv[])
{
  int port, n, size, idle = 0;
  double seconds, start, measure_from, end;
  Conn *conns;
  struct pollfd *pfds;
  char *line, *buf;
  double *lat = NULL;
  size_t nlat = 0, caplat = 0, count = 0;

  if (argc != 5 && argc != 6)
    {
      fprintf (stderr, "usage: %s PORT CONNECTIONS SIZE SECONDS [IDLE]\n", argv[0]);
      return 2;
    }
  port = atoi (argv[1]);
  n = atoi (argv[2]);
  size = atoi (argv[3]);
  seconds = atof (argv[4]);
  if (argc == 6)
    idle = atoi (argv[5]);

  conns = calloc (n, sizeof *conns);
  pfds = calloc (n, sizeof *pfds);
  line = malloc (size);
  buf = malloc (65536);
  memset (line, 'x', size - 1);
  line[size - 1] = '\n';

  for (int i = 0; i < idle; i++)
    if (connect_to (port) < 0)
      {
        perror ("connect (idle)");
        return 1;
      }

  for (int i = 0; i < n; i++)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
      int one = 1;

      inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
      conns[i].fd = socket (AF_INET, SOCK_STREAM, 0);
      setsockopt (conns[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect (conns[i].fd, (struct sockaddr *) &addr, sizeof addr) != 0)
        {
          perror ("connect");
          return 1;
        }
      pfds[i].fd = conns[i].fd;
      pfds[i].events = POLLIN;
    }

  start = now ();
  measure_from = start + 0.5;            /* warm-up */
  end = measure_from + seconds;
  for (int i = 0; i < n; i++)
    {
      conns[i].sent_at = now ();
      if (write (conns[i].fd, line, size) != size)
        return 1;
    }

  while (now () < end)
    {
      if (poll (pfds, n, 1000) <= 0)
        continue;
      for (int i = 0; i < n; i++)
        {
          ssize_t r;

          if (!(pfds[i].revents & POLLIN))
            continue;
          r = read (conns[i].fd, buf, 65536);
          if (r <= 0)
            {
              fprintf (stderr, "connection %d closed\n", i);
              return 1;
            }
          conns[i].received += r;
          if (conns[i].received < (size_t) size)
            continue;
          conns[i].received -= size;

          {
            double t = now ();
            if (t >= measure_from)
              {
                if (nlat == caplat)
                  {
                    caplat = caplat ? caplat * 2 : 65536;
                    lat = realloc (lat, caplat * sizeof *lat);
                  }
                lat[nlat++] = t - conns[i].sent_at;
                count++;
              }
            conns[i].sent_at = t;
          }
          if (write (conns[i].fd, line, size) != size)
            return 1;
        }
    }

  qsort (lat, nlat, sizeof *lat, cmp);
  printf ("%.0f %.1f %.1f\n", count / seconds,
          nlat ? lat[nlat / 2] * 1e6 : 0, nlat ? lat[(size_t) (nlat * 0.99)] * 1e6 : 0);
  return 0;
}
