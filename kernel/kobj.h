/*
 * kobj.h: kernel objects (semaphores, mutexes) and the handles naming them.
 *
 * Course idea: a process never holds a pointer to a kernel object; it holds
 * a handle, a small number the kernel checks on every use. A handle packs
 * the owner's pid, a generation and a slot index:
 *
 *     bits 30..16 pid   15..8 generation   7..0 index into proc->handles
 *
 * so another process's handle (foreign), a closed one (stale: the slot's
 * generation has moved on), one of the wrong type, or a made-up number are
 * all refused with -EBADF, and a handle can never reach freed memory.
 */
#ifndef WEFT_KOBJ_H
#define WEFT_KOBJ_H

#include "proc.h"
#include "sem.h"

enum kobj_type { KOBJ_NONE, KOBJ_SEM, KOBJ_MUTEX };

struct kobj {
    uint8_t type;               /* enum kobj_type; KOBJ_NONE = free */
    int owner;                  /* KOBJ_MUTEX: the holder's thread id (ids are
                                   never reused, slots are), or 0 */
    struct sem sem;             /* KOBJ_SEM: the semaphore; KOBJ_MUTEX: only
                                   its wait queue (count stays 0) */
};

/* Empty the object pool (at boot). */
void kobj_init(void);

/* Create an object for p and return its handle, or -EMFILE-like -EAGAIN
 * (p's handle table or the object pool is full), -EINVAL. */
int kobj_create(struct proc *p, enum kobj_type type, int count);

/* Close h: waiters wake with -EBADF, the object is freed. 0 or -EBADF. */
int kobj_close(struct proc *p, int h);

/* Close every handle of p (its end). Interrupts masked. */
void kobj_close_all_locked(struct proc *p);

/* Free objects in the pool, for SYS_KSTAT. */
int kobj_free_count(void);

/* The operations on a handle h of p. Each checks h (-EBADF: not a live
 * handle of p of the right type) and acts in one step, so a handle closed
 * by another thread at any moment is either found whole or not at all.
 *   sem_wait:     0, -ETIMEDOUT, -EINTR, -EBADF (also: closed while waiting)
 *   mutex_lock:   the same, or -EDEADLK if the caller holds it already
 *   mutex_unlock: 0, -EPERM if the caller is not the holder, -EBADF */
int kobj_sem_wait(struct proc *p, int h, uint32_t timeout);
int kobj_sem_post(struct proc *p, int h);
int kobj_mutex_lock(struct proc *p, int h, uint32_t timeout);
int kobj_mutex_unlock(struct proc *p, int h);

#endif
