/*
 * sys_kobj.c: the system calls of the synchronisation objects.
 *
 * Course idea: a semaphore, mutex, event, condition variable, barrier or
 * queue is a kernel object like a pipe, named by a descriptor
 * (kernel/fd.h). These handlers fetch the numbers, find the object of the
 * right type (-EBADF otherwise) and call its file (kernel/ksync.h) in the
 * same masked section, so the object cannot be closed under them; a call
 * that blocks does so from that section (depth 1). A queue's items cross
 * the boundary here, through copyin/copyout, never in kernel/kqueue.c.
 * Read next: kernel/kmutex.c.
 */
#include "errno.h"
#include "kobj.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timeq.h"

#define SELF (current->proc)

/* A timeout the timer queue cannot order (kernel/timeq.h) is refused
 * before anything happens, as sleep's is. */
static int bad_timeout(uint32_t t) { return t != WAIT_FOREVER && t > TICK_WAIT_MAX; }

/* fn(object named by argument 0, a, b) in one masked section. */
typedef int (*obj_fn)(struct kobj *o, long a, long b);
static long on_obj(enum kobj_type type, obj_fn fn, long a, long b)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = kobj_lookup_locked(SELF, arg_int(0), type);
    long r = o ? fn(o, a, b) : -EBADF;
    arch_irq_restore(s);
    return r;
}

/* ---- Creation ------------------------------------------------------------- */

struct create_args { int a, b, c; };

static int sem_init_fn(struct kobj *o, const void *arg)
{
    const struct create_args *c = arg;
    return ksem_init_locked(&o->u.sem, c->a, c->b);
}
static int mutex_init_fn(struct kobj *o, const void *arg)
{
    kmutex_init(&o->u.mutex, *(const int *)arg);
    return 0;
}
static int event_init_fn(struct kobj *o, const void *arg)
{
    (void)arg;
    waitq_init(&o->u.event.waiters);
    return 0;
}
static int cond_init_fn(struct kobj *o, const void *arg)
{
    (void)arg;
    waitq_init(&o->u.cond.waiters);
    return 0;
}
static int barrier_init_fn(struct kobj *o, const void *arg)
{
    int parties = *(const int *)arg;
    if (parties < 1 || parties > BARRIER_MAX)
        return -EINVAL;
    o->u.barrier.parties = (uint16_t)parties;
    waitq_init(&o->u.barrier.waiters);
    return 0;
}
static int queue_init_fn(struct kobj *o, const void *arg)
{
    const struct create_args *c = arg;
    return kqueue_init_locked(&o->u.queue, c->a, c->b, c->c);
}

long sys_sem_create(void)
{
    struct create_args c = { arg_int(0), 0, 0 };
    return kobj_create(SELF, KOBJ_SEM, sem_init_fn, &c);
}
long sys_sem_create_max(void)
{
    struct create_args c = { arg_int(0), arg_int(1), 0 };
    return kobj_create(SELF, KOBJ_SEM, sem_init_fn, &c);
}
long sys_mutex_create(void)
{
    int flags = 0;
    return kobj_create(SELF, KOBJ_MUTEX, mutex_init_fn, &flags);
}
long sys_mutex_create_flags(void)
{
    int flags = arg_int(0);
    if (flags & ~MUTEX_FLAGS)
        return -EINVAL;
    return kobj_create(SELF, KOBJ_MUTEX, mutex_init_fn, &flags);
}
long sys_event_create(void) { return kobj_create(SELF, KOBJ_EVENT, event_init_fn, NULL); }
long sys_cond_create(void) { return kobj_create(SELF, KOBJ_COND, cond_init_fn, NULL); }
long sys_barrier_create(void)
{
    int parties = arg_int(0);
    return kobj_create(SELF, KOBJ_BARRIER, barrier_init_fn, &parties);
}
long sys_queue_create(void)
{
    struct create_args c = { arg_int(0), arg_int(1), arg_int(2) };
    return kobj_create(SELF, KOBJ_QUEUE, queue_init_fn, &c);
}

/* ---- Semaphores and mutexes ------------------------------------------------ */

static int sem_wait_fn(struct kobj *o, long t, long b) { (void)b; return ksem_wait_locked(o, (uint32_t)t); }
static int sem_post_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return ksem_post_locked(o); }
static int lock_fn(struct kobj *o, long t, long b) { (void)b; return kmutex_lock_locked(o, (uint32_t)t); }
static int unlock_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return kmutex_unlock_locked(o); }
static int consistent_fn(struct kobj *o, long a, long b)
{
    (void)a, (void)b;
    return kmutex_consistent_locked(o);
}

long sys_sem_wait(void) { return bad_timeout(arg_u32(1)) ? -EINVAL : on_obj(KOBJ_SEM, sem_wait_fn, arg_u32(1), 0); }
long sys_sem_post(void) { return on_obj(KOBJ_SEM, sem_post_fn, 0, 0); }
long sys_mutex_lock(void) { return bad_timeout(arg_u32(1)) ? -EINVAL : on_obj(KOBJ_MUTEX, lock_fn, arg_u32(1), 0); }
long sys_mutex_unlock(void) { return on_obj(KOBJ_MUTEX, unlock_fn, 0, 0); }
long sys_mutex_consistent(void) { return on_obj(KOBJ_MUTEX, consistent_fn, 0, 0); }

