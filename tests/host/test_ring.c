/*
 * test_ring.c: the single-producer, single-consumer byte ring (kernel/ring.h).
 *
 * Course idea: free-running indices tell full (head - tail == size) from
 * empty (head == tail) without wasting a slot, and keep working when the
 * indices themselves wrap around 2^32. Pure data structure: no kernel runs.
 *
 * Read next: test_printk.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernel/ring.h"

static struct ring r;
static uint8_t buf[8];

static void test_empty_then_full_then_empty(void **state)
{
    (void)state;
    ring_init(&r, buf, sizeof buf);
    assert_true(ring_empty(&r));
    assert_int_equal(ring_get(&r), -1);
    for (int i = 0; i < 8; i++)
        assert_int_equal(ring_put(&r, (uint8_t)(10 + i)), 1);
    assert_true(ring_full(&r));
    assert_int_equal(ring_count(&r), 8);
    assert_int_equal(ring_put(&r, 99), 0);          /* full: refused, not overwritten */
    for (int i = 0; i < 8; i++)
        assert_int_equal(ring_get(&r), 10 + i);
    assert_true(ring_empty(&r));
    assert_int_equal(ring_get(&r), -1);
}

static void test_bytes_keep_their_order_around_the_end(void **state)
{
    (void)state;
    ring_init(&r, buf, sizeof buf);
    int next_in = 0, next_out = 0;
    /* Put 5, get 3, many times: the slots wrap around the buffer's end. */
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 5 && !ring_full(&r); i++)
            assert_int_equal(ring_put(&r, (uint8_t)next_in++), 1);
        for (int i = 0; i < 3; i++)
            assert_int_equal(ring_get(&r), (uint8_t)next_out++);
    }
    assert_int_equal(ring_count(&r), (uint32_t)(next_in - next_out));
    while (!ring_empty(&r))
        assert_int_equal(ring_get(&r), (uint8_t)next_out++);
    assert_int_equal(next_in, next_out);
}

static void test_indices_wrapping_past_2_to_the_32(void **state)
{
    (void)state;
    ring_init(&r, buf, sizeof buf);
    r.head = r.tail = 0xFFFFFFFEu;
    for (int i = 0; i < 8; i++)
        assert_int_equal(ring_put(&r, (uint8_t)(0xA0 + i)), 1);
    assert_int_equal(r.head, 6);                    /* wrapped */
    assert_true(ring_full(&r));
    assert_int_equal(ring_put(&r, 0), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(ring_get(&r), 0xA0 + i);
    assert_true(ring_empty(&r));
}

static void test_a_byte_0xff_is_not_mistaken_for_empty(void **state)
{
    (void)state;
    ring_init(&r, buf, sizeof buf);
    ring_put(&r, 0xFF);
    assert_int_equal(ring_get(&r), 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_then_full_then_empty),
        cmocka_unit_test(test_bytes_keep_their_order_around_the_end),
        cmocka_unit_test(test_indices_wrapping_past_2_to_the_32),
        cmocka_unit_test(test_a_byte_0xff_is_not_mistaken_for_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
