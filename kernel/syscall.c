/*
 * syscall.c: the system call table and the calls themselves.
 *
 * Course idea: the kernel's front door. kernel_syscall() runs in the calling
 * thread, privileged, on its own kernel stack (arch/armv7m/svc.c put it
 * there), so a call may block like any kernel code. Each call validates all
 * of its arguments before it changes anything: pointers as whole ranges
 * inside the caller's own memory (kernel/uaccess.c: -EFAULT), handles by
 * owner, generation and type (kernel/kobj.c: -EBADF), numbers by range
 * (-EINVAL). Unknown numbers give -ENOSYS. On the way out, a thread whose
 * process was killed meanwhile ends instead of returning.
 * Read next: kernel/proc.c, lib/user/syscall.c (the other side).
 */
#include <string.h>

#include "../drivers/uart.h"
#include "console.h"
#include "errno.h"
#include "kobj.h"
#include "loader.h"
#include "proc.h"
#include "sched.h"
#include "trace.h"
#include "uaccess.h"
#include "uapi.h"

typedef long (*syscall_fn)(long, long, long, long);

#define SELF (current->proc)
#define UPTR(p, n, w) uaccess_ok(&SELF->umem, (const void *)(p), (size_t)(n), (w))

static long sys_exit(long status, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    if (current->id == SELF->main_tid)
        proc_main_exit((int)status);        /* Python: others may live on */
    proc_exit((int)status & 0xFF, "");
}

static long sys_write(long fd, long buf, long n, long d)
{
    (void)d;
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (n < 0 || !UPTR(buf, n, 0))
        return -EFAULT;
    uart_write((const char *)buf, (size_t)n);
    return n;
}

static long sys_read(long fd, long buf, long n, long d)
{
    (void)d;
    if (fd != 0)
        return -EBADF;
    if (n < 0 || !UPTR(buf, n, 1))
        return -EFAULT;
    if (n == 0)
        return 0;
    return console_read((char *)buf, (size_t)n);
}

static long sys_sbrk(long incr, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    struct proc *p = SELF;
    uintptr_t old = p->brk;
    if ((incr > 0 && (uintptr_t)incr > p->heap_hi - old) ||
        (incr < 0 && (uintptr_t)-incr > old - p->heap_lo))
        return -ENOMEM;
    p->brk = old + (uintptr_t)incr;
    return (long)old;
}

static long sys_getpid(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    return SELF->pid;
}

static long sys_getppid(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    return SELF->parent ? SELF->parent->pid : 0;
}

static long sys_spawn(long prog, long argv, long flags, long d)
{
    (void)d;
    char name[PROG_NAME_LEN];
    char args[PROC_ARGS_MAX];
    int len = 0, argc = 0;
    long n = uaccess_strnlen(&SELF->umem, (const char *)prog, sizeof name);

    if (n < 0)
        return n;
    if (flags & ~SPAWN_DAEMON)
        return -EINVAL;
    memcpy(name, (const char *)prog, (size_t)n + 1);

    /* argv[0] is the program's name, whatever the caller passed. */
    memcpy(args, name, (size_t)n + 1);
    len = (int)n + 1;
    argc = 1;
    if (argv) {
        const char *const *v = (const char *const *)argv;
        for (int i = 0;; i++) {     /* the caller's argv[0] is replaced */
            if (!UPTR(&v[i], sizeof v[i], 0))
                return -EFAULT;
            if (!v[i])
                break;
            if (i == 0)
                continue;
            if (argc == PROC_ARGC_MAX)
                return -E2BIG;
            long l = uaccess_strnlen(&SELF->umem, v[i], sizeof args - (size_t)len);
            if (l < 0)
                return l == -EINVAL ? -E2BIG : l;
            memcpy(args + len, v[i], (size_t)l + 1);
            len += (int)l + 1;
            argc++;
        }
    }
    return proc_spawn(SELF, name, args, len, argc, (int)flags);
}

static long sys_wait(long pid, long status, long timeout, long d)
{
    (void)d;
    int st;
    if (status && !UPTR(status, sizeof(int), 1))
        return -EFAULT;
    if (pid <= 0 && pid != WAIT_ANY)
        return -EINVAL;
    long r = proc_wait(SELF, (int)pid, &st, (uint32_t)timeout);
    if (r > 0 && status)
        *(int *)status = st;
    return r;
}

