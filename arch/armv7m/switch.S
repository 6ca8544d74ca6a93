/*
 * switch.S: the context switch, the CPU half.  C half: kernel_switch().
 *
 * Course idea: switching threads is saving one thread's registers on its own
 * stack and loading another's from its stack. On a Cortex-M the hardware
 * already saves half of them when an exception begins, so the switch runs in
 * PendSV, the lowest-priority exception: it only has to save the other half.
 *
 * Every thread runs in Thread mode on the process stack (PSP); handlers run
 * on the main stack (MSP). A thread that is not running has this frame at
 * the top of its stack, and thread->sp points at its lowest word:
 *
 *   high  +------------+
 *         |    xPSR    |  \
 *         |     PC     |   |
 *         |     LR     |   |  saved by the CPU on exception entry,
 *         |     R12    |   |  restored by the CPU on exception return
 *         |   R3..R0   |  /   (R0 at the lowest of these 8 words)
 *         +------------+
 *         |  R11..R4   |  \   saved here by PendSV
 *         |  CONTROL   |  /   (bit 0 nPRIV: user or kernel mode)
 *   low   +------------+  <- thread->sp
 *
 * kernel/thread.c builds the same frame for a new thread (arch_stack_init in
 * cpu.c), and the _Static_asserts there check the offsets match this file.
 */
    .syntax unified
    .thumb
    .text

/* void pendsv_handler(void): entered with LR = EXC_RETURN. */
    .global pendsv_handler
    .type   pendsv_handler, %function
    .thumb_func
pendsv_handler:
    mrs     r0, psp                 @ r0 = outgoing thread's stack
    mrs     r2, control
    stmdb   r0!, {r2, r4-r11}       @ push CONTROL and R4-R11 below the CPU's frame
    cpsid   i                       @ the ready queues are shared with interrupts
    bl      kernel_switch           @ r0 = kernel_switch(r0): the next thread's sp
    cpsie   i
    ldmia   r0!, {r2, r4-r11}       @ pop its CONTROL and R4-R11
    msr     control, r2             @ its privilege (nPRIV) for Thread mode
    msr     psp, r0                 @ the CPU pops the rest from here
    mvn     lr, #2                  @ EXC_RETURN 0xFFFFFFFD: Thread mode, PSP, no FPU
    bx      lr                      @ exception return: the next thread runs
    .size   pendsv_handler, . - pendsv_handler

/* void arch_start_first(void *sp): leave the boot code for the first thread.
 * Nothing needs saving, so instead of an exception return this pops the
 * frame by hand: software part, then the CPU's, then jumps to the entry. */
    .global arch_start_first
    .type   arch_start_first, %function
    .thumb_func
arch_start_first:
    ldr     r1, =_stack_top
    msr     msp, r1                 @ the boot stack becomes the handler stack
    ldmia   r0!, {r2, r4-r11}       @ CONTROL, R4-R11
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
