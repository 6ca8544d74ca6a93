/*
 * pool_procpool_test.c: the process pool's contract, and its worst days.
 *
 * Course idea: ProcessPoolExecutor, plus what Python does not promise: a
 * worker killed by a signal, a segfault or _exit() fails only its own task
 * and is replaced; an overdue task's worker is killed. Every case counts
 * descriptors and zombie children before and after, so a leak of either
 * fails the test, not just a wrong result.
 *
 * Read next: pool_shm_test.c.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pool_os.h"
#include "pool_testutil.h"
#include "procpool.h"
#include "shm_counter.h"

/* Let a segfault in a worker be a plain SIGSEGV, not a sanitizer report. */
const char *__asan_default_options(void) { return "handle_segv=0:handle_sigbus=0"; }
const char *__tsan_default_options(void) { return "handle_segv=0:handle_sigbus=0"; }

static int64_t arg_int(const void *arg) { int64_t x; memcpy(&x, arg, sizeof x); return x; }

/* Worker-side tasks. What they do is chosen by their argument. */
enum { SQUARE, FAIL, KILL_SELF, SEGFAULT, EXIT_3, SLEEP_LONG, ECHO, SPIN_100US };

struct job {
	int64_t kind, value;
};

static int task(const void *arg, size_t len, struct pool_bytes *out)
{
	struct job j;
	memcpy(&j, arg, sizeof j);
	switch (j.kind) {
	case SQUARE: {
		int64_t r = j.value * j.value;
		return pool_bytes_append(out, &r, sizeof r);
	}
	case FAIL:
		pool_bytes_printf(out, "bad value %lld", (long long)j.value);
		return EDOM;
	case KILL_SELF:
		raise(SIGKILL);
		return 0;
	case SEGFAULT:
		/* A worker inherits the parent's signal handlers, and cmocka's
		 * SIGSEGV handler would longjmp into the test runner's copy. */
		signal(SIGSEGV, SIG_DFL);
		*(volatile int *)(uintptr_t)16 = 1; /* not NULL: UBSan would abort first */
		return 0;
	case EXIT_3:
		_exit(3);
	case SLEEP_LONG:
		sleep_ms(5000);
		return 0;
	case ECHO: /* the argument, minus the job header, back again */
		return pool_bytes_append(out, (const char *)arg + sizeof j, len - sizeof j);
	case SPIN_100US: {
		int64_t end = pool_now_ns() + 100000;
		while (pool_now_ns() < end)
			;
		return pool_bytes_append(out, &j.value, sizeof j.value);
	}
	}
	return EINVAL;
}

static struct future *submit_job(struct procpool *pp, int64_t kind, int64_t value)
{
	struct job j = { kind, value };
	return procpool_submit(pp, task, &j, sizeof j);
}

struct baseline {
	int fds, zombies, children;
};

static struct baseline measure(void)
{
	struct baseline b;
	b.fds = count_open_fds();
	count_children(&b.children, &b.zombies);
	return b;
}

static void assert_back_to(struct baseline before)
{
	struct baseline after = measure();
	assert_int_equal(after.fds, before.fds);
	assert_int_equal(after.zombies, 0);
	assert_int_equal(after.children, before.children);
}

/* ---- the ordinary contract ---- */

static _Atomic pid_t callback_pid;
static _Atomic int callback_calls;

static int note_callback(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_store(&callback_pid, getpid());
	atomic_fetch_add(&callback_calls, 1);
	return 0;
}

static int count_call(struct future *f, void *arg)
{
	(void)f;
	atomic_fetch_add((_Atomic int *)arg, 1);
	return 0;
}

static int failing_callback(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	return -1;
}

