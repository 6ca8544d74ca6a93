/*
 * stack.c: the stack pool (stack.h), portable; the system's half is
 * stack_posix.c or stack_weft.c.
 *
 * Invariant: pool->out counts the stacks handed out and not yet given back;
 * a free stack is on the free list, whose link lives in the stack's own
 * highest word (a free stack has no other use for it).
 */
#include "stack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "coro_internal.h"

struct coro_pool {
	size_t stack_size;
	unsigned keep;  /* at most this many free stacks are kept */
	unsigned nfree;
	unsigned out;   /* handed out, not yet released */
	void *free;     /* the free list: a stack whose top word links to the next */
};

static void **link_of(struct coro_pool *pool, void *lo)
{
	return (void **)((char *)lo + pool->stack_size) - 1;
}

struct coro_pool *coro_pool_create(size_t stack_size, unsigned keep)
{
	if (stack_size < CORO_MIN_STACK)
		stack_size = CORO_MIN_STACK;
	struct coro_pool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return NULL;
	pool->stack_size = coro_os_stack_round(stack_size);
	pool->keep = keep;
	return pool;
}

void coro_pool_destroy(struct coro_pool *pool)
{
	if (!pool)
		return;
	if (pool->out) {
		fprintf(stderr, "coro: pool destroyed with %u stacks still in use\n", pool->out);
		abort();
	}
	while (pool->free) {
		void *lo = pool->free;
		pool->free = *link_of(pool, lo);
		coro_os_stack_unmap(lo, pool->stack_size);
	}
	free(pool);
}

int coro_create_pooled(struct coro *co, struct coro_pool *pool, const char *name, coro_fn fn,
		       void *user)
{
	void *lo = pool->free;
	if (lo) {
		pool->free = *link_of(pool, lo);
		pool->nfree--;
	} else if (!(lo = coro_os_stack_map(pool->stack_size))) {
		return -ENOMEM;
	}
	pool->out++;
	coro_os_stack_name(lo, name);
	coro_setup(co, name, fn, user, lo, pool->stack_size, pool);
	return 0;
}

void coro_stack_release(struct coro *co)
{
	struct coro_pool *pool = co->pool;
	if (!pool || !co->stack_lo)
		return;
	void *lo = co->stack_lo;
	co->stack_lo = NULL;
	co->pool = NULL;
	pool->out--;
	if (pool->nfree >= pool->keep) {
		coro_os_stack_unmap(lo, pool->stack_size);
		return;
	}
	coro_os_stack_name(lo, NULL);
	*link_of(pool, lo) = pool->free;
	pool->free = lo;
	pool->nfree++;
}
