/*
 * test_sched.c: who runs, and when: priorities, round-robin, cooperation.
 *
 * Course idea: a scheduling policy is a promise about order. Each case sets
 * up threads, runs them on the host port, and compares the order they ran in
 * (one character per step, see ktest.h) with the order the policy promises
 * (kernel/sched.h). A thread "is interrupted by the timer" when it calls
 * host_tick(); a sleeper is woken by the ticks idle delivers.
 *
 * Read next: test_sem.c (blocking and waking through a semaphore).
 */
#include "ktest.h"

static uint32_t seen_tick;          /* a tick a thread observed */

/* The most urgent thread runs first and puts the kernel in cooperative mode
 * (sched_set_policy() before sched_start(): see test_regressions.c). */
static void *go_coop(void *arg)
{
    (void)arg;
    sched_set_policy(SCHED_COOP);
    return NULL;
}

/* ---- Priorities ---------------------------------------------------------- */

static void test_most_urgent_runs_first(void **state)
{
    (void)state;
    for (int p = 1; p <= 5; p++)
        thread_create("t", mark_and_exit, CH('A' + p - 1), p);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "EDCBA");
}

static void test_equal_priorities_run_in_creation_order(void **state)
{
    (void)state;
    thread_create("A", mark_and_exit, CH('A'), 3);
    thread_create("B", mark_and_exit, CH('B'), 3);
    thread_create("C", mark_and_exit, CH('C'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "ABC");
}

/* Creates a more urgent H and a less urgent L between marks 1, 2, 3. */
static void *creator(void *arg)
{
    (void)arg;
    mark('1');
    thread_create("H", mark_and_exit, CH('H'), 4);
    mark('2');
    thread_create("L", mark_and_exit, CH('L'), 1);
    mark('3');
    return NULL;
}

static void test_rr_new_urgent_thread_preempts_its_creator(void **state)
{
    (void)state;
    thread_create("main", creator, NULL, 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "1H23L");
}

static void test_coop_new_urgent_thread_waits_for_its_creator(void **state)
{
    (void)state;
    thread_create("coop", go_coop, NULL, NPRIO - 1);
    thread_create("main", creator, NULL, 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "123HL");
}

static void *raise_low(void *arg)
{
    (void)arg;
    int low = thread_create("L", mark_and_exit, CH('L'), 1);
    mark('1');
    thread_set_prio(low, 5);
    mark('2');
    return NULL;
}

static void test_raising_a_ready_thread_above_us_preempts(void **state)
{
    (void)state;
    thread_create("main", raise_low, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "1L2");
}

/* ---- Time slices ------------------------------------------------------- */

/* Marks its letter and lets one tick pass, `arg` letters times 25. */
static void *tick_loop(void *arg)
{
    for (int i = 0; i < 25; i++) {
        mark((char)(uintptr_t)arg);
        host_tick(1);
    }
    return NULL;
}

static void append(char *s, char c, int n)
{
    size_t len = strlen(s);
    memset(s + len, c, (size_t)n);
    s[len + (size_t)n] = '\0';
}

static void test_rr_rotates_equal_priorities_every_slice(void **state)
{
    (void)state;
    char want[128] = "";
    thread_create("A", tick_loop, CH('A'), 3);
    thread_create("B", tick_loop, CH('B'), 3);
    thread_create("C", tick_loop, CH('C'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    /* 25 = 10 + 10 + 5 with SLICE_TICKS 10: two full rounds, then the rest. */
    for (int left = 25; left > 0; left -= SLICE_TICKS)
        for (char c = 'A'; c <= 'C'; c++)
            append(want, c, left < SLICE_TICKS ? left : SLICE_TICKS);
    assert_string_equal(order, want);
    assert_int_equal(ticks, 75);
}

/* The urgent thread: marks H, sleeps 2 or 3 ticks, notes when it ran, marks H. */
static void *sleeper(void *arg)
{
    mark('H');
    thread_sleep((uint32_t)(uintptr_t)arg);
    seen_tick = ticks;
    mark('H');
    return NULL;
}

static void *ten_ticks(void *arg)
{
    for (int i = 0; i < 10; i++) {
        mark((char)(uintptr_t)arg);
        host_tick(1);
    }
    return NULL;
}

static void test_rr_woken_urgent_thread_preempts_at_that_tick(void **state)
{
    (void)state;
    thread_create("H", sleeper, CH(3), 5);
    thread_create("A", ten_ticks, CH('A'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "HAAAHAAAAAAA");
    assert_int_equal(seen_tick, 3);
}

/* A preempted thread goes back to the front of its queue with the rest of
 * its slice: A resumes after H, and B waits for A's slice to end. */
static void test_rr_preempted_thread_resumes_before_its_peers(void **state)
{
    (void)state;
    thread_create("H", sleeper, CH(2), 5);
    thread_create("A", ten_ticks, CH('A'), 3);
    thread_create("B", mark_and_exit, CH('B'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "HAAHAAAAAAAAB");
}

static void *tick_then_yield(void *arg)
{
    for (int i = 0; i < 25; i++) {
        mark((char)(uintptr_t)arg);
        host_tick(1);
    }
    thread_yield();
    return NULL;
}

static void test_coop_never_preempts(void **state)
{
    (void)state;
    char want[128] = "H";
    thread_create("coop", go_coop, NULL, NPRIO - 1);
    thread_create("H", sleeper, CH(3), 5);
    thread_create("A", tick_then_yield, CH('A'), 3);
    thread_create("B", tick_loop, CH('B'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    /* H was due at tick 3 but ran only when A yielded, after 25 ticks. */
    append(want, 'A', 25);
    append(want, 'H', 1);
    append(want, 'B', 25);
    assert_string_equal(order, want);
    assert_int_equal(seen_tick, 25);
}

/* ---- Yield ------------------------------------------------------------- */

static void *mark_yield_3(void *arg)
{
    for (int i = 0; i < 3; i++) {
        mark((char)(uintptr_t)arg);
        thread_yield();
    }
    return NULL;
}

static void test_yield_alternates_equal_priorities(void **state)
{
    (void)state;
    thread_create("A", mark_yield_3, CH('A'), 3);
    thread_create("B", mark_yield_3, CH('B'), 3);
    thread_create("L", mark_and_exit, CH('L'), 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "ABABABL");
}

/* Three take turns in a cycle: a yield moves the yielder to the back of
 * its own queue, behind both others, and the queue is found from the
 * yielder itself (it heads it): a wrong queue or a wrong place breaks the
 * cycle, which two threads alone would not show. A thread of another
 * priority (more urgent, then less) is in its own queue meanwhile. */
static void test_three_yielders_take_turns_in_a_cycle(void **state)
{
    (void)state;
    thread_create("A", mark_yield_3, CH('A'), 3);
    thread_create("B", mark_yield_3, CH('B'), 3);
    thread_create("C", mark_yield_3, CH('C'), 3);
    thread_create("D", mark_yield_3, CH('D'), 2);
    thread_create("E", mark_yield_3, CH('E'), 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "ABCABCABCDEDEDE");
}

static void test_yield_to_nobody_keeps_running(void **state)
{
    (void)state;
    thread_create("A", mark_yield_3, CH('A'), 3);
    thread_create("L", mark_and_exit, CH('L'), 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "AAAL");
}

/* A yield only asks; the switch does the move (kernel/sched.h). A thread
 * that asks and then blocks in the same critical section blocks: the
 * request is used up by that switch and must not turn its next preemption
 * into a "yield" (nor skip the policy's rules for it). */
static int yielder_tid;

static void *yield_then_sleep(void *arg)
{
    uint32_t s = arch_irq_save();
    sched_yield_locked();           /* B is ready: a switch is asked for */
    int r = sched_block_locked(NULL, 1, WHY_SLEEP);
    arch_irq_restore(s);
    assert_int_equal(r, -ETIMEDOUT);
    return tick_loop(arg);          /* runs past the end of a slice */
}

static void test_a_yield_overtaken_by_blocking_is_used_up(void **state)
{
    (void)state;
    struct trace_rec recs[64];
    yielder_tid = thread_create("A", yield_then_sleep, CH('A'), 3);
    thread_create("B", tick_loop, CH('B'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    int n = trace_read(recs, 64, yielder_tid);
    int preempted = 0;
    assert_true(n > 4);
    assert_int_equal(recs[3].to, TS_BLOCKED);   /* born NEW, READY, RUNNING, BLOCKED */
    assert_int_equal(recs[3].why, WHY_SLEEP);
    for (int i = 0; i < n; i++) {
        assert_int_not_equal(recs[i].why, WHY_YIELD);
        preempted += recs[i].from == TS_RUNNING && recs[i].to == TS_READY &&
                     recs[i].why == WHY_PREEMPT;
    }
    assert_true(preempted >= 1);
}

/* A yield request whose peer is gone by the time the switch comes (here:
 * lowered below the yielder in the same critical section) finds nobody to
 * yield to: the yielder runs on, and the request is used up all the same,
 * so that its next preemption is not traced as a yield. */
static int peer_tid, why_after_stale_yield;

static void *yield_to_a_vanishing_peer(void *arg)
{
    uint32_t s = arch_irq_save();
    sched_yield_locked();                               /* B is ready: asked */
    sched_set_prio_locked(thread_by_id(peer_tid), 1);   /* now it is not */
    arch_irq_restore(s);                                /* the switch: nobody */
    why_after_stale_yield = current->leave_why;
    return mark_and_exit(arg);
}

static void test_a_stale_yield_request_is_used_up(void **state)
{
    (void)state;
    why_after_stale_yield = -1;
    thread_create("A", yield_to_a_vanishing_peer, CH('A'), 3);
    peer_tid = thread_create("B", mark_and_exit, CH('B'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "AB");
    assert_int_equal(why_after_stale_yield, WHY_PREEMPT);
}

/* The running thread stays at the head of its ready queue (kernel/sched.c,
 * kernel_switch), whatever moved it there: a dispatch, a yield coming back,
 * a preemption coming back, a priority it changed itself (an equal already
 * waiting at the new priority must stay behind it, or the next stale
 * switch request would hand it the CPU without a yield). */
static int heads_checked;

static void assert_running_is_head(void)
{
    uint32_t s = arch_irq_save();
    struct thread *t = current;
    assert_ptr_equal(sched_core.ready[t->prio].next, &t->link);
    assert_true(sched_core.ready_mask & (1u << t->prio));
    arch_irq_restore(s);
    heads_checked++;
}

static void *head_checker(void *arg)
{
    (void)arg;
    assert_running_is_head();           /* dispatched */
    thread_yield();                     /* B runs and exits */
    assert_running_is_head();           /* back after a yield */
    host_tick(1);                       /* Q wakes: READY at 4 (coop: no switch) */
    thread_set_prio(current->id, 4);    /* A joins Q's queue, ahead of it */
    assert_running_is_head();
    thread_yield();                     /* Q runs and exits */
    assert_running_is_head();
    thread_sleep(1);
    assert_running_is_head();           /* back after a block */
    thread_set_prio(current->id, 3);
    assert_running_is_head();
    return NULL;
}

static void *nap_then_mark(void *arg)
{
    thread_sleep(1);
    mark((char)(uintptr_t)arg);
    return NULL;
}

static void test_the_running_thread_is_the_head_of_its_queue(void **state)
{
    (void)state;
    sched_set_policy(SCHED_COOP);       /* nothing preempts A: it decides */
    heads_checked = 0;
    thread_create("Q", nap_then_mark, CH('Q'), 4);
    thread_create("A", head_checker, NULL, 3);
    thread_create("B", mark_and_exit, CH('B'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "BQ");
    assert_int_equal(heads_checked, 6);
}

/* ---- Idle, time, and the end of a run --------------------------------- */

static void test_idle_advances_time_to_the_next_wakeup(void **state)
{
    (void)state;
    thread_create("H", sleeper, CH(5), 4);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "HH");
    assert_int_equal(seen_tick, 5);
    assert_int_equal(ticks, 5);
    /* Idle runs first at boot and yields to H (sched_start), then was
     * running again and was preempted when H woke: two RUNNING -> READY. */
    assert_int_equal(thread_transition_count(TS_RUNNING, TS_READY), 2);
}

static void *wait_forever(void *arg)
{
    (void)arg;
    static struct sem s;
    sem_init(&s, 0);
    mark('W');
    sem_wait(&s, WAIT_FOREVER);
    mark('!');
    return NULL;
}

static void test_a_deadlock_ends_the_run(void **state)
{
    (void)state;
    int id = thread_create("W", wait_forever, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "W");
    assert_int_equal(thread_by_id(id)->state, TS_BLOCKED);
    assert_int_equal(ticks, 0);
}

static void *stop_now(void *arg)
{
    (void)arg;
    mark('S');
    host_stop();
}

static void test_host_stop_ends_the_run(void **state)
{
    (void)state;
    thread_create("S", stop_now, NULL, 3);
    thread_create("L", mark_and_exit, CH('L'), 2);
    assert_int_equal(host_run(), HOST_STOPPED);
    assert_string_equal(order, "S");
}

/* ---- Invariants the scheduler enforces -------------------------------- */

static void isr_that_blocks(void)
{
    thread_sleep(1);
}

static void *interrupted(void *arg)
{
    (void)arg;
    host_irq(isr_that_blocks);
    mark('!');
    return NULL;
}

static void test_an_interrupt_handler_that_blocks_panics(void **state)
{
    (void)state;
    thread_create("T", interrupted, NULL, 3);
    assert_int_equal(host_run(), EXIT_PANIC);
    assert_string_equal(order, "");
    assert_non_null(strstr(host_console(), "an interrupt handler never blocks"));
}

/* arg: which of the two canary words to smash (the check reads both with
 * one load: each word must still be compared). */
static void *smash_canary(void *arg)
{
    current->stack_base[(intptr_t)arg] = 0;
    thread_yield();                 /* the switch away checks the canary */
    mark('!');
    return NULL;
}

static void smashed_canary_word_panics(int word)
{
    char want[64];
    int id = thread_create("victim", smash_canary, (void *)(intptr_t)word, 3);
    thread_create("B", mark_and_exit, CH('B'), 3);
    assert_int_equal(host_run(), EXIT_PANIC);
    snprintf(want, sizeof want, "stack overflow in thread %d 'victim'", id);
    assert_non_null(strstr(host_console(), want));
    assert_string_equal(order, "");
}

static void test_a_smashed_stack_canary_panics_naming_the_thread(void **state)
{
    (void)state;
    smashed_canary_word_panics(0);
}

static void test_a_smashed_second_canary_word_panics_too(void **state)
{
    (void)state;
    smashed_canary_word_panics(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_most_urgent_runs_first, boot_fresh),
        cmocka_unit_test_setup(test_equal_priorities_run_in_creation_order, boot_fresh),
        cmocka_unit_test_setup(test_rr_new_urgent_thread_preempts_its_creator, boot_fresh),
        cmocka_unit_test_setup(test_coop_new_urgent_thread_waits_for_its_creator, boot_fresh),
        cmocka_unit_test_setup(test_raising_a_ready_thread_above_us_preempts, boot_fresh),
        cmocka_unit_test_setup(test_rr_rotates_equal_priorities_every_slice, boot_fresh),
        cmocka_unit_test_setup(test_rr_woken_urgent_thread_preempts_at_that_tick, boot_fresh),
        cmocka_unit_test_setup(test_rr_preempted_thread_resumes_before_its_peers, boot_fresh),
        cmocka_unit_test_setup(test_coop_never_preempts, boot_fresh),
        cmocka_unit_test_setup(test_yield_alternates_equal_priorities, boot_fresh),
        cmocka_unit_test_setup(test_three_yielders_take_turns_in_a_cycle, boot_fresh),
        cmocka_unit_test_setup(test_yield_to_nobody_keeps_running, boot_fresh),
        cmocka_unit_test_setup(test_a_yield_overtaken_by_blocking_is_used_up, boot_fresh),
        cmocka_unit_test_setup(test_a_stale_yield_request_is_used_up, boot_fresh),
        cmocka_unit_test_setup(test_the_running_thread_is_the_head_of_its_queue, boot_fresh),
        cmocka_unit_test_setup(test_idle_advances_time_to_the_next_wakeup, boot_fresh),
        cmocka_unit_test_setup(test_a_deadlock_ends_the_run, boot_fresh),
        cmocka_unit_test_setup(test_host_stop_ends_the_run, boot_fresh),
        cmocka_unit_test_setup(test_an_interrupt_handler_that_blocks_panics, boot_fresh),
        cmocka_unit_test_setup(test_a_smashed_stack_canary_panics_naming_the_thread, boot_fresh),
        cmocka_unit_test_setup(test_a_smashed_second_canary_word_panics_too, boot_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