static void test_results_and_callbacks_in_parent(void **state)
{
	(void)state;
	struct baseline before = measure();
	struct procpool *pp = procpool_create(2, 0);
	assert_non_null(pp);
	assert_int_equal(count_open_fds(), before.fds + 1 + 2 * 3); /* eventfd; 2 pipes + pidfd each */
	atomic_store(&callback_calls, 0);
	struct future *fs[200];
	unsigned long failures = future_callback_failures();
	for (int i = 0; i < 200; i++) {
		fs[i] = submit_job(pp, SQUARE, i);
		if (i % 10 == 0) /* a failing callback harms neither pool nor others */
			future_add_done_callback(fs[i], failing_callback, NULL);
		future_add_done_callback(fs[i], note_callback, NULL);
	}
	for (int i = 0; i < 200; i++) {
		assert_int_equal(future_wait(fs[i], FUTURE_FOREVER), 0);
		assert_int_equal(future_state(fs[i]), FUTURE_DONE);
		assert_int_equal(future_result_len(fs[i]), sizeof(int64_t));
		assert_int_equal(arg_int(future_result(fs[i])), (int64_t)i * i);
		future_release(fs[i]);
	}
	procpool_destroy(pp);
	assert_int_equal(atomic_load(&callback_calls), 200);
	assert_int_equal(atomic_load(&callback_pid), getpid());
	assert_int_equal(future_callback_failures(), failures + 20);
	assert_back_to(before);
}

static void test_task_error_keeps_the_worker(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(1, 0);
	pid_t before, after;
	procpool_worker_pids(pp, &before, 1);
	struct future *f = submit_job(pp, FAIL, 7);
	future_wait(f, FUTURE_FOREVER);
	assert_int_equal(future_state(f), FUTURE_FAILED);
	assert_int_equal(future_error(f), EDOM);
	assert_string_equal(future_error_message(f), "bad value 7");
	future_release(f);
	f = submit_job(pp, SQUARE, 3);
	future_wait(f, FUTURE_FOREVER);
	assert_int_equal(arg_int(future_result(f)), 9);
	future_release(f);
	procpool_worker_pids(pp, &after, 1);
	assert_int_equal(before, after);
	assert_int_equal(procpool_stats(pp).spawned, 1);
	procpool_destroy(pp);
}

static void test_large_arguments_and_results(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(2, 0);
	size_t n = 3 << 20; /* far beyond a pipe's 64 KiB */
	unsigned char *buf = malloc(sizeof(struct job) + n);
	struct job j = { ECHO, 0 };
	memcpy(buf, &j, sizeof j);
	for (size_t i = 0; i < n; i++)
		buf[sizeof j + i] = (unsigned char)(i * 7);
	struct future *fs[4];
	for (int i = 0; i < 4; i++)
		fs[i] = procpool_submit(pp, task, buf, sizeof j + n);
	for (int i = 0; i < 4; i++) {
		future_wait(fs[i], FUTURE_FOREVER);
		assert_int_equal(future_result_len(fs[i]), n);
		assert_memory_equal(future_result(fs[i]), buf + sizeof j, n);
		future_release(fs[i]);
	}
	free(buf);
	procpool_destroy(pp);
}

static void test_submit_after_shutdown_is_an_error(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(1, 0);
	procpool_shutdown(pp, true, false);
	errno = 0;
	assert_null(submit_job(pp, SQUARE, 1));
	assert_int_equal(errno, ESHUTDOWN);
	procpool_destroy(pp);
}

/* ---- deaths ---- */

/* Submit `kind` between two ordinary tasks; check it fails with `expect` in
 * its message while its neighbours succeed and the worker is replaced. */
static void one_death(int64_t kind, int error, const char *expect, int64_t timeout_ns)
{
	struct baseline before = measure();
	struct procpool *pp = procpool_create(1, timeout_ns);
	struct future *a = submit_job(pp, SQUARE, 2);
	struct future *bad = submit_job(pp, kind, 0);
	struct future *b = submit_job(pp, SQUARE, 5);
	future_wait(bad, FUTURE_FOREVER);
	future_wait(a, FUTURE_FOREVER);
	future_wait(b, FUTURE_FOREVER);
	assert_int_equal(future_state(bad), FUTURE_FAILED);
	assert_int_equal(future_error(bad), error);
	if (!strstr(future_error_message(bad), expect))
		fail_msg("message \"%s\" lacks \"%s\"", future_error_message(bad), expect);
	assert_int_equal(arg_int(future_result(a)), 4);
	assert_int_equal(arg_int(future_result(b)), 25);
	future_release(a);
	future_release(bad);
	future_release(b);
	struct procpool_stats s = procpool_stats(pp);
	assert_int_equal(s.spawned, 2);
	procpool_destroy(pp);
	assert_back_to(before);
}

