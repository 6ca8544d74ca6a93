/*
 * sys_info.c: the system calls that show the system: names, process and
 * thread tables, the program table, memory, the scheduler and the trace.
 *
 * Course idea: `ps`, `trace` and `mem` are ordinary programs; everything
 * they show comes through these calls. Each handler fills a kernel copy
 * under the mask (a consistent snapshot), then copies it out: the table
 * is never read while a user buffer is being written.
 * Read next: apps/sh.c (who uses them).
 */
#include <string.h>

#include "../drivers/uart.h"
#include "errno.h"
#include "kobj.h"
#include "loader.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "trace.h"

#define SELF (current->proc)

/* The name is copied once into the kernel, then into the process. */
long sys_setname(void)
{
    char name[PROC_NAME_LEN];
    long l = copyinstr(name, arg_uaddr(0), sizeof name);
    if (l < 0)
        return l;
    uint32_t s = arch_irq_save();
    memcpy(SELF->name, name, (size_t)l + 1);
    arch_irq_restore(s);
    return 0;
}

long sys_procinfo(void)
{
    int pid = arg_int(0);
    uintptr_t out = arg_uaddr(1);
    struct proc_info info;

    if (!uaddr_writable(out, sizeof info))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    struct proc *p = pid == 0 ? SELF : proc_by_pid(pid);
    if (p)
        proc_info(p, &info);
    arch_irq_restore(s);
    if (!p)
        return -ESRCH;
    return copyout(out, &info, sizeof info);
}

long sys_proclist(void)
{
    uintptr_t out = arg_uaddr(0);
    int max = arg_int(1), pids[MAX_PROCS], n = 0;

    if (max < 0 || max > 0xFFFF)
        return -EINVAL;
    if (!uaddr_writable(out, (size_t)max * sizeof(int)))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    for (int i = 0; i < MAX_PROCS && n < max; i++)
        if (proc_table[i].state >= PROC_ALIVE)
            pids[n++] = proc_table[i].pid;
    arch_irq_restore(s);
    return copyout(out, pids, (size_t)n * sizeof(int)) < 0 ? -EFAULT : n;
}

long sys_threadinfo(void)
{
    int index = arg_int(0);
    uintptr_t out = arg_uaddr(1);
    struct thread_info ti;
    int found = 0;

    if (!uaddr_writable(out, sizeof ti))
        return -EFAULT;
    uint32_t s = arch_irq_save();
    for (int i = 0, n = 0; i < MAX_THREADS && !found; i++) {
        const struct thread *t = &thread_table[i];
        if (!t->in_use || t->id == 0 || n++ != index)
            continue;               /* id 0: a slot still being built */
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
        ti.daemon = t->daemon;
        found = 1;
    }
    arch_irq_restore(s);
    return found ? copyout(out, &ti, sizeof ti) : -ESRCH;
}

long sys_fdinfo(void)
{
    int pid = arg_int(0), index = arg_int(1);
    uintptr_t out = arg_uaddr(2);
    struct fd_info fi;
    int found = 0;

    if (!uaddr_writable(out, sizeof fi))
        return -EFAULT;
    memset(&fi, 0, sizeof fi);
    uint32_t s = arch_irq_save();
    struct proc *p = pid == 0 ? SELF : proc_by_pid(pid);
    for (int i = 0, n = 0; p && i < MAX_FDS && !found; i++) {
        const struct fd *e = &p->fds[i];
        if (!e->obj || n++ != index)
            continue;
        const struct kobj_ops *ops = kobj_ops[e->obj->type];
        fi.fd = i + FD_GEN_STEP * e->gen;
        fi.refs = e->obj->refs;
        fi.flags = e->flags;
        strncpy(fi.type, ops && ops->name ? ops->name : "?", sizeof fi.type - 1);
        found = 1;
    }
    arch_irq_restore(s);
    return found ? copyout(out, &fi, sizeof fi) : -ESRCH;
}

