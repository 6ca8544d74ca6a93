/*
 * procpool_spawn.c: how a worker process is born, and what is left to bury.
 *
 * Course idea: fork() and the file descriptors around it. To start a worker
 * the manager makes two pipes (close-on-exec, so an exec() anywhere in the
 * program does not leak them), forks, and opens a pidfd on the child: a
 * descriptor that becomes readable when the child exits, so the manager can
 * poll() for deaths alongside results instead of installing a SIGCHLD
 * handler that might clash with the user's.
 *
 * In the child, before it reads any task:
 *   - PR_SET_PDEATHSIG makes the kernel SIGKILL it if the parent dies, so a
 *     crashed parent leaves no orphans. The signal is tied to the *thread*
 *     that forked, which is why the manager thread, which outlives every
 *     worker, does all the forking, the first workers included.
 *   - SIGPIPE, blocked on the manager thread, is unblocked again.
 *   - It closes the parent's ends of its own pipes and every other worker's
 *     descriptors; otherwise a sibling would hold our pipes open and we
 *     would never see end of file on them.
 *
 * Read next: procpool_worker.c, the child's loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procpool_impl.h"

void pp_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static _Noreturn void child_start(struct procpool *pp, int in_fd, int out_fd, int parent_ends[2],
				  struct pp_slot *slot, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the parent died before prctl took effect */
		_exit(0);
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe_only, NULL); /* inherited from the manager */
	close(parent_ends[0]);
	close(parent_ends[1]);
	close(pp->wake_fd);
	for (unsigned i = 0; i < pp->nworkers; i++) { /* the other workers' pipes */
		struct pp_worker *v = &pp->workers[i];
		if (v->pid > 0) {
			close(v->to_child);
			close(v->from_child);
			close(v->pidfd);
		}
	}
	pp_worker_main(in_fd, out_fd, slot);
}

int pp_spawn_worker(struct procpool *pp, struct pp_worker *w)
{
	int task_pipe[2], result_pipe[2];
	if (pipe2(task_pipe, O_CLOEXEC) < 0)
		return errno;
	if (pipe2(result_pipe, O_CLOEXEC) < 0) {
		int err = errno;
		close(task_pipe[0]);
		close(task_pipe[1]);
		return err;
	}
	atomic_store(&w->slot->running, 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		int parent_ends[2] = { task_pipe[1], result_pipe[0] };
		child_start(pp, task_pipe[0], result_pipe[1], parent_ends, w->slot, parent);
	}
	int err = pid < 0 ? errno : 0;
	close(task_pipe[0]);
	close(result_pipe[1]);
	int pidfd = -1;
	if (pid > 0 && (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) { /* always CLOEXEC */
		err = errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (err) {
		close(task_pipe[1]);
		close(result_pipe[0]);
		return err;
	}
	fcntl(task_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(result_pipe[0], F_SETFL, O_NONBLOCK);
	w->to_child = task_pipe[1];
	w->from_child = result_pipe[0];
	w->pidfd = pidfd;
	w->deadline_kill = false;
	pool_mutex_lock(&pp->lock);
	w->pid = pid;
	pp->stats.spawned++;
	pool_mutex_unlock(&pp->lock);
	return 0;
}

void pp_release_worker(struct procpool *pp, struct pp_worker *w)
{
	pp_close_fd(&w->to_child);
	pp_close_fd(&w->from_child);
	pp_close_fd(&w->pidfd);
	pp_buf_free(&w->in);
	pp_buf_free(&w->out);
	pool_mutex_lock(&pp->lock);
	w->pid = 0;
	pool_mutex_unlock(&pp->lock);
}
