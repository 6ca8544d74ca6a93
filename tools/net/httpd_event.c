/*
 * httpd_event.c: the event model: one lib/coro task per connection on the
 * async runtime's epoll loop, running the very http_serve() that the thread
 * and process models run (nginx's single loop, written as coroutines).
 *
 * Course idea: the course's async server. Each connection's code is the
 * straight-line loop of http_serve.c (read, answer, send, repeat); only its
 * netio differs: netio_async (lib/net/async_sock.h) awaits readiness on the
 * loop instead of blocking, so one thread serves every connection.
 *
 * What a connection costs, and when:
 *  - serving: a task, its coroutine stack (64 KiB of address space, only
 *    the touched pages resident, reused from the loop's pool) and a session
 *    (16 KiB of buffers, from a free list);
 *  - quiet (a keep-alive connection between requests, or a new one that has
 *    sent nothing): none of these. After PARK_MS of silence the netio
 *    "parks": http_serve() returns, the task ends and gives its stack and
 *    session back. What is left is a struct conn, its socket's registration
 *    (async_fd: edge-triggered, registered once) and one timer in the loop's
 *    heap. The next edge on the socket calls conn_wake(), which starts a
 *    task again. An idle connection costs about 150 bytes, not 80 KiB.
 *
 * Deadlines: a parked connection's timer closes it at its idle deadline
 * (header_ms for a new connection, idle_ms after an answer); inside a task
 * the deadlines are http_serve()'s, as the loop's timers (async_fd_wait).
 *
 * Tasks besides the connections: the acceptor (asock_accept on the
 * listening socket; at max_conns or on EMFILE it waits for a connection to
 * end, or 100 ms, instead of spinning) and the stopper, which waits for
 * SIGTERM/SIGINT delivered to the loop (async_signals_catch): it stops the
 * acceptor, closes parked connections, cancels tasks waiting between
 * requests, and lets requests in flight finish; then async_run() returns.
 *
 * Read next: lib/net/async_sock.c, lib/coro/async_fd.c, docs/net.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "async_sock.h"
#include "http_serve.h"
#include "httpd.h"
#include "sock.h"

#define PARK_MS       0   /* quiet this long between requests: drop the task */
#define FREE_SESSIONS 64  /* sessions kept for reuse */
#define KEEP_STACKS   256 /* task stacks kept for reuse */

struct loop;
struct conn {
	struct async_fd afd;       /* first; registered from accept to close */
	struct loop *L;
	struct async_task *task;   /* serving it, or NULL while parked */
	struct async_timer idle;   /* armed while parked, lazily (conn_expired) */
	uint64_t idle_deadline;    /* when a parked connection closes */
	struct conn *prev, *next;  /* every connection, for shutdown */
};

struct loop {
	struct httpd *srv;
	struct async_loop *aloop;
	struct conn *conns;
	unsigned nconns;
	bool stopping;
	struct async_task *acceptor;
	struct afuture *room;      /* the acceptor waits on it for a slot or a descriptor */
	struct http_session *spare[FREE_SESSIONS];
	unsigned nspare;
};

static struct http_session *session_get(struct loop *L)
{
	return L->nspare ? L->spare[--L->nspare] : malloc(sizeof(struct http_session));
}

static void session_put(struct loop *L, struct http_session *s)
{
	if (L->nspare < FREE_SESSIONS)
		L->spare[L->nspare++] = s;
	else
		free(s);
}

/* The connection is gone (its socket closed): forget it. */
static void conn_free(struct conn *c)
{
	struct loop *L = c->L;
	async_timer_disarm(L->aloop, &c->idle);
	*(c->prev ? &c->prev->next : &L->conns) = c->next;
	if (c->next)
		c->next->prev = c->prev;
	L->nconns--;
	free(c);
	if (L->room) /* the acceptor waits for a slot or a descriptor: here is one */
		afuture_set_result(L->room, NULL);
}

/* Close a parked connection (no task: nothing to send, nothing to drain). */
static void conn_close_parked(struct conn *c)
{
	int fd = async_fd_fileno(&c->afd);
	async_fd_fini(&c->afd);
	shutdown(fd, SHUT_WR);
	close(fd);
	conn_free(c);
}

/* The idle timer is lazy: waking a connection does not disarm it and
 * parking it again only moves idle_deadline, so a busy keep-alive
 * connection costs no heap operation per request. When the timer runs it
 * checks: busy, or parked again since, means "not yet": it is re-armed. */
static void conn_expired(void *arg)
{
	struct conn *c = arg;
	struct async_loop *aloop = c->L->aloop;
	uint64_t now = async_now(aloop);
	if (!c->task && c->idle_deadline <= now)
		conn_close_parked(c);
	else
		async_timer_arm(aloop, &c->idle, c->task ? now + 1000 * ASYNC_MS : c->idle_deadline,
				conn_expired, c);
}

static void conn_park(struct conn *c, int ms)
{
	struct async_loop *aloop = c->L->aloop;
	c->idle_deadline = async_now(aloop) + (uint64_t)ms * ASYNC_MS;
	if (!c->idle.armed || c->idle.deadline > c->idle_deadline) /* only ever earlier */
		async_timer_arm(aloop, &c->idle, c->idle_deadline, conn_expired, c);
}

