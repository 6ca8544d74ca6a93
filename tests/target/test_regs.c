/*
 * test_regs.c: every register survives thousands of preemptions.
 *
 * Course idea: see regtest.S. This file sets the stage: the tick is sped up
 * to 100 kHz, a "poker" thread more urgent than the register testers wakes at
 * every tick (so every tick preempts whichever tester is running, in the
 * middle of its checks), and the testers share priority 2 under SCHED_RR
 * (so slices end and they also preempt each other). The runner then checks
 * that nothing went wrong and that the switches really happened, counting
 * them in the thread table.
 * Image: build/ktest-regs.elf, run under -icount by tests/target/ktest-regs.sh.
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../kernel/printk.h"
#include "../../kernel/sched.h"
#include "../../kernel/thread.h"
#include "ktest.h"

#define FAST_HZ   100000u   /* 10 us per tick: 100x the normal rate */
#define RUN_TICKS 10000u    /* 0.1 s at FAST_HZ: 100M instructions */
#define MIN_SWITCHES 2000u

void *regtest_a(void *arg);
void *regtest_b(void *arg);
void *regtest_y(void *arg);
volatile uint32_t regtest_count[3];     /* passes of each checker loop */
volatile uint32_t regtest_errors;       /* mismatches seen (0 or 1) */
volatile uint32_t regtest_failed = 0xFFFFFFFFu;  /* which thread saw one */

static void *poker(void *arg)
{
    (void)arg;
    for (;;)
        thread_sleep(1);
    return NULL;
}

static const char *const names[3] = { "regtest_a", "regtest_b", "regtest_y" };

static void registers_survive_preemption(void)
{
    thread_fn fns[3] = { regtest_a, regtest_b, regtest_y };
    struct thread *t[3];

    for (int i = 0; i < 3; i++) {
        int id = thread_create(names[i], fns[i], NULL, 2);
        KT_TRUE(id > 0, "create %s: %d", names[i], id);
        t[i] = thread_by_id(id);
    }
    KT_TRUE(thread_create("poker", poker, NULL, 4) > 0, "create poker");

    arch_tick_start(FAST_HZ);
    thread_sleep(RUN_TICKS);
    arch_tick_start(TICK_HZ);

    KT_EQ(regtest_errors, 0);
    KT_EQ(regtest_failed, 0xFFFFFFFFu);
    for (int i = 0; i < 3; i++)
        kprintf("  %s: %lu passes, switched in %lu times\n", names[i],
                (unsigned long)regtest_count[i], (unsigned long)t[i]->switches);
    /* The preempted testers: every tick preempts one of them. */
    for (int i = 0; i < 2; i++)
        KT_TRUE(t[i]->switches > MIN_SWITCHES, "%s switched in %lu times, want > %u",
                names[i], (unsigned long)t[i]->switches, MIN_SWITCHES);
    /* The yielder runs once per slice the others use up (10 ticks), and
     * each run is one pass through thread_yield and its checks. */
    KT_TRUE(regtest_count[2] > RUN_TICKS / SLICE_TICKS / 4, "regtest_y made %lu passes",
            (unsigned long)regtest_count[2]);
}

/* The preempted testers keep checking after the runner has looked: a
 * second look a little later must see their counts grow and still no
 * error (they are alive, not stuck in regtest_fail). */
static void testers_still_running(void)
{
    uint32_t before[3];
    for (int i = 0; i < 3; i++)
        before[i] = regtest_count[i];
    thread_sleep(30);
    KT_EQ(regtest_errors, 0);
    for (int i = 0; i < 3; i++)
        KT_TRUE(regtest_count[i] > before[i], "%s stopped at %lu passes", names[i],
                (unsigned long)before[i]);
}

static const struct ktest cases[] = {
    { "registers_survive_preemption", registers_survive_preemption },
    { "testers_still_running", testers_still_running },
};

void app_start(void)
{
    ktest_main(cases, sizeof cases / sizeof cases[0]);
}