static long sys_kill(long pid, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    struct proc *p = proc_by_pid((int)pid);
    if (!p)
        return -ESRCH;
    if (p->parent == NULL)
        return -EPERM;              /* init cannot be killed */
    return proc_kill((int)pid, WSTATUS_KILLED, "killed");
}

static long sys_yield(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    thread_yield();
    return 0;
}

/* The timer queue compares ticks modulo 2^32, so one sleep may span at
 * most 2^31 - 1 ticks; a longer one is slept in pieces (before, a sleep of
 * 2^31 ticks or more ended at once). A kill ends it between pieces. */
#define SLEEP_PIECE 0x40000000u

static long sys_sleep(long n, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    uint32_t left = (uint32_t)n;
    while (left > SLEEP_PIECE && !SELF->killed) {
        thread_sleep(SLEEP_PIECE);
        left -= SLEEP_PIECE;
    }
    if (!SELF->killed)
        thread_sleep(left);
    return 0;
}

static long sys_ticks(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    return (long)ticks;
}

static long sys_thread_create(long fn, long arg, long spec, long d)
{
    (void)d;
    struct proc *p = SELF;
    struct thread_spec ts;
    char name[THREAD_NAME_LEN] = "thread";

    if (!UPTR(spec, sizeof ts, 0))
        return -EFAULT;
    ts = *(const struct thread_spec *)spec;
    if (!UPTR(ts.stack, ts.stack_size, 1))
        return -EFAULT;
    if (ts.stack_size < 256 || ((uintptr_t)ts.stack & 7) || (ts.stack_size & 7) ||
        (ts.flags & ~THREAD_DAEMON))
        return -EINVAL;
    /* The lowest aligned ARCH_GUARD_SIZE bytes become the thread's guard
     * (arch_mm_guard): running off its stack faults instead of writing
     * over whatever lies below, in the process's heap. With 256 bytes or
     * more, at least 200 are left above the guard. */
    uintptr_t top = (uintptr_t)ts.stack + ts.stack_size;
    uintptr_t guard = ((uintptr_t)ts.stack + ARCH_GUARD_SIZE - 1) & ~(uintptr_t)(ARCH_GUARD_SIZE - 1);
    /* The entry must be code of this process (a Thumb address). */
    if (!(fn & 1) || (uintptr_t)fn < p->umem.base || (uintptr_t)fn >= p->umem.code_end)
        return -EFAULT;
    if (ts.name) {
        long l = uaccess_strnlen(&p->umem, ts.name, sizeof name);
        if (l == -EFAULT)
            return l;
        if (l >= 0)
            memcpy(name, ts.name, (size_t)l + 1);
    }
    uint32_t s = arch_irq_save();
    p->nthreads++;
    if (!(ts.flags & THREAD_DAEMON))
        p->nondaemon++;
    arch_irq_restore(s);
    int r = thread_create_user(p, name, (uintptr_t)fn, (uintptr_t)arg, 0,
                               (void *)top, guard, ts.flags & THREAD_DAEMON);
    if (r < 0) {
        s = arch_irq_save();
        p->nthreads--;
        if (!(ts.flags & THREAD_DAEMON))
            p->nondaemon--;
        arch_irq_restore(s);
    }
    return r;
}

static long sys_thread_join(long tid, long value, long timeout, long d)
{
    (void)d;
    if (value && !UPTR(value, sizeof(void *), 1))
        return -EFAULT;
    struct thread *t = thread_by_id((int)tid);
    if (!t || t->proc != SELF)
        return -ESRCH;              /* only threads of one's own process */
    void *v;
    int r = thread_join((int)tid, &v, (uint32_t)timeout);
    if (r == 0 && value)
        *(void **)value = v;
    return r;
}

static long sys_thread_exit(long value, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    if (current->id == SELF->main_tid)
        proc_main_exit(0);
    thread_exit((void *)value);
}

static long sys_gettid(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    return current->id;
}

static long sys_setname(long name, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    long l = uaccess_strnlen(&SELF->umem, (const char *)name, PROC_NAME_LEN);
    if (l < 0)
        return l;
    memcpy(SELF->name, (const char *)name, (size_t)l + 1);
    return 0;
}

