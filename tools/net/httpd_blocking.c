/*
 * httpd_blocking.c: the thread-per-connection and process-per-connection
 * models (Apache's worker and prefork, in their simplest forms).
 *
 * Course idea: blocking IO made concurrent by the operating system. The
 * main thread accepts; each connection gets its own thread or forked
 * process, which runs http_serve() with blocking, deadline-bounded calls.
 * The cost is a stack (thread) or an address space (process) per connection,
 * which docs/net.md measures against the event loop.
 *
 * Limits: at srv->max_conns live connections the acceptor waits for one to
 * end. Out of descriptors (EMFILE) it sleeps 100 ms on the stop eventfd and
 * retries: no busy loop, and it recovers as soon as descriptors free up.
 * Shutdown: the stop eventfd wakes every connection waiting between
 * requests (it closes); connections inside a request finish it.
 *
 * Read next: httpd_event.c, the same service in one thread.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_serve.h"
#include "httpd.h"
#include "sock.h"

struct model {
	/* Start serving fd (which it then owns). 0 or a negative errno. */
	int (*start)(struct httpd *srv, int fd);
	/* Block until fewer than max connections are live. */
	void (*wait_below)(struct httpd *srv, unsigned max);
	/* Shutdown has begun (may be NULL). */
	void (*stopping)(struct httpd *srv);
};

static void accept_loop(struct httpd *srv, const struct model *m)
{
	for (;;) {
		m->wait_below(srv, srv->max_conns);
		int fd = net_accept(srv->lfd, NET_FOREVER, srv->stop_fd);
		if (fd == -ECANCELED)
			break;
		if (fd < 0) {
			int ms = httpd_accept_backoff_ms(fd);
			if (ms && net_wait(srv->stop_fd, POLLIN, net_deadline_ms(ms), -1) == 0)
				break;
			continue;
		}
		if (m->start(srv, fd) < 0)
			close(fd); /* no thread or process for it: the client sees a close */
	}
	atomic_store(&srv->cfg.shutting_down, true);
	close(srv->lfd); /* new connections are refused from here on */
	srv->lfd = -1;
	if (m->stopping)
		m->stopping(srv);
	m->wait_below(srv, 1);
}

/* ---- one thread per connection ---- */

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cond = PTHREAD_COND_INITIALIZER;
static unsigned live_threads; /* protected by live_lock */

struct tconn {
	struct httpd *srv;
	int fd;
};

static void *conn_thread(void *arg)
{
	struct tconn *t = arg;
	struct http_session *s = malloc(sizeof *s);
	struct netio io;
	netio_blocking(&io, t->fd, t->srv->stop_fd);
	if (s)
		http_serve(&io, s, &t->srv->cfg);
	else
		close(t->fd);
	free(s);
	free(t);
	pthread_mutex_lock(&live_lock);
	live_threads--;
	pthread_cond_broadcast(&live_cond);
	pthread_mutex_unlock(&live_lock);
	return NULL;
}

static int thread_start(struct httpd *srv, int fd)
{
	struct tconn *t = malloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (struct tconn){ srv, fd };
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024); /* the session is on the heap */
	pthread_t id;
	pthread_mutex_lock(&live_lock);
	int r = pthread_create(&id, &attr, conn_thread, t);
	if (r == 0)
		live_threads++;
	pthread_mutex_unlock(&live_lock);
	pthread_attr_destroy(&attr);
	if (r)
		free(t);
	return -r;
}

static void thread_wait_below(struct httpd *srv, unsigned max)
{
	(void)srv;
	pthread_mutex_lock(&live_lock);
	while (live_threads >= max)
		pthread_cond_wait(&live_cond, &live_lock);
	pthread_mutex_unlock(&live_lock);
}

int httpd_run_thread(struct httpd *srv)
{
	static const struct model m = { thread_start, thread_wait_below, NULL };
	accept_loop(srv, &m);
	return 0;
}

/* ---- one forked process per connection ---- */

/* The acceptor's own list of live children (one thread touches it): at
 * shutdown each gets SIGTERM, so one inside a request answers it with
 * Connection: close (its own copy of cfg.shutting_down is set by httpd.c's
 * handler). */
static pid_t *children;
static unsigned live_children;

static void forget_child(pid_t pid)
{
	for (unsigned i = 0; i < live_children; i++)
		if (children[i] == pid) {
			children[i] = children[--live_children];
			return;
		}
}

static void reap(bool block)
{
	while (live_children > 0) {
		pid_t pid = waitpid(-1, NULL, block ? 0 : WNOHANG);
		if (pid > 0)
			forget_child(pid);
		else if (pid < 0 && errno == EINTR)
			continue;
		else
			break;
		block = false; /* one blocking wait, then collect the rest */
	}
}

static int process_start(struct httpd *srv, int fd)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(srv->lfd);
		struct http_session *s = malloc(sizeof *s);
		struct netio io;
		netio_blocking(&io, fd, srv->stop_fd);
		if (s)
			http_serve(&io, s, &srv->cfg);
		free(s);
		_exit(0);
	}
	children[live_children++] = pid;
	close(fd); /* the child has its own copy */
	return 0;
}

static void process_wait_below(struct httpd *srv, unsigned max)
{
	(void)srv;
	reap(false);
	while (live_children >= max)
		reap(true);
}

static void process_stopping(struct httpd *srv)
{
	(void)srv;
	reap(false);
	for (unsigned i = 0; i < live_children; i++)
		kill(children[i], SIGTERM);
}

int httpd_run_process(struct httpd *srv)
{
	static const struct model m = { process_start, process_wait_below, process_stopping };
	children = calloc(srv->max_conns, sizeof *children);
	if (!children)
		return -ENOMEM;
	accept_loop(srv, &m);
	free(children);
	return 0;
}
