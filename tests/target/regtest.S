/*
 * regtest.S: register-test threads, the most direct test of a context switch.
 *
 * Course idea: a thread must not be able to tell that it was interrupted.
 * Each thread below fills registers with values no other thread uses, then
 * checks them in an endless loop while the tick and a higher-priority thread
 * preempt it thousands of times (tests/target/test_regs.c). Any register the
 * switch forgot to save, or restored from the wrong thread, shows up as a
 * mismatch: the thread counts it in regtest_errors, records its own id in
 * regtest_failed, and stops counting (it spins, so the runner sees both).
 *
 *   regtest_a, regtest_b  r0-r12 and lr = 0xXYXYXYXY with X = A or B and
 *                         Y = the register number (lr uses Y = E); they are
 *                         only ever preempted (the PendSV path, all registers).
 *   regtest_y             r4-r11 = 0xC4C4C4C4..0xCBCBCBCB, then calls
 *                         thread_yield() in a loop: the voluntary path, which
 *                         must keep the callee-saved registers (AAPCS).
 *
 * Every value has the form 0xXYXYXYXY, which Thumb-2 encodes as an
 * immediate, so the checks need no scratch register. Each pass of a loop
 * adds 1 to regtest_count[i], using r0/r1 only between a push and a pop.
 *
 * void *regtest_a(void *), regtest_b(void *), regtest_y(void *): never return.
 */
    .syntax unified
    .thumb
    .text

#define PAT(x) ((x) * 0x01010101)

/* A thread body that fills r0-r12 and lr from base byte b and checks them. */
    .macro PREEMPTED name, b, idx
    .global \name
    .type   \name, %function
    .thumb_func
\name:
    mov     r0, #PAT(\b + 0)
    mov     r1, #PAT(\b + 1)
    mov     r2, #PAT(\b + 2)
    mov     r3, #PAT(\b + 3)
    mov     r4, #PAT(\b + 4)
    mov     r5, #PAT(\b + 5)
    mov     r6, #PAT(\b + 6)
    mov     r7, #PAT(\b + 7)
    mov     r8, #PAT(\b + 8)
    mov     r9, #PAT(\b + 9)
    mov     r10, #PAT(\b + 10)
    mov     r11, #PAT(\b + 11)
    mov     r12, #PAT(\b + 12)
    mov     lr, #PAT(\b + 14)
1:  cmp     r0, #PAT(\b + 0)
    bne     9f
    cmp     r1, #PAT(\b + 1)
    bne     9f
    cmp     r2, #PAT(\b + 2)
    bne     9f
    cmp     r3, #PAT(\b + 3)
    bne     9f
    cmp     r4, #PAT(\b + 4)
    bne     9f
    cmp     r5, #PAT(\b + 5)
    bne     9f
    cmp     r6, #PAT(\b + 6)
    bne     9f
    cmp     r7, #PAT(\b + 7)
    bne     9f
    cmp     r8, #PAT(\b + 8)
    bne     9f
    cmp     r9, #PAT(\b + 9)
    bne     9f
    cmp     r10, #PAT(\b + 10)
    bne     9f
    cmp     r11, #PAT(\b + 11)
    bne     9f
    cmp     r12, #PAT(\b + 12)
    bne     9f
    cmp     lr, #PAT(\b + 14)
    bne     9f
    push    {r0, r1}                @ count this pass
    ldr     r0, =regtest_count + 4 * \idx
    ldr     r1, [r0]
    adds    r1, r1, #1
    str     r1, [r0]
    pop     {r0, r1}
    b       1b
9:  movs    r0, #\idx
    b       regtest_fail
    .size   \name, . - \name
    .endm

    PREEMPTED regtest_a, 0xA0, 0
    PREEMPTED regtest_b, 0xB0, 1

/* The voluntary path: only r4-r11 must survive thread_yield(). */
    .global regtest_y
    .type   regtest_y, %function
    .thumb_func
regtest_y:
    mov     r4, #PAT(0xC4)
    mov     r5, #PAT(0xC5)
    mov     r6, #PAT(0xC6)
    mov     r7, #PAT(0xC7)
    mov     r8, #PAT(0xC8)
    mov     r9, #PAT(0xC9)
    mov     r10, #PAT(0xCA)
    mov     r11, #PAT(0xCB)
1:  bl      thread_yield
    cmp     r4, #PAT(0xC4)
    bne     9f
    cmp     r5, #PAT(0xC5)
    bne     9f
    cmp     r6, #PAT(0xC6)
    bne     9f
    cmp     r7, #PAT(0xC7)
    bne     9f
    cmp     r8, #PAT(0xC8)
    bne     9f
    cmp     r9, #PAT(0xC9)
    bne     9f
    cmp     r10, #PAT(0xCA)
    bne     9f
    cmp     r11, #PAT(0xCB)
    bne     9f
    ldr     r0, =regtest_count + 4 * 2
    ldr     r1, [r0]
    adds    r1, r1, #1
    str     r1, [r0]
    b       1b
9:  movs    r0, #2
    b       regtest_fail
    .size   regtest_y, . - regtest_y

/* r0 = the failing thread's index: record it and spin (the registers are
 * left as found, for a debugger). */
    .type   regtest_fail, %function
    .thumb_func
regtest_fail:
    ldr     r1, =regtest_failed
    str     r0, [r1]
    ldr     r1, =regtest_errors
    ldr     r2, [r1]
    adds    r2, r2, #1
    str     r2, [r1]
1:  b       1b
    .size   regtest_fail, . - regtest_fail

    .ltorg
