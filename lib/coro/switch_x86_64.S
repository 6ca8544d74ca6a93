/*
 * switch_x86_64.S: the coroutine switch for Linux on x86-64 (System V ABI).
 * C half: coro.c. The same contract on the board: switch_armv7m.S, and on
 * 64-bit ARM: switch_aarch64.S.
 *
 * Course idea: a switch is a function call that returns on another stack.
 * The caller of coro_resume/coro_yield already expects every caller-saved
 * register (rax rcx rdx rsi rdi r8-r11, xmm0-15, the flags) to be
 * clobbered by a call, so only what the ABI makes the callee preserve must
 * be kept: rbx rbp r12-r15 and the stack pointer. Each side pushes those on
 * its own stack; the struct coro keeps only stack pointers:
 *
 *   the stack of a side that is not running        struct coro
 *   high |  return address   | <- where it resumes   +--------+
 *        |  rbp              |                       | sp     | 0   the coroutine's, while SUSPENDED
 *        |  rbx              |                       | back   | 8   the resumer's, while RUNNING
 *   low  |  r12 .. r15       | <- saved sp           | canary | 16  lowest stack word
 *                                                    +--------+
 *
 *   void *coro_resume(struct coro *co, void *value)    rdi, rsi -> rax
 *   void *coro_yield(struct coro *self, void *value)   rdi, rsi -> rax
 *   void coro_exit_to(void *sp, void *value)           noreturn: a dead coroutine leaves
 *
 * Alignment: at a call rsp is 16-aligned, so a saved sp (after the return
 * address and six registers, 56 bytes) is 8 mod 16; coro.c builds a new
 * coroutine's first frame the same way, with coro_trampoline as the return
 * address, so rsp is 16-aligned when the trampoline calls coro_start.
 *
 * The floating-point control is the thread's, not the coroutine's. The ABI
 * also makes the control bits of MXCSR and the x87 control word (rounding
 * mode, exception masks, precision) callee-saved, and boost.context's
 * fcontext and greenlet save and load them at every switch. lib/coro does
 * not, as libco, minicoro and Go's goroutines do not and libaco lets a
 * build choose: all coroutines of a thread share one floating-point
 * control, and the rule is that a coroutine that changes it puts it back
 * before it yields or returns (save fegetround(), fesetround() it back). A
 * new coroutine therefore runs in its resumer's mode. The ASan and TSan
 * builds (and any built with -DCORO_CHECKED) check the rule at every
 * resume and name the coroutine that broke it (coro_sanitize.c). Why:
 * stmxcsr, the only way to read MXCSR, costs more on this CPU than the
 * rest of the switch together. Measured here
 * (tools/coro_bench.c, ns per switch, medians of paired rounds, fcontext
 * 5.4 in the same runs): with the four control-word instructions 5.6-6.0;
 * with fnstcw/fldcw alone about 0.5 more than with none; with stmxcsr
 * alone 5.2; with none 2.1. Checking for a change is no cheaper: it needs
 * the same stmxcsr.
 *
 * Why jmp, not ret: the CPU predicts a `ret` from its return-stack buffer,
 * which holds the call that entered this side's coro_resume or coro_yield;
 * the switch "returns" into the other side instead, so a `ret` would be
 * mispredicted every time (8.5-9.7 ns instead of 2.1 measured here). An
 * indirect jmp is predicted from the branch target buffer, which learns the
 * resume points. No pairing of call and ret fixes this: the body's call to
 * coro_yield pushed its own return onto that buffer before the resumer's
 * call to coro_resume did, so the two returns come back in the wrong order
 * for a stack. With jmp both calls' entries are simply left unused. (rcx is
 * caller-saved and not a return register, so it is free here.)
 *
 * The value crosses in rsi -> rax: whatever one side passes is what the
 * other side's call returns. Under ASan, TSan or -DCORO_CHECKED the two
 * entry points are named *_raw and wrapped by coro_sanitize.c, which tells
 * the sanitizer about each stack change and checks the floating-point rule.
 *
 * gdb: the CFI below describes the pushes, and coro_trampoline marks the
 * return address undefined, so a backtrace inside a coroutine ends there
 * instead of wandering into the stack's free space.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(CORO_CHECKED)
#define RESUME coro_resume_raw
#define YIELD  coro_yield_raw
#else
#define RESUME coro_resume
#define YIELD  coro_yield
#endif

    .text

/* Push the callee-saved registers: 48 bytes below the return address. */
.macro SAVE
    push    %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset rbp, 0
    push    %rbx
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset rbx, 0
    push    %r12
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r12, 0
    push    %r13
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r13, 0
    push    %r14
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r14, 0
    push    %r15
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r15, 0
.endm