static void test_sigkill_fails_only_its_task(void **state)
{
	(void)state;
	one_death(KILL_SELF, EOWNERDEAD, "killed by signal 9 (SIGKILL)", 0);
}

static void test_segfault_fails_only_its_task(void **state)
{
	(void)state;
	one_death(SEGFAULT, EOWNERDEAD, "killed by signal 11 (SIGSEGV)", 0);
}

static void test_exit_fails_only_its_task(void **state)
{
	(void)state;
	one_death(EXIT_3, EOWNERDEAD, "exited with status 3", 0);
}

static void test_deadline_kills_an_overdue_task(void **state)
{
	(void)state;
	int64_t t0 = pool_now_ns();
	one_death(SLEEP_LONG, ETIMEDOUT, "ran past its 200 ms deadline", 200000000);
	assert_true(pool_now_ns() - t0 < 3000000000LL); /* not the 5 s sleep */
}

/* ---- stress ---- */

#define PENDING_TASKS 10000

static void test_shutdown_cancels_10000_pending(void **state)
{
	(void)state;
	struct baseline before = measure();
	int threads_before = count_threads();
	static struct future *fs[PENDING_TASKS];
	static _Atomic int calls[PENDING_TASKS];
	struct procpool *pp = procpool_create(2, 0);
	for (int i = 0; i < PENDING_TASKS; i++) {
		atomic_store(&calls[i], 0);
		fs[i] = submit_job(pp, SPIN_100US, i);
		future_add_done_callback(fs[i], count_call, &calls[i]);
	}
	procpool_shutdown(pp, true, true);
	assert_int_equal(count_threads(), threads_before); /* the collector joined */
	int children, zombies;
	count_children(&children, &zombies);
	assert_int_equal(children, before.children);        /* every child reaped */
	assert_int_equal(zombies, 0);
	int done = 0, cancelled = 0;
	for (int i = 0; i < PENDING_TASKS; i++) {
		assert_true(future_resolved(fs[i]));
		assert_int_equal(atomic_load(&calls[i]), 1);
		done += future_state(fs[i]) == FUTURE_DONE;
		cancelled += future_state(fs[i]) == FUTURE_CANCELLED;
		if (future_state(fs[i]) == FUTURE_DONE)
			assert_int_equal(arg_int(future_result(fs[i])), i);
		future_release(fs[i]);
	}
	assert_int_equal(done + cancelled, PENDING_TASKS);
	assert_true(cancelled > 0);
	procpool_destroy(pp);
	assert_back_to(before);
}

/* One thread cancels every third future while the manager dispatches them.
 * Each task bumps a shared-memory counter, so "DONE" can be checked against
 * "actually ran in a worker": a cancelled task must never have run. */
#define RACE_TASKS 3000
static _Atomic(struct future *) race_fs[RACE_TASKS];

static void *canceller(void *arg)
{
	(void)arg;
	for (int i = 0; i < RACE_TASKS; i += 3) {
		struct future *f;
		while (!(f = atomic_load(&race_fs[i])))
			pool_yield();
		future_cancel(f);
	}
	return NULL;
}

static int count_in_shm(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)len;
	(void)out;
	struct shm_counter *c;
	memcpy(&c, arg, sizeof c);
	shm_counter_add(c, SHM_ATOMIC, 1);
	return 0;
}

static void test_cancel_race(void **state)
{
	(void)state;
	struct shm_counter *ran = shm_counter_create();
	struct procpool *pp = procpool_create(2, 0);
	for (int i = 0; i < RACE_TASKS; i++)
		atomic_store(&race_fs[i], NULL);
	pthread_t t;
	pthread_create(&t, NULL, canceller, NULL);
	for (int i = 0; i < RACE_TASKS; i++)
		atomic_store(&race_fs[i], procpool_submit(pp, count_in_shm, &ran, sizeof ran));
	pthread_join(t, NULL);
	int done = 0, cancelled = 0;
	for (int i = 0; i < RACE_TASKS; i++) {
		struct future *f = atomic_load(&race_fs[i]);
		future_wait(f, FUTURE_FOREVER);
		done += future_state(f) == FUTURE_DONE;
		cancelled += future_state(f) == FUTURE_CANCELLED;
		if (i % 3)
			assert_int_equal(future_state(f), FUTURE_DONE);
		future_release(f);
	}
	procpool_destroy(pp);
	assert_int_equal(done + cancelled, RACE_TASKS);
	assert_int_equal(shm_counter_get(ran), done);
	shm_counter_destroy(ran);
}

