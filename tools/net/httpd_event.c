/*
 * httpd_event.c: the event model, every connection in one epoll loop
 * (nginx's design, and the course's async server before coroutines).
 *
 * Course idea: readiness-based IO. One thread waits in epoll_wait() for any
 * socket to become ready, then runs that connection's step: send what is
 * queued, read what arrived, let the session answer it. Nothing blocks, so
 * one thread holds thousands of connections; an idle one costs a struct
 * conn (64 bytes) and a kernel socket, because its session (the buffers) is
 * returned to a small free list whenever it has nothing buffered.
 *
 * Level-triggered epoll, on purpose: a step does at most STEP_ROUNDS reads,
 * so one client pipelining without pause cannot starve the others, and the
 * unread rest is reported again on the next epoll_wait (edge-triggered would
 * require reading to EAGAIN, or losing that wake-up). EPOLLOUT is armed only
 * while a send is blocked.
 *
 * Timers: three lists, one per timeout kind, each with a constant timeout,
 * so appending at the tail keeps each list sorted by deadline. Touching,
 * expiring and finding the next deadline are O(1): no heap, no timerfd.
 *   T_REQUEST: a request has begun (or the connection is new): header_ms
 *              from its first byte; not extended by more bytes (slowloris).
 *   T_IDLE:    between keep-alive requests: idle_ms from the last answer.
 *   T_SEND:    a send is blocked: idle_ms from the last progress.
 * epoll_wait sleeps until the earliest head: with nothing due, the idle
 * server uses no CPU at all.
 *
 * Moving onto lib/coro (docs/net.md): conn_step() becomes the body of a
 * coroutine running http_serve() with a netio whose read/write await
 * readiness; the timer lists become the runtime's timers; this file keeps
 * only the acceptor.
 *
 * Read next: lib/net/http_session.h (the handler both models share).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"
#include "sock.h"

#define STEP_ROUNDS   16  /* reads per connection per wake-up (fairness) */
#define ACCEPT_BATCH  64  /* accepts per wake-up of the listening socket */
#define FREE_SESSIONS 16  /* sessions kept for reuse */

enum { T_REQUEST, T_IDLE, T_SEND, T_NONE };

struct conn {
	int fd;
	int list;                  /* T_* it is on */
	bool want_out;             /* EPOLLOUT armed */
	struct http_session *s;    /* NULL while idle */
	int64_t deadline;
	struct conn *prev, *next;  /* on lists[list] */
};

struct tlist {
	struct conn *head, *tail;
};

struct loop {
	struct httpd *srv;
	int ep;
	struct tlist lists[T_NONE];
	unsigned conns;
	bool accepting, stopping;
	int64_t resume_at;         /* when paused by EMFILE: retry then */
	struct http_session *spare[FREE_SESSIONS];
	unsigned nspare;
	char lfd_tag, stop_tag;    /* epoll data for the two non-connections */
};

static void list_remove(struct loop *L, struct conn *c)
{
	if (c->list == T_NONE)
		return;
	struct tlist *l = &L->lists[c->list];
	*(c->prev ? &c->prev->next : &l->head) = c->next;
	*(c->next ? &c->next->prev : &l->tail) = c->prev;
	c->list = T_NONE;
}

/* Append c with a deadline `ms` from now; the list stays sorted because
 * every entry of a list was appended with the same ms. */
static void list_put(struct loop *L, struct conn *c, int which, int ms)
{
	list_remove(L, c);
	struct tlist *l = &L->lists[which];
	c->deadline = net_deadline_ms(ms);
	c->list = which;
	c->next = NULL;
	c->prev = l->tail;
	*(l->tail ? &l->tail->next : &l->head) = c;
	l->tail = c;
}

static struct http_session *session_get(struct loop *L)
{
	struct http_session *s = L->nspare ? L->spare[--L->nspare] : malloc(sizeof *s);
	if (s)
		http_session_init(s, &L->srv->cfg);
	return s;
}

static void session_put(struct loop *L, struct conn *c)
{
	http_session_release(c->s);
	if (L->nspare < FREE_SESSIONS)
		L->spare[L->nspare++] = c->s;
	else
		free(c->s);
	c->s = NULL;
}

