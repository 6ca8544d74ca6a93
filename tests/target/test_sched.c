/*
 * test_sched.c: the scheduler, timing and semaphores, checked on the board.
 *
 * Course idea: a scheduler is specified by the order in which threads run.
 * Each case below lets threads append a letter to the trail (ktest.h) and
 * compares the whole string with the order the policy promises, or compares
 * the tick at which something happened with the exact tick it must happen.
 * Image: build/ktest-sched.elf. The runner runs at KTEST_PRIO (6).
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../arch/armv7m/regs.h"
#include "../../kernel/errno.h"
#include "../../kernel/sched.h"
#include "../../kernel/sem.h"
#include "../../kernel/thread.h"
#include "../../kernel/timeq.h"
#include "../../kernel/trace.h"
#include "ktest.h"

#define SOFT_IRQ 31     /* unused by the board: pended by writing NVIC_ISPR */

/* A thread that appends its letter (arg) to the trail and ends. */
static void *letter(void *arg)
{
    trail_add((char)(uintptr_t)arg);
    return arg;
}

static int spawn(char c, int prio, thread_fn fn)
{
    return thread_create((char[]){ c, '\0' }, fn, (void *)(uintptr_t)c, prio);
}

/* ---- Order ---------------------------------------------------------------- */

/* Threads created below the runner's priority wait until it blocks, then
 * run most urgent first, whatever the order of creation. */
static void priority_order(void)
{
    int e = spawn('E', 1, letter), c = spawn('C', 3, letter), a = spawn('A', 5, letter);
    int d = spawn('D', 2, letter), b = spawn('B', 4, letter);
    void *v;

    KT_EQ(thread_join(e, &v, WAIT_FOREVER), 0);     /* E runs last: all done */
    KT_EQ((uintptr_t)v, 'E');
    KT_STREQ(trail_get(), "ABCDE");
    KT_EQ(thread_join(a, NULL, WAIT_NONE), 0);
    KT_EQ(thread_join(b, NULL, WAIT_NONE), 0);
    KT_EQ(thread_join(c, NULL, WAIT_NONE), 0);
    KT_EQ(thread_join(d, NULL, WAIT_NONE), 0);
}

/* Under SCHED_RR a thread more urgent than its creator runs at once; under
 * SCHED_COOP it waits until the creator gives up the CPU. */
static void preempt_on_create(void)
{
    trail_add('r');
    int h = spawn('H', 7, letter);
    trail_add('r');
    KT_EQ(thread_join(h, NULL, WAIT_FOREVER), 0);
    KT_STREQ(trail_get(), "rHr");

    trail_reset();
    sched_set_policy(SCHED_COOP);
    trail_add('r');
    h = spawn('H', 7, letter);
    trail_add('r');
    int r = thread_join(h, NULL, WAIT_FOREVER);
    sched_set_policy(SCHED_RR);
    KT_EQ(r, 0);
    KT_STREQ(trail_get(), "rrH");
}

/* Equal priorities take turns in FIFO order at every yield. */
static void *three_turns(void *arg)
{
    for (int i = 0; i < 3; i++) {
        trail_add((char)(uintptr_t)arg);
        thread_yield();
    }
    return NULL;
}

static void round_robin_yield(void)
{
    int a = spawn('A', 3, three_turns), b = spawn('B', 3, three_turns);
    int c = spawn('C', 3, three_turns);

    KT_EQ(thread_join(a, NULL, WAIT_FOREVER), 0);
    KT_EQ(thread_join(b, NULL, WAIT_FOREVER), 0);
    KT_EQ(thread_join(c, NULL, WAIT_FOREVER), 0);
    KT_STREQ(trail_get(), "ABCABCABC");
}

/* ---- Time ----------------------------------------------------------------- */

/* How many ticks the runner's last wait lasted by the kernel's own record
 * (the trace): from its RUNNING -> BLOCKED to its BLOCKED -> READY. Reading
 * `ticks` after the wake-up would also count any tick that passes before
 * QEMU lets the woken thread run, which on a busy host can happen. */
static long last_wait_ticks(void)
{
    struct trace_rec r[4];
    int n = trace_read(r, 4, current->id);
    for (int i = n - 1; i > 0; i--)
        if (r[i].from == TS_BLOCKED && r[i].to == TS_READY && r[i - 1].to == TS_BLOCKED)
            return (long)(r[i].time - r[i - 1].time);
    return -1;
}

/* thread_sleep(n) called at tick t makes the thread READY at tick t + n
 * exactly: the wake-up is on a tick boundary, so a sleep that starts
 * mid-tick lasts between n-1 and n tick periods (thread.h says "at least n
 * ticks": that holds for tick counts, not for time). */
