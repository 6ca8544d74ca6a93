/*
 * svc.c: entering and leaving the kernel from user mode: system calls and
 * user faults.
 *
 * Course idea: user mode and kernel mode. A user thread runs unprivileged on
 * its user stack. `svc 0` raises the SVCall exception, and the call is run
 * one of two ways, as kernel/syscalls.h marks it:
 *
 * FAST (getpid, yield, sem_post...: calls that never block). The handler
 * runs the call itself, in one trap, with the arguments from the frame the
 * CPU stacked, and puts the result in that frame's R0:
 *
 *   user:   svc 0 --> SVCall: sysargs from the frame, in_syscall = 1,
 *                             sys_getpid(), the last kill check,
 *                             R0 = result, return --> user, after its svc
 *
 * BLOCKING (everything that may wait). A handler cannot block, so it turns
 * the thread into a privileged thread running kernel_syscall() on its own
 * kernel stack:
 *
 *   user:   svc 0 --------------------------------------+
 *   SVCall: save the user SP, build a frame on the       |
 *           kernel stack, clear nPRIV, return into it    v
 *   kernel: kernel_syscall(a0..a3) -- may block, may be preempted --
 *           returns into svc_return_stub: svc 0 again (now privileged)
 *   SVCall: the last kill check, result -> the user's R0, user SP back,
 *           set nPRIV, return
 *   user:   continues after its svc, R0 = result
 *
 * Privilege tells the two SVCs of a blocking call apart: from user mode it
 * is a call, from the kernel (only svc_return_stub issues one) the way back.
 * Both kinds leave through leave(), the last check for a kill (xv6 checks
 * `killed` on every return to user mode). A thread counts as in the kernel
 * while in_syscall is set: a kill then only marks it (kill_pending), and it
 * ends here instead of returning. The check and the clearing of in_syscall
 * are one step, under the interrupt mask, so a kill from an interrupt
 * handler (Ctrl-C) either lands before the check or finds the thread in
 * user mode and ends it at once (kernel/proc.c, end_current_locked).
 *
 * While a fast call runs, SysTick and device interrupts may still preempt
 * it (SVCall is less urgent than they are); PendSV may not, so a switch it
 * asks for (yield, waking a more urgent thread) happens just after it
 * returns, with R0 already in the frame. A fast handler reaches user memory
 * only through the gateway (kernel/syscall.h), which checks the whole range
 * first, as for a blocking one: on either path a fault in kernel code is a
 * kernel bug, not the caller's.
 *
 * A fault in user mode uses the blocking path's trick: the faulting thread
 * is sent to kernel_user_fault() on its kernel stack with the fault
 * described as data (struct arch_fault); the kernel decides what it means.
 * Read next: kernel/syscall.c.
 */
#include <stddef.h>

#include "../../kernel/errno.h"
#include "../../kernel/panic.h"
#include "../../kernel/sched.h"
#include "../../kernel/uapi.h"
#include "../arch.h"
#include "fault.h"
#include "frame.h"
#include "regs.h"

/* Seams for tests (tests/target/init_usertests.c defines them). The
 * first is kernel/syscall.c's: after a call's work, before the last
 * check. The second runs inside the last check, under the mask, between
 * the check and the clearing of in_syscall. The third runs as a fast
 * call enters, before in_syscall is set. Elsewhere they are these empty
 * weak functions, which link-time optimisation compiles into nothing (a
 * weak reference tested for NULL cost two instructions a seam, every
 * call). */
void syscall_return_test_hook(void);
__attribute__((weak)) void svc_leave_test_hook(int fast) { (void)fast; }
__attribute__((weak)) void svc_enter_test_hook(void) {}

/* The end of every blocking call: hand the result to the SVCall handler. */
__attribute__((naked)) static void svc_return_stub(void)
{
    __asm volatile ("svc 0\n\tb .");
}

/* Send the current thread to fn(a0, a1) in privileged Thread mode on its
 * kernel stack, below `reserve` bytes kept free at the top (for data fn is
 * handed a pointer to); returns the new PSP. */
