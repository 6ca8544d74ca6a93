/*
 * async_signal.c: SIGINT and SIGTERM delivered to the loop as events
 * (async.h: async_signals_catch, async_signal_wait).
 *
 * Course idea: a signal handler may run between any two instructions, so it
 * can do almost nothing safely (set a flag, write a descriptor). An event
 * loop wants a signal as one more event, handled by ordinary code on the
 * loop's thread. Linux offers a signalfd: block the signals, and they queue
 * on a descriptor instead of interrupting anyone; the loop watches that
 * descriptor like a socket (asyncio's add_signal_handler uses the other
 * classic way, a handler writing to a self-pipe).
 *
 * The catch is the mask: a signal blocked in one thread is still delivered
 * to any thread that has it unblocked. Threads inherit the mask of the
 * thread that creates them, so catch the signals before starting a pool.
 *
 * Read next: tools/net/httpd_event.c (its stop task), async_fd.c.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "async_internal.h"

struct async_signals {
	int sfd;
	struct async_fd *afd;
	sigset_t set, old_mask;
};

/* Called by async_loop_destroy: the signals go back to their handlers. */
static void signals_fini(struct async_loop *loop)
{
	struct async_signals *s = loop->signals;
	async_fd_close(s->afd);
	close(s->sfd);
	pthread_sigmask(SIG_SETMASK, &s->old_mask, NULL);
	free(s);
	loop->signals = NULL;
}

int async_signals_catch(struct async_loop *loop, const int *sigs, size_t n)
{
	if (loop->signals)
		return -EBUSY;
	struct async_signals *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	sigemptyset(&s->set);
	for (size_t i = 0; i < n; i++)
		if (sigaddset(&s->set, sigs[i]) < 0) {
			free(s);
			return -EINVAL;
		}
	pthread_sigmask(SIG_BLOCK, &s->set, &s->old_mask);
	s->sfd = signalfd(-1, &s->set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sfd < 0 || !(s->afd = async_fd_open(loop, s->sfd, NULL, NULL))) {
		int e = errno;
		if (s->sfd >= 0)
			close(s->sfd);
		pthread_sigmask(SIG_SETMASK, &s->old_mask, NULL);
		free(s);
		return -e;
	}
	loop->signals = s;
	loop->signals_fini = signals_fini;
	return 0;
}

int async_signal_wait(struct async_task *self)
{
	struct async_signals *s = self->fut.loop->signals;
	if (!s)
		return -EINVAL;
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t k = read(s->sfd, &si, sizeof si);
		if (k == (ssize_t)sizeof si)
			return (int)si.ssi_signo;
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		async_fd_clear(s->afd, POLLER_IN);
		int r = async_fd_wait(self, s->afd, POLLER_IN, ASYNC_NEVER);
		if (r < 0)
			return r;
	}
}
