/*
 * pool_os.h: the only operating-system services the thread pool and futures use.
 *
 * Course idea: a thread pool is built from four primitives: a mutex, a
 * condition variable, thread create/join and a monotonic clock (plus two
 * helpers: run-once for static set-up, and yield for spinning). Keeping them
 * behind this one header is the same move as weft's arch.h: the pool's logic
 * (future.c, threadpool.c) includes no OS header, so it can later run on
 * weft's own user-space threads: pool_os_weft.c (with the types of
 * pool_os_weft.h, chosen by -DPOOL_OS_WEFT) implements the same contract on
 * weft's system calls, next to pool_os_posix.c for Linux; apps/pooldemo.c
 * runs the unchanged thread pool there.
 *
 * The process pool (procpool.c) is Linux-only by nature (fork, pipes, pidfd)
 * and talks to the OS directly; only the thread-pool side is portable.
 *
 * Contract, for every implementation:
 *   - pool_mutex_lock/unlock never fail on a correctly used, initialised mutex.
 *   - pool_cond_wait may wake spuriously; callers always re-check their
 *     condition in a loop.
 *   - pool_cond_timedwait takes an absolute deadline on pool_now_ns()'s clock
 *     and returns true if it was woken (or woke spuriously), false on timeout.
 *   - pool_now_ns() is monotonic: it never goes backwards and ignores changes
 *     to the wall clock.
 *
 * Read next: future.h (what a future is), then threadpool.h.
 */
#ifndef WEFT_POOL_OS_H
#define WEFT_POOL_OS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef POOL_OS_WEFT
#include "pool_os_weft.h"       /* the same types on weft (pool_os_weft.c) */
#else
#include <pthread.h>
/* POSIX definitions of the four types (pool_os_posix.c). */
typedef struct { pthread_mutex_t m; } pool_mutex;
typedef struct { pthread_cond_t c; } pool_cond;
typedef struct { pthread_t t; } pool_thread;
typedef pthread_once_t pool_once;
/* Static initialisers, for mutexes and once flags in static storage. */
#define POOL_MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }
#define POOL_ONCE_INIT PTHREAD_ONCE_INIT
#endif

void pool_mutex_init(pool_mutex *m);
void pool_mutex_destroy(pool_mutex *m);
void pool_mutex_lock(pool_mutex *m);
void pool_mutex_unlock(pool_mutex *m);

/* Condition variables measure timeouts on the pool_now_ns() clock. A statically
 * allocated condvar must still be set up with pool_cond_init() once, because the
 * clock choice cannot be expressed in a static initialiser. */
void pool_cond_init(pool_cond *c);
void pool_cond_destroy(pool_cond *c);
void pool_cond_wait(pool_cond *c, pool_mutex *m);
bool pool_cond_timedwait(pool_cond *c, pool_mutex *m, int64_t deadline_ns);
void pool_cond_signal(pool_cond *c);
void pool_cond_broadcast(pool_cond *c);

/* Start fn(arg) on a new thread; returns 0 or an errno value. */
int pool_thread_start(pool_thread *t, void *(*fn)(void *), void *arg);
void pool_thread_join(pool_thread *t);
/* True if t is the calling thread. */
bool pool_thread_is_self(const pool_thread *t);

/* Run init() exactly once per pool_once flag, however many threads race here. */
void pool_run_once(pool_once *once, void (*init)(void));

/* Monotonic time in nanoseconds since an arbitrary fixed point. */
int64_t pool_now_ns(void);

/* Give the processor to another runnable thread (used while spinning). */
void pool_yield(void);

/* Process pool only (Linux): fork(), through a hook that a test may replace
 * to inject a failure (the hook sets errno and returns -1). NULL restores
 * the real fork(). The hook is read when a worker is forked. */
pid_t pool_os_fork(void);
void pool_os_set_fork(pid_t (*hook)(void));

#endif
