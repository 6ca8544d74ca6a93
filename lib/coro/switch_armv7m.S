/*
 * switch_armv7m.S: the coroutine switch for weft (Thumb-2, ARMv7-M, AAPCS).
 * C half: coro.c. The same contract on Linux: switch_x86_64.S.
 *
 * Course idea: a switch is a function call that returns on another stack.
 * AAPCS lets a call clobber r0-r3, r12, lr and the flags, so only r4-r11,
 * the stack pointer and the return address must be kept. The Cortex-M3 has
 * no FPU; a port to a Cortex-M4F would add s16-s31 (callee-saved) and
 * FPSCR's control bits. Unlike the kernel's switch (arch/armv7m/switch.S)
 * this runs entirely in Thread mode, in user code: no exception, no system
 * call, nothing the kernel sees.
 *
 *   the stack of a side that is not running        struct coro
 *   high |  lr (resume point)  |                     +--------+
 *        |  r11 .. r4          |                     | sp     | 0  the coroutine's, while SUSPENDED
 *   low  +---------------------+ <- saved sp         | back   | 4  the resumer's, while RUNNING
 *                                                    | canary | 8  lowest stack word
 *                                                    +--------+
 *   void *coro_resume(struct coro *co, void *value)    r0, r1 -> r0
 *   void *coro_yield(struct coro *self, void *value)   r0, r1 -> r0
 *   void coro_exit_to(void *sp, void *value)           noreturn: a dead coroutine leaves
 *
 * Alignment: AAPCS wants sp 8-aligned at calls; the 36-byte frame is pushed
 * and popped whole, and coro.c places a new coroutine's first frame so that
 * sp is 8-aligned when coro_trampoline calls coro_start.
 *
 * Count (the aim is at most 14 per switch): resume is 9 instructions with
 * its two checks (dead, already running), yield 12 with the canary check.
 * Measured: tests/target/bench_coro.c.
 */
    .syntax unified
    .thumb
    .text
    .cfi_sections .debug_frame

    .global coro_resume
    .type   coro_resume, %function
    .thumb_func
coro_resume:
    .cfi_startproc
    ldr     r2, [r0, #0]            @ its saved sp; 0: dead
    ldr     r3, [r0, #4]            @ back; set: running
    cbz     r2, 1f
    cbnz    r3, 2f
    push    {r4-r11, lr}
    .cfi_adjust_cfa_offset 36
    .cfi_rel_offset r4, 0
    .cfi_rel_offset r5, 4
    .cfi_rel_offset r6, 8
    .cfi_rel_offset r7, 12
    .cfi_rel_offset r8, 16
    .cfi_rel_offset r9, 20
    .cfi_rel_offset r10, 24
    .cfi_rel_offset r11, 28
    .cfi_rel_offset lr, 32
    str     sp, [r0, #4]            @ back = our sp: its yield returns here
    mov     sp, r2
    mov     r0, r1
    pop     {r4-r11, pc}
1:  b       coro_resume_dead
2:  b       coro_resume_running
    .cfi_endproc
    .size   coro_resume, . - coro_resume

    .global coro_yield
    .type   coro_yield, %function
    .thumb_func
coro_yield:
    .cfi_startproc
    push    {r4-r11, lr}
    .cfi_adjust_cfa_offset 36
    .cfi_rel_offset r4, 0
    .cfi_rel_offset r5, 4
    .cfi_rel_offset r6, 8
    .cfi_rel_offset r7, 12
    .cfi_rel_offset r8, 16
    .cfi_rel_offset r9, 20
    .cfi_rel_offset r10, 24
    .cfi_rel_offset r11, 28
    .cfi_rel_offset lr, 32
    ldr     r2, [r0, #8]            @ the canary must still hold its own address
    ldr     r3, [r2]
    cmp     r3, r2
    bne     9f
    str     sp, [r0, #0]            @ sp = our sp: the next resume returns here
    ldr     r2, [r0, #4]
    movs    r3, #0
    str     r3, [r0, #4]            @ no longer running
    mov     sp, r2
    mov     r0, r1
    pop     {r4-r11, pc}
9:  ldr     r2, [r0, #4]            @ report from the resumer's stack
    mov     sp, r2
    b       coro_overflow
    .cfi_endproc
    .size   coro_yield, . - coro_yield

    .global coro_exit_to
    .type   coro_exit_to, %function
    .thumb_func
coro_exit_to:
    mov     sp, r0
    mov     r0, r1
    pop     {r4-r11, pc}
    .size   coro_exit_to, . - coro_exit_to

/* A new coroutine's first "return" lands here with r4 = the struct coro
 * (from the first frame) and r0 = the first resume's value. */
    .global coro_trampoline
    .type   coro_trampoline, %function
    .thumb_func
coro_trampoline:
    .cfi_startproc
    .cfi_undefined lr               @ the outermost frame: backtraces stop here
    mov     r1, r0
    mov     r0, r4
    bl      coro_start              @ never returns
    udf     #0
    .cfi_endproc
    .size   coro_trampoline, . - coro_trampoline
