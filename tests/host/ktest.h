/*
 * ktest.h: what the kernel's host unit tests (tests/host/test_*.c) share.
 *
 * Course idea: a scheduler test asserts the order in which threads ran, as a
 * string ("EDCBA"), not just that nothing crashed. Threads append one
 * character each to `order` with mark(); the test compares it after
 * host_run(). Every case starts from a freshly booted kernel (boot_fresh).
 *
 * Read next: arch/linux/host.h (the rules threads follow in a test).
 */
#ifndef WEFT_KTEST_H
#define WEFT_KTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../arch/linux/host.h"
#include "../../kernel/errno.h"
#include "../../kernel/sched.h"
#include "../../kernel/sem.h"
#include "../../kernel/state.h"
#include "../../kernel/thread.h"

/* What happened, in order: one character per event. */
static char order[512];

static inline void mark(char c)
{
    size_t n = strlen(order);
    if (n + 1 < sizeof order)
        order[n] = c;
}

/* cmocka set-up: a fresh kernel, an empty console, an empty order. */
static inline int boot_fresh(void **state)
{
    (void)state;
    host_boot();
    host_console_clear();
    memset(order, 0, sizeof order);
    return 0;
}

/* A thread body that marks its argument (a char) and ends. */
static inline void *mark_and_exit(void *arg)
{
    mark((char)(uintptr_t)arg);
    return NULL;
}

#define CH(c) ((void *)(uintptr_t)(c))

#endif
