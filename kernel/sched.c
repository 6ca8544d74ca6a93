/*
 * sched.c: ready queues, blocking and waking, the tick: the mechanism.
 *
 * Course idea: the scheduler is a data structure (one FIFO per priority and
 * a bitmap of the non-empty ones) plus a few rules about when to consult it.
 * The rules are a policy's (kernel/sched_policy.h: coop, rr, mlfq, one file
 * each), chosen at run time from the table below. Everything here runs with
 * interrupts masked, because interrupt handlers wake threads too; that is
 * the one lock of this uniprocessor kernel, and every `_locked` function
 * checks it on entry (ASSERT_LOCKED, kernel/panic.h).
 *
 * The context switch has two halves. The CPU half (arch/armv7m/switch.S)
 * saves the registers of the running thread (in its control block and, by
 * the CPU itself, on its stack) and restores the next one's; the C half,
 * kernel_switch() below, decides who is next.
 * Read next: kernel/thread.c (create, exit, join), kernel/sem.c.
 */
#include "sched.h"

#include <string.h>

#include "../arch/arch.h"
#include "errno.h"
#include "panic.h"
#include "sched_policy.h"
#include "state.h"
#include "timeq.h"

struct thread *current;
struct thread *idle_thread;
volatile uint32_t ticks;

/* The ready queues, their mask, the policy in force (sched.h). Zero until
 * sched_init() sets the policy: like current and ticks it is then in .bss,
 * where the compiler reaches all three from one base address. */
struct sched_core sched_core;
/* The stand-in for images without processes (sched.h). noipa: the compiler
 * must not see that it is empty, so that such an image (bench-kernel) tests
 * next->proc on every switch, as a kernel with processes does. */
__attribute__((weak, noipa)) void proc_switch_mm_locked(struct thread *next) { (void)next; }

/* The policies, in SCHED_POLICIES order (kernel/sched_policy.h). */
#define SCHED_POLICY_ENTRY(name) &sched_##name,
static const struct sched_policy *const policies[] = { SCHED_POLICIES(SCHED_POLICY_ENTRY) };
#define NPOLICIES ((int)(sizeof policies / sizeof policies[0]))

/* ---- Ready queues ------------------------------------------------------- */

static void enqueue(struct thread *t, int at_front)
{
    if (at_front)
        list_push_front(&sched_core.ready[t->prio], &t->link);
    else
        list_push_back(&sched_core.ready[t->prio], &t->link);
    sched_core.ready_mask |= 1u << t->prio;
}

void sched_dequeue_locked(struct thread *t)
{
    ASSERT_LOCKED();
    list_remove(&t->link);
    if (list_empty(&sched_core.ready[t->prio]))
        sched_core.ready_mask &= ~(1u << t->prio);
}

/* The running thread t leaves its ready queue (it blocks or exits). It
 * heads the queue (kernel_switch says why), so the node before it is the
 * queue's own, and the queue is empty once t is gone if the node after it
 * is that one too: no lookup by priority. t's node is left stale: the
 * caller links it elsewhere or resets it. */
static inline void leave_ready_queue(struct thread *t)
{
    struct list *head = t->link.prev, *after = t->link.next;

    head->next = after;
    after->prev = head;
    if (after == head)
        sched_core.ready_mask &= ~(1u << t->prio);
}

void sched_dequeue_running_locked(struct thread *t)
{
    ASSERT_LOCKED();
    leave_ready_queue(t);
    list_init(&t->link);
}

/* The most urgent priority with a ready thread. The idle thread is always
 * ready or running, so when this is called (by a thread that is leaving the
 * CPU) the mask is never empty. */
static int top_prio(void)
{
    return 31 - __builtin_clz(sched_core.ready_mask);
}

/* ---- The policy in force, and the table ----------------------------------- */

int sched_get_policy(void)
{
    for (int i = 0; i < NPOLICIES; i++)
        if (policies[i] == sched_core.policy)
            return i;
    return -1;                      /* not reached: policy is in the table */
}

int sched_set_policy(int i)
{
    if (i < 0 || i >= NPOLICIES)
        return -EINVAL;
    uint32_t s = arch_irq_save();
    if (sched_core.policy->stop)
        sched_core.policy->stop();  /* undo what the old one did to threads */
    sched_core.policy = policies[i];
    sched_core.preemptive = policies[i]->preemptive;
    if (current)                    /* may be called before sched_start() */
        current->slice_left = SLICE_TICKS;
    arch_irq_restore(s);
    return 0;
}

