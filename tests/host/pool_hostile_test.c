/*
 * pool_hostile_test.c: the process pool against the cases a hostile test found.
 *
 * Course idea: issue 14's bugs 1 and 3 to 6, one case each, plus the hostile
 * variants around them: two pools and a plain fork() child alive at once, a
 * long task in front of many short ones, a task that scribbles on its
 * worker's result pipe, fork() failing, destroy while tasks run. A hang is
 * the usual symptom here, so every wait is bounded (HANG_NS) and a case that
 * would hang fails instead; the bound detects a hang, it never judges speed.
 *
 * Read next: pool_wait_test.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "pool_os.h"
#include "pool_testutil.h"
#include "procpool.h"
#include "shm_counter.h"

#define HANG_NS (10LL * 1000000000) /* far beyond any honest wait here */

/* Shared with the workers (mapped before they fork): tasks count their runs
 * in `ran`, and tasks that hold wait until `release` becomes non-zero. */
static struct shm_counter *ran, *release;

enum { SQUARE, HOLD, SCRIBBLE_HUGE, SCRIBBLE_SMALL, SLEEP_200MS };

struct job {
	int64_t kind, value;
};

/* Write `bytes` into every pipe this worker may write to (its result pipe). */
static void scribble(const void *bytes, size_t n)
{
	for (int fd = 3; fd < 1024; fd++) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
		    (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY)
			(void)!write(fd, bytes, n);
	}
}

static int task(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)len;
	struct job j;
	memcpy(&j, arg, sizeof j);
	shm_counter_add(ran, SHM_ATOMIC, 1);
	switch (j.kind) {
	case SQUARE: {
		int64_t r = j.value * j.value;
		return pool_bytes_append(out, &r, sizeof r);
	}
	case HOLD:
		while (shm_counter_get(release) == 0)
			sleep_ms(1);
		return 0;
	case SCRIBBLE_HUGE: { /* the old header: id, status, then a length of 1 TiB */
		uint64_t hdr[3] = { 1, 0, (uint64_t)1 << 40 };
		scribble(hdr, sizeof hdr);
		return 0;
	}
	case SCRIBBLE_SMALL: { /* a plausible small message for another task */
		uint64_t msg[4] = { 3, 0, 8, 42 };
		scribble(msg, sizeof msg);
		return 0;
	}
	case SLEEP_200MS:
		sleep_ms(200);
		return 0;
	}
	return EINVAL;
}

static struct future *submit_job(struct procpool *pp, int64_t kind, int64_t value)
{
	struct job j = { kind, value };
	return procpool_submit(pp, task, &j, sizeof j);
}

static int64_t result_int(const struct future *f)
{
	int64_t x = -1;
	if (future_result_len(f) == sizeof x)
		memcpy(&x, future_result(f), sizeof x);
	return x;
}

static void must_resolve(struct future *f)
{
	if (future_wait(f, HANG_NS) != 0)
		fail_msg("a future did not resolve (state %s): the pool hangs",
			 future_state_name[future_state(f)]);
}

static int setup(void **state)
{
	(void)state;
	ran = shm_counter_create();
	release = shm_counter_create();
	return ran && release ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	shm_counter_destroy(ran);
	shm_counter_destroy(release);
	return 0;
}

/* ---- destroy must not wait for strangers (bug 1) ---- */

static _Atomic bool destroyed;

static void *destroy_thread(void *arg)
{
	procpool_destroy(arg);
	atomic_store(&destroyed, true);
	return NULL;
}

/* Destroy pp on another thread; fail if that has not returned after HANG_NS. */
static void destroy_or_fail(struct procpool *pp)
{
	atomic_store(&destroyed, false);
	pool_thread t;
	pool_thread_start(&t, destroy_thread, pp);
	for (int64_t t0 = pool_now_ns(); !atomic_load(&destroyed);) {
		if (pool_now_ns() - t0 > HANG_NS)
			fail_msg("procpool_destroy hangs");
		sleep_ms(1);
	}
	pool_thread_join(&t);
}

static void test_destroy_with_another_pool_alive(void **state)
{
	(void)state;
	struct procpool *a = procpool_create(2, 0), *b = procpool_create(2, 0);
	struct future *f = submit_job(b, SQUARE, 6);
	destroy_or_fail(a);
	must_resolve(f);
	assert_int_equal(result_int(f), 36); /* b is unharmed */
	future_release(f);
	destroy_or_fail(b);
}

