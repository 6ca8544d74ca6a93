/*
 * http_serve.h: serve one HTTP connection to the end, through a netio.
 *
 * Course idea: the per-connection coroutine of the course's async server,
 * written as a plain loop (read, process, send, repeat) whose only waits
 * are netio calls. In a thread or a forked process they block; in a
 * coroutine they await. See http_serve.c for the loop and its deadlines.
 *
 * Read next: http_serve.c.
 */
#ifndef WEFT_HTTP_SERVE_H
#define WEFT_HTTP_SERVE_H

#include "http_session.h"
#include "netio.h"

/* Serve until the peer closes, a deadline passes, an error occurs or the
 * server shuts down; then close io (lingering). s is scratch space for the
 * session (large: the caller chooses where it lives). Returns the number of
 * requests answered. A netio that parks (netio.h) makes it return early,
 * between two requests, with io->parked set and io open: call it again
 * (with any session) when the socket is readable. */
unsigned long http_serve(struct netio *io, struct http_session *s, const struct http_cfg *cfg);

#endif
