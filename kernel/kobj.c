/*
 * kobj.c: the object pool, references, and the table of types.
 *
 * Invariant: an object in use (type != KOBJ_NONE) has refs > 0, except for
 * the instant between kobj_alloc_locked() and the fd_install_locked() that
 * follows it under the same mask; the console is outside the pool and never
 * released. Everything is changed with interrupts masked.
 * Read next: kernel/fd.c, kernel/pipe.c, kernel/ksync.h (the
 * synchronisation types).
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
static uint32_t serials;            /* the last object's serial */
struct kobj kobj_console = { .type = KOBJ_CONSOLE };

void kobj_init(void)
{
    memset(pool, 0, sizeof pool);
    kobj_console.refs = kobj_serial1.refs = 0;
}

struct kobj *kobj_alloc_locked(enum kobj_type type)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_KOBJS; i++) {
        if (pool[i].type == KOBJ_NONE) {
            memset(&pool[i], 0, sizeof pool[i]);
            pool[i].type = (uint8_t)type;
            pool[i].serial = ++serials;
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
    if (o->refs == 0 && o != &kobj_console && o != &kobj_serial1) {
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

/* ---- Creating and finding objects ---------------------------------------- */

int kobj_index(const struct kobj *o) { return (int)(o - pool); }

int kobj_create(struct proc *p, enum kobj_type type,
                int (*init_locked)(struct kobj *o, const void *arg), const void *arg)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = kobj_alloc_locked(type);
    int r = o ? 0 : -ENFILE;
    if (o && init_locked && (r = init_locked(o, arg)) < 0)
        o->type = KOBJ_NONE;        /* refused: init left nothing to undo */
    if (r == 0 && (r = fd_install_locked(p, o, FD_READ | FD_WRITE)) < 0)
        kobj_abandon_locked(o);     /* whole, but no descriptor took it */
    arch_irq_restore(s);
    return r;
}

struct kobj *kobj_lookup_locked(struct proc *p, int fd, enum kobj_type type)
{
    ASSERT_LOCKED();
    struct kobj *o = fd_lookup_locked(p, fd, NULL);
    return o && o->type == type ? o : NULL;
}

/* ---- The table of types ------------------------------------------------- */

extern const struct kobj_ops console_ops, pipe_ops, shm_ops, serial_ops;

const struct kobj_ops *const kobj_ops[KOBJ_NTYPES] = {
    [KOBJ_CONSOLE] = &console_ops,
    [KOBJ_PIPE] = &pipe_ops,
    [KOBJ_SEM] = &ksem_ops,
    [KOBJ_MUTEX] = &kmutex_ops,
    [KOBJ_SHM] = &shm_ops,
    [KOBJ_SERIAL] = &serial_ops,
    [KOBJ_EVENT] = &kevent_ops,
    [KOBJ_COND] = &kcond_ops,
    [KOBJ_BARRIER] = &kbarrier_ops,
    [KOBJ_QUEUE] = &kqueue_ops,
};
