/*
 * shm_counter.c: a shared-memory counter, with and without a process-shared lock.
 *
 * Course idea: see shm_counter.h. Two details a learner should notice:
 *   - The racy increment is written with two separate relaxed atomic
 *     operations, not with a plain `c->value++`. The result is the same lost
 *     updates the course shows, but the program stays well-defined C: the race
 *     is in the algorithm (read then write), not an undefined data race.
 *   - The mutex is "robust": if a process dies while holding it (a killed pool
 *     worker, say), the next process to lock it gets EOWNERDEAD instead of
 *     waiting for ever, marks the state consistent and carries on. The value
 *     itself is still right, because the increment is a single store.
 *
 * Read next: procpool.h, whose workers can share this counter.
 */
#include "shm_counter.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

const char *const shm_method_name[3] = {
	[SHM_RACY] = "no lock", [SHM_LOCKED] = "process-shared lock", [SHM_ATOMIC] = "atomic add",
};

struct shm_counter {
	pthread_mutex_t lock; /* PTHREAD_PROCESS_SHARED | PTHREAD_MUTEX_ROBUST */
	_Atomic int64_t value;
};

struct shm_counter *shm_counter_create(void)
{
	struct shm_counter *c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&c->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	if (rc != 0) {
		munmap(c, sizeof *c);
		errno = rc;
		return NULL;
	}
	atomic_init(&c->value, 0);
	return c;
}

void shm_counter_destroy(struct shm_counter *c)
{
	pthread_mutex_destroy(&c->lock);
	munmap(c, sizeof *c);
}

void shm_counter_lock(struct shm_counter *c)
{
	if (pthread_mutex_lock(&c->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&c->lock); /* its holder died; we own it now */
}

void shm_counter_unlock(struct shm_counter *c) { pthread_mutex_unlock(&c->lock); }

void shm_counter_add(struct shm_counter *c, enum shm_method how, int64_t n)
{
	switch (how) {
	case SHM_RACY: {
		int64_t v = atomic_load_explicit(&c->value, memory_order_relaxed);
		atomic_store_explicit(&c->value, v + n, memory_order_relaxed);
		break;
	}
	case SHM_LOCKED: {
		shm_counter_lock(c);
		int64_t v = atomic_load_explicit(&c->value, memory_order_relaxed);
		atomic_store_explicit(&c->value, v + n, memory_order_relaxed);
		shm_counter_unlock(c);
		break;
	}
	case SHM_ATOMIC:
		atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
		break;
	}
}

int64_t shm_counter_get(struct shm_counter *c) { return atomic_load(&c->value); }
void shm_counter_set(struct shm_counter *c, int64_t value) { atomic_store(&c->value, value); }
