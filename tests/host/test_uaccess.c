/*
 * test_uaccess.c: every edge of the user pointer checks.
 *
 * Course idea: a system call's pointer check is a security boundary, and
 * boundaries fail by one byte. Each case probes one edge: the first and
 * last byte of the block, one past either end, a range that wraps around
 * the address space, a range touching a guard, a write into the text.
 * The strings live in a real buffer so uaccess_strnlen() can read them;
 * ASan would report any read outside the range the check allowed.
 *
 * Read next: kernel/uaccess.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../kernel/errno.h"
#include "../../kernel/uaccess.h"

/* A made-up process at the board's PSRAM: 4 KiB block, 1 KiB of text,
 * a stack guard at [3072, 3104). */
#define B   0x21000000u
static const struct umem m = {
    .base = B, .code_end = B + 1024, .end = B + 4096, .top = B + 4096,
    .guard_lo = B + 3072, .guard_hi = B + 3104,
};

#define P(a) ((const void *)(uintptr_t)(a))

static void test_inside_ranges_are_accepted(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, P(B), 1, 0), 1);
    assert_int_equal(uaccess_ok(&m, P(B), 1024, 0), 1);              /* all the text */
    assert_int_equal(uaccess_ok(&m, P(B + 1024), 2048, 1), 1);       /* data up to the guard */
    assert_int_equal(uaccess_ok(&m, P(B + 3104), 992, 1), 1);        /* guard to the end */
    assert_int_equal(uaccess_ok(&m, P(B + 4095), 1, 1), 1);          /* the last byte */
    assert_int_equal(uaccess_ok(&m, P(B + 4094), 2, 1), 1);
}

static void test_outside_the_block_is_refused(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, NULL, 1, 0), 0);
    assert_int_equal(uaccess_ok(&m, P(B - 1), 1, 0), 0);
    assert_int_equal(uaccess_ok(&m, P(B - 1), 2, 0), 0);             /* straddles base */
    assert_int_equal(uaccess_ok(&m, P(B + 4096), 1, 0), 0);          /* end itself */
    assert_int_equal(uaccess_ok(&m, P(B + 4095), 2, 0), 0);          /* end - 1, n = 2 */
    assert_int_equal(uaccess_ok(&m, P(B + 3104), 993, 1), 0);        /* one byte too long */
    assert_int_equal(uaccess_ok(&m, P(B), 4097, 0), 0);
}

static void test_wrapping_ranges_are_refused(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, P(B + 2000), SIZE_MAX, 0), 0);
    assert_int_equal(uaccess_ok(&m, P(B + 2000), SIZE_MAX - 1999, 0), 0);  /* p + n == B + 1 */
    assert_int_equal(uaccess_ok(&m, P(UINTPTR_MAX), 2, 0), 0);             /* p + n == 1 */
    assert_int_equal(uaccess_ok(&m, P(B + 2000), (size_t)(B + 10) - (B + 2000), 0), 0);
}

static void test_guards_are_refused_at_every_edge(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, P(B + 3071), 1, 1), 1);          /* just below */
    assert_int_equal(uaccess_ok(&m, P(B + 3071), 2, 0), 0);          /* touches lo */
    assert_int_equal(uaccess_ok(&m, P(B + 3072), 1, 0), 0);
    assert_int_equal(uaccess_ok(&m, P(B + 3103), 1, 0), 0);          /* last guard byte */
    assert_int_equal(uaccess_ok(&m, P(B + 3104), 1, 0), 1);          /* just above */
    assert_int_equal(uaccess_ok(&m, P(B + 2000), 2000, 0), 0);       /* spans the guard */

    struct umem none = m;                                            /* lo == hi: no guard */
    none.guard_hi = none.guard_lo;
    assert_int_equal(uaccess_ok(&none, P(B + 3072), 32, 1), 1);
}

static void test_text_is_readable_but_not_writable(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, P(B + 1023), 1, 0), 1);
    assert_int_equal(uaccess_ok(&m, P(B + 1023), 1, 1), 0);          /* last text byte */
    assert_int_equal(uaccess_ok(&m, P(B + 1020), 8, 1), 0);          /* straddles code_end */
    assert_int_equal(uaccess_ok(&m, P(B + 1024), 1, 1), 1);          /* first data byte */
    assert_int_equal(uaccess_ok(&m, P(B), 1, 1), 0);
}

