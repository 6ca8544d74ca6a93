/*
 * pool_fork.h: descriptors that a forked child must not keep.
 *
 * Course idea: fork() copies every descriptor, and close-on-exec helps only
 * if the child calls exec(). A process pool's worker, or any plain fork()
 * child of the application, that keeps the parent's pipe ends holds them
 * open: the pool's other end never sees end of file, and the child holds
 * descriptors it knows nothing about. So the pools register each descriptor
 * they hold here, and a pthread_atfork() child handler closes all of them in
 * every child forked afterwards, whoever forks it: another pool's worker or
 * the application itself. A pool is used only by the process that created it;
 * pool_fork_epoch() lets a pool notice that it is a forked copy.
 *
 * The registry lock is taken by the atfork prepare handler, so no fork can
 * happen between a pool creating a descriptor under pool_fork_lock() and
 * registering it: a child never inherits one that is not yet registered.
 *
 * Read next: procpool_spawn.c, the first user.
 */
#ifndef WEFT_POOL_FORK_H
#define WEFT_POOL_FORK_H

#include <stddef.h>

void pool_fork_lock(void);
void pool_fork_unlock(void);

/* With the lock held: make room for n more descriptors (0 or ENOMEM), then
 * register each (children forked from now on close it). Reserve before
 * creating the descriptors, so that registering cannot fail. */
int pool_fork_reserve_locked(size_t n);
void pool_fork_hold_locked(int fd);

/* Unregister *fd, close it, and set it to -1; a no-op for -1. */
void pool_fork_close(int *fd);

/* In the child of the next fork() made by this thread, keep these two
 * registered descriptors open (a worker's own pipe ends). -1 for none. */
void pool_fork_keep(int a, int b);

/* Incremented in every forked child: a pool created at epoch E is a copy
 * inherited from the parent when the epoch is no longer E. */
unsigned pool_fork_epoch(void);

/* Install the atfork handlers (pool_fork_lock() does it too): a pool that
 * only needs the epoch calls this once at creation. */
void pool_fork_watch(void);

#endif
