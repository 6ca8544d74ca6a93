/*
 * coro_testutil.h: a death test for the coroutine suites: run a function in
 * a child process and report how it ended and what it wrote on stderr.
 *
 * Course idea: a test of "this must abort with that message" cannot run in
 * the test's own process, so it forks, as xv6's usertests run each hostile
 * case in a child and judge it by its exit.
 *
 * The suites run on Linux and on weft (CORO_ON_WEFT, mk/coro.mk); weft has
 * no fork, so there the child is the same program spawned again with stderr
 * on a pipe (tests/target/cmocka_weft.c runs its part), and abort() ends a
 * process as killed (lib/user/newlib.c: no signals), which
 * CORO_DIED_OF_ABORT knows.
 */
#ifndef WEFT_CORO_TESTUTIL_H
#define WEFT_CORO_TESTUTIL_H

#if defined(__arm__) && !defined(__linux__)
#define CORO_ON_WEFT 1
#include <stddef.h>

/* tests/target/cmocka_weft.c, which has weft's calls (weft.h is not
 * included here: its names, such as trace(), would collide with the
 * suites'). */
int weft_cmocka_death(void (*fn)(void), char *err, size_t n);
int weft_cmocka_died_of_abort(int status);
int weft_cmocka_pipe2(int fds[2], int flags);

#define CORO_DIED_OF_ABORT(status) weft_cmocka_died_of_abort(status)
static inline int coro_death_test(void (*fn)(void), char *err, size_t n)
{
	return weft_cmocka_death(fn, err, n);
}
static inline int pipe2(int fds[2], int flags) { return weft_cmocka_pipe2(fds, flags); }

#else
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn() in a child with stderr captured into err (NUL-terminated, at
 * most n - 1 bytes). Returns the child's wait status. */
static inline int coro_death_test(void (*fn)(void), char *err, size_t n)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 2);
		fn();
		_exit(0);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t r;
	while (len + 1 < n && (r = read(p[0], err + len, n - 1 - len)) > 0)
		len += (size_t)r;
	err[len] = 0;
	close(p[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	return status;
}

#define CORO_DIED_OF_ABORT(status) (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
#endif

#endif