/* n == 0 is fine anywhere from base up to and including end. */
static void test_empty_ranges(void **state)
{
    (void)state;
    assert_int_equal(uaccess_ok(&m, P(B), 0, 1), 1);
    assert_int_equal(uaccess_ok(&m, P(B + 4096), 0, 1), 1);
    assert_int_equal(uaccess_ok(&m, P(B + 4097), 0, 0), 0);
    assert_int_equal(uaccess_ok(&m, P(B - 1), 0, 0), 0);
    assert_int_equal(uaccess_ok(&m, NULL, 0, 0), 0);
}

/* ---- Strings, in a real buffer laid out like m ------------------------------ */

static char mem[4096];

static struct umem real(void)
{
    uintptr_t b = (uintptr_t)mem;
    struct umem r = { .base = b, .code_end = b + 1024, .end = b + 4096, .top = b + 4096,
                      .guard_lo = b + 3072, .guard_hi = b + 3104 };
    return r;
}

static void test_strnlen_finds_the_nul(void **state)
{
    (void)state;
    struct umem r = real();
    memset(mem, 'x', sizeof mem);
    strcpy(mem + 10, "hello");                      /* in the text: readable */
    assert_int_equal(uaccess_strnlen(&r, mem + 10, 100), 5);
    assert_int_equal(uaccess_strnlen(&r, mem + 10, 6), 5);   /* NUL at index max-1 */
    assert_int_equal(uaccess_strnlen(&r, mem + 10, 5), -EINVAL);  /* too long */
    assert_int_equal(uaccess_strnlen(&r, mem + 15, 1), 0);
    assert_int_equal(uaccess_strnlen(&r, mem + 15, 0), -EINVAL);
}

static void test_strnlen_stops_at_the_end_and_at_guards(void **state)
{
    (void)state;
    struct umem r = real();
    memset(mem, 'x', sizeof mem);
    mem[4095] = '\0';
    assert_int_equal(uaccess_strnlen(&r, mem + 4090, 100), 5);      /* NUL is the last byte */
    mem[4095] = 'x';
    assert_int_equal(uaccess_strnlen(&r, mem + 4090, 100), -EFAULT);  /* runs off the end */
    assert_int_equal(uaccess_strnlen(&r, mem + 4090, 6), -EINVAL);  /* max reached first */
    mem[3072] = '\0';                                               /* a NUL in the guard */
    assert_int_equal(uaccess_strnlen(&r, mem + 3000, 1000), -EFAULT);
    assert_int_equal(uaccess_strnlen(&r, mem + 3080, 10), -EFAULT); /* starts in the guard */
    assert_int_equal(uaccess_strnlen(&r, NULL, 10), -EFAULT);
    assert_int_equal(uaccess_strnlen(&r, (const char *)(r.base - 1), 10), -EFAULT);
    assert_int_equal(uaccess_strnlen(&r, (const char *)r.end, 10), -EFAULT);
}

/* ---- The gateway: copyin, copyout, copyinstr ------------------------------ */

static void test_copies_are_whole_or_nothing(void **state)
{
    (void)state;
    struct umem r = real();
    char k[16];
    memset(mem, 'u', sizeof mem);
    memset(k, 'k', sizeof k);
    uintptr_t b = (uintptr_t)mem;
    assert_int_equal(uaccess_copyin(&r, k, b + 4090, 16), -EFAULT);    /* across the end */
    assert_memory_equal(k, "kkkkkkkkkkkkkkkk", 16);                    /* nothing copied */
    assert_int_equal(uaccess_copyin(&r, k, b + 3060, 16), -EFAULT);    /* into the guard */
    assert_int_equal(uaccess_copyin(&r, k, b + 100, 16), 0);           /* the text: readable */
    assert_memory_equal(k, "uuuuuuuuuuuuuuuu", 16);
    memset(k, 'k', sizeof k);
    assert_int_equal(uaccess_copyout(&r, b + 100, k, 16), -EFAULT);    /* the text: read-only */
    assert_int_equal(mem[100], 'u');
    assert_int_equal(uaccess_copyout(&r, b + 2000, k, 16), 0);
    assert_memory_equal(mem + 2000, "kkkkkkkkkkkkkkkk", 16);
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)-8, k, 16), -EFAULT);   /* wraps */
}