static void accept_pause(struct loop *L, int ms)
{
	if (L->accepting)
		epoll_ctl(L->ep, EPOLL_CTL_DEL, L->srv->lfd, NULL);
	L->accepting = false;
	L->resume_at = ms ? net_deadline_ms(ms) : NET_FOREVER;
}

static void accept_resume(struct loop *L)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &L->lfd_tag };
	if (!L->accepting && !L->stopping && epoll_ctl(L->ep, EPOLL_CTL_ADD, L->srv->lfd, &ev) == 0)
		L->accepting = true;
}

static void conn_close(struct loop *L, struct conn *c)
{
	list_remove(L, c);
	if (c->s)
		session_put(L, c);
	shutdown(c->fd, SHUT_WR); /* our last answer goes out before the FIN */
	close(c->fd);
	free(c);
	L->conns--;
	if (!L->accepting)
		accept_resume(L); /* a descriptor and a slot are free again */
}

static void arm_out(struct loop *L, struct conn *c, bool on)
{
	if (c->want_out == on)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
	epoll_ctl(L->ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = on;
}

/* Send what the session has queued without blocking: 1 when all is sent,
 * 0 when the socket is full (EAGAIN), or a negative errno. */
static int flush(struct conn *c)
{
	struct http_session *s = c->s;
	for (;;) {
		size_t n;
		const char *out = http_session_out(s, &n);
		ssize_t k;
		if (n > 0) {
			k = send(c->fd, out, n, MSG_NOSIGNAL);
			if (k > 0)
				http_session_sent(s, (size_t)k);
		} else if (s->file_left > 0) {
			k = sendfile(c->fd, s->file_fd, &s->file_off, s->file_left);
			if (k == 0)
				return -EIO; /* the file shrank: the promised length is a lie now */
			if (k > 0)
				http_session_file_sent(s, (size_t)k);
		} else {
			http_session_process(s); /* requests queued behind a file */
			if (http_session_out(s, &n), n == 0 && s->file_left == 0)
				return 1;
			continue;
		}
		if (k < 0 && errno == EAGAIN)
			return 0;
		if (k < 0 && errno != EINTR)
			return -errno;
	}
}

/* After a step: free an idle session and put c on the right timer list. */
static void conn_settle(struct loop *L, struct conn *c, bool new_request)
{
	if (http_session_idle(c->s)) {
		session_put(L, c);
		if (L->stopping) {
			conn_close(L, c);
			return;
		}
		list_put(L, c, T_IDLE, L->srv->cfg.idle_ms);
	} else if (http_session_reading(c->s)) {
		if (c->list != T_REQUEST || new_request) /* not extended by more bytes */
			list_put(L, c, T_REQUEST, L->srv->cfg.header_ms);
	}
}

/* The connection's step: send, read, answer, up to STEP_ROUNDS reads.
 * Returns false if c was closed. */
static bool conn_step(struct loop *L, struct conn *c)
{
	bool new_request = false;
	if (!c->s && !(c->s = session_get(L))) {
		conn_close(L, c);
		return false;
	}
	for (int round = 0; round < STEP_ROUNDS; round++) {
		int r = flush(c);
		if (r < 0 || (r == 1 && http_session_finished(c->s))) {
			conn_close(L, c);
			return false;
		}
		if (r == 0) {
			arm_out(L, c, true);
			list_put(L, c, T_SEND, L->srv->cfg.idle_ms);
			return true;
		}
		arm_out(L, c, false);
		size_t room;
		char *buf = http_session_inbuf(c->s, &room);
		ssize_t k = read(c->fd, buf, room);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(L, c); /* end of stream, or reset */
			return false;
		}
		if (k < 0)
			break;
		bool begun = http_session_reading(c->s);
		unsigned long answered = c->s->requests;
		http_session_received(c->s, (size_t)k);
		http_session_process(c->s);
		new_request |= !begun || c->s->requests != answered;
		if ((size_t)k < room) { /* drained: send, then wait for epoll */
			if (flush(c) < 0 || http_session_finished(c->s)) {
				conn_close(L, c);
				return false;
			}
			if (http_session_out(c->s, &room), room > 0 || c->s->file_left > 0) {
				arm_out(L, c, true);
				list_put(L, c, T_SEND, L->srv->cfg.idle_ms);
				return true;
			}
			break;
		}
	}
	conn_settle(L, c, new_request);
	return true;
}

