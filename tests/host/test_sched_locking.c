/*
 * test_sched_locking.c: the locking rule of a uniprocessor kernel, checked.
 *
 * Course idea: weft's one lock is the interrupt mask. Two rules follow, and
 * the kernel checks both at run time (kernel/panic.h, docs/states.md):
 *   1. every `*_locked` function and every state change runs with
 *      interrupts masked: called with them on, it panics naming itself;
 *   2. a thread blocks only from its own, single critical section: blocking
 *      at nesting depth 2 would unmask in the middle of the caller's caller's
 *      critical section (silently dropping it), so it panics naming the
 *      thread. The ports count the depth (arch_irq_save/arch_irq_restore).
 * And the normal paths (sleep, semaphores, join, preemption, interrupts)
 * never trip either check.
 *
 * Read next: kernel/sched.c (sched_block_locked), arch/linux/cpu.c.
 */
#include "ktest.h"

#include "../../kernel/timeq.h"
#include "../../kernel/trace.h"

/* ---- Rule 1: a _locked call with interrupts on panics ------------------ */

static struct waitq empty_q;
static struct thread stray;         /* a thread struct that never runs */

static void call_wake_one(void) { sched_wake_one_locked(&empty_q, 0); }
static void call_wake_all(void) { sched_wake_all_locked(&empty_q, 0); }
static void call_wake(void) { sched_wake_locked(&stray, 0); }
static void call_make_ready(void) { sched_make_ready_locked(&stray, WHY_START); }
static void call_dequeue(void) { sched_dequeue_locked(&stray); }
static void call_set_prio(void) { sched_set_prio_locked(&stray, 2); }
static void call_yield(void) { sched_yield_locked(); }
static void call_block(void) { sched_block_locked(NULL, 5, WHY_SLEEP); }
static void call_block_unlock(void) { sched_block_unlock(NULL, 5, WHY_SLEEP, 0); }
static void call_set_state(void) { thread_set_state(&stray, TS_READY, WHY_WAKE); }
static void call_set_state_new(void) { thread_set_state_new(&stray); }
static void call_timeq_insert(void) { timeq_insert_locked(&stray, 5); }
static void call_timeq_remove(void) { timeq_remove_locked(&stray); }
static void call_timeq_pop(void) { timeq_pop_due_locked(0); }

static const struct unlocked_call {
    const char *name;
    void (*fn)(void);
} unlocked_calls[] = {
    { "sched_wake_one_locked", call_wake_one },
    { "sched_wake_all_locked", call_wake_all },
    { "sched_wake_locked", call_wake },
    { "sched_make_ready_locked", call_make_ready },
    { "sched_dequeue_locked", call_dequeue },
    { "sched_set_prio_locked", call_set_prio },
    { "sched_yield_locked", call_yield },
    { "sched_block_locked", call_block },
    { "sched_block_unlock", call_block_unlock },
    { "thread_set_state", call_set_state },
    { "thread_set_state_new", call_set_state_new },
    { "timeq_insert_locked", call_timeq_insert },
    { "timeq_remove_locked", call_timeq_remove },
    { "timeq_pop_due_locked", call_timeq_pop },
};

static const struct unlocked_call *calling;
static int unlocked_returned;

/* The call, made from a running thread with interrupts on. */
static void *call_unlocked(void *arg)
{
    (void)arg;
    calling->fn();
    unlocked_returned = 1;
    return NULL;
}

static void test_a_locked_call_with_interrupts_on_panics_naming_it(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof unlocked_calls / sizeof unlocked_calls[0]; i++) {
        char want[96];
        boot_fresh(NULL);
        waitq_init(&empty_q);
        memset(&stray, 0, sizeof stray);
        stray.id = 4242;
        stray.state = TS_BLOCKED;
        list_init(&stray.link);
        list_init(&stray.tlink);
        strcpy(stray.name, "stray");
        calling = &unlocked_calls[i];
        unlocked_returned = 0;
        thread_create("caller", call_unlocked, NULL, 3);
        int end = host_run();
        snprintf(want, sizeof want, "%s called with interrupts on", calling->name);
        if (end != EXIT_PANIC || !strstr(host_console(), want))
            fail_msg("%s: run ended %d, returned %d, console:\n%s", calling->name, end,
                     unlocked_returned, host_console());
    }
}

/* ---- Rule 2: blocking at depth 2 panics, naming the thread ------------- */

static struct sem never;

static void *sleep_in_a_critical_section(void *arg)
{
    (void)arg;
    uint32_t s = arch_irq_save();
    thread_sleep(3);                /* its own save makes depth 2 */
    mark('!');                      /* the outer section was dropped */
    arch_irq_restore(s);
    return NULL;
}

static void *wait_in_a_critical_section(void *arg)
{
    (void)arg;
    uint32_t s = arch_irq_save();
    sem_wait(&never, 2);
    mark('!');
    arch_irq_restore(s);
    return NULL;
}

static void expect_nested_block_panic(thread_fn body, const char *name)
{
    char want[80];
    int id = thread_create(name, body, NULL, 3);
    thread_create("other", mark_and_exit, CH('o'), 2);
    assert_int_equal(host_run(), EXIT_PANIC);
    snprintf(want, sizeof want, "thread %d '%s' blocks at irq depth 2", id, name);
    if (!strstr(host_console(), want))
        fail_msg("no \"%s\" in:\n%s", want, host_console());
    assert_string_equal(order, "");
}

