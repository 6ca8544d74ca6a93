/*
 * arch.h: the one contract between the portable kernel and a CPU.
 *
 * Course idea: a kernel is a portable core plus a thin layer that knows the
 * machine. Everything in kernel/ reaches the hardware only through the calls
 * below; kernel/ includes no CPU header. Two ports implement this contract:
 *
 *   arch/armv7m/  the real one (Cortex-M3 on QEMU mps2-an385): PendSV does the
 *                 context switch (switch.S), SysTick is the tick.
 *   arch/linux/   a host port for unit tests: ucontext does the switch and a
 *                 test calls kernel_tick() itself when it wants time to pass.
 *
 * Read next: arch/armv7m/switch.S (the switch), kernel/sched.c (its C half).
 */
#ifndef WEFT_ARCH_H
#define WEFT_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses of the whole machine (QEMU's exit status on the board). A
 * test image exits with its failure count, capped below these. */
enum {
    EXIT_OK = 0,
    EXIT_TESTS_CAP = 100,   /* a test image reports min(failures, 100) */
    EXIT_PANIC = 101,       /* the kernel found a broken invariant */
    EXIT_FAULT = 102,       /* the CPU faulted in kernel code */
};

/* Registers a port keeps in the thread control block rather than on the
 * thread's stack (the ARMv7-M port keeps R4-R11 and CONTROL here, so that a
 * user thread's stack only ever receives what the CPU itself pushed with the
 * user's permissions). It follows `sp`, the first member of struct thread. */
struct arch_ctx {
    uintptr_t saved[9];
};

/* ---- Called by the core, implemented by each port ---------------------- */

/* Set up the CPU: exception priorities, fault reporting, the idle sleep. */
void arch_init(void);

/* Build the first saved context of a new thread in ctx and on the stack whose
 * top is `top`, so that the first switch to it starts entry(arg) as if it had been
 * interrupted just before its first instruction. When entry returns, its
 * return value is passed to on_return(), which must not return.
 * Returns the saved stack pointer to store in the thread. */
void *arch_stack_init(struct arch_ctx *ctx, void *top, void *(*entry)(void *),
                      void *arg, void (*on_return)(void *value));

/* Ask for a context switch. It happens as soon as interrupts are enabled and
 * no interrupt handler is running: the port then calls kernel_switch(). */
#if !defined(__ARM_ARCH_7M__)
void arch_switch_request(void);             /* inline on the board, below */
#endif

/* Same for a thread that runs in user mode (unprivileged, under the MPU) on
 * the user stack whose top is `utop`: it starts at entry with R0 = a0 and
 * R1 = a1. A user entry must never return (its runtime ends the thread with
 * a system call); returning faults, which kills the process. `ktop` is the
 * top of the thread's kernel stack, for a port that has no user mode and
 * runs a stand-in for the program there (arch/linux); the board ignores it. */
void *arch_user_stack_init(struct arch_ctx *ctx, void *ktop, void *utop, uintptr_t entry,
                           uintptr_t a0, uintptr_t a1);

/* Turn on what user mode needs beyond threads: system calls and the
 * killing of a faulting user thread's process. Called by kernel/proc.c. */
void arch_user_mode_init(void);

/* An address space, as the MPU sees it: a process's block, the read-only
 * executable code region at its start, and up to ARCH_MM_SEGS shared
 * segments (power-of-two sizes, aligned to their size). */
#define ARCH_MM_SEGS 2
struct arch_mm {
    uint32_t regs[4];
    uint32_t seg[ARCH_MM_SEGS][2];  /* a segment's RBAR, RASR; RASR 0: none */
    uint32_t segs;                  /* bit i: slot i holds a segment */
};
/* The block [base, base + size) with its code region [base, base +
 * code_size) (both powers of two, aligned to their size), of which only
 * [base, base + code_used) is code: code_used is a multiple of code_size / 8
 * (the MPU's subregions), or code_size. [top, base + size) is hidden from
 * user mode: whole eighths of the block (top == base + size: none). */
void arch_mm_init(struct arch_mm *mm, uintptr_t base, uint32_t size, uint32_t code_size,
                  uint32_t code_used, uintptr_t top);
/* Hide [top, end of block) from user mode and show the rest (outside the
 * code) again: top a multiple of size / 8 from base. Takes effect now if mm
 * is loaded. */
void arch_mm_set_top(struct arch_mm *mm, uintptr_t top);
/* Put segment [base, base + size) in slot i of mm (size 0: empty the
 * slot). Takes effect at the next arch_mm_switch(mm). */
void arch_mm_seg(struct arch_mm *mm, int i, uintptr_t base, uint32_t size);
/* Make mm the user-accessible memory (NULL: none, and no guard either),
 * now, whatever is loaded. For a process whose segments changed while it
 * runs (kernel/shm.c), and for one whose memory is being freed. */