static void test_copyinstr_copies_once_and_always_terminates(void **state)
{
    (void)state;
    struct umem r = real();
    char k[8];
    uintptr_t b = (uintptr_t)mem;
    memset(mem, 'x', sizeof mem);
    strcpy(mem + 2000, "weft");
    assert_int_equal(uaccess_copyinstr(&r, k, b + 2000, sizeof k), 4);
    assert_string_equal(k, "weft");
    strcpy(mem + 2000, "1234567");                                     /* 7 + NUL = 8: fits */
    assert_int_equal(uaccess_copyinstr(&r, k, b + 2000, sizeof k), 7);
    assert_string_equal(k, "1234567");
    strcpy(mem + 2000, "12345678");                                    /* no NUL in 8 */
    assert_int_equal(uaccess_copyinstr(&r, k, b + 2000, sizeof k), -EINVAL);
    assert_string_equal(k, "");                                        /* never half a string */
    memset(mem + 3060, 'y', 12);                                       /* runs into the guard */
    assert_int_equal(uaccess_copyinstr(&r, k, b + 3066, sizeof k), -EFAULT);
    assert_string_equal(k, "");
    assert_int_equal(uaccess_copyinstr(&r, k, 0, sizeof k), -EFAULT);
    assert_int_equal(uaccess_copyinstr(&r, k, b + 2000, 0), -EINVAL);
}

/* Heap room above the break that sbrk has not given out is hidden: not
 * the process's yet, and holding the previous owner's bytes. It is the top
 * of the block, [top, end); the gateway refuses it both ways, at its edge,
 * and a string stops before it. */
static void test_the_hidden_range_is_refused(void **state)
{
    (void)state;
    struct umem h = m;
    h.top = B + 3584;
    assert_int_equal(uaccess_ok(&h, P(B + 3583), 1, 1), 1);          /* just below */
    assert_int_equal(uaccess_ok(&h, P(B + 3583), 2, 0), 0);          /* touches top */
    assert_int_equal(uaccess_ok(&h, P(B + 3584), 1, 0), 0);
    assert_int_equal(uaccess_ok(&h, P(B + 3584), 4, 1), 0);
    assert_int_equal(uaccess_ok(&h, P(B + 4095), 1, 0), 0);          /* last hidden byte */
    assert_int_equal(uaccess_ok(&h, P(B + 3104), 992, 1), 0);        /* guard to the end */
    assert_int_equal(uaccess_ok(&m, P(B + 3584), 4, 1), 1);          /* m hides nothing */
    struct umem none = { 0 };                                        /* zeroed: nothing */
    none.base = B; none.end = B + 4096;
    assert_int_equal(uaccess_ok(&none, P(B + 2048), 4, 0), 0);

    struct umem r = real();
    char k[16];
    r.top = (uintptr_t)mem + 3584;
    memset(mem, 'x', sizeof mem);
    mem[3600] = '\0';                                              /* a NUL in hiding */
    assert_int_equal(uaccess_strnlen(&r, mem + 3570, 100), -EFAULT);
    assert_int_equal(uaccess_copyinstr(&r, k, (uintptr_t)mem + 3578, sizeof k), -EFAULT);
    assert_int_equal(uaccess_strnlen(&r, mem + 3590, 100), -EFAULT);   /* starts in it */
    assert_int_equal(uaccess_copyin(&r, k, (uintptr_t)mem + 3578, 16), -EFAULT);
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)mem + 3582, k, 4), -EFAULT);
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)mem + 3580, k, 4), 0);   /* just below */
}

/* A mapped shared segment is user memory too, readable and writable. */
static void test_a_mapped_segment_is_user_memory(void **state)
{
    (void)state;
    static char seg[64];
    struct umem r = real();
    char k[4] = "abc";
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)seg, k, 4), -EFAULT);
    r.seg[1].lo = (uintptr_t)seg;
    r.seg[1].hi = (uintptr_t)seg + sizeof seg;
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)seg, k, 4), 0);
    assert_string_equal(seg, "abc");
    assert_int_equal(uaccess_copyout(&r, (uintptr_t)seg + 62, k, 4), -EFAULT);   /* past it */
    assert_int_equal(uaccess_strnlen(&r, seg, 10), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inside_ranges_are_accepted),
        cmocka_unit_test(test_outside_the_block_is_refused),
        cmocka_unit_test(test_wrapping_ranges_are_refused),
        cmocka_unit_test(test_guards_are_refused_at_every_edge),
        cmocka_unit_test(test_text_is_readable_but_not_writable),
        cmocka_unit_test(test_empty_ranges),
        cmocka_unit_test(test_strnlen_finds_the_nul),
        cmocka_unit_test(test_strnlen_stops_at_the_end_and_at_guards),
        cmocka_unit_test(test_copies_are_whole_or_nothing),
        cmocka_unit_test(test_copyinstr_copies_once_and_always_terminates),
        cmocka_unit_test(test_a_mapped_segment_is_user_memory),
        cmocka_unit_test(test_the_hidden_range_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
