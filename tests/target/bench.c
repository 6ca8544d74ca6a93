/*
 * bench.c: what the kernel's basic operations cost, in guest instructions.
 *
 * Course idea: measure, don't guess. The method (two runs of N1 and N2
 * operations, the difference over N2 - N1, an empty loop of the same shape
 * subtracted, SysTick stopped) is in tests/target/bench.h. Kernel threads
 * here; user processes and system calls in tests/target/bench_proc.c.
 * irq_to_thread is measured per event instead (see bench_irq). The console
 * is fed /dev/null by `make bench-kernel`, so no input interrupt falls in a
 * run.
 *
 * Output: one line "bench: NAME VALUE instructions" per figure.
 * Image: build/bench-kernel.elf, run by `make bench-kernel`.
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../kernel/sched.h"
#include "../../kernel/sem.h"
#include "../../kernel/thread.h"
#include "bench.h"

#define SOFT_IRQ 31
#define BENCH_PRIO 6        /* the measuring thread; workers use 5 and 7 */

/* Operations per worker in the current run. Every measured loop reads it
 * from memory on each pass (its body makes a call), and so does the empty
 * loop (its asm clobbers memory): the loops subtracted are the loops run. */
static uint32_t n_ops;

/* ---- The scenarios: each returns the timer ticks of one whole run ------- */

static uint32_t run_empty(uint32_t n)
{
    n_ops = n;
    uint32_t t0 = timer_now();
    for (uint32_t i = 0; i < n_ops; i++)
        __asm volatile ("" ::: "memory");
    return t0 - timer_now();
}

/* Two equal-priority threads alternating with thread_yield: 2n switches. */
static void *yielder(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n_ops; i++)
        thread_yield();
    return NULL;
}

static uint32_t run_yield(uint32_t n)
{
    n_ops = n;
    uint32_t t0 = timer_now();
    int a = thread_create("yield_a", yielder, NULL, 5);
    int b = thread_create("yield_b", yielder, NULL, 5);
    thread_join(a, NULL, WAIT_FOREVER);
    thread_join(b, NULL, WAIT_FOREVER);
    return t0 - timer_now();
}

/* Two threads each posting the other's semaphore: n round trips, each one
 * two posts, two waits and two switches. */
static struct sem ping_sem, pong_sem;

static void *ping(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n_ops; i++) {
        sem_post(&pong_sem);
        sem_wait(&ping_sem, WAIT_FOREVER);
    }
    return NULL;
}

static void *pong(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n_ops; i++) {
        sem_wait(&pong_sem, WAIT_FOREVER);
        sem_post(&ping_sem);
    }
    return NULL;
}

static uint32_t run_pingpong(uint32_t n)
{
    n_ops = n;
    sem_init(&ping_sem, 0);
    sem_init(&pong_sem, 0);
    uint32_t t0 = timer_now();
    int a = thread_create("ping", ping, NULL, 5);
    int b = thread_create("pong", pong, NULL, 5);
    thread_join(a, NULL, WAIT_FOREVER);
    thread_join(b, NULL, WAIT_FOREVER);
    return t0 - timer_now();
}

/* n times: create a thread (less urgent than us), join it: it runs, returns,
 * and the join wakes us and frees its slot. */
static void *nothing(void *arg)
{
    return arg;
}

static uint32_t run_create(uint32_t n)
{
    n_ops = n;
    uint32_t t0 = timer_now();
    for (uint32_t i = 0; i < n_ops; i++)
        thread_join(thread_create("child", nothing, NULL, 5), NULL, WAIT_FOREVER);
    return t0 - timer_now();
}

/* ---- irq_to_thread: measured per event ---------------------------------- *
 * The bench thread reads the timer into t_pend and pends IRQ 31; the
 * handler posts irq_sem; the waiter (priority 7, blocked in sem_wait) reads
 * the timer as soon as sem_wait returns. The same read-store-pend-read
 * sequence with IRQ 31 disabled in the NVIC costs what the harness adds
 * (the pend then does nothing), and is subtracted. */
static struct sem irq_sem;
static volatile uint32_t t_pend;
static uint64_t irq_sum;

void soft_irq(void)
{
    sem_post_from_isr(&irq_sem);
}

static __attribute__((always_inline)) inline void stamp_and_pend(void)
{
    t_pend = timer_now();
    NVIC_ISPR = 1u << SOFT_IRQ;
}

static void *irq_waiter(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n_ops; i++) {
        sem_wait(&irq_sem, WAIT_FOREVER);
        uint32_t t = timer_now();
        irq_sum += t_pend - t;
    }
    return NULL;
}

static int64_t bench_irq(uint32_t n)
{
    uint64_t calib = 0;

    NVIC_ICER = 1u << SOFT_IRQ;
    for (uint32_t i = 0; i < n; i++) {
        stamp_and_pend();
        uint32_t t = timer_now();
        calib += t_pend - t;
    }
    NVIC_ICPR = 1u << SOFT_IRQ;

    sem_init(&irq_sem, 0);
    irq_sum = 0;
    n_ops = n;
    nvic_enable(SOFT_IRQ, PRIO_IRQ);
    int w = thread_create("irq_waiter", irq_waiter, NULL, 7);  /* runs, blocks */
    for (uint32_t i = 0; i < n; i++)
        stamp_and_pend();           /* the waiter runs before this returns */
    thread_join(w, NULL, WAIT_FOREVER);
    return milli_insns(irq_sum, n) - milli_insns(calib, n);
}

/* ---- Running and printing ----------------------------------------------- */

static void *bench_main(void *arg)
{
    (void)arg;
    timer_start();
    bench_quiet_console();          /* boot-time output out before measuring */

    int64_t loop = bench_per_op(run_empty, 1, 0);
    int64_t yield = 0, pingpong = 0, create = 0, irq = 0;
    if (bench_wanted("yield_switch"))   /* one switch: one pass */
        yield = bench_per_op(run_yield, 2, loop);
    if (bench_wanted("sem_pingpong"))   /* two loops per trip */
        pingpong = bench_per_op(run_pingpong, 1, 2 * loop);
    if (bench_wanted("thread_create_exit_join"))
        create = bench_per_op(run_create, 1, loop);
    if (bench_wanted("irq_to_thread")) {
        tick_stop();
        irq = bench_irq(BENCH_N2);
        tick_go();
    }

    kprintf("bench-kernel: N1=%u N2=%u, empty loop pass %ld.%03ld instructions\n",
            BENCH_N1, BENCH_N2, (long)(loop / 1000), (long)(loop % 1000));
    bench_recipe("yield_switch", "per_op 2 1");
    bench_recipe("sem_pingpong", "per_op 1 2");
    bench_recipe("thread_create_exit_join", "per_op 1 1");
    bench_recipe("irq_to_thread", "per_event");     /* N2 events */
    bench_print("yield_switch", yield);
    bench_print("sem_pingpong", pingpong);
    bench_print("irq_to_thread", irq);
    bench_print("thread_create_exit_join", create);
    arch_halt(EXIT_OK);
}

void app_start(void)
{
    thread_create("bench", bench_main, NULL, BENCH_PRIO);
}