const char *sched_policy_name(int i)
{
    return i >= 0 && i < NPOLICIES ? policies[i]->name : NULL;
}

const char *sched_policy_about(int i)
{
    return i >= 0 && i < NPOLICIES ? policies[i]->about : NULL;
}

int sched_policy_find(const char *name)
{
    for (int i = 0; i < NPOLICIES; i++)
        if (strcmp(policies[i]->name, name) == 0)
            return i;
    return -ENOENT;
}

/* ---- Ready, yield, priorities ------------------------------------------- */

/* When a thread made READY may preempt the running one, and what the test
 * needs to know. A thread may be created before sched_start(), when there
 * is no `current` to preempt; a wake-up never is (only a thread that ran
 * can be BLOCKED), so it skips that test; and a wake-up by a thread that
 * leaves the CPU right after (thread_exit) needs no test at all: its own
 * switch request gives the CPU to the most urgent thread anyway. */
enum preempt_test {
    PREEMPT_IF_STARTED,             /* creation: maybe before sched_start() */
    PREEMPT_TEST,                   /* a wake-up */
    PREEMPT_NONE,                   /* the waker is leaving the CPU */
};

/* The body of sched_make_ready_locked(), inline in the wake-up path too
 * (an interrupt handler's wake-up is on the clock: docs/costs.md). */
static inline __attribute__((always_inline)) void make_ready(struct thread *t, int why,
                                                             enum preempt_test test)
{
    thread_set_state_from(t, TS_BLOCKED, TS_READY, (enum transition_reason)why);
    enqueue(t, 0);
    /* Preemption: a more urgent thread takes the CPU now. */
    if (test != PREEMPT_NONE && sched_core.preemptive &&
        (test == PREEMPT_TEST || current) && t->prio > current->prio)
        arch_switch_request();
}

void sched_make_ready_locked(struct thread *t, int why)
{
    ASSERT_LOCKED();
    make_ready(t, why, PREEMPT_IF_STARTED);
}

void sched_requeue_locked(struct thread *t, int prio)
{
    ASSERT_LOCKED();
    if (t->state == TS_READY || t->state == TS_RUNNING) {
        sched_dequeue_locked(t);
        t->prio = (uint8_t)prio;
        enqueue(t, t->state == TS_RUNNING);     /* RUNNING: the head */
    } else {
        t->prio = (uint8_t)prio;
    }
}

void sched_reschedule_locked(void)
{
    ASSERT_LOCKED();
    if (sched_core.preemptive && current && top_prio() > current->prio)
        arch_switch_request();
}

void sched_set_prio_locked(struct thread *t, int prio)
{
    ASSERT_LOCKED();
    t->base_prio = (uint8_t)prio;
    sched_requeue_locked(t, prio);
    sched_reschedule_locked();
}

/* ---- The C half of the context switch ---------------------------------- */

/*
 * Called by the port with interrupts masked, on the interrupt stack, with the
 * outgoing thread's registers and stack pointer (prev->sp) already saved;
 * the port passes that stack pointer too (prev_sp: it has it in a register,
 * so the stack check need not load it).
 * Returns the thread to run, which is `current` from then on. The outgoing
 * thread is RUNNING (it yields, or it is preempted), or already BLOCKED or
 * TERMINATED (it put itself there, and out of its ready queue, before
 * asking for the switch), or READY again (woken before the switch came).
 *
 * The RUNNING thread stays in its ready queue, at the head, as FreeRTOS
 * keeps it: a preempted thread then keeps its place at the front (to
 * finish its slice) with no queue work at all, and the thread dispatched is
 * left where it is. Only a thread whose turn is over (it yields, or its
 * slice is used up) moves: to the back of its queue, with a fresh slice for
 * when it next runs. Every thread that is not RUNNING has a slice to run
 * (blocking and creation give a fresh one too), so the dispatch never has
 * to look.
 */
struct thread *kernel_switch(struct thread *prev, void *prev_sp)
{
    struct thread *next;

