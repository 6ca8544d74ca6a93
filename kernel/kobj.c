/*
 * kobj.c: the object pool, references, and the semaphore and mutex types.
 *
 * Invariant: an object in use (type != KOBJ_NONE) has refs > 0, except for
 * the instant between kobj_alloc_locked() and the fd_install_locked() that
 * follows it under the same mask; the console is outside the pool and never
 * released. Everything is changed with interrupts masked.
 * Read next: kernel/fd.c, kernel/pipe.c.
 */
#include "kobj.h"

#include <string.h>

#include "errno.h"
#include "fd.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "state.h"
#include "uapi.h"

static struct kobj pool[MAX_KOBJS];
struct kobj kobj_console = { .type = KOBJ_CONSOLE };

void kobj_init(void)
{
    memset(pool, 0, sizeof pool);
    kobj_console.refs = 0;
}

struct kobj *kobj_alloc_locked(enum kobj_type type)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_KOBJS; i++) {
        if (pool[i].type == KOBJ_NONE) {
            memset(&pool[i], 0, sizeof pool[i]);
            pool[i].type = (uint8_t)type;
            return &pool[i];
        }
    }
    return NULL;
}

void kobj_ref_locked(struct kobj *o, int fdflags)
{
    ASSERT_LOCKED();
    const struct kobj_ops *ops = kobj_ops[o->type];
    o->refs++;
    if (ops && ops->opened_locked)
        ops->opened_locked(o, fdflags);
}

void kobj_unref_locked(struct kobj *o, int fdflags)
{
    ASSERT_LOCKED();
    const struct kobj_ops *ops = kobj_ops[o->type];
    KASSERT(o->refs > 0, "an object loses a reference it did not have");
    o->refs--;
    if (ops && ops->closed_locked)
        ops->closed_locked(o, fdflags);
    if (o->refs == 0 && o != &kobj_console) {
        if (ops && ops->release_locked)
            ops->release_locked(o);     /* wakes its waiters with -EBADF */
        o->type = KOBJ_NONE;
    }
}

void kobj_abandon_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    KASSERT(o->refs == 0, "only an object no descriptor names is abandoned");
    const struct kobj_ops *ops = kobj_ops[o->type];
    if (o->type == KOBJ_PIPE && !o->u.pipe)
        ops = NULL;                 /* it never got a buffer */
    if (ops && ops->release_locked)
        ops->release_locked(o);
    o->type = KOBJ_NONE;
}

int kobj_free_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_KOBJS; i++)
        n += pool[i].type == KOBJ_NONE;
    return n;
}

/* ---- Semaphores and mutexes -------------------------------------------- */

/* A new object of `type` named by a new descriptor of p; -ENFILE, -EMFILE. */
static int create(struct proc *p, enum kobj_type type, int count)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = kobj_alloc_locked(type);
    int r = -ENFILE;
    if (o) {
        if (type == KOBJ_SEM)
            sem_init(&o->u.sem, count);
        else
            waitq_init(&o->u.mutex.waiters);
        r = fd_install_locked(p, o, FD_READ | FD_WRITE);
        if (r < 0)
            kobj_abandon_locked(o); /* no descriptor took it */
    }
    arch_irq_restore(s);
    return r;
}

int kobj_sem_create(struct proc *p, int count)
{
    return count < 0 || count > 0xFFFF ? -EINVAL : create(p, KOBJ_SEM, count);
}

int kobj_mutex_create(struct proc *p) { return create(p, KOBJ_MUTEX, 0); }

/* The object fd of p names, if it is of `type`. Masked, and it stays valid
 * only while the mask is held (another thread may close fd). */
static struct kobj *lookup_locked(struct proc *p, int fd, enum kobj_type type)
{
    ASSERT_LOCKED();
    struct kobj *o = fd_lookup_locked(p, fd, NULL);
    return o && o->type == type ? o : NULL;
}

/* Each operation looks the descriptor up and uses the object in one masked
 * section. A wait blocks inside it (from this one critical section, depth
 * 1: docs/states.md); a close of the last descriptor while it sleeps wakes
 * it with -EBADF, after which the object is never touched again. */

int kobj_sem_wait(struct proc *p, int fd, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, fd, KOBJ_SEM);
    int r = o ? sem_wait_locked(&o->u.sem, timeout) : -EBADF;
    arch_irq_restore(s);
    return r;
}

int kobj_sem_post(struct proc *p, int fd)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, fd, KOBJ_SEM);
    if (o) {
        sem_post(&o->u.sem);
        poll_notify_locked();
    }
    arch_irq_restore(s);
    return o ? 0 : -EBADF;
}

/* A mutex is an owner and a queue of waiters. The unlocking thread hands
 * it to the first waiter itself (owner = that waiter), so no thread can
 * take it between the wake-up and the waiter running, and a waiter never
 * records itself as owner later: by then the descriptor may have been
 * closed and the object reused. */
int kobj_mutex_lock(struct proc *p, int fd, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, fd, KOBJ_MUTEX);
    int r = -EBADF;
    if (o && o->u.mutex.owner == current->id)
        r = -EDEADLK;               /* not recursive: it would wait forever */
    else if (o && o->u.mutex.owner == 0)
        o->u.mutex.owner = current->id, r = 0;
    else if (o)
        r = sched_block_locked(&o->u.mutex.waiters, timeout, WHY_WAIT);  /* 0: handed over */
    arch_irq_restore(s);
    return r;
}

int kobj_mutex_unlock(struct proc *p, int fd)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = lookup_locked(p, fd, KOBJ_MUTEX);
    int r = -EBADF;
    if (o && o->u.mutex.owner != current->id) {
        r = -EPERM;
    } else if (o) {
        struct thread *next = sched_wake_one_locked(&o->u.mutex.waiters, 0);
        o->u.mutex.owner = next ? next->id : 0;
        if (!next)
            poll_notify_locked();   /* free now */
        r = 0;
    }
    arch_irq_restore(s);
    return r;
}

static void sem_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&o->u.sem.waiters, -EBADF);
}

static void mutex_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&o->u.mutex.waiters, -EBADF);
}

/* Ready: a wait or a lock would not block. */
static int sem_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return o->u.sem.count > 0 ? POLLIN : 0;
}

static int mutex_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return o->u.mutex.owner == 0 ? POLLIN : 0;
}

static const struct kobj_ops sem_ops = {
    .name = "semaphore", .release_locked = sem_release_locked, .poll_locked = sem_poll_locked,
};
static const struct kobj_ops mutex_ops = {
    .name = "mutex", .release_locked = mutex_release_locked, .poll_locked = mutex_poll_locked,
};

/* ---- The table of types ------------------------------------------------- */

extern const struct kobj_ops console_ops, pipe_ops, shm_ops;

const struct kobj_ops *const kobj_ops[KOBJ_NTYPES] = {
    [KOBJ_CONSOLE] = &console_ops,
    [KOBJ_PIPE] = &pipe_ops,
    [KOBJ_SEM] = &sem_ops,
    [KOBJ_MUTEX] = &mutex_ops,
    [KOBJ_SHM] = &shm_ops,
};
