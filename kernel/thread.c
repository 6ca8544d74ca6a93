/*
 * thread.c: creating, ending, joining, yielding and sleeping threads.
 *
 * Course idea: the thread table is a fixed array of slots, like xv6's proc
 * table. A slot is claimed at create and released when the thread is reaped:
 * by its joiner (thread_join) or, for a detached thread, by the scheduler once
 * it has switched away from it for the last time.
 *
 * Each slot owns a kernel stack. Its lowest two words hold a canary that is
 * checked at every switch away from the thread: a thread whose stack grew
 * past its end is named in a panic instead of silently corrupting a neighbour.
 * Read next: kernel/state.c (the states), kernel/sched.c (who runs next).
 */
#include "thread.h"

#include <string.h>

#include "../arch/arch.h"
#include "errno.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

struct thread thread_table[MAX_THREADS];
void (*thread_end_hook)(struct thread *t);
static uint32_t kstacks[MAX_THREADS][KSTACK_SIZE / 4] __attribute__((aligned(8)));
static int next_id = 1;

/* Where to look first for a thread by its id: id_hint[id % ID_HINTS] is
 * the slot of the newest thread whose id leaves that remainder (admit()
 * writes it). So a lookup is most often one compare; a thread whose entry
 * a newer one has taken (ID_HINTS creations later) is found by the scan of
 * the table, as every lookup once was. The ids themselves are as before:
 * 1, 2, 3..., never reused. */
#define ID_HINTS 64
static struct thread *id_hint[ID_HINTS];

static void thread_return(void *value) __attribute__((noreturn));

/* The lookup without the hint: the whole table. */
static __attribute__((noinline)) struct thread *scan_for_id(int id)
{
    for (int i = 0; i < MAX_THREADS; i++)
        if (thread_table[i].in_use && thread_table[i].id == id)
            return &thread_table[i];
    return NULL;
}

struct thread *thread_by_id(int id)
{
    struct thread *t = id_hint[(unsigned)id % ID_HINTS];
    if (t && t->in_use && t->id == id)
        return t;
    return scan_for_id(id);
}

/* What a slot keeps from one thread to the next, set once at boot: its
 * kernel stack, and `tlink` linked to itself, which is what "not on the
 * timer queue" looks like (kernel/timeq.h). A slot is released only by a
 * thread that is off the timer queue (it ended RUNNING, or a kill woke it
 * first), so a claimed slot's `tlink` is always self-linked already. */
void thread_init_slots(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &thread_table[i];
        t->stack_base = kstacks[i];
        t->stack_size = KSTACK_SIZE;
        list_init(&t->tlink);
    }
}

/* Claim a free slot and fill in everything but the first frame, the slot's
 * own (thread_init_slots) and `link` (admit() links it into a ready
 * queue). */
static struct thread *claim(const char *name, int prio, int detached)
{
    struct thread *t = thread_table, *end = thread_table + MAX_THREADS;
    uint32_t s = arch_irq_save();

    while (t < end && t->in_use)
        t++;
    if (t < end) {
        t->in_use = 1;              /* claimed: nobody else can take it now */
        t->id = 0;                  /* and nobody finds it by its old id */
        t->proc = NULL;             /* nor as a thread of its old process */
    }
    arch_irq_restore(s);
    if (t == end)
        return NULL;

    t->prio = t->base_prio = (uint8_t)prio;
    t->pi_prio = 0;
    t->detached = (uint8_t)detached;
    t->slice_left = SLICE_TICKS;  /* every thread not RUNNING has a slice to run */
    t->leave_why = WHY_PREEMPT;
    char *to = t->name, *last = t->name + THREAD_NAME_LEN - 1;
    while (to < last && *name)      /* the name, cut to fit, terminated */
        *to++ = *name++;
    *to = '\0';
    list_init(&t->joiners.threads);
    t->waiting_on = NULL;
    t->mutex_wait = NULL;
    list_init(&t->held_mutexes);
    t->xfer = NULL;
    t->exit_value = NULL;
    t->user_sp = NULL;
    t->in_syscall = t->daemon = t->kill_pending = 0;
    t->uguard = 0;
    t->ticks_run = t->switches = t->wakeups = 0;
    t->stack_base[0] = t->stack_base[1] = THREAD_CANARY;
    return t;
}

/* Give the claimed slot an id and admit it: NEW, then READY. A user
 * thread joins its process here, whole. */
static int admit(struct thread *t, struct proc *p, void (*hook)(struct thread *t))
{
    uint32_t s = arch_irq_save();
    t->proc = p;
    t->id = next_id++;
    id_hint[(unsigned)t->id % ID_HINTS] = t;
    t->created_at = ticks;
    thread_set_state_new(t);
    if (hook)
        hook(t);
    sched_make_ready_locked(t, WHY_START);
    arch_irq_restore(s);    /* a more urgent new thread runs from here */
    return t->id;
}

