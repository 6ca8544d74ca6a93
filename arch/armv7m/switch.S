/*
 * switch.S: the context switch, the CPU half.  C half: kernel_switch().
 *
 * Course idea: switching threads is saving one thread's registers and
 * loading another's. On a Cortex-M the CPU already saves half of them on the
 * thread's stack when an exception begins, so the switch runs in PendSV, the
 * lowest-priority exception, and only has to save the other half.
 *
 * Every thread runs in Thread mode on the process stack (PSP); handlers run
 * on the main stack (MSP). A thread that is not running is kept like this:
 *
 *   its stack (PSP)                     its struct thread (sp, then ctx)
 *   high +------------+                 +------------+  <- current
 *        |    xPSR    | \               |     sp     |  -> the R0 word at left
 *        |     PC     |  |  pushed by   +------------+
 *        |     LR     |  |  the CPU on  |  CONTROL   |  bit 0 nPRIV: user mode
 *        |     R12    |  |  exception   |  R4..R11   |  saved by PendSV
 *        |   R3..R0   | /   entry       +------------+
 *   low  +------------+ <- sp
 *
 * R4-R11 go to the thread control block, not the stack: the CPU pushes its
 * frame with the thread's own permissions (a user thread with a bad stack
 * pointer faults there), while a store made here would be privileged. So
 * this code never writes to a user stack. cpu.c checks the layout with
 * _Static_assert; kernel/thread.h checks that sp is at offset 0 and ctx
 * right after it.
 */
    .syntax unified
    .thumb
    .text

/* void pendsv_handler(void): entered with LR = EXC_RETURN. The stack
 * pointer goes in with the other registers: `sp` comes first in struct
 * thread and ctx right after it, so one store-multiple writes sp (R1),
 * CONTROL (R2) and R4-R11 in that order. R0-R3 are free (the CPU has
 * stacked them), and R1 is kernel_switch()'s second argument: the stack
 * pointer it checks arrives in a register. */
    .global pendsv_handler
    .type   pendsv_handler, %function
    .thumb_func
pendsv_handler:
    ldr     r3, =current
    ldr     r0, [r3]                @ r0 = the outgoing thread (sp, then ctx)
    mrs     r1, psp                 @ its stack pointer (the CPU's frame)
    mrs     r2, control
    stmia   r0, {r1, r2, r4-r11}    @ sp, CONTROL, R4-R11 into the thread
    cpsid   i                       @ the ready queues are shared with interrupts
    bl      kernel_switch           @ (prev, prev_sp): r0 = the next thread, now current
    cpsie   i
    ldmia   r0, {r1, r2, r4-r11}    @ its sp, CONTROL, R4-R11
    msr     control, r2             @ its privilege (nPRIV) in Thread mode
    msr     psp, r1                 @ the CPU pops the rest from here
    mvn     lr, #2                  @ EXC_RETURN 0xFFFFFFFD: Thread mode, PSP, no FPU
    bx      lr                      @ exception return: the next thread runs
    .size   pendsv_handler, . - pendsv_handler

/* void arch_start_first(void *sp): leave the boot code for the first thread
 * (`current`). Nothing needs saving, so instead of an exception return this
 * pops the frame by hand and jumps to the entry point. */
    .global arch_start_first
    .type   arch_start_first, %function
    .thumb_func
arch_start_first:
    ldr     r1, =_stack_top
    msr     msp, r1                 @ the boot stack becomes the handler stack
    ldr     r3, =current
    ldr     r1, [r3]
    adds    r1, r1, #4              @ its ctx, after sp
    ldmia   r1, {r2, r4-r11}        @ CONTROL, R4-R11
    orr     r2, r2, #2              @ SPSEL: Thread mode uses the PSP
    ldr     lr, [r0, #20]           @ frame LR: where the entry returns to
    ldr     r3, [r0, #24]           @ frame PC: the entry point
    ldr     r1, [r0, #0]            @ frame R0: the argument
    add     r0, r0, #32             @ as if the CPU had popped the frame
    msr     psp, r0
    msr     control, r2
    isb                             @ run on with the new stack pointer
    mov     r0, r1
    orr     r3, r3, #1              @ Thumb state
    cpsie   i
    bx      r3
    .size   arch_start_first, . - arch_start_first
