/*
 * ktest.c: the in-kernel test runner (see ktest.h).
 */
#include "ktest.h"

#include <stdarg.h>

#include "../../arch/arch.h"
#include "../../kernel/printk.h"
#include "../../kernel/sched.h"
#include "../../kernel/thread.h"

static const struct ktest *cases;
static int ncases;
static int case_failed;
static char why[160];

static char trail[64];
static int trail_len;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (case_failed++)
        return;                 /* keep the first failure: it explains the rest */
    n = ksnprintf(why, sizeof why, "%s:%d: ", file, line);
    va_start(ap, fmt);
    kvsnprintf(why + n, sizeof why - (unsigned)n, fmt, ap);
    va_end(ap);
}

int ktest_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

void trail_reset(void)
{
    uint32_t s = arch_irq_save();
    trail_len = 0;
    trail[0] = '\0';
    arch_irq_restore(s);
}

void trail_add(char c)
{
    uint32_t s = arch_irq_save();
    if (trail_len < (int)sizeof trail - 1) {
        trail[trail_len++] = c;
        trail[trail_len] = '\0';
    }
    arch_irq_restore(s);
}

const char *trail_get(void)
{
    return trail;
}

uint32_t ktest_tick_sync(void)
{
    thread_sleep(1);
    return ticks;
}

static void *runner(void *arg)
{
    int passed = 0, failed = 0;
    (void)arg;

    kprintf("ktest: %d cases\n", ncases);
    for (int i = 0; i < ncases; i++) {
        case_failed = 0;
        trail_reset();
        cases[i].fn();
        if (case_failed) {
            kprintf("FAIL %s: %s\n", cases[i].name, why);
            failed++;
        } else {
            kprintf("PASS %s\n", cases[i].name);
            passed++;
        }
    }
    kprintf("ktest: %d passed, %d failed\n", passed, failed);
    arch_halt(failed < EXIT_TESTS_CAP ? failed : EXIT_TESTS_CAP);
}

void ktest_main(const struct ktest *c, int n)
{
    cases = c;
    ncases = n;
    if (thread_create("ktest", runner, NULL, KTEST_PRIO) < 0)
        arch_halt(EXIT_TESTS_CAP);
}
