/*
 * pool_os_weft.h: pool_os.h's four types on weft (see pool_os_weft.c).
 *
 * A weft mutex or semaphore is a kernel object named by a descriptor; a
 * static initialiser cannot create one, so a descriptor of 0 (the console,
 * never a mutex) means "not created yet" and the first user creates it.
 */
#ifndef WEFT_POOL_OS_WEFT_H
#define WEFT_POOL_OS_WEFT_H

#include <errno.h>
#include <stdatomic.h>

#ifndef ESHUTDOWN
#define ESHUTDOWN 108           /* Linux's: submit to a pool shut down (newlib lacks it) */
#endif

typedef struct { _Atomic int fd; } pool_mutex;
typedef struct {
    pool_mutex lock;            /* guards waiters */
    _Atomic int sem;            /* a semaphore: one unit per wake-up owed */
    int waiters;                /* threads counted in, not yet signalled */
} pool_cond;
typedef struct { int tid; } pool_thread;
typedef _Atomic int pool_once;  /* 0 not run, 1 running, 2 done */

#define POOL_MUTEX_INIT { 0 }
#define POOL_ONCE_INIT 0

#endif