/* Pop a frame SAVE pushed (or coro.c built) and jump into it with rsi as
 * the value. Each entry point has its own copy, so each has its own
 * indirect jmp for the branch predictor to learn: a yield's usually goes
 * back to the same place (the resumer's loop), whatever the coroutine. */
.macro RESTORE
    .cfi_def_cfa rsp, 56
    .cfi_offset rip, -8
    .cfi_offset rbp, -16
    .cfi_offset rbx, -24
    .cfi_offset r12, -32
    .cfi_offset r13, -40
    .cfi_offset r14, -48
    .cfi_offset r15, -56
    pop     %r15
    .cfi_adjust_cfa_offset -8
    pop     %r14
    .cfi_adjust_cfa_offset -8
    pop     %r13
    .cfi_adjust_cfa_offset -8
    pop     %r12
    .cfi_adjust_cfa_offset -8
    pop     %rbx
    .cfi_adjust_cfa_offset -8
    pop     %rbp
    .cfi_adjust_cfa_offset -8
    mov     %rsi, %rax
    pop     %rcx                    /* not `ret`: see "Why jmp" above */
    .cfi_adjust_cfa_offset -8
    .cfi_register rip, rcx
    jmp     *%rcx
.endm

    .globl  RESUME
    .type   RESUME, @function
    .p2align 4
RESUME:
    .cfi_startproc
    mov     (%rdi), %rax            /* its saved sp; NULL: dead */
    test    %rax, %rax
    jz      coro_resume_dead
    cmpq    $0, 8(%rdi)             /* back set: it is running */
    jne     coro_resume_running
    SAVE
    mov     %rsp, 8(%rdi)           /* back = our sp: its yield returns here */
    mov     %rax, %rsp
    RESTORE
    .cfi_endproc
    .size   RESUME, . - RESUME

    .globl  YIELD
    .type   YIELD, @function
    .p2align 4
YIELD:
    .cfi_startproc
    SAVE
    mov     16(%rdi), %rax          /* the canary must still hold its own address */
    cmp     %rax, (%rax)
    jne     overflow
    mov     %rsp, (%rdi)            /* sp = our sp: the next resume returns here */
    mov     8(%rdi), %rax
    movq    $0, 8(%rdi)             /* no longer running */
    mov     %rax, %rsp
    .cfi_remember_state
    RESTORE
    .cfi_restore_state
overflow:                           /* report from the resumer's stack, not the smashed one */
    mov     8(%rdi), %rsp
    and     $-16, %rsp              /* a saved sp is 8 mod 16; a call wants 0 */
    call    coro_overflow
    ud2
    .cfi_endproc
    .size   YIELD, . - YIELD

    .globl  coro_exit_to
    .type   coro_exit_to, @function
coro_exit_to:
    .cfi_startproc
    mov     %rdi, %rsp
    RESTORE
    .cfi_endproc
    .size   coro_exit_to, . - coro_exit_to

/* A new coroutine's first "return" lands here with rbx = the struct coro
 * (from the first frame) and rax = the first resume's value. */
    .globl  coro_trampoline
    .type   coro_trampoline, @function
coro_trampoline:
    .cfi_startproc
    .cfi_undefined rip              /* the outermost frame: backtraces stop here */
    mov     %rbx, %rdi
    mov     %rax, %rsi
    call    coro_start              /* never returns */
    ud2
    .cfi_endproc
    .size   coro_trampoline, . - coro_trampoline

    .section .note.GNU-stack, "", @progbits