static void sleep_exact_ticks(void)
{
    static const uint32_t ns[] = { 1, 2, 7, 20 };
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        uint32_t t0 = ktest_tick_sync();
        thread_sleep(ns[i]);
        KT_EQ(last_wait_ticks(), ns[i]);
        KT_TRUE(ticks - t0 >= ns[i], "woke after %lu ticks", (unsigned long)(ticks - t0));
    }
}

static void *sleep_then_letter(void *arg)
{
    char c = (char)(uintptr_t)arg;
    thread_sleep(c == 'C' ? 2 : 5);
    trail_add(c);
    return NULL;
}

/* Sleepers wake soonest deadline first, and in the order they went to
 * sleep when the deadlines are equal (the timer queue is stable). */
static void sleepers_wake_in_deadline_order(void)
{
    ktest_tick_sync();
    int a = spawn('A', 5, sleep_then_letter), b = spawn('B', 5, sleep_then_letter);
    int c = spawn('C', 5, sleep_then_letter);

    KT_EQ(thread_join(a, NULL, WAIT_FOREVER), 0);
    KT_EQ(thread_join(b, NULL, WAIT_FOREVER), 0);
    KT_EQ(thread_join(c, NULL, WAIT_FOREVER), 0);
    KT_STREQ(trail_get(), "CAB");
}

/* ---- Semaphores ----------------------------------------------------------- */

static struct sem sem;

static void sem_counts_units(void)
{
    sem_init(&sem, 0);
    KT_EQ(sem_wait(&sem, WAIT_NONE), -ETIMEDOUT);
    sem_post(&sem);
    sem_post(&sem);
    KT_EQ(sem.count, 2);
    KT_EQ(sem_wait(&sem, WAIT_NONE), 0);
    KT_EQ(sem_wait(&sem, WAIT_NONE), 0);
    KT_EQ(sem_wait(&sem, WAIT_NONE), -ETIMEDOUT);
    KT_EQ(sem.count, 0);
}

/* A wait with a timeout and nobody posting ends at exactly start + timeout
 * with -ETIMEDOUT, and leaves the wait queue: the next post is a unit. */
static void sem_wait_times_out(void)
{
    sem_init(&sem, 0);
    ktest_tick_sync();
    KT_EQ(sem_wait(&sem, 10), -ETIMEDOUT);
    KT_EQ(last_wait_ticks(), 10);
    KT_EQ(waitq_empty(&sem.waiters), 1);
    sem_post(&sem);
    KT_EQ(sem.count, 1);
}

static void *post_after_3(void *arg)
{
    (void)arg;
    thread_sleep(3);
    sem_post(&sem);
    return NULL;
}

/* A post before the timeout ends the wait at the tick of the post with 0,
 * and cancels the timeout: the runner is not woken again 7 ticks later. */
static void sem_post_beats_timeout(void)
{
    sem_init(&sem, 0);
    ktest_tick_sync();
    int p = thread_create("poster", post_after_3, NULL, 5);
    KT_EQ(sem_wait(&sem, 10), 0);
    KT_EQ(last_wait_ticks(), 3);
    KT_EQ(thread_join(p, NULL, WAIT_FOREVER), 0);
    uint32_t wakeups = current->wakeups;
    thread_sleep(12);       /* past the cancelled deadline */
    KT_EQ(current->wakeups - wakeups, 1);   /* the sleep's own timeout only */
    KT_EQ(sem.count, 0);
}

static void *wait_then_letter(void *arg)
{
    int r = sem_wait(&sem, WAIT_FOREVER);
    trail_add((char)(uintptr_t)arg);
    return (void *)(intptr_t)r;
}

/* Waiters are served most urgent first, FIFO among equals: L(2) M(3) N(3)
 * H(4) arrive in that order and are woken H M N L, one per post. */
static void sem_wakes_most_urgent_first(void)
{
    sem_init(&sem, 0);
    int ids[4] = { spawn('L', 2, wait_then_letter), spawn('M', 3, wait_then_letter),
                   spawn('N', 3, wait_then_letter), spawn('H', 4, wait_then_letter) };
    thread_sleep(2);                    /* let all four block */
    KT_EQ(trail_get()[0], '\0');
    for (int i = 0; i < 4; i++) {
        sem_post(&sem);
        thread_sleep(1);                /* the woken one runs and ends */
    }
    for (int i = 0; i < 4; i++)
        KT_EQ(thread_join(ids[i], NULL, WAIT_NONE), 0);
    KT_STREQ(trail_get(), "HMNL");
}

/* ---- An interrupt handler posting ---------------------------------------- */

static volatile uint32_t soft_irqs, soft_irq_in_isr;

