/*
 * pool_os_posix.c: the POSIX implementation of pool_os.h (Linux today).
 *
 * Course idea: the portable pool sits on a tiny OS contract; this file is the
 * whole of its Linux dependency. Errors from pthread calls that can only fail
 * through misuse (locking a destroyed mutex, ...) abort at once: carrying on
 * after a broken lock would only turn a clear bug into a mysterious one.
 *
 * Read next: pool_os.h for the contract, future.c for the first user.
 */
#include "pool_os.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "pool_os: %s failed: %s\n", what, strerror(rc));
		abort();
	}
}

void pool_mutex_init(pool_mutex *m) { check(pthread_mutex_init(&m->m, NULL), "mutex_init"); }
void pool_mutex_destroy(pool_mutex *m) { check(pthread_mutex_destroy(&m->m), "mutex_destroy"); }
void pool_mutex_lock(pool_mutex *m) { check(pthread_mutex_lock(&m->m), "mutex_lock"); }
void pool_mutex_unlock(pool_mutex *m) { check(pthread_mutex_unlock(&m->m), "mutex_unlock"); }

void pool_cond_init(pool_cond *c)
{
	/* Timed waits use CLOCK_MONOTONIC so that a wall-clock jump (NTP, the
	 * user setting the date) can neither cut a timeout short nor stretch it. */
	pthread_condattr_t attr;
	check(pthread_condattr_init(&attr), "condattr_init");
	check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), "condattr_setclock");
	check(pthread_cond_init(&c->c, &attr), "cond_init");
	pthread_condattr_destroy(&attr);
}

void pool_cond_destroy(pool_cond *c) { check(pthread_cond_destroy(&c->c), "cond_destroy"); }
void pool_cond_wait(pool_cond *c, pool_mutex *m) { check(pthread_cond_wait(&c->c, &m->m), "cond_wait"); }
void pool_cond_signal(pool_cond *c) { check(pthread_cond_signal(&c->c), "cond_signal"); }
void pool_cond_broadcast(pool_cond *c) { check(pthread_cond_broadcast(&c->c), "cond_broadcast"); }

bool pool_cond_timedwait(pool_cond *c, pool_mutex *m, int64_t deadline_ns)
{
	struct timespec ts = { .tv_sec = deadline_ns / 1000000000,
			       .tv_nsec = deadline_ns % 1000000000 };
	int rc = pthread_cond_timedwait(&c->c, &m->m, &ts);
	if (rc == ETIMEDOUT)
		return false;
	check(rc, "cond_timedwait");
	return true;
}

int pool_thread_start(pool_thread *t, void *(*fn)(void *), void *arg)
{
	return pthread_create(&t->t, NULL, fn, arg);
}

void pool_thread_join(pool_thread *t) { check(pthread_join(t->t, NULL), "thread_join"); }

bool pool_thread_is_self(const pool_thread *t) { return pthread_equal(t->t, pthread_self()); }

void pool_run_once(pool_once *once, void (*init)(void)) { check(pthread_once(once, init), "once"); }

int64_t pool_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void pool_yield(void) { sched_yield(); }

static _Atomic(pid_t (*)(void)) fork_hook;

pid_t pool_os_fork(void)
{
	pid_t (*hook)(void) = atomic_load(&fork_hook);
	return hook ? hook() : fork();
}

void pool_os_set_fork(pid_t (*hook)(void)) { atomic_store(&fork_hook, hook); }
