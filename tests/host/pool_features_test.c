/*
 * pool_features_test.c: the rest of concurrent.futures, on both pools.
 *
 * Course idea: initializer and initargs, max_tasks_per_child, map on the
 * process pool (in order, lazy, chunked, with a timeout), terminating the
 * workers, the numbers a monitor reads (queue length, live workers), and a
 * pool used from a fork() child. Each case also checks the hostile side: a
 * failing initializer, a map item that fails, a deadline that passes
 * mid-map, a child that tries to submit.
 *
 * Read next: docs/pools.md, the table of differences with Python.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "pool_os.h"
#include "pool_testutil.h"
#include "procpool.h"
#include "shm_counter.h"
#include "threadpool.h"

#define HANG_NS (10LL * 1000000000) /* detects a hang; never judges speed */

static struct shm_counter *release; /* HOLD tasks wait for it to be non-zero */

static int setup(void **state)
{
	(void)state;
	release = shm_counter_create();
	return release ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	shm_counter_destroy(release);
	return 0;
}

static void must_resolve(struct future *f)
{
	if (future_wait(f, HANG_NS) != 0)
		fail_msg("a future did not resolve: the pool hangs");
}

/* ---- initializers ---- */

static _Thread_local intptr_t thread_tag;

static int tag_thread(void *arg)
{
	thread_tag = (intptr_t)arg;
	return 0;
}

static int refuse(void *arg)
{
	(void)arg;
	return EACCES;
}

static int read_tag(void *arg, void **result)
{
	(void)arg;
	*result = (void *)thread_tag;
	return 0;
}

static void test_threadpool_initializer(void **state)
{
	(void)state;
	struct threadpool_options o = { .workers = 3, .initializer = tag_thread, .initarg = (void *)42 };
	struct threadpool *tp = threadpool_create_with(&o);
	assert_non_null(tp);
	for (int i = 0; i < 20; i++) {
		struct future *f = threadpool_submit(tp, read_tag, NULL);
		must_resolve(f);
		assert_int_equal((intptr_t)future_result(f), 42); /* every worker was tagged */
		future_release(f);
	}
	threadpool_destroy(tp);
	o.initializer = refuse;
	errno = 0;
	assert_null(threadpool_create_with(&o));
	assert_int_equal(errno, EACCES);
}

static char worker_greeting[32]; /* set in each worker by its initializer */

static int greet(const void *arg, size_t len)
{
	if (len >= sizeof worker_greeting)
		return EINVAL;
	memcpy(worker_greeting, arg, len);
	return strcmp(worker_greeting, "refuse") == 0 ? EACCES : 0;
}

static int say_greeting(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	return pool_bytes_append(out, worker_greeting, strlen(worker_greeting) + 1);
}

static void test_procpool_initializer_with_arguments(void **state)
{
	(void)state;
	struct procpool_options o = { .workers = 2, .initializer = greet,
				      .initarg = "hello", .initarg_len = 6 };
	struct procpool *pp = procpool_create_with(&o);
	assert_non_null(pp);
	struct future *f = procpool_submit(pp, say_greeting, NULL, 0);
	must_resolve(f);
	assert_int_equal(future_state(f), FUTURE_DONE);
	assert_string_equal((const char *)future_result(f), "hello");
	future_release(f);
	procpool_destroy(pp);

	o.initarg = "refuse"; /* the pool breaks: its tasks fail, nothing hangs */
	o.initarg_len = 7;
	pp = procpool_create_with(&o);
	assert_non_null(pp);
	struct future *fs[5];
	for (int i = 0; i < 5; i++)
		fs[i] = procpool_submit(pp, say_greeting, NULL, 0);
	for (int i = 0; i < 5; i++) {
		must_resolve(fs[i]);
		assert_int_equal(future_state(fs[i]), FUTURE_FAILED);
		assert_int_equal(future_error(fs[i]), EACCES);
		assert_non_null(strstr(future_error_message(fs[i]), "initializer"));
		future_release(fs[i]);
	}
	procpool_destroy(pp);
	assert_int_equal(count_zombies(), 0);
}

/* ---- max_tasks_per_child ---- */

static int my_pid(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	pid_t pid = getpid();
	return pool_bytes_append(out, &pid, sizeof pid);
}

