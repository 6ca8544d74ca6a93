/*
 * svc.c: entering and leaving the kernel from user mode: system calls and
 * user faults.
 *
 * Course idea: user mode and kernel mode. A user thread runs unprivileged on
 * its user stack. `svc 0` raises the SVCall exception; its handler does not
 * run the call itself (a handler cannot block), it turns the thread into a
 * privileged thread running kernel_syscall() on its own kernel stack:
 *
 *   user:   svc 0 --------------------------------------+
 *   SVCall: save the user SP, build a frame on the       |
 *           kernel stack, clear nPRIV, return into it    v
 *   kernel: kernel_syscall(a0..a3) -- may block, may be preempted --
 *           returns into svc_return_stub: svc 0 again (now privileged)
 *   SVCall: result -> the user's R0, user SP back, set nPRIV, return
 *   user:   continues after its svc, R0 = result
 *
 * Privilege tells the two SVCs apart: from user mode it is a call, from the
 * kernel (only svc_return_stub issues one) it is the way back.
 * A fault in user mode uses the same trick: the faulting thread is sent to
 * kernel_user_fault() on its kernel stack, which ends its process.
 * Read next: kernel/syscall.c.
 */
#include <stddef.h>

#include "../../kernel/printk.h"
#include "../../kernel/proc.h"
#include "../../kernel/sched.h"
#include "../../kernel/uapi.h"
#include "../arch.h"
#include "fault.h"
#include "regs.h"

struct hw_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

/* The end of every system call: hand the result to the SVCall handler. */
__attribute__((naked)) static void svc_return_stub(void)
{
    __asm volatile ("svc 0\n\tb .");
}

/* Send the current thread to fn(a0, a1) in privileged Thread mode on its
 * kernel stack; returns the new PSP. */
static struct hw_frame *to_kernel(uintptr_t fn, uint32_t a0, uint32_t a1,
                                  uint32_t a2, uint32_t a3, uintptr_t ret)
{
    struct thread *t = current;
    struct hw_frame *k = (struct hw_frame *)
        (((uintptr_t)t->stack_base + t->stack_size) & ~(uintptr_t)7) - 1;
    k->r0 = a0; k->r1 = a1; k->r2 = a2; k->r3 = a3;
    k->r12 = 0;
    k->lr = ret;
    k->pc = fn & ~1u;
    k->xpsr = 1u << 24;
    return k;
}

/* Called by svc_handler with the caller's frame and CONTROL; returns the
 * PSP to return to. CONTROL.nPRIV is set or cleared to match. */
uint32_t *svc_dispatch(uint32_t *frame, uint32_t control)
{
    struct thread *t = current;
    struct hw_frame *f = (struct hw_frame *)frame;

    if (control & 1) {                      /* from user mode: a call */
        t->user_sp = frame;
        t->sysno = f->r12;
        t->in_syscall = 1;
        __asm volatile ("msr control, %0" :: "r"(control & ~1u));
        return (uint32_t *)to_kernel((uintptr_t)kernel_syscall, f->r0, f->r1, f->r2, f->r3,
                                     (uintptr_t)svc_return_stub);
    }
    if (!t->in_syscall) {
        extern void panic(const char *, ...);
        panic("svc from kernel thread %d '%s'", t->id, t->name);
    }
    /* From the kernel: the end of a call. The user frame was stacked by the
     * CPU with the user's permissions at entry, so it is writable. */
    struct hw_frame *u = (struct hw_frame *)t->user_sp;
    u->r0 = f->r0;
    t->in_syscall = 0;
    __asm volatile ("msr control, %0" :: "r"(control | 1u));
    return (uint32_t *)u;
}

/* SVCall: entered with EXC_RETURN in LR; threads always use the PSP. */
__attribute__((naked)) void svc_handler(void)
{
    __asm volatile (
        "mrs    r0, psp         \n"
        "mrs    r1, control     \n"
        "push   {r4, lr}        \n"
        "bl     svc_dispatch    \n"
        "msr    psp, r0         \n"
        "pop    {r4, pc}        \n");
}

/* ---- User faults -------------------------------------------------------- */

/* Installed as fault_user_hook: a fault from a user thread (Thread mode,
 * unprivileged) kills its process; anything else is a kernel fault. */
static int user_fault(uint32_t *frame, uint32_t exc_return, uint32_t exc, uint32_t cfsr)
{
    uint32_t control;
    (void)frame;
    __asm volatile ("mrs %0, control" : "=r"(control));
    if (!(exc_return & 8) || !(control & 1) || !current || !current->proc)
        return 0;

    struct proc *p = current->proc;
    int code = exc == 4 ? FAULT_MEMMANAGE : exc == 5 ? FAULT_BUSFAULT :
               exc == 6 ? FAULT_USAGEFAULT : FAULT_HARDFAULT;
    uintptr_t addr = SCB_MMFAR;
    extern int proc_addr_in_guard(const struct thread *t, uintptr_t a);
    if ((cfsr & (1u << 4)) || (cfsr & (1u << 12)) ||
        ((cfsr & (1u << 7)) && proc_addr_in_guard(current, addr)))
        code = FAULT_STACK;         /* stacking failed, or the guard was hit */
    /* The description goes straight into the process: the first reason wins. */
    char *why = p->killed ? (char *)"" : p->why;
    if (!p->killed) {
        int n = code == FAULT_STACK ? ksnprintf(p->why, sizeof p->why, "stack overflow: ") : 0;
        fault_describe(p->why + n, (int)sizeof p->why - n, cfsr, exc);
    }
    SCB_CFSR = cfsr;                /* write 1 to clear the sticky bits */
    SCB_HFSR = SCB_HFSR;

    /* Resume the thread in the kernel, where it ends its process. */
    struct hw_frame *k = to_kernel((uintptr_t)kernel_user_fault, (uint32_t)code,
                                   (uint32_t)why, 0, 0, 0xFFFFFFFFu);
    __asm volatile ("msr psp, %0\n\tmsr control, %1" :: "r"(k), "r"(control & ~1u));
    current->in_syscall = 1;
    return 1;
}

void arch_user_mode_init(void)
{
    fault_user_hook = user_fault;
}
