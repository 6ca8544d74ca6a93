/*
 * syscall.c: the system call dispatcher, argument fetching and the gateway.
 *
 * Course idea: the kernel's front door. kernel_syscall() runs in the calling
 * thread, privileged, on its own kernel stack (arch/armv7m/svc.c put it
 * there), so a call may block like any kernel code. (A call marked FAST in
 * the list, one that never blocks, is run by the port straight from its
 * trap handler instead, from kernel_fast_syscalls below: the same handler,
 * the same arguments, one trap instead of two.) It looks the number up
 * in a table made from the one list of calls (kernel/syscalls.h) and runs
 * the handler, which fetches its own arguments (arg_*) and reaches user
 * memory only through copyin/copyout/copyinstr (kernel/syscall.h). Each
 * handler validates everything before it changes anything: pointers as
 * whole ranges in the caller's memory (-EFAULT), handles (-EBADF), numbers
 * (-EINVAL). An unknown number gives -ENOSYS.
 *
 * On the way back, a thread whose process was killed meanwhile ends here
 * instead of returning; the port checks once more where nothing can
 * preempt (arch/armv7m/svc.c), so a kill that lands after this check is
 * not lost either.
 * Read next: kernel/sys_fd.c, docs/syscall.md, lib/user/syscall.c (the
 * other side).
 */
#include "syscall.h"

#include "errno.h"
#include "proc.h"
#include "sched.h"

typedef long (*syscall_fn)(void);

/* A seam for tests: an image that defines this (tests/target/
 * init_usertests.c) has it called after the call's own work, in the window
 * before the port's last kill check: here after the killed check, and in
 * the port after a fast call (arch/armv7m/svc.c). Elsewhere it is this
 * empty weak function, which costs nothing once inlined. */
__attribute__((weak)) void syscall_return_test_hook(void) {}

/* The table: [SYS_WRITE] = sys_write, ... one entry per line of the list. */
#define SYSCALL0(NUM, kind, handler, ...) [SYS_##NUM] = sys_##handler,
#define SYSCALL1 SYSCALL0
#define SYSCALL2 SYSCALL0
#define SYSCALL3 SYSCALL0
#define SYSCALL4 SYSCALL0
static const syscall_fn table[SYS_NCALLS] = {
#include "syscalls.h"
};
#undef SYSCALL0

/* The FAST calls alone, for the port's one-trap path (arch/arch.h):
 * [SYS_GETPID] = sys_getpid, and NULL for every BLOCKING call. In a
 * section of its own, so that the port's lookup loads the table's address
 * itself (the compiler otherwise reaches it as a shared base plus an
 * offset, one more instruction on every call). */
#define FAST_ONLY(handler) sys_##handler
#define BLOCKING_ONLY(handler) NULL
#define SYSCALL0(NUM, kind, handler, ...) [SYS_##NUM] = kind##_ONLY(handler),
__attribute__((section(".rodata.fast_syscalls")))
long (*const kernel_fast_syscalls[SYS_NCALLS])(void) = {
#include "syscalls.h"
};
#undef FAST_ONLY
#undef BLOCKING_ONLY
#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4

long kernel_syscall(long a0, long a1, long a2, long a3)
{
    struct thread *t = current;
    uint32_t n = t->sysno;

    t->sysargs[0] = a0;
    t->sysargs[1] = a1;
    t->sysargs[2] = a2;
    t->sysargs[3] = a3;
    long r = n < SYS_NCALLS ? table[n]() : -ENOSYS;
    proc_check_killed();            /* a killed process does not return */
    syscall_return_test_hook();
    return r;
}

/* ---- Arguments ------------------------------------------------------------ */

long arg_long(int i) { return current->sysargs[i]; }
int arg_int(int i) { return (int)current->sysargs[i]; }
uint32_t arg_u32(int i) { return (uint32_t)current->sysargs[i]; }
uintptr_t arg_uaddr(int i) { return (uintptr_t)current->sysargs[i]; }

/* ---- The gateway, for the calling process ------------------------------- */

int copyin(void *dst, uintptr_t usrc, size_t n)
{
    return uaccess_copyin(&current->proc->umem, dst, usrc, n);
}

int copyout(uintptr_t udst, const void *src, size_t n)
{
    return uaccess_copyout(&current->proc->umem, udst, src, n);
}

long copyinstr(char *dst, uintptr_t usrc, size_t max)
{
    return uaccess_copyinstr(&current->proc->umem, dst, usrc, max);
}

int uaddr_readable(uintptr_t u, size_t n)
{
    return uaccess_ok(&current->proc->umem, (const void *)u, n, 0);
}

int uaddr_writable(uintptr_t u, size_t n)
{
    return uaccess_ok(&current->proc->umem, (const void *)u, n, 1);
}