static long sys_procinfo(long pid, long out, long c, long d)
{
    (void)c; (void)d;
    struct proc_info info;
    if (!UPTR(out, sizeof info, 1))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    struct proc *p = pid == 0 ? SELF : proc_by_pid((int)pid);
    if (p)
        proc_info(p, &info);
    arch_irq_restore(s);
    if (!p)
        return -ESRCH;
    memcpy((void *)out, &info, sizeof info);
    return 0;
}

static long sys_proclist(long pids, long max, long c, long d)
{
    (void)c; (void)d;
    if (max < 0 || max > 0xFFFF)
        return -EINVAL;
    if (!UPTR(pids, (size_t)max * sizeof(int), 1))
        return -EFAULT;
    int n = 0;
    for (int i = 0; i < MAX_PROCS && n < max; i++)
        if (proc_table[i].state >= PROC_ALIVE)
            ((int *)pids)[n++] = proc_table[i].pid;
    return n;
}

static long sys_threadinfo(long index, long out, long c, long d)
{
    (void)c; (void)d;
    struct thread_info ti;
    if (!UPTR(out, sizeof ti, 1))
        return -EFAULT;
    for (int i = 0, n = 0; i < MAX_THREADS; i++) {
        const struct thread *t = &thread_table[i];
        if (!t->in_use || n++ != index)
            continue;
        memset(&ti, 0, sizeof ti);
        ti.tid = t->id;
        ti.pid = t->proc ? t->proc->pid : 0;
        ti.state = t->state;
        ti.prio = t->prio;
        ti.ticks = t->ticks_run;
        ti.switches = t->switches;
        ti.wakeups = t->wakeups;
        memcpy(ti.name, t->name, sizeof ti.name);
        if (t->proc && t->id == t->proc->main_tid) {    /* follows renames */
            strncpy(ti.name, t->proc->name, sizeof ti.name - 1);
            ti.name[sizeof ti.name - 1] = '\0';
        }
        ti.daemon = t->user_daemon;
        memcpy((void *)out, &ti, sizeof ti);
        return 0;
    }
    return -ESRCH;
}

static long sys_proginfo(long index, long out, long c, long d)
{
    (void)c; (void)d;
    struct prog_info pi;
    if (!UPTR(out, sizeof pi, 1))
        return -EFAULT;
    if (index < 0)
        return -EINVAL;
    const struct prog_header *h = prog_at(progs_table, (int)index);
    if (!h)
        return -ENOENT;
    memset(&pi, 0, sizeof pi);
    memcpy(pi.name, h->name, sizeof pi.name);
    pi.text_size = h->text_size;
    pi.data_size = h->data_size;
    pi.bss_size = h->bss_size;
    pi.image_size = prog_image_bytes(h);
    memcpy((void *)out, &pi, sizeof pi);
    return 0;
}

static long sys_kstat(long out, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    struct kstat k;
    if (!UPTR(out, sizeof k, 1))
        return -EFAULT;
    memset(&k, 0, sizeof k);
    uint32_t s = arch_irq_save();
    k.mem_free = proc_mem_free();
    k.mem_total = proc_mem_total();
    k.procs_free = (uint32_t)proc_free_slots();
    k.procs_total = MAX_PROCS;
    for (int i = 0; i < MAX_THREADS; i++)
        k.threads_free += !thread_table[i].in_use;
    k.threads_total = MAX_THREADS;
    k.handles_free = (uint32_t)kobj_free_count();
    k.handles_total = MAX_KOBJS;
    k.ticks = ticks;
    k.con_rx = uart_stats.rx;
    k.con_dropped = uart_stats.rx_dropped;
    k.con_stalls = uart_stats.rx_stalls;
    arch_irq_restore(s);
    memcpy((void *)out, &k, sizeof k);
    return 0;
}

static long sys_sched(long policy, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    if (policy == SCHED_COOP || policy == SCHED_RR)
        sched_set_policy((enum sched_policy)policy);
    else if (policy != -1)
        return -EINVAL;
    return sched_get_policy();
}

static long sys_trace(long out, long max, long c, long d)
{
    (void)c; (void)d;
    struct trace_rec recs[32];
    if (max < 0 || max > 32)
        return -EINVAL;
    if (!UPTR(out, (size_t)max * sizeof(struct trace_entry), 1))
        return -EFAULT;
    int n = trace_read(recs, (int)max, 0);
    struct trace_entry *e = (struct trace_entry *)out;
    for (int i = 0; i < n; i++) {
        e[i].time = recs[i].time;
        e[i].tid = recs[i].tid;
        e[i].from = recs[i].from;
        e[i].to = recs[i].to;
        e[i].why = recs[i].why;
        e[i].pad = 0;
    }
    return n;
}