/* IRQ 31's handler (overrides the weak one in arch/armv7m/start.c). */
void soft_irq(void)
{
    soft_irqs++;
    soft_irq_in_isr = arch_in_isr();    /* the blocking check relies on it */
    sem_post_from_isr(&sem);
}

/* The waiter (7) is more urgent than the runner (6): the post in the
 * handler makes it READY and asks for a switch, which happens as the
 * handler returns, before the runner's next statement: "PWR". */
static void sem_post_from_irq_preempts(void)
{
    sem_init(&sem, 0);
    nvic_enable(SOFT_IRQ, PRIO_IRQ);
    int w = spawn('W', 7, wait_then_letter);   /* runs at once and blocks */
    KT_EQ(thread_by_id(w)->state, TS_BLOCKED);
    trail_add('P');
    NVIC_ISPR = 1u << SOFT_IRQ;
    __asm volatile ("dsb\n\tisb" ::: "memory");
    trail_add('R');
    void *v;
    KT_EQ(thread_join(w, &v, WAIT_FOREVER), 0);
    KT_EQ((intptr_t)v, 0);
    KT_EQ(soft_irqs, 1);
    KT_STREQ(trail_get(), "PWR");
    KT_EQ(soft_irq_in_isr, 1);          /* a handler knows it is one */
    KT_EQ(arch_in_isr(), 0);            /* and a thread that it is not */
}

/* ---- Cooperative starvation, preemptive fairness ------------------------- */

static volatile uint32_t victim_count, victim_at_deadline, victim_after_yield;
static volatile int victim_stop;
static uint32_t deadline;

/* Burns the CPU until `deadline` without ever yielding, then yields once. */
static void *hog(void *arg)
{
    (void)arg;
    while (tick_before(ticks, deadline))
        ;
    victim_at_deadline = victim_count;
    thread_yield();
    victim_after_yield = victim_count;
    return NULL;
}

static void *victim(void *arg)
{
    (void)arg;
    while (!victim_stop) {
        victim_count++;
        thread_yield();
    }
    return NULL;
}

static void run_hog_and_victim(void)
{
    victim_count = victim_at_deadline = victim_after_yield = 0;
    victim_stop = 0;
    deadline = ktest_tick_sync() + 50;
    int h = thread_create("hog", hog, NULL, 3);
    int v = thread_create("victim", victim, NULL, 3);
    thread_join(h, NULL, WAIT_FOREVER);
    victim_stop = 1;
    thread_join(v, NULL, WAIT_FOREVER);
}

/* SCHED_COOP: the hog keeps the CPU for 50 ticks and the victim, ready all
 * along, never runs; it runs exactly once when the hog yields. */
static void coop_hog_starves_equal(void)
{
    sched_set_policy(SCHED_COOP);
    run_hog_and_victim();
    sched_set_policy(SCHED_RR);
    KT_EQ(victim_at_deadline, 0);
    KT_EQ(victim_after_yield, 1);
}

/* SCHED_RR: the hog loses the CPU at the end of each 10-tick slice, so in
 * 50 ticks the victim runs at least 4 times (once per slice boundary). */
static void rr_hog_shares_with_equal(void)
{
    run_hog_and_victim();
    KT_TRUE(victim_at_deadline >= (50 / SLICE_TICKS) - 1,
            "victim ran %lu times in 50 ticks, expected >= %d",
            (unsigned long)victim_at_deadline, 50 / SLICE_TICKS - 1);
}

/* ---- The multilevel feedback queue (kernel/sched_mlfq.c) ---------------- */

/* Ticks from the calling thread's last wake-up (BLOCKED -> READY) to its
 * dispatch (READY -> RUNNING), by the trace; -1 if the trace lacks them. */
static long last_wake_to_run_ticks(void)
{
    struct trace_rec r[2];
    if (trace_read(r, 2, current->id) != 2 || r[0].from != TS_BLOCKED ||
        r[1].from != TS_READY || r[1].to != TS_RUNNING)
        return -1;
    return (long)(r[1].time - r[0].time);
}

static volatile int io_done;
static volatile int hog_prio_at_end, io_prio_at_end;
static long io_latency[5];

static void *mlfq_hog(void *arg)
{
    (void)arg;
    while (!io_done)
        ;
    hog_prio_at_end = current->prio;
    return NULL;
}

/* Lets the hog run alone for 25 ticks (two whole slices: it sinks to 1),
 * then sleeps 2 ticks five times, noting how late it ran after each. */
static void *mlfq_io(void *arg)
{
    (void)arg;
    thread_sleep(25);
    for (int i = 0; i < 5; i++) {
        thread_sleep(2);
        io_latency[i] = last_wake_to_run_ticks();
    }
    io_prio_at_end = current->prio;
    io_done = 1;
    return NULL;
}