/* A task per busy stretch of a connection: http_serve() until it parks or
 * the connection ends. */
static int conn_main(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct conn *c = arg;
	struct loop *L = c->L;
	struct http_session *s = session_get(L);
	if (!s) {
		c->task = NULL;
		conn_close_parked(c);
		return -ENOMEM;
	}
	struct anetio a;
	netio_async(&a, self, &c->afd, PARK_MS * (int64_t)1000000);
	http_serve(&a.io, s, &L->srv->cfg);
	c->task = NULL;
	session_put(L, s);
	if (!a.io.parked)
		conn_free(c); /* http_serve closed it (and ended its registration) */
	else if (L->stopping)
		conn_close_parked(c);
	else
		conn_park(c, L->srv->cfg.idle_ms);
	return 0;
}

/* The socket's edge with no task reading it: start one (the idle hook). */
static void conn_wake(struct async_fd *afd, void *arg)
{
	(void)afd;
	struct conn *c = arg;
	if (c->task) /* its task reads before it parks: it will see the data */
		return;
	c->task = async_spawn(c->L->aloop, "conn", conn_main, c);
	if (!c->task) {
		conn_close_parked(c); /* no memory for a task: the client sees a close */
		return;
	}
	afuture_release(async_task_future(c->task)); /* the loop keeps its own */
}

static void conn_new(struct loop *L, int fd)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c || async_fd_init(&c->afd, L->aloop, fd, conn_wake, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->L = L;
	c->next = L->conns;
	if (L->conns)
		L->conns->prev = c;
	L->conns = c;
	L->nconns++;
	/* Parked until its first bytes (registering reports data already
	 * there), which must come within header_ms: connecting and sending
	 * nothing is slowloris too. */
	conn_park(c, L->srv->cfg.header_ms);
}

/* Wait for a connection to end, or ms (0: no limit). */
static int wait_room(struct async_task *self, struct loop *L, int ms)
{
	L->room = afuture_create(L->aloop);
	if (!L->room)
		return async_sleep(self, 100 * ASYNC_MS);
	int r = ms ? async_wait_for(self, L->room, (uint64_t)ms * ASYNC_MS, NULL)
		   : async_await(self, L->room, NULL);
	afuture_release(L->room);
	L->room = NULL;
	return r == -ETIMEDOUT ? 0 : r;
}

static int acceptor(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct loop *L = arg;
	struct asock ls;
	int r = asock_open(&ls, self, L->srv->lfd);
	while (r == 0) {
		if (L->nconns >= L->srv->max_conns) {
			r = wait_room(self, L, 0);
			continue;
		}
		int fd = asock_accept(&ls, NET_FOREVER);
		if (fd >= 0)
			conn_new(L, fd);
		else if (httpd_accept_backoff_ms(fd)) /* EMFILE: no busy loop; a close resumes */
			r = wait_room(self, L, httpd_accept_backoff_ms(fd));
		else if (fd == -ECANCELED)
			r = fd;
	}
	if (ls.afd)
		async_fd_close(ls.afd);
	close(L->srv->lfd); /* new connections are refused from here on */
	L->srv->lfd = -1;
	return 0;
}

/* SIGTERM/SIGINT: stop accepting; parked connections close; requests in
 * flight finish, answered with Connection: close, and their tasks close
 * the connection instead of parking it. (With PARK_MS 0 no task waits
 * between requests; with more, one would close within PARK_MS.) */
static void begin_stop(struct loop *L)
{
	L->stopping = true;
	atomic_store(&L->srv->cfg.shutting_down, true);
	async_task_cancel(L->acceptor);
	for (struct conn *c = L->conns, *next; c; c = next) {
		next = c->next;
		if (!c->task)
			conn_close_parked(c);
	}
}

static int stopper(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct loop *L = arg;
	/* A signal that came before the loop caught them went to httpd.c's
	 * handler, which set shutting_down. */
	while (!atomic_load(&L->srv->cfg.shutting_down)) {
		int sig = async_signal_wait(self);
		if (sig == SIGTERM || sig == SIGINT || sig < 0)
			break;
	}
	begin_stop(L);
	return 0;
}

int httpd_run_event(struct httpd *srv)
{
	struct loop L = { .srv = srv };
	static const int sigs[] = { SIGTERM, SIGINT };
	L.aloop = async_loop_create(NULL, NULL);
	if (!L.aloop)
		return -errno;
	int r = async_loop_keep_stacks(L.aloop, KEEP_STACKS);
	if (r == 0)
		r = async_signals_catch(L.aloop, sigs, 2);
	struct async_task *stop = r < 0 ? NULL : async_spawn(L.aloop, "stopper", stopper, &L);
	L.acceptor = stop ? async_spawn(L.aloop, "acceptor", acceptor, &L) : NULL;
	if (!L.acceptor) {
		if (stop)
			async_task_cancel(stop), async_run(L.aloop), afuture_release(async_task_future(stop));
		async_loop_destroy(L.aloop);
		return r < 0 ? r : -ENOMEM;
	}
	r = async_run(L.aloop);
	afuture_release(async_task_future(stop));
	afuture_release(async_task_future(L.acceptor));
	while (L.nspare)
		free(L.spare[--L.nspare]);
	async_loop_destroy(L.aloop);
	return r;
}
