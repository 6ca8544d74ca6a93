/*
 * test_timeq.c: the timer queue's order, and time that wraps around.
 *
 * Course idea: a uint32_t tick counter wraps after 2^32 ticks (49 days at
 * 1 kHz). kernel/timeq.h compares ticks as a signed difference, so "before"
 * stays right across the wrap; these cases put deadlines on both sides of it.
 * The queue is used directly here on thread structs that never run.
 *
 * Read next: test_sem.c (timeouts seen from a waiting thread).
 */
#include "ktest.h"

#include "../../kernel/timeq.h"

static struct thread t[4];

/* Leave the (static, shared) queue empty and the structs unlinked. */
static int setup(void **state)
{
    boot_fresh(state);
    for (int i = 0; i < 4; i++) {
        if (t[i].tlink.next)
            timeq_remove_locked(&t[i]);
        memset(&t[i], 0, sizeof t[i]);
        list_init(&t[i].tlink);
        t[i].id = i;
    }
    return 0;
}

/* Pops everything due at `now` and returns the ids in order, as digits. */
static const char *pop_all(uint32_t now)
{
    static char s[8];
    struct thread *p;
    int n = 0;
    while ((p = timeq_pop_due_locked(now)) != NULL)
        s[n++] = (char)('0' + p->id);
    s[n] = '\0';
    return s;
}

static void test_tick_before_is_a_signed_difference(void **state)
{
    (void)state;
    assert_true(tick_before(1, 2));
    assert_false(tick_before(2, 2));
    assert_false(tick_before(3, 2));
    assert_true(tick_before(0xFFFFFFF0u, 5));       /* 5 is after the wrap */
    assert_false(tick_before(5, 0xFFFFFFF0u));
    assert_true(tick_before(0x7FFFFFFFu, 0x80000000u));
}

static void test_soonest_first_and_fifo_for_equal_deadlines(void **state)
{
    (void)state;
    timeq_insert_locked(&t[0], 30);
    timeq_insert_locked(&t[1], 10);
    timeq_insert_locked(&t[2], 30);
    timeq_insert_locked(&t[3], 20);
    assert_string_equal(pop_all(9), "");
    assert_string_equal(pop_all(20), "13");
    assert_string_equal(pop_all(1000), "02");
    assert_string_equal(pop_all(1000), "");
}

static void test_order_holds_across_the_wrap(void **state)
{
    (void)state;
    uint32_t now = 0xFFFFFFFAu;
    timeq_insert_locked(&t[0], now + 10);           /* 4, after the wrap */
    timeq_insert_locked(&t[1], now + 3);            /* 0xFFFFFFFD */
    timeq_insert_locked(&t[2], now + 6);            /* 0, the wrap itself */
    assert_string_equal(pop_all(now + 2), "");
    assert_string_equal(pop_all(now + 3), "1");
    assert_string_equal(pop_all(0), "2");
    assert_string_equal(pop_all(3), "");
    assert_string_equal(pop_all(4), "0");
}

static void test_remove_unlinks_and_is_harmless_twice(void **state)
{
    (void)state;
    timeq_insert_locked(&t[0], 5);
    timeq_insert_locked(&t[1], 6);
    timeq_remove_locked(&t[0]);
    timeq_remove_locked(&t[0]);
    timeq_remove_locked(&t[2]);                     /* never queued */
    assert_string_equal(pop_all(100), "1");
}

static uint32_t slept;

static void *sleep_10(void *arg)
{
    (void)arg;
    uint32_t t0 = ticks;
    thread_sleep(10);
    slept = ticks - t0;
    return NULL;
}

/* A real sleep that starts 5 ticks before the counter wraps. */
static void test_a_sleep_across_the_wrap_lasts_exactly_its_ticks(void **state)
{
    (void)state;
    ticks = 0xFFFFFFFBu;
    thread_create("S", sleep_10, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(slept, 10);
    assert_int_equal(ticks, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tick_before_is_a_signed_difference),
        cmocka_unit_test_setup(test_soonest_first_and_fifo_for_equal_deadlines, setup),
        cmocka_unit_test_setup(test_order_holds_across_the_wrap, setup),
        cmocka_unit_test_setup(test_remove_unlinks_and_is_harmless_twice, setup),
        cmocka_unit_test_setup(test_a_sleep_across_the_wrap_lasts_exactly_its_ticks, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