    thread_check_stack(prev, prev_sp);
    if (prev->state == TS_RUNNING) {
        enum transition_reason why = prev->leave_why;   /* WHY_YIELD if it asked */
        int yielding = why == WHY_YIELD;
        /* A cooperative policy switches only when asked by the thread. */
        if (!yielding && !sched_core.preemptive)
            return prev;
        int turn_over = yielding || prev->slice_left == 0;
        /* Its turn over, prev goes to the back of its queue. It heads the
         * queue (the invariant above), so the node before it is the
         * queue's own: no need to find the queue by its priority. */
        if (turn_over)
            list_move_back(prev->link.prev, &prev->link);
        next = container_of(sched_core.ready[top_prio()].next, struct thread, link);
        /* Nobody to yield to, or a stale request (the urgent thread
         * blocked again before we got here): prev runs on, its request
         * used up. */
        if (next == prev) {
            if (yielding)
                prev->leave_why = WHY_PREEMPT;
            return prev;
        }
        if (turn_over) {
            /* A fresh slice for when it next runs, and a yield request is
             * used up (the two bytes are side by side: one store). */
            prev->slice_left = SLICE_TICKS;
            prev->leave_why = WHY_PREEMPT;
        }
        thread_state_switch(prev, why, next);
    } else {
        /* Blocked, or woken again already (a yield request it made was
         * used up when it blocked: sched_block_locked), or ended for good
         * (a request no longer matters). */
        if (prev->state == TS_TERMINATED && prev->detached)
            prev->in_use = 0;           /* reap: nobody will join it */
        next = container_of(sched_core.ready[top_prio()].next, struct thread, link);
        thread_set_state_from(next, TS_READY, TS_RUNNING, WHY_DISPATCH);
    }
    next->switches++;
    if (next->proc)
        proc_switch_mm_locked(next);    /* a user thread: its memory */
    current = next;
    return next;
}

/* The first thread is always the idle thread: a kernel thread, so the port
 * can start it by hand; it yields at once, and the first real thread (maybe a
 * user one) arrives through an ordinary switch. */
void sched_start(void)
{
    arch_irq_disable();
    struct thread *first = idle_thread;     /* the head of ready[0] */
    thread_set_state(first, TS_RUNNING, WHY_DISPATCH);
    first->switches++;
    current = first;
    arch_start_first(first->sp);
}

/* ---- Blocking and waking ------------------------------------------------ */

/* The block up to the switch: the checks, RUNNING -> BLOCKED, the queues,
 * the timeout and the switch request. Returns 0 once the switch is asked
 * for, or why the thread does not block (-EINTR, -ETIMEDOUT); in both
 * cases interrupts are still masked. */
static inline __attribute__((always_inline)) int block(struct thread *t, struct waitq *q,
                                                       uint32_t timeout, int why)
{
    KASSERT(!arch_in_isr(), "an interrupt handler never blocks");
    /* Blocking opens the mask (below): from a nested critical section that
     * would silently end the caller's caller's one too. */
    if (IRQ_CHECKS && arch_irq_depth() != 1)
        panic("thread %d '%s' blocks at irq depth %lu (a wait inside a critical "
              "section): only depth 1 may block", t->id, t->name,
              (unsigned long)arch_irq_depth());
    KASSERT(t != idle_thread, "the idle thread never blocks");
    if (t->kill_pending)
        return -EINTR;              /* its process is ending: never block again */
    if (timeout == WAIT_NONE)
        return -ETIMEDOUT;

    thread_set_state_from(t, TS_RUNNING, TS_BLOCKED, (enum transition_reason)why);
    leave_ready_queue(t);           /* `link` goes to the wait queue instead */
    t->slice_left = SLICE_TICKS;    /* a fresh slice when it next runs, */
    t->leave_why = WHY_PREEMPT;     /* and a yield it asked for is used up */
    /* (wait_result is the waker's to set: wake() is the only way out.) */
    if (q) {
        /* Most urgent first; FIFO among equals (insert after them). */
        struct list *pos = q->threads.next;
        while (pos != &q->threads &&
               container_of(pos, struct thread, link)->prio >= t->prio)
            pos = pos->next;
        list_insert_before(pos, &t->link);
    } else {
        list_init(&t->link);        /* on no queue: a wake-up unlinks it */
    }
    t->waiting_on = q;              /* (read only while it is BLOCKED) */
    if (timeout != WAIT_FOREVER)
        timeq_insert_locked(t, ticks + timeout);
    arch_switch_request();
    return 0;
}