#ifndef KILL_ROUNDS
#define KILL_ROUNDS 1000
#endif
#define LOAD_TASKS 20000

static _Atomic bool load_stop;
static _Atomic long load_failed;
static struct procpool *load_pool;

static void *load_submitter(void *arg)
{
	(void)arg;
	int64_t i = 0;
	while (!atomic_load(&load_stop)) {
		struct future *batch[64];
		for (int k = 0; k < 64; k++)
			batch[k] = submit_job(load_pool, SPIN_100US, i + k);
		for (int k = 0; k < 64; k++) {
			future_wait(batch[k], FUTURE_FOREVER);
			enum future_state s = future_state(batch[k]);
			if (s == FUTURE_DONE && arg_int(future_result(batch[k])) != i + k)
				abort();
			if (s == FUTURE_FAILED && (future_error(batch[k]) != EOWNERDEAD ||
						    !strstr(future_error_message(batch[k]), "SIGKILL")))
				abort();
			if (s != FUTURE_DONE && s != FUTURE_FAILED)
				abort();
			if (s == FUTURE_FAILED)
				atomic_fetch_add(&load_failed, 1);
			future_release(batch[k]);
		}
		i += 64;
	}
	return (void *)(intptr_t)i;
}

static void test_sigkill_random_workers_under_load(void **state)
{
	(void)state;
	struct baseline before = measure();
	load_pool = procpool_create(3, 0);
	int fds_running = count_open_fds();
	atomic_store(&load_stop, false);
	atomic_store(&load_failed, 0);
	pthread_t t;
	pthread_create(&t, NULL, load_submitter, NULL);
	unsigned seed = 12345;
	for (int round = 0; round < KILL_ROUNDS; round++) {
		pid_t pids[3];
		size_t n = procpool_worker_pids(load_pool, pids, 3);
		if (n == 0) {
			round--;
			continue;
		}
		unsigned long spawned = procpool_stats(load_pool).spawned;
		kill(pids[rand_r(&seed) % n], SIGKILL);
		while (procpool_stats(load_pool).spawned == spawned) /* replaced? */
			pool_yield();
	}
	atomic_store(&load_stop, true);
	void *ran;
	pthread_join(t, &ran);
	struct procpool_stats s = procpool_stats(load_pool);
	assert_int_equal(s.died, KILL_ROUNDS);
	assert_int_equal(s.spawned, 3 + KILL_ROUNDS);
	assert_int_equal(count_open_fds(), fds_running); /* no growth while running */
	assert_int_equal(count_zombies(), 0);
	procpool_destroy(load_pool);
	assert_back_to(before);
	/* Most kills land on a running task; none may fail more than one. */
	long failed = atomic_load(&load_failed);
	assert_true(failed > 0 && failed <= KILL_ROUNDS);
	print_message("%d kills, %ld tasks, %ld failed with SIGKILL\n", KILL_ROUNDS,
		      (long)(intptr_t)ran, failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_and_callbacks_in_parent),
		cmocka_unit_test(test_task_error_keeps_the_worker),
		cmocka_unit_test(test_large_arguments_and_results),
		cmocka_unit_test(test_submit_after_shutdown_is_an_error),
		cmocka_unit_test(test_sigkill_fails_only_its_task),
		cmocka_unit_test(test_segfault_fails_only_its_task),
		cmocka_unit_test(test_exit_fails_only_its_task),
		cmocka_unit_test(test_deadline_kills_an_overdue_task),
		cmocka_unit_test(test_shutdown_cancels_10000_pending),
		cmocka_unit_test(test_cancel_race),
		cmocka_unit_test(test_sigkill_random_workers_under_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