void arch_mm_switch(const struct arch_mm *mm);
/* Make [guard, guard + ARCH_GUARD_SIZE) inaccessible to user mode: the
 * running thread's stack guard (0: none). guard is ARCH_GUARD_SIZE-aligned. */
#define ARCH_GUARD_SIZE 32u
/* The context switch's call (only there: an exception return follows it,
 * which the port may count on), for an incoming user thread: mm (its
 * process's memory) and guard (its stack's guard, never 0: every user
 * thread has one, kernel/proc.c) become what user mode sees. The guard
 * names the thread's memory (guards lie in their process's block): the
 * port remembers the guard it loaded, and loads nothing for the same one,
 * everything, with one barrier, for another. */
void arch_mm_load(const struct arch_mm *mm, uintptr_t guard);
/* mm's memory is being freed: if it is loaded, unload it (as
 * arch_mm_switch(NULL)), so that no region outlives the memory. */
void arch_mm_forget(const struct arch_mm *mm);

/* Where processes' memory lives: sets *base and returns log2 of its size
 * (a power of two, aligned to itself, for kernel/buddy.c). */
unsigned arch_proc_arena(uintptr_t *base);

/* Start the first thread (whose saved stack pointer is sp). Never returns. */
void arch_start_first(void *sp) __attribute__((noreturn));

/* Mask and unmask interrupts. save() returns the previous mask so critical
 * sections nest: `uint32_t s = arch_irq_save(); ...; arch_irq_restore(s);`
 * (Inline on the board: see the end of this header.) */
#if !defined(__ARM_ARCH_7M__)
uint32_t arch_irq_save(void);
void arch_irq_restore(uint32_t saved);
#endif

/* Unmask and mask unconditionally. Only the scheduler uses these, to let a
 * requested switch happen in the middle of a critical section it owns, and
 * the exit paths, which never come back. enable() leaves every critical
 * section: the nesting depth below becomes 0. disable() leaves it as it is. */
#if !defined(__ARM_ARCH_7M__)
void arch_irq_enable(void);                 /* inline on the board, below */
void arch_irq_disable(void);
#endif

/* The locking checks (docs/states.md, "the locking rule"). With IRQ_CHECKS
 * (the default; the bench images are built with -DIRQ_CHECKS=0) a port
 * counts the nesting depth: the arch_irq_save() calls of the running code
 * not yet matched by arch_irq_restore(). save() masks before it counts and
 * restore() counts before it unmasks, so whenever interrupts are on in a
 * thread the depth is 0, and every switch happens at depth 0: the depth
 * needs no saving per thread. A thread blocks from inside exactly one
 * critical section (its own, depth 1); the scheduler opens it with
 * arch_irq_enable() for the switch and re-enters it with arch_irq_save().
 * arch_init() starts the count at 0. */
#ifndef IRQ_CHECKS
#define IRQ_CHECKS 1
#endif
uint32_t arch_irq_depth(void);      /* 0 when IRQ_CHECKS is 0 */

/* True while interrupts are masked. Every `_locked` function asks on entry,
 * so on the board it is inline: one read of PRIMASK, one test. (The one
 * place this header knows the CPU; the host port's is in arch/linux/cpu.c.) */
#if defined(__ARM_ARCH_7M__)
static inline bool arch_irq_masked(void)
{
    uint32_t primask;
    __asm volatile ("mrs %0, primask" : "=r"(primask) :: "memory");
    return primask & 1;
}
#else
bool arch_irq_masked(void);
#endif

/* On the board, the calls every critical section and every switch make are
 * inline too (a call and a return would cost more than their bodies). The
 * depth is arch/armv7m/cpu.c's; the switch request is a write to the
 * System Control Block's ICSR (PENDSVSET), as arch/armv7m/regs.h names it. */
#if defined(__ARM_ARCH_7M__)
extern uint32_t arch_irq_nesting;
static inline uint32_t arch_irq_save(void)
{
    uint32_t primask;
    __asm volatile ("mrs %0, primask\n\tcpsid i" : "=r"(primask) :: "memory");
    if (IRQ_CHECKS)
        arch_irq_nesting++;         /* after the mask: no switch sees it */
    return primask;
}

static inline void arch_irq_restore(uint32_t saved)
{
    if (IRQ_CHECKS)
        arch_irq_nesting--;         /* before the unmask: a switch may follow */
    __asm volatile ("msr primask, %0" :: "r"(saved) : "memory");
}

static inline void arch_irq_enable(void)
{
    if (IRQ_CHECKS)
        arch_irq_nesting = 0;
    __asm volatile ("cpsie i" ::: "memory");
}