int sched_block_locked(struct waitq *q, uint32_t timeout, int why)
{
    ASSERT_LOCKED();
    struct thread *t = current;
    int r = block(t, q, timeout, why);
    if (r)
        return r;

    /* Let the switch happen: the CPU leaves this thread inside
     * arch_irq_enable() (depth 0, unmasked) and comes back here once it has
     * been woken, to re-enter the caller's critical section (depth 1). */
    arch_irq_enable();
    (void)arch_irq_save();
    return t->wait_result;
}

int sched_block_unlock(struct waitq *q, uint32_t timeout, int why, uint32_t saved)
{
    ASSERT_LOCKED();
    struct thread *t = current;
    int r = block(t, q, timeout, why);
    if (r) {
        arch_irq_restore(saved);
        return r;
    }

    /* The switch happens inside arch_irq_enable(), which also ends the
     * caller's critical section: at depth 1, the only depth that blocks,
     * `saved` is "unmasked" (a thread masks only through arch_irq_save),
     * so this is where arch_irq_restore(saved) would leave it. Once the
     * thread runs again, nobody writes wait_result (wake() wrote it before
     * it made the thread READY), so it is read unmasked. */
    arch_irq_enable();
    return t->wait_result;
}

static inline __attribute__((always_inline)) void wake(struct thread *t, int result,
                                                       enum preempt_test test)
{
    if (t->state != TS_BLOCKED)
        return;                     /* already woken by someone else */
    list_unlink(&t->link);          /* make_ready links it into a ready queue */
    timeq_remove_locked(t);
    t->wait_result = result;
    t->wakeups++;
    make_ready(t, result == -ETIMEDOUT ? WHY_TIMEOUT : WHY_WAKE, test);
}

void sched_wake_locked(struct thread *t, int result)
{
    ASSERT_LOCKED();
    wake(t, result, PREEMPT_TEST);
}

static inline __attribute__((always_inline)) struct thread *
wake_one(struct waitq *q, int result, enum preempt_test test)
{
    if (list_empty(&q->threads))
        return NULL;
    struct thread *t = container_of(q->threads.next, struct thread, link);
    wake(t, result, test);
    return t;
}

struct thread *sched_wake_one_locked(struct waitq *q, int result)
{
    ASSERT_LOCKED();
    return wake_one(q, result, PREEMPT_TEST);
}

struct thread *sched_wake_one_leaving_locked(struct waitq *q, int result)
{
    ASSERT_LOCKED();
    return wake_one(q, result, PREEMPT_NONE);
}

int sched_wake_all_locked(struct waitq *q, int result)
{
    ASSERT_LOCKED();
    int n = 0;
    while (sched_wake_one_locked(q, result))
        n++;
    return n;
}

/* ---- The tick ----------------------------------------------------------- */

void kernel_tick(void)
{
    uint32_t s = arch_irq_save();
    struct thread *t;

    ticks++;
    current->ticks_run++;
    while ((t = timeq_pop_due_locked(ticks)) != NULL)
        sched_wake_locked(t, -ETIMEDOUT);

    /* The policy's part: slices, feedback (kernel/sched_rr.c, ...). */
    if (current != idle_thread && sched_core.policy->tick)
        sched_core.policy->tick(current);
    arch_irq_restore(s);
}

/* ---- Idle and start-up -------------------------------------------------- */

static void *idle_main(void *arg)
{
    (void)arg;
    for (;;) {
        /* Check and sleep with interrupts masked, or a wake-up that lands
         * between the check and the sleep would be slept through. */
        arch_irq_disable();
        while (!sched_ready_at_or_above(1))
            arch_idle_wait();
        arch_irq_enable();
        thread_yield();
    }
    return NULL;
}

/* thread.c creates the idle thread through this hook, below priority 1. */
int thread_create_idle(thread_fn fn);

void sched_init(void)
{
    for (int p = 0; p < NPRIO; p++)
        list_init(&sched_core.ready[p]);
    sched_core.ready_mask = 0;
    KASSERT(policies[SCHED_COOP] == &sched_coop && policies[SCHED_RR] == &sched_rr,
            "SCHED_COOP and SCHED_RR index their policies");
    sched_core.policy = &sched_rr;
    sched_core.preemptive = sched_rr.preemptive;
    thread_init_slots();
    idle_thread = thread_by_id(thread_create_idle(idle_main));
    KASSERT(idle_thread != NULL, "the idle thread exists");
}