static struct hw_frame *to_kernel(uintptr_t fn, uint32_t a0, uint32_t a1,
                                  uintptr_t ret, size_t reserve)
{
    struct thread *t = current;
    uintptr_t top = ((uintptr_t)t->stack_base + t->stack_size - reserve) & ~(uintptr_t)7;
    struct hw_frame *k = (struct hw_frame *)top - 1;
    k->r0 = a0; k->r1 = a1; k->r2 = k->r3 = k->r12 = 0;
    k->lr = ret;
    k->pc = fn & ~1u;
    k->xpsr = XPSR_THUMB;
    return k;
}

/* The stack the exception return unstacks from. The handler returns to
 * the frame it was given unless it says otherwise here. */
static inline void set_psp(const void *sp)
{
    __asm volatile ("msr psp, %0" :: "r"(sp) : "memory");
}

/* A thread whose process is ending never returns to user mode: it runs
 * kernel_thread_killed() privileged on its kernel stack instead, and ends.
 * (Out of line: the way back keeps no stack frame for it.) */
static __attribute__((noinline, cold)) void no_way_back(void)
{
    uint32_t control;
    __asm volatile ("mrs %0, control" : "=r"(control));
    __asm volatile ("msr control, %0" :: "r"(control & ~1u) : "memory");
    set_psp(to_kernel((uintptr_t)kernel_thread_killed, 0, 0, 0xFFFFFFFFu, 0));
}

/* The way back to user mode of every call: the last kill check. The
 * exception return then resumes the user frame u with R0 = r, or, for a
 * killed thread, a frame that runs kernel_thread_killed() privileged. A
 * fast call's PSP and CONTROL are the user's already; a blocking call's
 * are its kernel stack's, and are set back here. */
static void leave(struct thread *t, struct hw_frame *u, uint32_t r, int fast)
{
    __asm volatile ("cpsid i" ::: "memory");
    if (t->kill_pending) {
        __asm volatile ("cpsie i" ::: "memory");
        no_way_back();
        return;
    }
    svc_leave_test_hook(fast);
    u->r0 = r;                  /* the frame was stacked with the user's
                                   permissions at entry: it is writable */
    t->in_syscall = 0;          /* from here a kill ends the thread at once */
    __asm volatile ("cpsie i" ::: "memory");
    if (!fast) {                /* a fast call never left user mode's stack */
        uint32_t control;
        __asm volatile ("mrs %0, control" : "=r"(control));
        __asm volatile ("msr control, %0" :: "r"(control | 1u) : "memory");
        set_psp(u);
    }
}

/* R0-R3 from the frame to the thread's sysargs (the handlers' arg_*): one
 * load-multiple and one store-multiple. On a Cortex-M3 each takes 1+4
 * cycles, what four pipelined loads or four stores take at best. */
static inline void copy_args(long *to, const struct hw_frame *f)
{
    _Static_assert(offsetof(struct hw_frame, r0) == 0 && offsetof(struct hw_frame, r3) == 12,
                   "R0-R3 are the frame's first four words");
    __asm volatile ("ldm %1, {r0-r3}\n\t"
                    "stm %0, {r0-r3}"
                    :: "r"(to), "r"(f) : "r0", "r1", "r2", "r3", "memory");
}

/* A FAST call, run here in the handler. */
static void run_fast(struct thread *t, struct hw_frame *f, long (*call)(void))
{
    _Static_assert(sizeof t->sysargs == 4 * sizeof(long), "R0-R3");
    copy_args(t->sysargs, f);
    svc_enter_test_hook();
    t->in_syscall = 1;                  /* to a kill, it is in the kernel now */
    __asm volatile ("" ::: "memory");   /* (the store before the load below) */
    /* An interrupt handler that killed it before that found it in user mode
     * and ended it then: its call must not run after its end. (A blocking
     * call cannot: PendSV takes the thread before the call's first line.) */
    long r = __builtin_expect(t->kill_pending, 0) ? -EINTR : call();
    /* The locking rule (docs/states.md): a handler leaves every critical
     * section it opened. Checked where the test images check it. */
    if (IRQ_CHECKS && arch_irq_depth() != 0)
        panic("fast system call %lu returned at irq depth %lu in thread %d '%s'",
              (unsigned long)f->r12, (unsigned long)arch_irq_depth(), t->id, t->name);
    syscall_return_test_hook();
    leave(t, f, (uint32_t)r, 1);
}

