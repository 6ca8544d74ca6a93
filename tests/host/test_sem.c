/*
 * test_sem.c: counting semaphores: units, waiting, timeouts, hand-off.
 *
 * Course idea: kernel/sem.h promises four things: a unit is taken without
 * blocking while count > 0; a wait with a timeout of N ticks fails with
 * -ETIMEDOUT after exactly N ticks; post wakes the most urgent waiter (FIFO
 * among equals); and the posted unit goes to that waiter, so a thread that
 * arrives later cannot take it first (no barging).
 *
 * Read next: test_thread.c (join is the same kind of wait).
 */
#include "ktest.h"

static struct sem sem;
static int result[8];
static uint32_t took[8];            /* ticks a wait took */

static int setup(void **state)
{
    boot_fresh(state);
    sem_init(&sem, 0);
    memset(result, 0x55, sizeof result);
    memset(took, 0x55, sizeof took);
    return 0;
}

/* Waits for the semaphore with timeout `arg` ticks; notes the outcome in
 * result[0] and took[0]. */
static void *timed_wait(void *arg)
{
    uint32_t t0 = ticks;
    result[0] = sem_wait(&sem, (uint32_t)(uintptr_t)arg);
    took[0] = ticks - t0;
    mark('w');
    return NULL;
}

static void *take_three(void *arg)
{
    (void)arg;
    result[0] = sem_wait(&sem, WAIT_NONE);
    result[1] = sem_wait(&sem, WAIT_FOREVER);
    result[2] = sem_wait(&sem, WAIT_NONE);
    return NULL;
}

static void test_units_are_taken_without_blocking(void **state)
{
    (void)state;
    sem_init(&sem, 2);
    thread_create("T", take_three, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], 0);
    assert_int_equal(result[1], 0);
    assert_int_equal(result[2], -ETIMEDOUT);
    assert_int_equal(sem.count, 0);
    assert_int_equal(ticks, 0);
}

static void test_timeout_after_exactly_n_ticks(void **state)
{
    (void)state;
    thread_create("W", timed_wait, CH(7), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], -ETIMEDOUT);
    assert_int_equal(took[0], 7);
    assert_int_equal(ticks, 7);
    assert_true(waitq_empty(&sem.waiters));
    assert_int_equal(sem.count, 0);
}

/* Sleeps `arg` ticks, then posts once. */
static void *post_after(void *arg)
{
    thread_sleep((uint32_t)(uintptr_t)arg);
    mark('p');
    sem_post(&sem);
    return NULL;
}

static void test_post_before_the_timeout_wakes_with_zero(void **state)
{
    (void)state;
    thread_create("W", timed_wait, CH(10), 3);
    thread_create("P", post_after, CH(4), 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], 0);
    assert_int_equal(took[0], 4);
    /* The cancelled timeout must not keep time running to tick 10. */
    assert_int_equal(ticks, 4);
    assert_string_equal(order, "pw");
}

static void test_a_timed_out_waiter_does_not_swallow_a_later_post(void **state)
{
    (void)state;
    thread_create("W", timed_wait, CH(3), 3);
    thread_create("P", post_after, CH(5), 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], -ETIMEDOUT);
    assert_string_equal(order, "wp");
    assert_int_equal(sem.count, 1);
}

/* ---- Who gets the unit ----------------------------------------------------- */

static void *wait_and_mark(void *arg)
{
    sem_wait(&sem, WAIT_FOREVER);
    mark((char)(uintptr_t)arg);
    return NULL;
}

/* Lowest priority: creates the waiters (each runs at once and blocks), then
 * posts once per waiter. Each post wakes a waiter more urgent than us, which
 * runs immediately. */
static void *post_four(void *arg)
{
    (void)arg;
    thread_create("a", wait_and_mark, CH('a'), 2);
    thread_create("H", wait_and_mark, CH('H'), 4);
    thread_create("b", wait_and_mark, CH('b'), 2);
    thread_create("M", wait_and_mark, CH('M'), 3);
    for (int i = 0; i < 4; i++) {
        mark('+');
        sem_post(&sem);
    }
    return NULL;
}

static void test_post_wakes_most_urgent_first_fifo_among_equals(void **state)
{
    (void)state;
    thread_create("poster", post_four, NULL, 1);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "+H+M+a+b");
    assert_int_equal(sem.count, 0);
}

/* More urgent than the waiter: posts, then tries to take the unit back. */
static void *barger(void *arg)
{
    (void)arg;
    thread_sleep(1);                /* let W block first */
    sem_post(&sem);
    result[1] = sem_wait(&sem, WAIT_NONE);
    mark('B');
    return NULL;
}

static void test_no_barging_the_unit_goes_to_the_waiter(void **state)
{
    (void)state;
    thread_create("W", timed_wait, CH(WAIT_FOREVER), 2);
    thread_create("B", barger, NULL, 5);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[1], -ETIMEDOUT);
    assert_int_equal(result[0], 0);
    assert_string_equal(order, "Bw");
    assert_int_equal(sem.count, 0);
}

/* ---- From an interrupt ------------------------------------------------------ */

static void post_isr(void)
{
    sem_post_from_isr(&sem);
    mark('i');                      /* the switch waits for the handler's end */
}

static void *interrupted(void *arg)
{
    (void)arg;
    mark('1');
    host_irq(post_isr);
    mark('2');
    return NULL;
}

static void test_post_from_an_interrupt_switches_on_its_return(void **state)
{
    (void)state;
    thread_create("T", wait_and_mark, CH('T'), 4);
    thread_create("M", interrupted, NULL, 2);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "1iT2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_units_are_taken_without_blocking, setup),
        cmocka_unit_test_setup(test_timeout_after_exactly_n_ticks, setup),
        cmocka_unit_test_setup(test_post_before_the_timeout_wakes_with_zero, setup),
        cmocka_unit_test_setup(test_a_timed_out_waiter_does_not_swallow_a_later_post, setup),
        cmocka_unit_test_setup(test_post_wakes_most_urgent_first_fifo_among_equals, setup),
        cmocka_unit_test_setup(test_no_barging_the_unit_goes_to_the_waiter, setup),
        cmocka_unit_test_setup(test_post_from_an_interrupt_switches_on_its_return, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
