/*
 * sys_proc.c: the system calls of the process life cycle.
 *
 * Course idea: what a program can ask of the process layer: end itself,
 * grow its heap, learn who it is, start a child, wait for one, kill one.
 * Each handler fetches and copies its arguments (kernel/syscall.h), then
 * calls kernel/proc.c, which does the work.
 * Read next: kernel/proc.c (spawn, the one exit path, wait, kill).
 */
#include <string.h>

#include "errno.h"
#include "loader.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

#define SELF (current->proc)

long sys_exit(void)
{
    int status = arg_int(0);
    if (current->id == SELF->main_tid)
        proc_main_exit(status);             /* Python: others may live on */
    proc_exit(status & 0xFF, "");
}

/* The heap room above the break is hidden until the break reaches it
 * (kernel/loader.h): it still holds what the block's previous owner left.
 * Each eighth of the block that the new break reaches into is zeroed while
 * still hidden, then shown. No other thread of the process can see it half
 * zeroed, or move the break meanwhile: SBRK is a FAST call, run in the
 * SVCall handler, which no switch (PendSV) can preempt (arch/armv7m/svc.c). */
static void show_heap_upto(struct proc *p, uintptr_t brk)
{
    uintptr_t part = p->mem_size / PROG_PARTS;
    uintptr_t lo = p->umem.top, hi = p->umem.end;
    uintptr_t shown = (brk + part - 1) & ~(part - 1);      /* eighths reached */
    if (shown <= lo)
        return;
    if (shown > hi)
        shown = hi;
    memset((void *)lo, 0, shown - lo);
    uint32_t s = arch_irq_save();
    p->umem.top = shown;                                    /* the gateway's view */
    arch_mm_set_top(&p->mm, shown);                         /* the MPU's */
    arch_irq_restore(s);
}

/* The break moves under the mask: two threads calling sbrk at once each
 * get their own range. */
long sys_sbrk(void)
{
    long incr = arg_long(0);
    struct proc *p = SELF;
    uint32_t s = arch_irq_save();
    uintptr_t old = p->brk;
    long r = (long)old;
    if ((incr > 0 && (uintptr_t)incr > p->heap_hi - old) ||
        (incr < 0 && (uintptr_t)-incr > old - p->heap_lo))
        r = -ENOMEM;
    else
        p->brk = old + (uintptr_t)incr;
    arch_irq_restore(s);
    if (r >= 0 && incr > 0)
        show_heap_upto(p, old + (uintptr_t)incr);
    return r;
}

long sys_getpid(void) { return SELF->pid; }

long sys_getppid(void)
{
    uint32_t s = arch_irq_save();
    long r = SELF->parent ? SELF->parent->pid : 0;
    arch_irq_restore(s);
    return r;
}

/* Copy the caller's argv into args[PROC_ARGS_MAX], after `used` bytes
 * (argv[0], the program's name, is there already; the caller's argv[0] is
 * replaced by it). Returns the new argc, or -EFAULT, -E2BIG. */
static int copy_argv(uintptr_t uargv, char *args, int *used)
{
    int argc = 1;
    for (int i = 0; uargv; i++) {
        uintptr_t arg;
        if (copyin(&arg, uargv + (uintptr_t)i * sizeof arg, sizeof arg) < 0)
            return -EFAULT;
        if (!arg)
            break;
        if (i == 0)
            continue;
        if (argc == PROC_ARGC_MAX)
            return -E2BIG;
        long l = copyinstr(args + *used, arg, PROC_ARGS_MAX - (size_t)*used);
        if (l < 0)
            return l == -EINVAL ? -E2BIG : (int)l;
        *used += (int)l + 1;
        argc++;
    }
    return argc;
}

/* Copy the caller's descriptor list (ended by from < 0) into map[MAX_FDS].
 * Returns the number of pairs, -EFAULT, or -EINVAL (too many). */
static int copy_fd_map(uintptr_t ufds, struct spawn_fd *map)
{
    for (int n = 0; ufds; n++) {
        struct spawn_fd pair;
        if (copyin(&pair, ufds + (uintptr_t)n * sizeof pair, sizeof pair) < 0)
            return -EFAULT;
        if (pair.from < 0)
            return n;
        if (n == MAX_FDS)
            return -EINVAL;
        map[n] = pair;
    }
    return 0;
}

long sys_spawn(void)
{
    char name[PROG_NAME_LEN];
    char args[PROC_ARGS_MAX];
    struct spawn_fd map[MAX_FDS];
    int flags = arg_int(2);

    long n = copyinstr(name, arg_uaddr(0), sizeof name);
    if (n < 0)
        return n;
    if (flags & ~SPAWN_DAEMON)
        return -EINVAL;
    memcpy(args, name, (size_t)n + 1);
    int used = (int)n + 1;
    int argc = copy_argv(arg_uaddr(1), args, &used);
    if (argc < 0)
        return argc;
    int nmap = copy_fd_map(arg_uaddr(3), map);
    if (nmap < 0)
        return nmap;
    return proc_spawn(SELF, name, args, used, argc, flags, map, nmap);
}

long sys_wait(void)
{
    int pid = arg_int(0);
    uintptr_t ustatus = arg_uaddr(1);
    int status;

    if (ustatus && !uaddr_writable(ustatus, sizeof status))
        return -EFAULT;             /* refused before a child is reaped */
    if (pid <= 0 && pid != WAIT_ANY)
        return -EINVAL;
    long r = proc_wait(SELF, pid, &status, arg_u32(2));
    if (r > 0 && ustatus && copyout(ustatus, &status, sizeof status) < 0)
        return -EFAULT;
    return r;
}

long sys_kill(void)
{
    int pid = arg_int(0);
    uint32_t s = arch_irq_save();
    struct proc *p = proc_by_pid(pid);
    int r = !p ? -ESRCH : !p->parent ? -EPERM : 0;   /* init cannot be killed */
    arch_irq_restore(s);
    return r < 0 ? r : proc_kill(pid, WSTATUS_KILLED, "killed");
}
