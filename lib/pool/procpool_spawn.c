/*
 * procpool_spawn.c: how a worker process is born, and what is left to bury.
 *
 * Course idea: fork() and the file descriptors around it. To start a worker
 * the manager makes two pipes (close-on-exec, so an exec() anywhere in the
 * program does not leak them; the result pipe in packet mode, see
 * procpool_impl.h), forks, and opens a pidfd on the child: a descriptor that
 * becomes readable when the child exits, so the manager can poll() for
 * deaths alongside results instead of installing a SIGCHLD handler that
 * might clash with the user's. Signals go through the pidfd too
 * (pidfd_send_signal): a pid can be reused once its process is reaped, a
 * pidfd always names the one process it was opened on.
 *
 * Every descriptor the parent keeps is registered with pool_fork.h before
 * any fork can see it, so every child forked later, this pool's workers,
 * other pools' workers and the application's own fork() children alike,
 * closes it at once. The new worker keeps only its own two pipe ends.
 *
 * In the child, before it reads any task:
 *   - PR_SET_PDEATHSIG makes the kernel SIGKILL it if the parent dies, so a
 *     crashed parent leaves no orphans. The signal is tied to the *thread*
 *     that forked, which is why the manager thread, which outlives every
 *     worker, does all the forking, the first workers included.
 *   - SIGPIPE, blocked on the manager thread, is unblocked again.
 *
 * Read next: procpool_worker.c, the child's loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_fork.h"
#include "procpool_impl.h"

static _Noreturn void child_start(const struct procpool *pp, int in_fd, int out_fd,
				  struct pp_slot *slot, uint64_t magic, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the parent died before prctl took effect */
		_exit(0);
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe_only, NULL); /* inherited from the manager */
	pp_worker_main(pp, in_fd, out_fd, slot, magic);
}

/* Both pipes, every end registered (pool_fork.h) before anyone can fork. */
/* Both pipes, every end registered (pool_fork.h) before anyone can fork. */
static int make_pipes(int task_pipe[2], int result_pipe[2])
{
	int err = 0;
	pool_fork_lock();
	if (pool_fork_reserve_locked(4) != 0) {
		err = ENOMEM;
	} else if (pipe2(task_pipe, O_CLOEXEC) < 0) {
		err = errno;
	} else if (pipe2(result_pipe, O_CLOEXEC | O_DIRECT) < 0) {
		err = errno;
		close(task_pipe[0]);
		close(task_pipe[1]);
	} else {
		pool_fork_hold_locked(task_pipe[0]);
		pool_fork_hold_locked(task_pipe[1]);
		pool_fork_hold_locked(result_pipe[0]);
		pool_fork_hold_locked(result_pipe[1]);
	}
	pool_fork_unlock();
	return err;
}

static int open_pidfd(pid_t pid, int *pidfd)
{
	int err = 0;
	pool_fork_lock();
	int fd = -1;
	if (pool_fork_reserve_locked(1) != 0)
		err = ENOMEM;
	else if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		err = errno;
	else
		pool_fork_hold_locked(fd); /* pidfds are always close-on-exec */
	pool_fork_unlock();
	*pidfd = fd;
	return err;
}

/* A per-fork value for the packet headers; it need not be secret, only
 * unlikely to appear in bytes a task writes by accident. */
static uint64_t new_magic(pid_t parent)
{
	static _Atomic uint64_t counter;
	uint64_t x = ((uint64_t)parent << 32) ^ (uint64_t)pool_now_ns() ^
		     (atomic_fetch_add(&counter, 1) * 0x9e3779b97f4a7c15u);
	return x | 1; /* never 0 */
}

int pp_spawn_worker(struct procpool *pp, struct pp_worker *w)
{
	int task_pipe[2], result_pipe[2];
	int err = make_pipes(task_pipe, result_pipe);
	if (err)
		return err;
	atomic_store(&w->slot->running, 0);
	pid_t parent = getpid();
	uint64_t magic = new_magic(parent);
	pool_fork_keep(task_pipe[0], result_pipe[1]);
	pid_t pid = pool_os_fork();
	if (pid == 0)
		child_start(pp, task_pipe[0], result_pipe[1], w->slot, magic, parent);
	err = pid < 0 ? errno : 0;
	pool_fork_keep(-1, -1);
	pool_fork_close(&task_pipe[0]);
	pool_fork_close(&result_pipe[1]);
	int pidfd = -1;
	if (pid > 0 && (err = open_pidfd(pid, &pidfd)) != 0) {
		kill(pid, SIGKILL); /* not reaped yet, so the pid is still its */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (err) {
		pool_fork_close(&task_pipe[1]);
		pool_fork_close(&result_pipe[0]);
		return err;
	}
	fcntl(task_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(result_pipe[0], F_SETFL, O_NONBLOCK);
	w->to_child = task_pipe[1];
	w->from_child = result_pipe[0];
	w->magic = magic;
	w->deadline_kill = w->stop_sent = false;
	w->protocol_error = NULL;
	w->ntasks = 0;
	w->res_seq = 0;
	pool_mutex_lock(&pp->lock);
	w->pidfd = pidfd;
	w->pid = pid;
	pp->stats.spawned++;
	pool_mutex_unlock(&pp->lock);
	return 0;
}

void pp_signal(struct procpool *pp, struct pp_worker *w, int sig)
{
	(void)pp;
	if (w->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, w->pidfd, sig, NULL, 0);
}

void pp_release_worker(struct procpool *pp, struct pp_worker *w)
{
	pool_fork_close(&w->to_child);
	pool_fork_close(&w->from_child);
	pp_buf_free(&w->out);
	free(w->res);
	w->res = NULL;
	pool_mutex_lock(&pp->lock); /* procpool_terminate() reads pidfd under it */
	pool_fork_close(&w->pidfd);
	w->pid = 0;
	pool_mutex_unlock(&pp->lock);
}