static void test_sleeping_inside_a_critical_section_panics(void **state)
{
    (void)state;
    expect_nested_block_panic(sleep_in_a_critical_section, "sleepy");
}

static void test_waiting_inside_a_critical_section_panics(void **state)
{
    (void)state;
    sem_init(&never, 0);
    expect_nested_block_panic(wait_in_a_critical_section, "waity");
}

/* The legal form of the same wait (kernel/kobj.c looks an object up and
 * waits on it in one masked step): sem_wait_locked() from depth 1. */
static int locked_wait_result;

static void *wait_locked_properly(void *arg)
{
    (void)arg;
    uint32_t s = arch_irq_save();
    locked_wait_result = sem_wait_locked(&never, 2);
    arch_irq_restore(s);
    mark('w');
    return NULL;
}

static void test_sem_wait_locked_blocks_from_one_critical_section(void **state)
{
    (void)state;
    sem_init(&never, 0);
    locked_wait_result = 99;
    thread_create("waiter", wait_locked_properly, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "w");
    assert_int_equal(locked_wait_result, -ETIMEDOUT);
    assert_int_equal(ticks, 2);
}

/* sem_wait() leaves its critical section on every path: the count taken,
 * the wait refused (WAIT_NONE), timed out, or woken. A block ends it through
 * sched_block_unlock(), which unmasks for the switch and does not mask
 * again; every refusal must restore it instead. Each path is seen with
 * interrupts on and at depth 0 afterwards. */
static struct sem unit;
static int wait_results[4];
static bool masked_after[4];
static uint32_t depth_after[4];

static void note_after(int i, int r)
{
    wait_results[i] = r;
    masked_after[i] = arch_irq_masked();
    depth_after[i] = arch_irq_depth();
}

static void *wait_every_way(void *arg)
{
    (void)arg;
    note_after(0, sem_wait(&unit, WAIT_FOREVER));   /* the count: no block */
    note_after(1, sem_wait(&unit, WAIT_NONE));      /* refused */
    note_after(2, sem_wait(&unit, 2));              /* times out */
    note_after(3, sem_wait(&unit, WAIT_FOREVER));   /* woken by the poster */
    mark('W');
    return NULL;
}

static void *post_late(void *arg)
{
    (void)arg;
    host_tick(3);                                   /* past the timeout */
    sem_post(&unit);
    mark('p');
    return NULL;
}

static void test_sem_wait_ends_its_critical_section_on_every_path(void **state)
{
    (void)state;
    sem_init(&unit, 1);
    thread_create("waiter", wait_every_way, NULL, 4);
    thread_create("poster", post_late, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "Wp");
    const int want[4] = { 0, -ETIMEDOUT, -ETIMEDOUT, 0 };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(wait_results[i], want[i]);
        assert_false(masked_after[i]);
        assert_int_equal(depth_after[i], 0);
    }
}

/* ---- The normal paths do not panic, and the depth is per thread -------- */

static uint32_t depth_seen[8];
static int ndepth;

static void note_depth(void)
{
    if (ndepth < 8)
        depth_seen[ndepth++] = arch_irq_depth();
}

/* Blocks from its own critical section (depth 1, the legal way), and sees
 * depth 1 again when it is woken, whatever ran meanwhile. */
static void *block_properly(void *arg)
{
    (void)arg;
    note_depth();                                   /* 0 */
    uint32_t s = arch_irq_save();
    note_depth();                                   /* 1 */
    sched_block_locked(NULL, 2, WHY_SLEEP);
    note_depth();                                   /* 1 */
    arch_irq_restore(s);
    note_depth();                                   /* 0 */
    mark('P');
    return NULL;
}

static struct sem ping;

static void isr_post(void) { sem_post_from_isr(&ping); }

/* Runs while the other is blocked: yields, is preempted, nests, waits. */
static void *busy_meanwhile(void *arg)
{
    (void)arg;
    note_depth();                                   /* 0 */
    uint32_t a = arch_irq_save(), b = arch_irq_save();
    arch_irq_restore(b);
    arch_irq_restore(a);
    thread_yield();
    host_irq(isr_post);
    sem_wait(&ping, WAIT_FOREVER);
    host_tick(3);                                   /* the other wakes: preempts */
    note_depth();                                   /* 0 */
    mark('B');
    return NULL;
}

static void test_normal_paths_keep_the_depth_per_thread(void **state)
{
    (void)state;
    sem_init(&ping, 0);
    ndepth = 0;
    thread_create("proper", block_properly, NULL, 4);
    thread_create("busy", busy_meanwhile, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "PB");
    assert_int_equal(ndepth, 6);
    const uint32_t want[6] = { 0, 1, 0, 1, 0, 0 };
    for (int i = 0; i < 6; i++)
        assert_int_equal(depth_seen[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_locked_call_with_interrupts_on_panics_naming_it),
        cmocka_unit_test_setup(test_sleeping_inside_a_critical_section_panics, boot_fresh),
        cmocka_unit_test_setup(test_waiting_inside_a_critical_section_panics, boot_fresh),
        cmocka_unit_test_setup(test_sem_wait_locked_blocks_from_one_critical_section, boot_fresh),
        cmocka_unit_test_setup(test_normal_paths_keep_the_depth_per_thread, boot_fresh),
        cmocka_unit_test_setup(test_sem_wait_ends_its_critical_section_on_every_path,
                               boot_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