static inline void arch_irq_disable(void) { __asm volatile ("cpsid i" ::: "memory"); }

/* IPSR: the number of the exception being handled, 0 in a thread (the
 * same number as ICSR's VECTACTIVE, read from a register instead of the
 * system control space: one MRS, not a load, a mask and a literal). */
static inline bool arch_in_isr(void)
{
    uint32_t ipsr;
    __asm volatile ("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
}

/* PendSV runs when nothing more urgent is running and PRIMASK is clear. */
static inline void arch_switch_request(void)
{
    *(volatile uint32_t *)0xE000ED04u = 1u << 28;   /* ICSR = PENDSVSET */
    __asm volatile ("dsb" ::: "memory");
}
#endif

/* True when called from an interrupt handler rather than a thread. */
#if !defined(__ARM_ARCH_7M__)
bool arch_in_isr(void);                     /* inline on the board, below */
#endif

/* Called with interrupts masked by the idle thread when nothing is ready:
 * sleep until an interrupt is pending, let it run, return masked again. The
 * mask closes the race between "nothing is ready" and going to sleep. */
void arch_idle_wait(void);

/* Start the periodic tick; it calls kernel_tick() `hz` times a second. */
void arch_tick_start(uint32_t hz);

/* Write one byte to the console without interrupts (boot, panic, faults). */
void arch_putc_polled(char c);

/* Leave the machine with a status (QEMU exits with it). */
void arch_halt(int status) __attribute__((noreturn));

/* ---- Implemented by the core, called by each port ---------------------- */

/* The C half of the context switch, called with interrupts masked. It is
 * handed the outgoing thread (`current`), whose registers the port has
 * saved in its arch_ctx and whose stack pointer in its `sp` (and passes as
 * prev_sp too), and returns the incoming one, `current` from then on, whose
 * arch_ctx and sp the port restores. See kernel/sched.c. */
struct thread;
struct thread *kernel_switch(struct thread *prev, void *prev_sp);

/* The tick interrupt: advances time, wakes sleepers, ends time slices. */
void kernel_tick(void);

/* A system call. The port runs it in the calling thread, privileged, on the
 * thread's kernel stack, with the call number in current->sysno; its result
 * goes back to the caller's R0. See kernel/syscall.c. */
long kernel_syscall(long a0, long a1, long a2, long a3);

/* The calls that never block (FAST in kernel/syscalls.h), by number; NULL
 * for every other. A port may run one straight from its trap handler, in
 * one trap: the arguments in current->sysargs, current->in_syscall set
 * while it runs, the handler's result to the caller's R0, and the same last
 * kill check on the way out as kernel_syscall()'s calls get. A port without
 * such a path (arch/linux) runs them through kernel_syscall() like any
 * other. Sized SYS_NCALLS (kernel/uapi.h). */
extern long (*const kernel_fast_syscalls[])(void);

/* A fault in user mode, as the port reports it: what the CPU saw, as data.
 * What it means (a NULL read, a stack overflow...) and what happens to
 * the process are the kernel's to decide (kernel/ufault.c). */
enum arch_fault_kind {
    ARCH_FAULT_ACCESS,      /* the MPU refused a data access (addr) */
    ARCH_FAULT_EXEC,        /* the MPU refused an instruction fetch */
    ARCH_FAULT_BUS,         /* no memory or device answered (addr, if valid) */
    ARCH_FAULT_STACKING,    /* the CPU could not push the exception frame */
    ARCH_FAULT_UNDEF,       /* an undefined instruction or an invalid state */
    ARCH_FAULT_DIVZERO,     /* integer division by zero */
    ARCH_FAULT_UNALIGNED,   /* an access the CPU will not do unaligned */
    ARCH_FAULT_OTHER,
};
struct arch_fault {
    uint8_t exception;      /* FAULT_MEMMANAGE .. FAULT_HARDFAULT (kernel/uapi.h) */
    uint8_t kind;           /* enum arch_fault_kind */
    uint8_t addr_valid;     /* addr is the address the access was refused at */
    char access;            /* 'r' read, 'w' write, '?' unknown */
    uintptr_t addr, pc;     /* pc: 0 when no frame was stacked */
    char hw[40];            /* the hardware's own words: "MemManage DACCVIOL" */
};

/* A user thread faulted. The port runs this in the faulting thread,
 * privileged, on its kernel stack (the user stack may be the problem), with
 * the fault as data. It ends the process. Never returns. */
void kernel_user_fault(const struct arch_fault *f) __attribute__((noreturn));

/* A user thread's process is ending (kill_pending) and the thread was about
 * to go back to user mode: the port runs this instead, in the thread,
 * privileged, where it ends. Never returns. */
void kernel_thread_killed(void) __attribute__((noreturn));

#endif
