/*
 * ufault.c: what a fault in user mode means, and what follows from it.
 *
 * Course idea: the CPU only says what it saw ("the MPU refused a data
 * access at 0x00000000"); the kernel decides what that means and what to
 * do, the way Hubris's supervisor reads a fault record. A fault in user
 * mode ends only the guilty process, through the one exit path
 * (proc_end_locked), with a status that says why: WSTATUS_FAULT | code,
 * and a reason in the words a Python programmer knows beside the
 * hardware's own:
 *
 *   segmentation fault: read of 0x00000000 (NULL) [MemManage DACCVIOL]
 *   stack overflow (RecursionError): write of 0x21004020 [MemManage DACCVIOL]
 *   ZeroDivisionError: integer division by zero at 0x2100013a [UsageFault DIVBYZERO]
 * Read next: arch/armv7m/fault.c (fault_decode: the data), kernel/proc.c.
 */
#include "panic.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"

/* Is a inside the stack guard of thread t (its ARCH_GUARD_SIZE bytes)? */
static int in_guard(const struct thread *t, uintptr_t a)
{
    return t->uguard && a - t->uguard < ARCH_GUARD_SIZE;
}

/* Where an address lies, in words: "NULL", "kernel memory"... or "". */
static const char *where(const struct proc *p, uintptr_t a)
{
    if (a < 0x1000)
        return " (NULL)";
    if (a >= p->umem.base && a < p->umem.code_end)
        return " (its own code: read-only)";
    if (a >= p->umem.top && a < p->umem.end)
        return " (past its break: not given out by sbrk)";
    if (a >= p->umem.base && a < p->umem.end)
        return "";
    return " (not its memory)";
}

/* The status code: FAULT_STACK for an overflow, else the exception. */
static int fault_code(const struct thread *t, const struct arch_fault *f)
{
    if (f->kind == ARCH_FAULT_STACKING || (f->addr_valid && in_guard(t, f->addr)))
        return FAULT_STACK;
    return f->exception;
}

/* The reason, as `ps`, `wait` and the shell show it. */
static void describe(char *buf, size_t n, const struct proc *p, int code,
                     const struct arch_fault *f)
{
    const char *acc = f->access == 'r' ? "read of " : f->access == 'w' ? "write of " :
                      "access to ";
    const char *what = code == FAULT_STACK ? "stack overflow (RecursionError)" :
                       f->kind == ARCH_FAULT_DIVZERO ? "ZeroDivisionError" :
                       f->kind == ARCH_FAULT_BUS ? "bus error" :
                       f->kind == ARCH_FAULT_UNDEF ? "illegal instruction" :
                       f->kind == ARCH_FAULT_UNALIGNED ? "bus error (unaligned)" :
                       "segmentation fault";
    if (f->addr_valid)
        ksnprintf(buf, n, "%s: %s%p%s [%s]", what, acc, (void *)f->addr,
                  where(p, f->addr), f->hw);
    else if (f->kind == ARCH_FAULT_DIVZERO)
        ksnprintf(buf, n, "%s: integer division by zero at %p [%s]", what, (void *)f->pc, f->hw);
    else if (f->kind == ARCH_FAULT_EXEC)
        ksnprintf(buf, n, "%s: jump to code it may not run [%s]", what, f->hw);
    else if (f->pc)
        ksnprintf(buf, n, "%s at %p [%s]", what, (void *)f->pc, f->hw);
    else
        ksnprintf(buf, n, "%s [%s]", what, f->hw);
}

void kernel_user_fault(const struct arch_fault *f)
{
    struct proc *p = current->proc;
    char why[PROC_WHY_LEN];
    KASSERT(p != NULL, "only user threads fault into kernel_user_fault");
    int code = fault_code(current, f);
    describe(why, sizeof why, p, code, f);
    proc_exit(WSTATUS_FAULT | code, why);
}

void kernel_thread_killed(void)
{
    thread_exit(NULL);
}