/* Entered from svc_handler for an `svc` from user mode, with the caller's
 * frame and CONTROL: a call, fast or blocking. Its return is the
 * exception return; a blocking call leaves by the thread's kernel stack,
 * with CONTROL.nPRIV cleared. */
__attribute__((used)) void svc_call(uint32_t *frame, uint32_t control)
{
    struct hw_frame *f = (struct hw_frame *)frame;
    struct thread *t = current;
    uint32_t n = f->r12;
    long (*fast)(void) = n < SYS_NCALLS ? kernel_fast_syscalls[n] : NULL;
    if (fast) {
        run_fast(t, f, fast);
        return;
    }

    /* Blocking: send the thread to kernel_syscall() on its kernel stack;
     * it comes back through svc_return_stub, to svc_return(). */
    t->user_sp = f;
    t->sysno = n;
    t->in_syscall = 1;
    __asm volatile ("msr control, %0" :: "r"(control & ~1u));
    struct hw_frame *k = to_kernel((uintptr_t)kernel_syscall, f->r0, f->r1,
                                   (uintptr_t)svc_return_stub, 0);
    k->r2 = f->r2;
    k->r3 = f->r3;
    set_psp(k);
}

/* Entered from svc_handler for an `svc` from the kernel: the end of a
 * blocking call, which only svc_return_stub may ask for. */
__attribute__((used)) void svc_return(uint32_t *frame)
{
    struct hw_frame *f = (struct hw_frame *)frame;
    struct thread *t = current;
    if (!t->in_syscall || (f->pc & ~1u) != ((uintptr_t)svc_return_stub & ~1u) + 2)
        panic("svc from kernel code at %p in thread %d '%s'", (void *)f->pc, t->id, t->name);
    leave(t, (struct hw_frame *)t->user_sp, f->r0, 0);
}

/* SVCall: entered with EXC_RETURN in LR; threads always use the PSP.
 * Privilege tells a call (from user mode) from the end of one. The C
 * half is jumped to, not called: LR still holds EXC_RETURN, so its own
 * return is the exception return. */
__attribute__((naked)) void svc_handler(void)
{
    __asm volatile (
        "mrs    r0, psp         \n"
        "mrs    r1, control     \n"
        "tst    r1, #1          \n"
        "bne.w  svc_call        \n"    /* nPRIV: from user mode */
        "b.w    svc_return      \n");  /* from svc_return_stub */
}

/* ---- User faults -------------------------------------------------------- */

/* Installed as fault_user_hook: a fault from a user thread (Thread mode,
 * unprivileged) is reported to the kernel as data; anything else is a
 * kernel fault (return 0: fault.c prints the crash report). */
static int user_fault(uint32_t *frame, uint32_t exc_return, uint32_t exc, uint32_t cfsr)
{
    uint32_t control;
    __asm volatile ("mrs %0, control" : "=r"(control));
    if (!(exc_return & 8) || !(control & 1) || !current || !current->proc)
        return 0;

    /* The report goes on the thread's kernel stack, above the frame that
     * sends it to kernel_user_fault(); nothing else is using that stack. */
    struct hw_frame *k = to_kernel((uintptr_t)kernel_user_fault, 0, 0, 0xFFFFFFFFu,
                                   sizeof(struct arch_fault));
    struct arch_fault *af = (struct arch_fault *)(k + 1);
    fault_decode(af, (struct hw_frame *)frame, exc, cfsr);
    k->r0 = (uint32_t)af;
    SCB_CFSR = cfsr;                /* write 1 to clear the sticky bits */
    SCB_HFSR = SCB_HFSR;
    /* A fault while stacking for `svc` (a bad SP) leaves SVCall pending:
     * it would run next and take the user's call for the end of a kernel
     * one. The thread is leaving user mode for good, so the call is void. */
    SCB_SHCSR &= ~SHCSR_SVCALLPENDED;

    /* Resume the thread in the kernel, where it ends its process. */
    __asm volatile ("msr psp, %0\n\tmsr control, %1" :: "r"(k), "r"(control & ~1u));
    current->in_syscall = 1;
    return 1;
}

void arch_user_mode_init(void)
{
    fault_user_hook = user_fault;
}
