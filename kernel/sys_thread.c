/*
 * sys_thread.c: the system calls of threads and time.
 *
 * Course idea: a process's threads share its memory, so creating one means
 * naming a stack inside that memory; the kernel makes the stack's lowest
 * ARCH_GUARD_SIZE bytes a guard, so running off it faults instead of
 * silently writing over the heap below.
 * Read next: kernel/thread.c (the thread core these calls use).
 */
#include <string.h>

#include "errno.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timeq.h"

#define SELF (current->proc)

long sys_yield(void)
{
    thread_yield();
    return 0;
}

/* Ticks are compared as signed differences (kernel/timeq.h), so a sleep
 * of 2^31 ticks or more could not be told from one in the past. */
long sys_sleep(void)
{
    uint32_t n = arg_u32(0);
    if (n > TICK_WAIT_MAX)
        return -EINVAL;
    return thread_sleep(n);
}

long sys_ticks(void) { return (long)ticks; }
long sys_gettid(void) { return current->id; }

/* A thread of the caller's own process may be given any priority a user
 * thread may have: 1 .. NPRIO-2 (NPRIO-1 is left to the kernel). What a
 * thread inherits through a mutex is kept (kernel/kmutex.c). */
long sys_setprio(void)
{
    int tid = arg_int(0), prio = arg_int(1);
    if (prio != -1 && (prio < 1 || prio > NPRIO - 2))
        return -EINVAL;
    uint32_t s = arch_irq_save();
    struct thread *t = tid == 0 ? current : thread_by_id(tid);
    long r = -ESRCH;
    if (t && t->proc == current->proc && t->state != TS_TERMINATED) {
        r = t->base_prio;
        if (prio != -1)
            kmutex_set_base_prio_locked(t, prio);
    }
    arch_irq_restore(s);
    return r;
}

/* Check a thread_spec and the entry point; -EFAULT, -EINVAL or 0. */
static int check_spec(const struct proc *p, uintptr_t fn, const struct thread_spec *ts)
{
    if (!uaddr_writable((uintptr_t)ts->stack, ts->stack_size))
        return -EFAULT;
    if (ts->stack_size < 256 || ((uintptr_t)ts->stack & 7) || (ts->stack_size & 7) ||
        (ts->flags & ~THREAD_DAEMON))
        return -EINVAL;
    /* The entry must be code of this process (a Thumb address). */
    if (!(fn & 1) || fn < p->umem.base || fn >= p->umem.code_end)
        return -EFAULT;
    return 0;
}

long sys_thread_create(void)
{
    struct proc *p = SELF;
    uintptr_t fn = arg_uaddr(0);
    struct thread_spec ts;
    char name[THREAD_NAME_LEN] = "thread";
    int r;

    if (copyin(&ts, arg_uaddr(2), sizeof ts) < 0)
        return -EFAULT;
    if ((r = check_spec(p, fn, &ts)) < 0)
        return r;
    if (ts.name && copyinstr(name, (uintptr_t)ts.name, sizeof name) == -EFAULT)
        return -EFAULT;
    if (name[0] == '\0')            /* too long: keep the default */
        memcpy(name, "thread", sizeof "thread");
    /* The lowest aligned ARCH_GUARD_SIZE bytes become the thread's guard
     * (arch_mm_load). With 256 bytes or more, at least 200 are left. */
    uintptr_t lo = (uintptr_t)ts.stack;
    uintptr_t guard = (lo + ARCH_GUARD_SIZE - 1) & ~(uintptr_t)(ARCH_GUARD_SIZE - 1);
    return proc_thread_create(p, name, fn, arg_uaddr(1), 0, lo + ts.stack_size, guard,
                              ts.flags & THREAD_DAEMON);
}

long sys_thread_join(void)
{
    int tid = arg_int(0);
    uintptr_t uvalue = arg_uaddr(1);
    void *value;

    if (uvalue && !uaddr_writable(uvalue, sizeof value))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    struct thread *t = thread_by_id(tid);
    int mine = t && t->proc == SELF;    /* only threads of one's own process */
    arch_irq_restore(s);
    if (!mine)
        return -ESRCH;
    int r = thread_join(tid, &value, arg_u32(2));
    if (r == 0 && uvalue && copyout(uvalue, &value, sizeof value) < 0)
        return -EFAULT;
    return r;
}

long sys_thread_exit(void)
{
    if (current->id == SELF->main_tid)
        proc_main_exit(0);
    thread_exit((void *)arg_uaddr(0));
}