static void on_accept(struct loop *L)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		if (L->conns >= L->srv->max_conns) {
			accept_pause(L, 0); /* until a connection closes */
			return;
		}
		int fd = accept4(L->srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			int ms = httpd_accept_backoff_ms(-errno);
			if (ms)
				accept_pause(L, ms); /* EMFILE: no busy loop; a close resumes */
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct conn *c = calloc(1, sizeof *c);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		if (!c || epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->list = T_NONE;
		L->conns++;
		/* A new connection must send its request within header_ms. */
		list_put(L, c, T_REQUEST, L->srv->cfg.header_ms);
	}
}

/* SIGTERM: stop accepting; idle connections close; the rest finish their
 * request (their answer says Connection: close) and close after it. Runs
 * between event batches, so no event in hand refers to a closed conn. */
static void begin_stop(struct loop *L)
{
	L->stopping = true;
	atomic_store(&L->srv->cfg.shutting_down, true);
	epoll_ctl(L->ep, EPOLL_CTL_DEL, L->srv->stop_fd, NULL);
	if (L->accepting)
		epoll_ctl(L->ep, EPOLL_CTL_DEL, L->srv->lfd, NULL);
	L->accepting = false;
	close(L->srv->lfd);
	L->srv->lfd = -1;
	while (L->lists[T_IDLE].head)
		conn_close(L, L->lists[T_IDLE].head);
	for (struct conn *c = L->lists[T_REQUEST].head, *next; c; c = next) {
		next = c->next;
		if (!c->s)
			conn_close(L, c); /* connected, sent nothing yet */
	}
}

/* Close every connection whose deadline has passed; one that was reading a
 * request first gets a 408 if its socket takes it. */
static void expire(struct loop *L, int64_t now)
{
	for (int which = 0; which < T_NONE; which++) {
		struct conn *c;
		while ((c = L->lists[which].head) && c->deadline <= now) {
			if (which == T_REQUEST && c->s) {
				http_session_timeout(c->s);
				flush(c);
			}
			conn_close(L, c);
		}
	}
	if (!L->accepting && !L->stopping && L->resume_at <= now)
		accept_resume(L);
}

/* Milliseconds until the earliest deadline (rounded up), or -1 for none. */
static int next_timeout(struct loop *L, int64_t now)
{
	int64_t first = L->accepting || L->stopping ? NET_FOREVER : L->resume_at;
	for (int which = 0; which < T_NONE; which++)
		if (L->lists[which].head && L->lists[which].head->deadline < first)
			first = L->lists[which].head->deadline;
	if (first == NET_FOREVER)
		return -1;
	int64_t ms = (first - now + 999999) / 1000000;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static void on_event(struct loop *L, struct epoll_event *ev, bool *stop)
{
	if (ev->data.ptr == &L->lfd_tag) {
		on_accept(L);
	} else if (ev->data.ptr == &L->stop_tag) {
		*stop = true;
	} else {
		struct conn *c = ev->data.ptr;
		if (ev->events & EPOLLERR)
			conn_close(L, c); /* reset: nothing more can be sent */
		else
			conn_step(L, c); /* EPOLLHUP too: its read returns 0 */
	}
}

int httpd_run_event(struct httpd *srv)
{
	struct loop L = { .srv = srv, .accepting = true };
	L.ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event a = { .events = EPOLLIN, .data.ptr = &L.lfd_tag };
	struct epoll_event b = { .events = EPOLLIN, .data.ptr = &L.stop_tag };
	if (L.ep < 0 || epoll_ctl(L.ep, EPOLL_CTL_ADD, srv->lfd, &a) < 0 ||
	    epoll_ctl(L.ep, EPOLL_CTL_ADD, srv->stop_fd, &b) < 0)
		return -errno;
	struct epoll_event evs[256];
	while (!L.stopping || L.conns > 0) {
		int n = epoll_wait(L.ep, evs, 256, next_timeout(&L, net_now_ns()));
		if (n < 0 && errno != EINTR)
			break;
		bool stop = false;
		for (int i = 0; i < n; i++)
			on_event(&L, &evs[i], &stop);
		if (stop && !L.stopping)
			begin_stop(&L);
		expire(&L, net_now_ns());
	}
	while (L.nspare)
		free(L.spare[--L.nspare]);
	if (srv->lfd >= 0)
		close(srv->lfd);
	close(L.ep);
	return 0;
}
