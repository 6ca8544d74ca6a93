/*
 * ksync.h: the synchronisation objects a process names by descriptor:
 * semaphore, mutex, event, condition variable, barrier, message queue.
 *
 * Course idea: Python's threading and multiprocessing primitives (Lock,
 * RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier, Queue) as
 * kernel objects, so that threads of different processes can share them.
 * Each is a small state plus wait queues (kernel/sched.h); each lives in
 * its own file, and kernel/sys_kobj.c turns system calls into these calls.
 *
 * Contracts shared by every blocking call here:
 *   - `timeout` is WAIT_NONE (try only: -ETIMEDOUT when it would block),
 *     a number of ticks, or WAIT_FOREVER; a timed wait ends after exactly
 *     that many ticks (kernel/timeq.c);
 *   - a thread whose process is ending gets -EINTR and never blocks;
 *   - a waiter whose object is closed by its last descriptor gets -EBADF
 *     and never touches the object again;
 *   - every call is made with interrupts masked by one arch_irq_save()
 *     (the `_locked` suffix: blocking happens from depth 1, docs/states.md).
 * Read next: kernel/kmutex.c (the richest), then kernel/kqueue.c.
 */
#ifndef WEFT_KSYNC_H
#define WEFT_KSYNC_H

#include <stdint.h>

#include "sem.h"
#include "thread.h"
#include "uapi.h"

struct kobj;

/* ---- Semaphore (kernel/ksem.c) -------------------------------------------- */
struct ksem {
    struct sem sem;             /* the count and its waiters (kernel/sem.c) */
    uint16_t max;               /* BoundedSemaphore: a post past it is -EOVERFLOW; 0: none */
};
int ksem_init_locked(struct ksem *s, int count, int max);   /* -EINVAL */
int ksem_wait_locked(struct kobj *o, uint32_t timeout);
int ksem_post_locked(struct kobj *o);                        /* 0, -EOVERFLOW */

/* ---- Mutex (kernel/kmutex.c) ---------------------------------------------- */
/* Creation flags (kernel/uapi.h): MUTEX_RECURSIVE (RLock: its owner may
 * lock it again), MUTEX_NOINHERIT (no priority inheritance, to show an
 * inversion). */
#define MUTEX_FLAGS     3

enum kmutex_state {
    KMUTEX_CONSISTENT,          /* the ordinary case */
    KMUTEX_OWNERDEAD,           /* its owner died holding it: the next owner
                                   is told -EOWNERDEAD and should repair */
    KMUTEX_NOTRECOVERABLE,      /* unlocked without repair: unusable */
};

struct kmutex {
    struct thread *owner;       /* NULL: free. Cleared when the owner ends. */
    struct list held_link;      /* in owner->held_mutexes while owned */
    struct waitq waiters;       /* most urgent first, FIFO among equals */
    uint16_t depth;             /* times the owner holds it (RLock), >= 1 when owned */
    uint8_t flags;              /* MUTEX_RECURSIVE, MUTEX_NOINHERIT */
    uint8_t state;              /* enum kmutex_state */
};
void kmutex_init(struct kmutex *m, int flags);
/* 0; -EOWNERDEAD (it is the caller's now, but the last owner died in it);
 * -EDEADLK (the caller holds it and it is not recursive, or waiting would
 * close a cycle of threads waiting for each other); -ENOTRECOVERABLE;
 * -ETIMEDOUT, -EINTR, -EBADF. */
int kmutex_lock_locked(struct kobj *o, uint32_t timeout);
/* 0; -EPERM when the caller is not the owner. */
int kmutex_unlock_locked(struct kobj *o);
/* After -EOWNERDEAD: the owner says the data is repaired. 0, -EINVAL. */
int kmutex_consistent_locked(struct kobj *o);
/* A thread ends: every mutex it holds passes on with -EOWNERDEAD. */
void kmutex_thread_ended_locked(struct thread *t);
/* Give t a new base priority: it runs at it, or higher while it holds
 * what a more urgent thread waits for (SYS_SETPRIO). */
void kmutex_set_base_prio_locked(struct thread *t, int prio);
/* Condition variables release a mutex while they wait and take it back:
 * the caller's whole hold (depth) goes and returns. */
int kmutex_release_for_wait_locked(struct kobj *o, uint16_t *depth);
int kmutex_reacquire_locked(struct kobj *o, uint32_t serial, uint16_t depth, uint32_t timeout);
/* The wait-for graph's edges, one per thread blocked on a mutex, into
 * out[0..max) -> how many (SYS_LOCKS). */
struct lock_info;
int kmutex_report_locked(struct lock_info *out, int max);

/* ---- Event (kernel/kevent.c) ---------------------------------------------- */
struct kevent {
    uint8_t flag;               /* set: waits return at once */
    struct waitq waiters;       /* non-empty only while the flag is clear */
};
int kevent_set_locked(struct kobj *o);
int kevent_clear_locked(struct kobj *o);
int kevent_wait_locked(struct kobj *o, uint32_t timeout);   /* 0 once set */

/* ---- Condition variable (kernel/kcond.c) ---------------------------------- */
struct kcond {
    struct waitq waiters;
};
/* Release mutex m (the caller must own it: -EPERM), wait for a notify,
 * take m back, even after a timeout: 0, -ETIMEDOUT; -EINTR (the process is
 * ending: m is taken back only if it is free), -EBADF. */
int kcond_wait_locked(struct kobj *c, struct kobj *m, uint32_t timeout);
int kcond_notify_locked(struct kobj *c, int n);             /* -> woken */

/* ---- Barrier (kernel/kbarrier.c) ------------------------------------------ */
struct kbarrier {
    uint16_t parties;           /* threads that must arrive */
    uint16_t arrived;           /* in this round */
    uint8_t broken;             /* a party timed out or was killed */
    uint32_t round;             /* bumped when the barrier trips */
    struct waitq waiters;
};
/* Wait for all parties -> arrival index 0 .. parties-1; -EPIPE (broken:
 * Python's BrokenBarrierError), -ETIMEDOUT (and the barrier breaks). */
int kbarrier_wait_locked(struct kobj *o, uint32_t timeout);
int kbarrier_reset_locked(struct kobj *o);

/* ---- Message queue (kernel/kqueue.c) -------------------------------------- */
struct kqueue {
    uint8_t *buf;               /* capacity slots: a priority word, then the item */
    uint16_t item_size, capacity, count;
    uint8_t order;              /* QUEUE_FIFO, QUEUE_LIFO, QUEUE_PRIO */
    uint16_t unfinished;        /* put and not yet task_done */
    struct waitq getters, putters, joiners;
};
int kqueue_init_locked(struct kqueue *q, int item_size, int capacity, int order);
/* item is kernel memory (the handler copied it in / copies it out). */
int kqueue_put_locked(struct kobj *o, const void *item, int prio, uint32_t timeout);
int kqueue_get_locked(struct kobj *o, void *item, uint32_t timeout);
int kqueue_task_done_locked(struct kobj *o);                 /* -EINVAL: too many */
int kqueue_join_locked(struct kobj *o, uint32_t timeout);

/* Each type's operations (kernel/kobj.c's table). */
struct kobj_ops;
extern const struct kobj_ops ksem_ops, kmutex_ops, kevent_ops, kcond_ops, kbarrier_ops,
    kqueue_ops;

/* The shared step of a wait that loops (an event, a queue): the ticks left
 * of `timeout` begun at tick `start`, WAIT_NONE once none are. */
uint32_t ksync_ticks_left(uint32_t timeout, uint32_t start);

#endif
