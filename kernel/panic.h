/*
 * panic.h: stop the machine when an invariant is broken, and say why.
 *
 * Course idea: a kernel that detects its own corruption should stop loudly
 * rather than run on with wrong data. panic() prints the message, the
 * running thread, and the last transitions, then halts with EXIT_PANIC.
 */
#ifndef WEFT_PANIC_H
#define WEFT_PANIC_H

#include "../arch/arch.h"

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* assert for kernel invariants: the condition is stated as a sentence. */
#define KASSERT(cond, what) \
    do { if (!(cond)) panic("%s:%d: %s", __FILE__, __LINE__, what); } while (0)

/* The locking rule (docs/states.md): every `_locked` function and every
 * state change runs with interrupts masked. Its first statement is
 * ASSERT_LOCKED(), one test of the mask, which panics naming the function.
 * Out of the bench images with IRQ_CHECKS=0 (arch/arch.h). */
#define ASSERT_LOCKED() \
    do { if (IRQ_CHECKS && !arch_irq_masked()) panic_unlocked(__func__); } while (0)
void panic_unlocked(const char *function) __attribute__((noreturn, cold));

#endif
