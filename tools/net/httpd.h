/*
 * httpd.h: what the server's three models share (tools/net/httpd.c).
 *
 * Course idea: Apache versus nginx. The same handler (lib/net/http_session)
 * runs one connection per thread, per forked process, or all connections in
 * one epoll loop; each model is one function with this contract: serve
 * connections accepted on srv->lfd until srv->cfg.shutting_down is set and
 * srv->stop_fd becomes readable, then stop accepting, let the connections in
 * flight finish, and return 0 (or a negative errno if it could not start).
 *
 * Read next: httpd_event.c, httpd_blocking.c.
 */
#ifndef WEFT_HTTPD_H
#define WEFT_HTTPD_H

#include "http_session.h"

struct httpd {
	struct http_cfg cfg;
	int lfd;           /* listening, non-blocking */
	int stop_fd;       /* eventfd: readable once SIGTERM/SIGINT arrived */
	unsigned max_conns;/* accepting pauses at this many connections */
};

int httpd_run_event(struct httpd *srv);
int httpd_run_thread(struct httpd *srv);
int httpd_run_process(struct httpd *srv);

/* An accept failure that means "out of descriptors or memory": pause
 * accepting for a while instead of retrying at once (a busy loop). */
int httpd_accept_backoff_ms(int err);

#endif