/* Under mlfq a CPU hog sinks below an interactive thread of the same
 * priority, which then runs in the tick it wakes (under rr it would wait
 * for the hog's slice to end: 8 ticks here). A busy host can make QEMU
 * deliver two ticks back to back, and SysTick outranks PendSV, so one tick
 * of lateness is allowed. */
static void mlfq_hog_sinks_below_interactive(void)
{
    int mlfq = sched_policy_find("mlfq");
    KT_TRUE(mlfq >= 0, "no mlfq policy");
    io_done = 0;
    for (int i = 0; i < 5; i++)
        io_latency[i] = 99;
    /* Start just after a boost (every 100 ticks, kernel/sched_mlfq.c), so
     * that none falls in the case's 40 ticks and lifts the hog again. */
    thread_sleep(100 - ticks % 100 + 1);
    KT_EQ(sched_set_policy(mlfq), 0);
    int h = thread_create("hog", mlfq_hog, NULL, 3);
    int io = thread_create("io", mlfq_io, NULL, 3);
    thread_join(io, NULL, WAIT_FOREVER);
    thread_join(h, NULL, WAIT_FOREVER);
    KT_EQ(sched_set_policy(SCHED_RR), 0);
    KT_EQ(hog_prio_at_end, 1);
    KT_EQ(io_prio_at_end, 3);
    for (int i = 0; i < 5; i++)
        KT_TRUE(io_latency[i] >= 0 && io_latency[i] <= 1, "wake-up %d ran %ld ticks late",
                i, io_latency[i]);
}

/* ---- Create and join ------------------------------------------------------ */

static void *sleep_forever_ish(void *arg)
{
    thread_sleep((uint32_t)(uintptr_t)arg);
    return (void *)7;
}

static void join_rules(void)
{
    void *v = NULL;
    KT_EQ(thread_create("bad", letter, NULL, 0), -EINVAL);
    KT_EQ(thread_create("bad", letter, NULL, NPRIO), -EINVAL);
    KT_EQ(thread_join(current->id, NULL, WAIT_NONE), -EDEADLK);
    KT_EQ(thread_join(9999, NULL, WAIT_NONE), -ESRCH);

    int s = thread_create("sleeper", sleep_forever_ish, (void *)20, 5);
    KT_EQ(thread_join(s, &v, 5), -ETIMEDOUT);       /* still sleeping */
    KT_EQ(thread_join(s, &v, WAIT_FOREVER), 0);
    KT_EQ((intptr_t)v, 7);
    KT_EQ(thread_join(s, &v, WAIT_NONE), -ESRCH);      /* reaped */

    int d = thread_create_detached("detached", letter, (void *)'d', 5);
    KT_EQ(thread_join(d, NULL, WAIT_NONE), -ESRCH);
    thread_sleep(1);
    KT_EQ(thread_by_id(d) == NULL, 1);               /* reaped at its exit */
}

/* The table is MAX_THREADS slots; a full table is -EAGAIN, and joining
 * gives every slot back. */
static void table_full_is_eagain(void)
{
    static int ids[MAX_THREADS];
    int n = 0, r;
    while ((r = thread_create("filler", letter, (void *)'f', 1)) > 0)
        ids[n++] = r;
    KT_EQ(r, -EAGAIN);
    KT_EQ(n, MAX_THREADS - 2);                  /* idle and the runner */
    for (int i = 0; i < n; i++)
        KT_EQ(thread_join(ids[i], NULL, WAIT_FOREVER), 0);
    r = thread_create("again", letter, (void *)'a', 5);
    KT_TRUE(r > 0, "create after join returned %d", r);
    KT_EQ(thread_join(r, NULL, WAIT_FOREVER), 0);
}

static const struct ktest cases[] = {
    { "priority_order", priority_order },
    { "preempt_on_create", preempt_on_create },
    { "round_robin_yield", round_robin_yield },
    { "sleep_exact_ticks", sleep_exact_ticks },
    { "sleepers_wake_in_deadline_order", sleepers_wake_in_deadline_order },
    { "sem_counts_units", sem_counts_units },
    { "sem_wait_times_out", sem_wait_times_out },
    { "sem_post_beats_timeout", sem_post_beats_timeout },
    { "sem_wakes_most_urgent_first", sem_wakes_most_urgent_first },
    { "sem_post_from_irq_preempts", sem_post_from_irq_preempts },
    { "coop_hog_starves_equal", coop_hog_starves_equal },
    { "rr_hog_shares_with_equal", rr_hog_shares_with_equal },
    { "mlfq_hog_sinks_below_interactive", mlfq_hog_sinks_below_interactive },
    { "join_rules", join_rules },
    { "table_full_is_eagain", table_full_is_eagain },
};

void app_start(void)
{
    ktest_main(cases, sizeof cases / sizeof cases[0]);
}