static void test_max_tasks_per_child(void **state)
{
	(void)state;
	struct procpool_options o = { .workers = 1, .max_tasks_per_child = 3 };
	struct procpool *pp = procpool_create_with(&o);
	pid_t pids[10];
	struct future *fs[10];
	for (int i = 0; i < 10; i++)
		fs[i] = procpool_submit(pp, my_pid, NULL, 0);
	for (int i = 0; i < 10; i++) {
		must_resolve(fs[i]);
		assert_int_equal(future_state(fs[i]), FUTURE_DONE);
		memcpy(&pids[i], future_result(fs[i]), sizeof pids[i]);
		future_release(fs[i]);
	}
	for (int i = 1; i < 10; i++) /* a new process every three tasks */
		assert_true((pids[i] == pids[i - 1]) == (i % 3 != 0));
	struct procpool_stats s = procpool_stats(pp);
	assert_int_equal(s.retired, 3);
	assert_int_equal(s.died, 0);
	procpool_destroy(pp);
	assert_int_equal(count_zombies(), 0);
}

/* ---- terminate, and the monitoring figures ---- */

static int hold(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	(void)out;
	while (shm_counter_get(release) == 0)
		sleep_ms(1);
	return 0;
}

static void test_terminate_and_monitoring(void **state)
{
	(void)state;
	shm_counter_set(release, 0);
	struct procpool *pp = procpool_create(2, 0);
	struct future *fs[6];
	for (int i = 0; i < 6; i++)
		fs[i] = procpool_submit(pp, hold, NULL, 0);
	struct procpool_stats s;
	while ((s = procpool_stats(pp)).busy < 2)
		sleep_ms(1);
	assert_int_equal(s.live, 2);
	assert_int_equal(s.queued, 4);
	procpool_terminate(pp, SIGTERM);
	for (int i = 0; i < 6; i++) {
		must_resolve(fs[i]);
		if (i < 2) {
			assert_int_equal(future_state(fs[i]), FUTURE_FAILED);
			assert_non_null(strstr(future_error_message(fs[i]), "signal 15"));
		} else {
			assert_int_equal(future_state(fs[i]), FUTURE_CANCELLED);
		}
		future_release(fs[i]);
	}
	procpool_destroy(pp);
	assert_int_equal(count_zombies(), 0);
}

static struct {
	pool_mutex lock;
	pool_cond changed;
	bool open;
} gate = { POOL_MUTEX_INIT, { PTHREAD_COND_INITIALIZER }, false };

static int wait_at_gate(void *arg, void **result)
{
	(void)arg;
	(void)result;
	pool_mutex_lock(&gate.lock);
	while (!gate.open)
		pool_cond_wait(&gate.changed, &gate.lock);
	pool_mutex_unlock(&gate.lock);
	return 0;
}

static void test_threadpool_monitoring(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(2, 0);
	struct threadpool_stats s = threadpool_stats(tp);
	assert_int_equal(s.live, 2);
	assert_int_equal(s.queued, 0);
	struct future *fs[10];
	for (int i = 0; i < 10; i++)
		fs[i] = threadpool_submit(tp, wait_at_gate, NULL);
	while (threadpool_stats(tp).queued > 8) /* the workers take two */
		sleep_ms(1);
	s = threadpool_stats(tp);
	assert_int_equal(s.queued, 8);
	assert_int_equal(s.idle, 0);
	pool_mutex_lock(&gate.lock);
	gate.open = true;
	pool_cond_broadcast(&gate.changed);
	pool_mutex_unlock(&gate.lock);
	for (int i = 0; i < 10; i++) {
		must_resolve(fs[i]);
		future_release(fs[i]);
	}
	threadpool_shutdown(tp, true, false);
	assert_int_equal(threadpool_stats(tp).live, 0);
	threadpool_destroy(tp);
}

/* ---- map ---- */

static int cube_or_fail(const void *arg, size_t len, struct pool_bytes *out)
{
	int64_t x;
	assert_int_equal(len, sizeof x);
	memcpy(&x, arg, sizeof x);
	if (x == 77) {
		pool_bytes_printf(out, "77 is unlucky");
		return EDOM;
	}
	if (x == 500)
		while (shm_counter_get(release) == 0)
			sleep_ms(1);
	if (x == -7)
		raise(SIGKILL); /* its worker dies mid-chunk */
	x = x * x * x;
	return pool_bytes_append(out, &x, sizeof x);
}

#define MAP_N 1000
static int64_t map_vals[MAP_N];
static const void *map_args[MAP_N];
static size_t map_lens[MAP_N];

static void map_setup(void)
{
	for (int i = 0; i < MAP_N; i++) {
		map_vals[i] = i;
		map_args[i] = &map_vals[i];
		map_lens[i] = sizeof map_vals[i];
	}
}