static int create(const char *name, thread_fn fn, void *arg, int prio, int detached)
{
    struct thread *t = claim(name, prio, detached);
    if (!t)
        return -EAGAIN;
    t->sp = arch_stack_init(&t->ctx, (char *)t->stack_base + KSTACK_SIZE, fn, arg,
                            thread_return);
    return admit(t, NULL, NULL);
}

int thread_create_user(struct proc *p, const char *name, uintptr_t entry,
                       uintptr_t a0, uintptr_t a1, void *ustack_top, uintptr_t uguard,
                       int daemon, void (*admit_hook)(struct thread *t))
{
    struct thread *t = claim(name, USER_PRIO, 0);
    if (!t)
        return -EAGAIN;
    t->daemon = (uint8_t)daemon;
    t->uguard = uguard;
    t->sp = arch_user_stack_init(&t->ctx, (char *)t->stack_base + KSTACK_SIZE, ustack_top,
                                 entry, a0, a1);
    return admit(t, p, admit_hook);
}

int thread_create(const char *name, thread_fn fn, void *arg, int prio)
{
    if (prio < 1 || prio >= NPRIO || !fn || !name)
        return -EINVAL;
    return create(name, fn, arg, prio, 0);
}

int thread_create_detached(const char *name, thread_fn fn, void *arg, int prio)
{
    if (prio < 1 || prio >= NPRIO || !fn || !name)
        return -EINVAL;
    return create(name, fn, arg, prio, 1);
}

/* Only sched_init() creates a thread at priority 0. */
int thread_create_idle(thread_fn fn)
{
    return create("idle", fn, NULL, 0, 1);
}

void thread_exit(void *value)
{
    struct thread *t = current;

    arch_irq_disable();
    t->exit_value = value;
    thread_set_state_from(t, TS_RUNNING, TS_TERMINATED, WHY_EXIT);    /* it runs this */
    sched_dequeue_running_locked(t);
    if (t->proc && thread_end_hook)
        thread_end_hook(t);             /* kernel/proc.c: may end the process */
    /* Its joiner: never more than one (a second gets -EBUSY). No test for
     * preemption: the switch asked for below picks the most urgent. */
    sched_wake_one_leaving_locked(&t->joiners, 0);
    arch_switch_request();
    arch_irq_enable();
    panic("thread %d '%s' ran after its exit", t->id, t->name);
}

/* Where a thread's body returns to (set up by arch_stack_init). */
static void thread_return(void *value)
{
    thread_exit(value);
}

int thread_join(int id, void **value, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    struct thread *t = thread_by_id(id);
    int r = 0;

    if (!t || t->detached)
        r = -ESRCH;
    else if (t == current)
        r = -EDEADLK;
    else if (!waitq_empty(&t->joiners))
        r = -EBUSY;
    else if (t->state != TS_TERMINATED)
        r = sched_block_locked(&t->joiners, timeout, WHY_WAIT);
    /* While this joiner waited to run again, a more urgent thread may have
     * joined the same id and the slot may hold a new thread by now. */
    if (r == 0 && (!t->in_use || t->id != id || t->state != TS_TERMINATED))
        r = -ESRCH;
    if (r == 0) {
        if (value)
            *value = t->exit_value;
        t->in_use = 0;              /* reaped: the slot is free again */
    }
    arch_irq_restore(s);
    return r;
}

void thread_yield(void)
{
    uint32_t s = arch_irq_save();
    sched_yield_locked();
    arch_irq_restore(s);
}

int thread_sleep(uint32_t n)
{
    if (n == 0) {
        thread_yield();
        return 0;
    }
    uint32_t s = arch_irq_save();
    int r = sched_block_locked(NULL, n, WHY_SLEEP);
    arch_irq_restore(s);
    return r == -ETIMEDOUT ? 0 : r;     /* the whole sleep passed, or -EINTR */
}

int thread_set_prio(int id, int prio)
{
    if (prio < 1 || prio >= NPRIO)
        return -EINVAL;
    uint32_t s = arch_irq_save();
    struct thread *t = thread_by_id(id);
    int r = -ESRCH;
    if (t && t != idle_thread) {
        sched_set_prio_locked(t, prio);
        r = 0;
    }
    arch_irq_restore(s);
    return r;
}

/* The panic of thread_check_stack() (inline in thread.h). */
void thread_stack_overflow(const struct thread *t)
{
    panic("stack overflow in thread %d '%s' (%lu-byte stack)", t->id,
          t->name, (unsigned long)t->stack_size);
}