/* Only init halts the machine; a shell asks init by ending (apps/init.c). */
static long sys_halt(long status, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    if (SELF->parent != NULL)
        return -EPERM;
    arch_halt((int)status);
}

static long sys_sem_create(long count, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    return kobj_create(SELF, KOBJ_SEM, (int)count);
}

static long sys_sem_wait(long h, long timeout, long c, long d)
{
    (void)c; (void)d;
    return kobj_sem_wait(SELF, (int)h, (uint32_t)timeout);
}

static long sys_sem_post(long h, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    return kobj_sem_post(SELF, (int)h);
}

static long sys_mutex_create(long a, long b, long c, long d)
{
    (void)a; (void)b; (void)c; (void)d;
    return kobj_create(SELF, KOBJ_MUTEX, 1);
}

static long sys_mutex_lock(long h, long timeout, long c, long d)
{
    (void)c; (void)d;
    return kobj_mutex_lock(SELF, (int)h, (uint32_t)timeout);
}

static long sys_mutex_unlock(long h, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    return kobj_mutex_unlock(SELF, (int)h);
}

static long sys_close(long h, long b, long c, long d)
{
    (void)b; (void)c; (void)d;
    return kobj_close(SELF, (int)h);
}

/* ---- Issue 9 (console, job control): calls added on branch `console`,
 * in the old form, to move into the one system-call list of issue 8. ---- */

static long sys_console(long op, long arg, long c, long d)
{
    (void)c; (void)d;
    switch (op) {
    case CONSOLE_SET_FG:     return console_set_fg(SELF, (int)arg);
    case CONSOLE_GET_FG:     return console_get_fg();
    case CONSOLE_CATCH_INTR: console_catch_intr(SELF, arg != 0); return 0;
    default:                 return -EINVAL;
    }
}

/* One table: the call number is the index. */
static const syscall_fn table[SYS_NCALLS] = {
    [SYS_EXIT] = sys_exit,           [SYS_WRITE] = sys_write,
    [SYS_READ] = sys_read,           [SYS_SBRK] = sys_sbrk,
    [SYS_GETPID] = sys_getpid,       [SYS_GETPPID] = sys_getppid,
    [SYS_SPAWN] = sys_spawn,         [SYS_WAIT] = sys_wait,
    [SYS_KILL] = sys_kill,           [SYS_YIELD] = sys_yield,
    [SYS_SLEEP] = sys_sleep,         [SYS_TICKS] = sys_ticks,
    [SYS_THREAD_CREATE] = sys_thread_create, [SYS_THREAD_JOIN] = sys_thread_join,
    [SYS_THREAD_EXIT] = sys_thread_exit, [SYS_GETTID] = sys_gettid,
    [SYS_SETNAME] = sys_setname,     [SYS_PROCINFO] = sys_procinfo,
    [SYS_PROCLIST] = sys_proclist,   [SYS_THREADINFO] = sys_threadinfo,
    [SYS_PROGINFO] = sys_proginfo,   [SYS_KSTAT] = sys_kstat,
    [SYS_SCHED] = sys_sched,         [SYS_TRACE] = sys_trace,
    [SYS_HALT] = sys_halt,           [SYS_SEM_CREATE] = sys_sem_create,
    [SYS_SEM_WAIT] = sys_sem_wait,   [SYS_SEM_POST] = sys_sem_post,
    [SYS_MUTEX_CREATE] = sys_mutex_create, [SYS_MUTEX_LOCK] = sys_mutex_lock,
    [SYS_MUTEX_UNLOCK] = sys_mutex_unlock, [SYS_CLOSE] = sys_close,
    [SYS_CONSOLE] = sys_console,     /* issue 9 */
};

long kernel_syscall(long a0, long a1, long a2, long a3)
{
    uint32_t n = current->sysno;
    long r = n < SYS_NCALLS && table[n] ? table[n](a0, a1, a2, a3) : -ENOSYS;
    proc_check_killed();            /* a killed process does not return */
    return r;
}
