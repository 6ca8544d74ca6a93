/*
 * ktest.h: a tiny harness for tests that run inside the kernel on the board.
 *
 * Course idea: the scheduler can only be tested where it runs. A test image
 * is the kernel plus one file of cases; its app_start() hands the cases to
 * ktest_main(), which creates the "ktest" runner thread (KTEST_PRIO, above
 * every thread a case creates unless the case wants to be preempted). The
 * runner calls each case in order and prints
 *
 *     PASS name                 or      FAIL name: file:line: why
 *
 * then one summary line, "ktest: N passed, N failed" (the line
 * tools/testsuite.sh counts), and leaves QEMU with min(failures,
 * EXIT_TESTS_CAP) as its exit status.
 *
 * Assertions state the exact expected value. A failed assertion records
 * the first failure of the case and returns from the case function, so it
 * may only be used in the case function itself (helpers return a value the
 * case checks). A case that fails early may leave threads behind; the
 * report of the first failure is what matters.
 */
#ifndef WEFT_KTEST_H
#define WEFT_KTEST_H

#include <stdint.h>

#define KTEST_PRIO 6            /* the runner; cases use 1..5 and 7 */

struct ktest {
    const char *name;
    void (*fn)(void);
};

/* Create the runner thread for `n` cases; call from app_start(). */
void ktest_main(const struct ktest *cases, int n);

/* Record a failure of the running case (the first one is reported). */
void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define KT_EQ(actual, expected) do {                                        \
        long a_ = (long)(actual), e_ = (long)(expected);                    \
        if (a_ != e_) {                                                     \
            ktest_fail(__FILE__, __LINE__, "%s is %ld, expected %ld",       \
                       #actual, a_, e_);                                    \
            return;                                                         \
        }                                                                   \
    } while (0)

#define KT_TRUE(cond, ...) do {                                             \
        if (!(cond)) {                                                      \
            ktest_fail(__FILE__, __LINE__, __VA_ARGS__);                    \
            return;                                                         \
        }                                                                   \
    } while (0)

#define KT_STREQ(actual, expected) do {                                     \
        const char *a_ = (actual), *e_ = (expected);                        \
        if (ktest_strcmp(a_, e_) != 0) {                                    \
            ktest_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", \
                       #actual, a_, e_);                                    \
            return;                                                         \
        }                                                                   \
    } while (0)

int ktest_strcmp(const char *a, const char *b);

/* The trail: threads append one letter each time they reach a point of
 * interest, and a case compares the whole string ("ABCDE") with the order
 * it expects. Safe from threads and interrupt handlers. */
void trail_reset(void);
void trail_add(char c);
const char *trail_get(void);

/* Sleep until the next tick boundary and return the tick: measurements
 * taken right after it start at the beginning of a tick. */
uint32_t ktest_tick_sync(void);

#endif
