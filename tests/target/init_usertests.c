/*
 * init_usertests.c: a weft image whose init runs usertests instead of sh.
 *
 * Linked into build/usertests.elf: overrides kernel/initproc.c's weak
 * init_args, so init starts `usertests` and halts with its exit status (the
 * number of failed cases), which is the image's QEMU exit status.
 *
 * It also fills the kernel's two test seams, to make kills land in the
 * windows of a system call's way back to user mode, which are a few
 * instructions wide, every time (usertests_ending.c judges the children):
 *
 *   syscall_return_test_hook  after the call's own work, before the port's
 *                             last check: "killwindow" (a call run as a
 *                             thread) and "killfast" (a fast call, run in
 *                             the SVCall handler) are killed there;
 *   svc_leave_test_hook       inside the last check itself, where the kill
 *                             can only come from an interrupt handler:
 *                             "killirq" (slow calls) and "killirqf" (fast
 *                             ones) have IRQ 31 pended there, whose handler
 *                             kills them;
 *   svc_enter_test_hook       as a fast call enters, before the thread
 *                             counts as in the kernel: "killenter" has IRQ
 *                             31 pended there.
 */
#include <string.h>

#include "../../arch/armv7m/regs.h"
#include "../../kernel/proc.h"
#include "../../kernel/sched.h"

#define SOFT_IRQ 31

/* `usertests seams`: the cases that need the seams below run only then. */
const char *init_args = "init\0usertests\0seams\0";

static int named(const char *name)
{
    struct proc *p = current->proc;
    return p && !p->killed && !strcmp(p->name, name);
}

/* In the SVCall handler (a fast call) rather than in a thread? */
static int in_handler(void)
{
    uint32_t ipsr;
    __asm volatile ("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
}

/* As another thread or an interrupt handler could kill it there. The kill
 * must still end it (usertests: "kill in the return window", "kill in a
 * fast call's return window"). */
void syscall_return_test_hook(void)
{
    if (named("killwindow") || (named("killfast") && in_handler()))
        proc_kill(current->proc->pid, WSTATUS_KILLED, "killed in the return window");
}

/* The IRQ is taken at once unless the port masks interrupts here. */
void svc_leave_test_hook(int fast)
{
    if ((!fast && named("killirq")) || (fast && named("killirqf"))) {
        nvic_enable(SOFT_IRQ, PRIO_IRQ);
        NVIC_ISPR = 1u << SOFT_IRQ;
    }
}

void svc_enter_test_hook(void)
{
    if (named("killenter")) {
        nvic_enable(SOFT_IRQ, PRIO_IRQ);
        NVIC_ISPR = 1u << SOFT_IRQ;
    }
}

/* An interrupt handler that kills the thread it interrupted, as Ctrl-C
 * does (kernel/console.c); once. */
void soft_irq(void)
{
    NVIC_ICER = 1u << SOFT_IRQ;
    struct proc *p = current ? current->proc : NULL;
    if (p && !p->killed)
        proc_kill(p->pid, WSTATUS_KILLED, "killed by an interrupt as it left the kernel");
}
