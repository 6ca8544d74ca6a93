/*
 * stack.h: a pool of coroutine stacks, so that creating a coroutine costs no
 * allocation once the pool is warm.
 *
 * Course idea: a stackful coroutine's price is its stack. A pool keeps the
 * stacks of dead coroutines for the next ones (greenlet and Go keep theirs
 * too). On Linux each pooled stack is a mapping with one inaccessible guard
 * page below it: an overflow faults there and is reported with the
 * coroutine's name (stack_posix.c). On weft the stack comes from malloc and
 * the canary is the detection (stack_weft.c): the MPU's stack guard region
 * follows the running *thread* and only the kernel can move it, so user
 * space cannot place one under a coroutine without a new system call.
 *
 * A pool is used by one thread at a time: nothing here takes a lock.
 *
 * Read next: coro.h.
 */
#ifndef WEFT_CORO_STACK_H
#define WEFT_CORO_STACK_H

#include <stddef.h>

#include "coro.h"

/* A pool of stacks of `stack_size` usable bytes (rounded up to the page on
 * Linux) that keeps at most `keep` free stacks. NULL on ENOMEM. */
struct coro_pool *coro_pool_create(size_t stack_size, unsigned keep);

/* Free every stack the pool keeps. Every coroutine created from it must have
 * been released (coro_release) first; otherwise this reports and aborts. */
void coro_pool_destroy(struct coro_pool *pool);

/* coro_create on a stack from the pool. Returns 0, or -ENOMEM when no stack
 * could be had. coro_release(co) gives the stack back. */
int coro_create_pooled(struct coro *co, struct coro_pool *pool, const char *name, coro_fn fn,
		       void *user);

/* The operating system's half (stack_posix.c or stack_weft.c): a stack of
 * `size` usable bytes, with a guard below it where the system allows, and
 * its owner's name for fault reports. */
void *coro_os_stack_map(size_t size);
void coro_os_stack_unmap(void *lo, size_t size);
void coro_os_stack_name(void *lo, const char *name);
size_t coro_os_stack_round(size_t size);

#endif
