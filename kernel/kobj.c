/*
 * kobj.c: the object pool and per-process handle tables (see kobj.h).
 *
 * Invariant: a handle slot in use points at an object in use of the type
 * recorded there, and each object is named by exactly one handle. Everything
 * is changed with interrupts masked, and an object found through a handle
 * is used under the same masking that found it (see lookup_locked).
 */
#include "kobj.h"

#include <string.h>

#include "errno.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

static struct kobj pool[MAX_KOBJS];

void kobj_init(void)
{
    memset(pool, 0, sizeof pool);
}

static int handle_value(const struct proc *p, int idx)
{
    return ((p->pid & 0x7FFF) << 16) | (p->handles[idx].gen << 8) | idx;
}

/* The slot of a valid handle, or -1. */
static int handle_slot(const struct proc *p, int h)
{
    int idx = h & 0xFF;
    if (h < 0 || idx >= MAX_HANDLES || ((h >> 16) & 0x7FFF) != (p->pid & 0x7FFF))
        return -1;
    const struct handle *e = &p->handles[idx];
    if (!e->in_use || ((h >> 8) & 0xFF) != e->gen)
        return -1;
    return idx;
}

int kobj_create(struct proc *p, enum kobj_type type, int count)
{
    if (count < 0 || count > 0xFFFF)
        return -EINVAL;
    uint32_t s = arch_irq_save();
    int idx = -1, o = -1;
    for (int i = 0; i < MAX_HANDLES && idx < 0; i++)
        if (!p->handles[i].in_use)
            idx = i;
    for (int i = 0; i < MAX_KOBJS && o < 0; i++)
        if (pool[i].type == KOBJ_NONE)
            o = i;
    int r = -EAGAIN;
    if (idx >= 0 && o >= 0) {
        pool[o].type = (uint8_t)type;
        pool[o].owner = 0;
        sem_init(&pool[o].sem, type == KOBJ_MUTEX ? 0 : count);
        p->handles[idx].in_use = 1;
        p->handles[idx].obj = (int16_t)o;
        r = handle_value(p, idx);
    }
    arch_irq_restore(s);
    return r;
}

/* Handle h of p, insisting on `type`: its object, or NULL. Interrupts
 * masked, and they must stay masked for as long as the object is used: an
 * object is only valid under the lock that found it, since another thread
 * of p may close h (and a create may reuse the slot) the moment it drops. */
static struct kobj *lookup_locked(struct proc *p, int h, enum kobj_type type)
{
    ASSERT_LOCKED();
    int idx = handle_slot(p, h);
    struct kobj *o = idx < 0 ? NULL : &pool[p->handles[idx].obj];
    return o && o->type == type ? o : NULL;
}

static void close_slot_locked(struct proc *p, int idx)
{
    ASSERT_LOCKED();
    struct kobj *o = &pool[p->handles[idx].obj];
    sched_wake_all_locked(&o->sem.waiters, -EBADF);
    o->type = KOBJ_NONE;
    p->handles[idx].in_use = 0;
    p->handles[idx].gen++;          /* the old value is stale from now on */
}

int kobj_close(struct proc *p, int h)
{
    uint32_t s = arch_irq_save();
    int idx = handle_slot(p, h);
    if (idx >= 0)
        close_slot_locked(p, idx);
    arch_irq_restore(s);
    return idx < 0 ? -EBADF : 0;
}

void kobj_close_all_locked(struct proc *p)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_HANDLES; i++)
        if (p->handles[i].in_use)
            close_slot_locked(p, i);
}

int kobj_free_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_KOBJS; i++)
        n += pool[i].type == KOBJ_NONE;
    return n;
}

/* The four operations below look the handle up and use the object in one
 * masked section. A wait blocks inside it: sched_block_locked() lets other
 * threads run while this one sleeps and masks again before it returns, and a
 * close while it sleeps wakes it with -EBADF, after which the object is
 * never touched again. A wait must block from its caller's only critical
 * section (depth 1, docs/states.md), so the waits here are sem_wait_locked()
 * and sched_block_locked(); sem_post masks again, which nests. */

int kobj_sem_wait(struct proc *p, int h, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, h, KOBJ_SEM);
    int r = o ? sem_wait_locked(&o->sem, timeout) : -EBADF;
    arch_irq_restore(s);
    return r;
}

int kobj_sem_post(struct proc *p, int h)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, h, KOBJ_SEM);
    if (o)
        sem_post(&o->sem);
    arch_irq_restore(s);
    return o ? 0 : -EBADF;
}

/* A mutex is an owner and a queue of waiters. The unlocking thread hands
 * it to the first waiter itself (owner = that waiter), so no thread can
 * take it between the wake-up and the waiter running, and a waiter never
 * records itself as owner later: by then the handle may have been closed
 * and the slot reused by another object. */
int kobj_mutex_lock(struct proc *p, int h, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, h, KOBJ_MUTEX);
    int r = -EBADF;
    if (o && o->owner == current->id)
        r = -EDEADLK;               /* not recursive: it would wait forever */
    else if (o && o->owner == 0)
        o->owner = current->id, r = 0;
    else if (o)
        r = sched_block_locked(&o->sem.waiters, timeout, WHY_WAIT);  /* 0: handed over */
    arch_irq_restore(s);
    return r;
}

int kobj_mutex_unlock(struct proc *p, int h)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, h, KOBJ_MUTEX);
    int r = -EBADF;
    if (o && o->owner != current->id) {
        r = -EPERM;
    } else if (o) {
        struct thread *next = sched_wake_one_locked(&o->sem.waiters, 0);
        o->owner = next ? next->id : 0;
        r = 0;
    }
    arch_irq_restore(s);
    return r;
}