long sys_proginfo(void)
{
    int index = arg_int(0);
    uintptr_t out = arg_uaddr(1);
    struct prog_info pi;

    if (!uaddr_writable(out, sizeof pi))
        return -EFAULT;
    if (index < 0)
        return -EINVAL;
    const struct prog_header *h = prog_at(progs_table, index);
    if (!h)
        return -ENOENT;
    memset(&pi, 0, sizeof pi);
    memcpy(pi.name, h->name, sizeof pi.name);
    pi.text_size = h->text_size;
    pi.data_size = h->data_size;
    pi.bss_size = h->bss_size;
    pi.image_size = prog_image_bytes(h);
    const struct prog_about *a = (const struct prog_about *)(h + 1);   /* text offset 0 */
    if (h->text_size >= sizeof *a && a->magic == PROG_ABOUT_MAGIC) {
        memcpy(pi.args, a->args, sizeof pi.args - 1);      /* NUL-ended by the memset */
        memcpy(pi.about, a->text, sizeof pi.about - 1);
    }
    return copyout(out, &pi, sizeof pi);
}

long sys_kstat(void)
{
    uintptr_t out = arg_uaddr(0);
    struct kstat k;

    if (!uaddr_writable(out, sizeof k))
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
    k.objs_free = (uint32_t)kobj_free_count();
    k.objs_total = MAX_KOBJS;
    k.pipes_free = (uint32_t)pipe_free_count();
    k.pipes_total = MAX_PIPES;
    k.ticks = ticks;
    k.con_rx = uart_stats.rx;
    k.con_dropped = uart_stats.rx_dropped;
    k.con_stalls = uart_stats.rx_stalls;
    k.con_flushed = uart_stats.rx_flushed;
    arch_irq_restore(s);
    return copyout(out, &k, sizeof k);
}

/* Policies are indexes into the kernel's table (kernel/sched_policy.h);
 * programs learn their names from sys_schedinfo, so they hold no copy. */
long sys_sched(void)
{
    int policy = arg_int(0);
    if (policy != -1) {
        int r = sched_set_policy(policy);
        if (r < 0)
            return r;
    }
    return sched_get_policy();
}

long sys_schedinfo(void)
{
    int index = arg_int(0);
    uintptr_t out = arg_uaddr(1);
    struct sched_info si;

    if (!uaddr_writable(out, sizeof si))
        return -EFAULT;
    const char *name = sched_policy_name(index);
    if (!name)
        return index < 0 ? -EINVAL : -ENOENT;
    memset(&si, 0, sizeof si);
    strncpy(si.name, name, sizeof si.name - 1);
    strncpy(si.about, sched_policy_about(index), sizeof si.about - 1);
    return copyout(out, &si, sizeof si);
}

#define TRACE_MAX_READ 32

/* Copy out the newest `max` records f selects (NULL: all), oldest first. */
static long trace_copyout(uintptr_t out, int max, const struct trace_filter *f)
{
    struct trace_rec recs[TRACE_MAX_READ];
    struct trace_entry e[TRACE_MAX_READ];

    if (max < 0 || max > TRACE_MAX_READ)
        return -EINVAL;
    if (!uaddr_writable(out, (size_t)max * sizeof e[0]))
        return -EFAULT;
    int n = f ? trace_find(recs, max, f->tid_lo, f->tid_hi, f->since)
              : trace_read(recs, max, 0);
    for (int i = 0; i < n; i++) {
        e[i].time = recs[i].time;
        e[i].tid = recs[i].tid;
        e[i].from = recs[i].from;
        e[i].to = recs[i].to;
        e[i].why = recs[i].why;
        e[i].pad = 0;
    }
    return copyout(out, e, (size_t)n * sizeof e[0]) < 0 ? -EFAULT : n;
}

long sys_trace(void)
{
    return trace_copyout(arg_uaddr(0), arg_int(1), NULL);
}

long sys_trace_find(void)
{
    struct trace_filter f;
    if (copyin(&f, arg_uaddr(2), sizeof f) < 0)
        return -EFAULT;
    return trace_copyout(arg_uaddr(0), arg_int(1), &f);
}

/* Only init halts the machine; a shell asks init by ending (apps/init.c). */
long sys_halt(void)
{
    if (current->proc->parent != NULL)
        return -EPERM;
    arch_halt(arg_int(0));
}
