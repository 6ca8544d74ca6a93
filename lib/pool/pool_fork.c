/*
 * pool_fork.c: the registry of pool descriptors, and the atfork child handler.
 *
 * Course idea: see pool_fork.h. The registry is a plain array of descriptor
 * numbers under one mutex; the child handler runs in the child right after
 * fork(), in the only thread the child has, while the prepare handler's lock
 * is still held, so the array it reads cannot be half-updated.
 *
 * Read next: procpool_spawn.c.
 */
#include "pool_fork.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static int *held;       /* guarded by reg_lock */
static size_t nheld, capheld;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static _Thread_local int keep[2] = { -1, -1 };
static _Atomic unsigned epoch;

static void prepare(void) { pthread_mutex_lock(&reg_lock); }
static void parent(void) { pthread_mutex_unlock(&reg_lock); }

static void child(void)
{
	for (size_t i = 0; i < nheld; i++)
		if (held[i] != keep[0] && held[i] != keep[1])
			close(held[i]);
	nheld = 0; /* this copy of the registry now describes nothing */
	keep[0] = keep[1] = -1;
	atomic_fetch_add(&epoch, 1);
	pthread_mutex_unlock(&reg_lock); /* locked by prepare() in this thread */
}

static void install(void) { pthread_atfork(prepare, parent, child); }

void pool_fork_lock(void)
{
	pthread_once(&atfork_once, install);
	pthread_mutex_lock(&reg_lock);
}

void pool_fork_watch(void) { pthread_once(&atfork_once, install); }

void pool_fork_unlock(void) { pthread_mutex_unlock(&reg_lock); }

int pool_fork_reserve_locked(size_t n)
{
	if (nheld + n <= capheld)
		return 0;
	size_t cap = capheld ? 2 * capheld : 64;
	while (cap < nheld + n)
		cap *= 2;
	int *p = realloc(held, cap * sizeof *p);
	if (!p)
		return ENOMEM;
	held = p;
	capheld = cap;
	return 0;
}

void pool_fork_hold_locked(int fd)
{
	if (nheld < capheld) /* always, after pool_fork_reserve_locked() */
		held[nheld++] = fd;
}

void pool_fork_close(int *fd)
{
	if (*fd < 0)
		return;
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < nheld; i++)
		if (held[i] == *fd) {
			held[i] = held[--nheld];
			break;
		}
	close(*fd); /* under the lock: the number cannot be reused and registered meanwhile */
	pthread_mutex_unlock(&reg_lock);
	*fd = -1;
}

void pool_fork_keep(int a, int b)
{
	keep[0] = a;
	keep[1] = b;
}

unsigned pool_fork_epoch(void) { return atomic_load(&epoch); }
