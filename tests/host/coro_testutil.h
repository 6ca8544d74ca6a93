/*
 * coro_testutil.h: a death test for the coroutine suites: run a function in
 * a child process and report how it ended and what it wrote on stderr.
 *
 * Course idea: a test of "this must abort with that message" cannot run in
 * the test's own process, so it forks, as xv6's usertests run each hostile
 * case in a child and judge it by its exit.
 */
#ifndef WEFT_CORO_TESTUTIL_H
#define WEFT_CORO_TESTUTIL_H

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

#endif
