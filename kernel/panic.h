/*
 * panic.h: stop the machine when an invariant is broken, and say why.
 *
 * Course idea: a kernel that detects its own corruption should stop loudly
 * rather than run on with wrong data. panic() prints the message, the
 * running thread, and the last transitions, then halts with EXIT_PANIC.
 */
#ifndef WEFT_PANIC_H
#define WEFT_PANIC_H

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* assert for kernel invariants: the condition is stated as a sentence. */
#define KASSERT(cond, what) \
    do { if (!(cond)) panic("%s:%d: %s", __FILE__, __LINE__, what); } while (0)

#endif
