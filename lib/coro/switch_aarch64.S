/*
 * switch_aarch64.S: the coroutine switch for Linux on 64-bit ARM (AAPCS64).
 * C half: coro.c. The same contract as switch_x86_64.S; read that first.
 *
 * Course idea: a switch is a function call that returns on another stack.
 * The caller already expects x0-x18, the flags and all but the low halves
 * of v8-v15 to be clobbered by a call; AAPCS64 makes the callee preserve
 * x19-x28, the frame pointer x29, the stack pointer and d8-d15 (the low 64
 * bits of v8-v15). The return address arrives in the link register x30, so
 * it is saved with them. Each side stores those on its own stack; the
 * struct coro keeps only stack pointers:
 *
 *   the stack of a side that is not running        struct coro
 *   high |  d14 d15          | +144                  +--------+
 *        |  d8 .. d13        | +96                   | sp     | 0   the coroutine's, while SUSPENDED
 *        |  x29  x30 (return)| +80 <- where it       | back   | 8   the resumer's, while RUNNING
 *        |  x19 .. x28       |        resumes        | canary | 16  lowest stack word
 *   low                        <- saved sp           +--------+
 *
 *   void *coro_resume(struct coro *co, void *value)    x0, x1 -> x0
 *   void *coro_yield(struct coro *self, void *value)   x0, x1 -> x0
 *   void coro_exit_to(void *sp, void *value)           noreturn: a dead coroutine leaves
 *
 * Alignment: sp must always be 16-aligned on AArch64 (the hardware checks
 * it on every access through sp), and the frame is 160 bytes, so every
 * saved sp is 16-aligned. coro.c builds a new coroutine's first frame the
 * same way: x19 = the struct coro, x29 = 0 (the frame chain ends there),
 * x30 = coro_trampoline.
 *
 * The floating-point control (FPCR: rounding mode, flush-to-zero, trap
 * enables) is the thread's, shared by its coroutines, exactly as MXCSR is
 * on x86-64; the rule and its check are in switch_x86_64.S.
 *
 * `br x30`, not `ret`: `ret` is predicted from the return-stack buffer,
 * which holds the call into this side's resume or yield; the switch lands
 * on the other side, so `ret` would be mispredicted at every switch (the
 * x86-64 figures are in switch_x86_64.S; this file is checked under
 * qemu-user, where time means nothing, and was not timed on hardware).
 * `br` is predicted from the branch target buffer.
 *
 * Under ASan, TSan or -DCORO_CHECKED the entry points are named *_raw and
 * wrapped by coro_sanitize.c. The CFI describes the saved registers, and
 * coro_trampoline marks the return address undefined, so a backtrace in
 * gdb ends there.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(CORO_CHECKED)
#define RESUME coro_resume_raw
#define YIELD  coro_yield_raw
#else
#define RESUME coro_resume
#define YIELD  coro_yield
#endif

#define FRAME 160

    .text

/* Store the callee-saved registers in a new FRAME below sp. */
.macro SAVE
    sub     sp, sp, #FRAME
    .cfi_adjust_cfa_offset FRAME
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    .cfi_rel_offset x19, 0
    .cfi_rel_offset x20, 8
    .cfi_rel_offset x21, 16
    .cfi_rel_offset x22, 24
    .cfi_rel_offset x23, 32
    .cfi_rel_offset x24, 40
    .cfi_rel_offset x25, 48
    .cfi_rel_offset x26, 56
    .cfi_rel_offset x27, 64
    .cfi_rel_offset x28, 72
    .cfi_rel_offset x29, 80
    .cfi_rel_offset x30, 88
.endm

/* Load a frame SAVE stored (or coro.c built) and continue at its x30 with
 * x1 as the value. Each entry point has its own copy, and so its own `br`
 * for the predictor to learn (as in switch_x86_64.S). */
.macro RESTORE
    .cfi_def_cfa sp, FRAME
    .cfi_offset x19, -160
    .cfi_offset x20, -152
    .cfi_offset x21, -144
    .cfi_offset x22, -136
    .cfi_offset x23, -128
    .cfi_offset x24, -120
    .cfi_offset x25, -112
    .cfi_offset x26, -104
    .cfi_offset x27, -96
    .cfi_offset x28, -88
    .cfi_offset x29, -80
    .cfi_offset x30, -72
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #FRAME
    .cfi_def_cfa_offset 0
    mov     x0, x1
    br      x30                     /* not `ret`: see above */
.endm

    .globl  RESUME
    .type   RESUME, %function
    .p2align 4
RESUME:
    .cfi_startproc
    ldr     x9, [x0, #0]            /* its saved sp; 0: dead */
    cbz     x9, 1f
    ldr     x10, [x0, #8]           /* back set: it is running */
    cbnz    x10, 2f
    SAVE
    mov     x10, sp
    str     x10, [x0, #8]           /* back = our sp: its yield returns here */
    mov     sp, x9
    .cfi_remember_state
    RESTORE
    .cfi_restore_state
1:  b       coro_resume_dead        /* x0 is still the coroutine */
2:  b       coro_resume_running
    .cfi_endproc
    .size   RESUME, . - RESUME

    .globl  YIELD
    .type   YIELD, %function
    .p2align 4
YIELD:
    .cfi_startproc
    SAVE
    ldr     x9, [x0, #16]           /* the canary must still hold its own address */
    ldr     x10, [x9]
    cmp     x10, x9
    b.ne    overflow
    mov     x10, sp
    str     x10, [x0, #0]           /* sp = our sp: the next resume returns here */
    ldr     x9, [x0, #8]
    str     xzr, [x0, #8]           /* no longer running */
    mov     sp, x9
    .cfi_remember_state
    RESTORE
    .cfi_restore_state
overflow:                           /* report from the resumer's stack, not the smashed one */
    ldr     x9, [x0, #8]
    mov     sp, x9
    bl      coro_overflow
    brk     #0
    .cfi_endproc
    .size   YIELD, . - YIELD

    .globl  coro_exit_to
    .type   coro_exit_to, %function
coro_exit_to:
    .cfi_startproc
    mov     sp, x0
    RESTORE
    .cfi_endproc
    .size   coro_exit_to, . - coro_exit_to

/* A new coroutine's first "return" lands here with x19 = the struct coro
 * (from the first frame) and x0 = the first resume's value. */
    .globl  coro_trampoline
    .type   coro_trampoline, %function
coro_trampoline:
    .cfi_startproc
    .cfi_undefined x30              /* the outermost frame: backtraces stop here */
    mov     x1, x0
    mov     x0, x19
    bl      coro_start              /* never returns */
    brk     #0
    .cfi_endproc
    .size   coro_trampoline, . - coro_trampoline

    .section .note.GNU-stack, "", %progbits