/* The wait-for graph, copied out whole or not at all. */
long sys_locks(void)
{
    struct lock_info info[MAX_THREADS];
    uintptr_t out = arg_uaddr(0);
    int max = arg_int(1);
    if (max < 0)
        return -EINVAL;
    if (max > MAX_THREADS)
        max = MAX_THREADS;
    if (!uaddr_writable(out, (size_t)max * sizeof info[0]))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    int n = kmutex_report_locked(info, max);
    arch_irq_restore(s);
    return copyout(out, info, (size_t)n * sizeof info[0]) < 0 ? -EFAULT : n;
}

/* ---- Events, conditions, barriers ------------------------------------------ */

static int ev_set_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return kevent_set_locked(o); }
static int ev_clear_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return kevent_clear_locked(o); }
static int ev_is_set_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return o->u.event.flag; }
static int ev_wait_fn(struct kobj *o, long t, long b) { (void)b; return kevent_wait_locked(o, (uint32_t)t); }

long sys_event_set(void) { return on_obj(KOBJ_EVENT, ev_set_fn, 0, 0); }
long sys_event_clear(void) { return on_obj(KOBJ_EVENT, ev_clear_fn, 0, 0); }
long sys_event_is_set(void) { return on_obj(KOBJ_EVENT, ev_is_set_fn, 0, 0); }
long sys_event_wait(void) { return bad_timeout(arg_u32(1)) ? -EINVAL : on_obj(KOBJ_EVENT, ev_wait_fn, arg_u32(1), 0); }

/* The mutex is found in the same masked section as the condition. */
static int cond_wait_fn(struct kobj *c, long mfd, long t)
{
    struct kobj *m = kobj_lookup_locked(SELF, (int)mfd, KOBJ_MUTEX);
    return m ? kcond_wait_locked(c, m, (uint32_t)t) : -EBADF;
}
static int cond_notify_fn(struct kobj *o, long n, long b) { (void)b; return kcond_notify_locked(o, (int)n); }
long sys_cond_wait(void) { return bad_timeout(arg_u32(2)) ? -EINVAL : on_obj(KOBJ_COND, cond_wait_fn, arg_int(1), arg_u32(2)); }
long sys_cond_notify(void) { return on_obj(KOBJ_COND, cond_notify_fn, arg_int(1), 0); }

static int bar_wait_fn(struct kobj *o, long t, long b) { (void)b; return kbarrier_wait_locked(o, (uint32_t)t); }
static int bar_reset_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return kbarrier_reset_locked(o); }
long sys_barrier_wait(void) { return bad_timeout(arg_u32(1)) ? -EINVAL : on_obj(KOBJ_BARRIER, bar_wait_fn, arg_u32(1), 0); }
long sys_barrier_reset(void) { return on_obj(KOBJ_BARRIER, bar_reset_fn, 0, 0); }

/* ---- Queues ------------------------------------------------------------------ */

/* put(h, item, prio, timeout): the item is copied in before anything
 * changes; get(h, item, timeout): the buffer is checked before the wait,
 * so an item is never taken and then lost to a bad address. */
static int put_fn(struct kobj *o, long item, long prio)
{
    uint8_t k[QUEUE_ITEM_MAX];
    if (copyin(k, (uintptr_t)item, o->u.queue.item_size) < 0)
        return -EFAULT;
    return kqueue_put_locked(o, k, (int)prio, arg_u32(3));
}
static int get_fn(struct kobj *o, long item, long t)
{
    uint8_t k[QUEUE_ITEM_MAX];
    uint16_t size = o->u.queue.item_size;
    if (!uaddr_writable((uintptr_t)item, size))
        return -EFAULT;
    int r = kqueue_get_locked(o, k, (uint32_t)t);
    if (r == 0 && copyout((uintptr_t)item, k, size) < 0)
        r = -EFAULT;                /* the buffer went while we waited */
    return r;
}
static int done_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return kqueue_task_done_locked(o); }
static int join_fn(struct kobj *o, long t, long b) { (void)b; return kqueue_join_locked(o, (uint32_t)t); }
static int size_fn(struct kobj *o, long a, long b) { (void)a, (void)b; return o->u.queue.count; }

long sys_queue_put(void) { return bad_timeout(arg_u32(3)) ? -EINVAL : on_obj(KOBJ_QUEUE, put_fn, (long)arg_uaddr(1), arg_int(2)); }
long sys_queue_get(void) { return bad_timeout(arg_u32(2)) ? -EINVAL : on_obj(KOBJ_QUEUE, get_fn, (long)arg_uaddr(1), arg_u32(2)); }
long sys_queue_task_done(void) { return on_obj(KOBJ_QUEUE, done_fn, 0, 0); }
long sys_queue_join(void) { return bad_timeout(arg_u32(1)) ? -EINVAL : on_obj(KOBJ_QUEUE, join_fn, arg_u32(1), 0); }
long sys_queue_size(void) { return on_obj(KOBJ_QUEUE, size_fn, 0, 0); }