static void test_destroy_with_a_forked_child_alive(void **state)
{
	(void)state;
	struct procpool *a = procpool_create(2, 0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t child = fork(); /* a plain fork, as an application would */
	if (child == 0) {
		char c;
		close(p[1]);
		(void)!read(p[0], &c, 1); /* lives until the test lets it go */
		_exit(0);
	}
	close(p[0]);
	destroy_or_fail(a);
	close(p[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
}

/* Pipes and anonymous inodes (eventfds, pidfds) a process holds at fd >= 3. */
static void pipe_inodes(pid_t pid, char names[][64], int *n, int *anon)
{
	char path[64], link[64];
	*n = *anon = 0;
	for (int fd = 3; fd < 256; fd++) {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t len = readlink(path, link, sizeof link - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (strncmp(link, "pipe:", 5) == 0 && *n < 64)
			strcpy(names[(*n)++], link);
		*anon += strncmp(link, "anon_inode:", 11) == 0;
	}
}

/* A worker of pool b shares exactly its own two pipes with the parent, and
 * holds no eventfd or pidfd: nothing of pool a leaked into it. */
static void test_workers_do_not_inherit_other_pools(void **state)
{
	(void)state;
	static char base[64][64], mine[64][64], its[64][64];
	int nbase, nmine, nits, anon_base, anon_mine, anon_its;
	pipe_inodes(getpid(), base, &nbase, &anon_base); /* the test harness's own */
	struct procpool *a = procpool_create(2, 0), *b = procpool_create(1, 0);
	pid_t worker;
	assert_int_equal(procpool_worker_pids(b, &worker, 1), 1);
	struct future *f = submit_job(b, SQUARE, 1); /* the worker is past its start-up */
	must_resolve(f);
	future_release(f);
	pipe_inodes(getpid(), mine, &nmine, &anon_mine);
	pipe_inodes(worker, its, &nits, &anon_its);
	int shared = 0;
	for (int i = 0; i < nits; i++) {
		bool harness = false;
		for (int k = 0; k < nbase; k++)
			harness |= strcmp(its[i], base[k]) == 0;
		for (int k = 0; k < nmine && !harness; k++)
			shared += strcmp(its[i], mine[k]) == 0;
	}
	if (shared != 2) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "ls -l /proc/%d/fd /proc/%d/fd >&2", (int)worker, (int)getpid());
		(void)!system(cmd);
	}
	assert_int_equal(shared, 2);
	assert_int_equal(anon_its, anon_base); /* none of the pools' */
	destroy_or_fail(a);
	destroy_or_fail(b);
}

/* A worker that does not read its stop message (stuck in its initializer
 * here) is killed when its grace period ends; destroy does not wait 30 s. */
static int stuck_initializer(const void *arg, size_t len)
{
	(void)arg;
	(void)len;
	sleep_ms(30000);
	return 0;
}

static void test_stop_grace_then_kill(void **state)
{
	(void)state;
	struct procpool_options o = { .workers = 2, .initializer = stuck_initializer,
				      .stop_grace_ns = 50 * 1000000 };
	struct procpool *pp = procpool_create_with(&o);
	assert_non_null(pp);
	destroy_or_fail(pp);
	assert_int_equal(count_zombies(), 0);
}

/* ---- nothing is RUNNING before a worker starts it (bug 3) ---- */

static void test_queued_tasks_stay_pending_and_cancel(void **state)
{
	(void)state;
	shm_counter_set(release, 0);
	shm_counter_set(ran, 0);
	struct procpool *pp = procpool_create(1, 0);
	struct future *hold = submit_job(pp, HOLD, 0);
	while (shm_counter_get(ran) == 0) /* the worker has started it */
		sleep_ms(1);
	struct future *fs[20];
	for (int i = 0; i < 20; i++)
		fs[i] = submit_job(pp, SQUARE, i);
	sleep_ms(20); /* give a pool that pre-sends tasks the chance to */
	for (int i = 0; i < 20; i++)
		assert_int_equal(future_state(fs[i]), FUTURE_PENDING);
	assert_true(future_cancel(fs[0]));
	procpool_shutdown(pp, false, true);
	for (int i = 0; i < 20; i++)
		assert_int_equal(future_state(fs[i]), FUTURE_CANCELLED);
	assert_int_equal(future_state(hold), FUTURE_RUNNING);
	shm_counter_set(release, 1);
	must_resolve(hold);
	assert_int_equal(future_state(hold), FUTURE_DONE);
	destroy_or_fail(pp);
	assert_int_equal(shm_counter_get(ran), 1); /* none of the 20 ran */
	future_release(hold);
	for (int i = 0; i < 20; i++)
		future_release(fs[i]);
}

/* ---- no head-of-line blocking (bug 4) ---- */

static void test_short_tasks_do_not_wait_behind_a_long_one(void **state)
{
	(void)state;
	shm_counter_set(release, 0);
	struct procpool *pp = procpool_create(2, 0);
	struct future *hold = submit_job(pp, HOLD, 0);
	struct future *fs[100];
	for (int i = 0; i < 100; i++)
		fs[i] = submit_job(pp, SQUARE, i);
	for (int i = 0; i < 100; i++) { /* all done by the other worker */
		must_resolve(fs[i]);
		assert_int_equal(result_int(fs[i]), (int64_t)i * i);
		future_release(fs[i]);
	}
	assert_int_equal(future_state(hold), FUTURE_RUNNING);
	shm_counter_set(release, 1);
	must_resolve(hold);
	future_release(hold);
	destroy_or_fail(pp);
}

/* ---- a task scribbling on its worker's result pipe (bug 5) ---- */

static void scribbler_among_innocents(int64_t kind)
{
	shm_counter_set(ran, 0);
	struct procpool *pp = procpool_create(2, 0);
	struct future *fs[40];
	for (int i = 0; i < 40; i++)
		fs[i] = i == 17 ? submit_job(pp, kind, 0) : submit_job(pp, SQUARE, i);
	for (int i = 0; i < 40; i++) {
		must_resolve(fs[i]);
		if (i == 17) {
			assert_int_equal(future_state(fs[i]), FUTURE_FAILED);
			assert_int_equal(future_error(fs[i]), EPROTO);
			if (!strstr(future_error_message(fs[i]), "protocol"))
				fail_msg("message: %s", future_error_message(fs[i]));
		} else {
			assert_int_equal(future_state(fs[i]), FUTURE_DONE);
			assert_int_equal(result_int(fs[i]), (int64_t)i * i);
		}
		future_release(fs[i]);
	}
	struct procpool_stats st = procpool_stats(pp);
	assert_int_equal(st.protocol_errors, 1);
	assert_int_equal(st.died, 0);
	for (int64_t t0 = pool_now_ns(); procpool_stats(pp).spawned < 3;) { /* replaced */
		if (pool_now_ns() - t0 > HANG_NS)
			fail_msg("the culprit's worker was not replaced");
		sleep_ms(1);
	}
	assert_int_equal(procpool_stats(pp).spawned, 3);
	destroy_or_fail(pp);
	assert_int_equal(shm_counter_get(ran), 40); /* each ran once, none again */
}

static void test_scribbled_huge_header_fails_only_the_culprit(void **state)
{
	(void)state;
	scribbler_among_innocents(SCRIBBLE_HUGE);
}

static void test_scribbled_small_header_fails_only_the_culprit(void **state)
{
	(void)state;
	scribbler_among_innocents(SCRIBBLE_SMALL);
}

/* ---- fork() failing (bug 6) ---- */

static pid_t fork_fails(void)
{
	errno = EAGAIN;
	return -1;
}

static void test_fork_failure_fails_the_futures(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(1, 0);
	pid_t worker;
	assert_int_equal(procpool_worker_pids(pp, &worker, 1), 1);
	pool_os_set_fork(fork_fails);
	kill(worker, SIGKILL);
	struct future *fs[3];
	for (int i = 0; i < 3; i++)
		fs[i] = submit_job(pp, SQUARE, i);
	for (int i = 0; i < 3; i++) {
		must_resolve(fs[i]);
		assert_int_equal(future_state(fs[i]), FUTURE_FAILED);
		assert_int_equal(future_error(fs[i]), EAGAIN);
		if (!strstr(future_error_message(fs[i]), "fork"))
			fail_msg("message: %s", future_error_message(fs[i]));
		future_release(fs[i]);
	}
	errno = 0; /* a pool that cannot fork its first workers is not created */
	assert_null(procpool_create(1, 0));
	assert_int_equal(errno, EAGAIN);
	pool_os_set_fork(NULL); /* fork() works again: so does the pool */
	struct future *f = submit_job(pp, SQUARE, 9);
	must_resolve(f);
	assert_int_equal(result_int(f), 81);
	future_release(f);
	destroy_or_fail(pp);
}

/* ---- destroy while tasks run: they finish, then it returns ---- */

static void test_destroy_while_tasks_run(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(2, 0);
	struct future *fs[4];
	for (int i = 0; i < 4; i++)
		fs[i] = submit_job(pp, SLEEP_200MS, 0);
	destroy_or_fail(pp);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(future_state(fs[i]), FUTURE_DONE);
		future_release(fs[i]);
	}
	assert_int_equal(count_zombies(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_with_another_pool_alive),
		cmocka_unit_test(test_destroy_with_a_forked_child_alive),
		cmocka_unit_test(test_workers_do_not_inherit_other_pools),
		cmocka_unit_test(test_stop_grace_then_kill),
		cmocka_unit_test(test_queued_tasks_stay_pending_and_cancel),
		cmocka_unit_test(test_short_tasks_do_not_wait_behind_a_long_one),
		cmocka_unit_test(test_scribbled_huge_header_fails_only_the_culprit),
		cmocka_unit_test(test_scribbled_small_header_fails_only_the_culprit),
		cmocka_unit_test(test_fork_failure_fails_the_futures),
		cmocka_unit_test(test_destroy_while_tasks_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
