/*
 * test_printk.c: the kernel's own printf, and what a panic prints.
 *
 * Course idea: kernel/printk.c is a complete little formatter; its contract
 * (printk.h) lists the conversions, flags and length modifiers it supports.
 * Each case states the exact text expected, written out by hand rather than
 * compared with the C library, so the test says what the output must be.
 *
 * Read next: test_state.c (panics from illegal transitions).
 */
#include "ktest.h"

#include <limits.h>

#include "../../kernel/panic.h"
#include "../../kernel/printk.h"

static char buf[128];

#define EXPECT(want, ...) do { \
        int n_ = ksnprintf(buf, sizeof buf, __VA_ARGS__); \
        assert_string_equal(buf, want); \
        assert_int_equal(n_, (int)strlen(want)); \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    EXPECT("42 -42 7", "%d %i %u", 42, -42, 7u);
    EXPECT("-2147483648 4294967295", "%d %u", INT_MIN, UINT_MAX);
    EXPECT("-9223372036854775808", "%ld", LONG_MIN);
    EXPECT("beef BEEF deadbeefcafe", "%x %X %lx", 0xbeefu, 0xBEEFu, 0xdeadbeefcafeUL);
    EXPECT("12345", "%zu", (size_t)12345);
    EXPECT("0", "%d", 0);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    EXPECT("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
    EXPECT("[-0042][  -42][-42  ]", "[%05d][%5d][%-5d]", -42, -42, -42);
    char left_zero[] = "[%-05d]";   /* gcc warns about the literal; legal C */
    EXPECT("[42   ]", left_zero, 42);                 /* '-' wins over '0' */
    EXPECT("0000beef", "%08x", 0xbeefu);
    EXPECT("[   ab][ab   ][abc]", "[%5s][%-5s][%2s]", "ab", "ab", "abc");
}

static void test_pointers_chars_strings_and_percent(void **state)
{
    (void)state;
    EXPECT("0x1234", "%p", (void *)0x1234);
    EXPECT("x%y", "%c%%%c", 'x', 'y');
    const char *volatile null = NULL;
    EXPECT("(null)", "%s", null);
    EXPECT("[x  ]", "[%-3c]", 'x');
}

static void test_unknown_conversion_is_printed_as_written(void **state)
{
    (void)state;
    char fmt[] = "a%qb";            /* not a literal: -Wformat would refuse it */
    ksnprintf(buf, sizeof buf, fmt);
    assert_string_equal(buf, "a%qb");
}

static void test_truncation_counts_everything_and_terminates(void **state)
{
    (void)state;
    memset(buf, '#', sizeof buf);
    assert_int_equal(ksnprintf(buf, 5, "%d", 123456), 6);
    assert_string_equal(buf, "1234");
    assert_int_equal(buf[5], '#');
    memset(buf, '#', sizeof buf);
    assert_int_equal(ksnprintf(buf, 0, "hello"), 5);
    assert_int_equal(buf[0], '#');                  /* size 0: nothing written */
}

/* ---- The console and panic --------------------------------------------- */

static void test_kprintf_turns_newlines_into_crlf(void **state)
{
    (void)state;
    kprintf("one\ntwo %d\n", 2);
    assert_string_equal(host_console(), "one\r\ntwo 2\r\n");
}

static void test_kprintf_marks_a_cut_line(void **state)
{
    (void)state;
    char long_line[300];
    memset(long_line, 'z', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    kprintf("%s", long_line);
    const char *out = host_console();
    assert_int_equal(strlen(out), 199);
    assert_string_equal(out + 196, "...");
}

static void boom(void *arg)
{
    panic("boom %d", *(int *)arg);
}

static void test_panic_prints_its_message_and_halts(void **state)
{
    (void)state;
    int seven = 7;
    assert_int_equal(host_catch_halt(boom, &seven), EXIT_PANIC);
    assert_non_null(strstr(host_console(), "\r\n*** weft panic: boom 7\r\n"));
    /* With no thread running, there is no "running:" line. */
    assert_null(strstr(host_console(), "*** running:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_pointers_chars_strings_and_percent),
        cmocka_unit_test(test_unknown_conversion_is_printed_as_written),
        cmocka_unit_test(test_truncation_counts_everything_and_terminates),
        cmocka_unit_test_setup(test_kprintf_turns_newlines_into_crlf, boot_fresh),
        cmocka_unit_test_setup(test_kprintf_marks_a_cut_line, boot_fresh),
        cmocka_unit_test_setup(test_panic_prints_its_message_and_halts, boot_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
