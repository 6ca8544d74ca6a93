/*
 * malloc_lock.c: one lock for newlib's malloc, shared by a process's threads.
 *
 * Course idea: a user-space lock built on an atomic instruction. newlib
 * calls __malloc_lock() around every heap change and, as built for bare
 * metal, does nothing there; with two threads of one process in malloc at
 * once the heap would be corrupted. This lock needs no kernel object:
 * the owner's tid goes into `owner` with an LDREX/STREX compare-and-swap
 * (C11 atomics compile to that on the Cortex-M3), a thread that finds it
 * taken yields the CPU and tries again, and the owner may take it again
 * (malloc calls sbrk, free may call malloc's helpers).
 * Read next: lib/user/thread.c, its other user.
 */
#include <reent.h>
#include <stdatomic.h>

#include "weft.h"

static atomic_int owner;        /* tid holding the lock, 0 if free */
static int depth;               /* times the owner has taken it */

void __malloc_lock(struct _reent *r)
{
    (void)r;
    int me = gettid();
    if (atomic_load(&owner) == me) {
        depth++;
        return;
    }
    int expected = 0;
    while (!atomic_compare_exchange_weak(&owner, &expected, me)) {
        expected = 0;
        yield();
    }
    depth = 1;
}

void __malloc_unlock(struct _reent *r)
{
    (void)r;
    if (--depth == 0)
        atomic_store(&owner, 0);
}