static void test_map_in_order_chunked_lazy(void **state)
{
	(void)state;
	map_setup();
	shm_counter_set(release, 1);
	struct procpool *pp = procpool_create(2, 0);
	struct procpool_map *m = procpool_map_start(pp, cube_or_fail, map_args, map_lens, MAP_N, 7,
						    FUTURE_FOREVER);
	assert_non_null(m);
	struct procpool_stats s = procpool_stats(pp);
	assert_true(s.queued + s.busy <= 4); /* lazy: a window of chunks, not 143 */
	for (int64_t i = 0; i < MAP_N; i++) {
		const void *r;
		size_t len;
		int rc = procpool_map_next(m, &r, &len);
		if (i == 77) {
			assert_int_equal(rc, EDOM);
			assert_string_equal(procpool_map_error(m), "77 is unlucky");
			continue; /* the map goes on */
		}
		assert_int_equal(rc, 0);
		assert_int_equal(len, sizeof(int64_t));
		int64_t x;
		memcpy(&x, r, sizeof x);
		assert_int_equal(x, i * i * i);
	}
	const void *r;
	size_t len;
	assert_int_equal(procpool_map_next(m, &r, &len), ENOENT);
	procpool_map_end(m);
	s = procpool_stats(pp);
	assert_int_equal(s.spawned, 2);
	procpool_destroy(pp);

	pp = procpool_create(1, 0); /* an empty map ends at once */
	m = procpool_map_start(pp, cube_or_fail, map_args, map_lens, 0, 1, FUTURE_FOREVER);
	assert_non_null(m);
	assert_int_equal(procpool_map_next(m, &r, &len), ENOENT);
	procpool_map_end(m);
	procpool_destroy(pp);
}

static void test_map_timeout_then_end(void **state)
{
	(void)state;
	map_setup();
	shm_counter_set(release, 0); /* item 500 holds its worker */
	struct procpool *pp = procpool_create(2, 0);
	struct procpool_map *m = procpool_map_start(pp, cube_or_fail, map_args + 490, map_lens, 20, 5,
						    200LL * 1000000);
	const void *r;
	size_t len;
	int rc = 0, i;
	for (i = 0; i < 20 && rc == 0; i++)
		rc = procpool_map_next(m, &r, &len);
	assert_int_equal(rc, ETIMEDOUT);
	assert_int_equal(i, 11); /* items 490-499 came back; 500 did not */
	assert_int_equal(procpool_map_next(m, &r, &len), ETIMEDOUT); /* and it stays over */
	procpool_map_end(m); /* cancels what has not started */
	shm_counter_set(release, 1);
	procpool_destroy(pp);
	assert_int_equal(count_zombies(), 0);
}

/* A worker killed in the middle of a chunk fails every item of that chunk,
 * once, with the cause; the chunks before and after are unharmed. */
static void test_map_chunk_whose_worker_dies(void **state)
{
	(void)state;
	map_setup();
	map_vals[7] = -7;
	struct procpool *pp = procpool_create(2, 0);
	struct procpool_map *m = procpool_map_start(pp, cube_or_fail, map_args, map_lens, 20, 5,
						    HANG_NS);
	for (int64_t i = 0; i < 20; i++) {
		const void *r;
		size_t len;
		int rc = procpool_map_next(m, &r, &len);
		if (i >= 5 && i < 10) {
			assert_int_equal(rc, EOWNERDEAD);
			assert_non_null(strstr(procpool_map_error(m), "signal 9"));
		} else {
			assert_int_equal(rc, 0);
			int64_t x;
			memcpy(&x, r, sizeof x);
			assert_int_equal(x, i * i * i);
		}
	}
	procpool_map_end(m);
	assert_int_equal(procpool_stats(pp).died, 1);
	procpool_destroy(pp);
	assert_int_equal(count_zombies(), 0);
}

/* ---- a pool belongs to the process that created it ---- */

static int noop(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	(void)out;
	return 0;
}

static void test_submit_from_a_forked_child_is_refused(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(1, 0);
	struct threadpool *tp = threadpool_create(1, 0);
	pid_t child = fork();
	if (child == 0) { /* Python's executors would deadlock here */
		struct future *f = procpool_submit(pp, noop, NULL, 0);
		if (f != NULL || errno != ECHILD)
			_exit(1);
		_exit(threadpool_submit(tp, read_tag, NULL) == NULL && errno == ECHILD ? 0 : 2);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	struct future *f = procpool_submit(pp, noop, NULL, 0); /* the parent still may */
	must_resolve(f);
	assert_int_equal(future_state(f), FUTURE_DONE);
	future_release(f);
	procpool_destroy(pp);
	threadpool_destroy(tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threadpool_initializer),
		cmocka_unit_test(test_procpool_initializer_with_arguments),
		cmocka_unit_test(test_max_tasks_per_child),
		cmocka_unit_test(test_terminate_and_monitoring),
		cmocka_unit_test(test_threadpool_monitoring),
		cmocka_unit_test(test_map_in_order_chunked_lazy),
		cmocka_unit_test(test_map_timeout_then_end),
		cmocka_unit_test(test_map_chunk_whose_worker_dies),
		cmocka_unit_test(test_submit_from_a_forked_child_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
