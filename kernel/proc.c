/*
 * proc.c: creating, ending, waiting for and killing processes.
 *
 * Course idea: see proc.h. This file is the life cycle: proc_spawn() turns a
 * program into a process (memory, loading, the main thread), the exit paths
 * turn it into a zombie (memory, handles and threads released at once), and
 * proc_wait() reaps the zombie (the slot itself). Every path that allocates
 * undoes all of it on failure, so a failed spawn leaves nothing behind.
 *
 * Locking: the process table, like the scheduler, is guarded by masking
 * interrupts. Loading a program (copying kilobytes) runs unmasked on a slot
 * in state PROC_NEW, which nobody else touches.
 * Read next: kernel/syscall.c, kernel/loader.c, arch/armv7m/mpu.c.
 */
#include "proc.h"

#include <string.h>

#include "buddy.h"
#include "console.h"
#include "errno.h"
#include "kobj.h"
#include "loader.h"
#include "panic.h"
#include "printk.h"
#include "sched.h"
#include "state.h"

#define ARENA_BASE 0x21000000u      /* PSRAM, 16 MiB: processes' memory */
#define ARENA_LOG2 24
#define BLOCK_MIN_LOG2 10
_Static_assert(PROG_GUARD_SIZE == ARCH_GUARD_SIZE, "the loader leaves room for the MPU's guard");

struct proc proc_table[MAX_PROCS];
static struct buddy arena;
static int next_pid = 1;
static struct proc *init_proc;      /* pid 1: adopts orphans */
static const struct proc *mm_loaded; /* whose regions the MPU holds */
static uintptr_t guard_loaded;      /* which thread guard it holds (0: none) */
static void proc_switch_mm_locked(struct thread *next);

void proc_init(void)
{
    buddy_init(&arena, ARENA_BASE, ARENA_LOG2, BLOCK_MIN_LOG2);
    arch_user_mode_init();          /* system calls, user faults */
    thread_end_hook = proc_thread_ended_locked;
    sched_switch_mm_hook = proc_switch_mm_locked;
}

struct proc *proc_current(void)
{
    return current ? current->proc : NULL;
}

struct proc *proc_by_pid(int pid)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (proc_table[i].state >= PROC_ALIVE && proc_table[i].pid == pid)
            return &proc_table[i];
    return NULL;
}

int proc_free_slots(void)
{
    int n = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        n += proc_table[i].state == PROC_FREE;
    return n;
}

uint32_t proc_mem_free(void) { return buddy_free_bytes(&arena); }
uint32_t proc_mem_total(void) { return 1u << ARENA_LOG2; }

/* ---- Spawn -------------------------------------------------------------- */

/* Lay argv out at `at` (inside the new block): the pointer array, then the
 * strings. Returns the user address of argv. */
static uintptr_t put_args(uint8_t *at, const char *args, int args_len, int argc)
{
    char **argv = (char **)at;
    char *str = (char *)(argv + argc + 1);
    memcpy(str, args, (size_t)args_len);
    for (int i = 0; i < argc; i++) {
        argv[i] = str;
        str += strlen(str) + 1;
    }
    argv[argc] = NULL;
    return (uintptr_t)argv;
}

int proc_spawn(struct proc *parent, const char *prog, const char *args,
               int args_len, int argc, int flags)
{
    const struct prog_header *h = prog_find(progs_table, prog);
    struct prog_layout l;
    struct proc *p = NULL;
    uint32_t s;
    int r;

    if (!h)
        return -ENOENT;
    uint32_t extra = ((uint32_t)args_len + 4u * (uint32_t)(argc + 1) + 7u) & ~7u;
    if ((r = prog_layout(h, extra, &l)) != 0)
        return r;

    s = arch_irq_save();
    for (int i = 0; i < MAX_PROCS; i++) {
        if (proc_table[i].state == PROC_FREE) {
            p = &proc_table[i];
            p->state = PROC_NEW;    /* claimed */
            break;
        }
    }
    uint8_t *mem = p ? buddy_alloc(&arena, l.block_size) : NULL;
    if (p && !mem)
        p->state = PROC_FREE;
    arch_irq_restore(s);
    if (!p)
        return -EAGAIN;
    if (!mem)
        return -ENOMEM;

    if ((r = prog_load(h, mem, &l)) != 0)
        goto undo;

    uintptr_t base = (uintptr_t)mem;
    uintptr_t args_at = base + l.extra_offset;
    uintptr_t argv = put_args((uint8_t *)args_at, args, args_len, argc);
    p->mem = mem;
    p->mem_size = l.block_size;
    p->heap_lo = p->brk = base + l.heap_offset;
    p->heap_hi = base + l.stack_guard;
    memset(&p->umem, 0, sizeof p->umem);
    p->umem.base = base;
    p->umem.code_end = base + l.code_size;
    p->umem.end = base + l.block_size;
    p->umem.guard_lo = base + l.stack_guard;
    p->umem.guard_hi = base + l.stack_guard + PROG_GUARD_SIZE;
    arch_mm_init(&p->mm, base, l.block_size, l.code_size);

    memcpy(p->name, h->name, PROC_NAME_LEN);    /* prog_find checked the NUL */
    p->name[PROC_NAME_LEN - 1] = '\0';
    p->daemon = (flags & SPAWN_DAEMON) != 0;
    p->killed = p->main_done = 0;
    p->nthreads = 1;
    p->nondaemon = 0;
    p->exit_status = 0;
    p->why[0] = '\0';
    waitq_init(&p->child_wait);
    memset(p->handles, 0, sizeof p->handles);
    p->ticks_dead = p->switches_dead = 0;
    p->created = ticks;

    s = arch_irq_save();
    p->pid = next_pid++;
    p->parent = parent;
    p->state = PROC_ALIVE;
    if (!parent)
        init_proc = p;
    arch_irq_restore(s);

    r = thread_create_user(p, p->name, base + l.entry, (uintptr_t)argc, argv,
                           (void *)(base + l.stack_top), p->umem.guard_lo, 0);
    if (r < 0) {
        s = arch_irq_save();
        p->state = PROC_NEW;
        if (p == init_proc)
            init_proc = NULL;
        arch_irq_restore(s);
        goto undo;
    }
    p->main_tid = r;
    return p->pid;

undo:
    s = arch_irq_save();
    if (buddy_free(&arena, mem) != 0)
        panic("spawn: block %p is not a live block", mem);
    p->state = PROC_FREE;
    arch_irq_restore(s);
    return r;
}

/* ---- The end of a process ---------------------------------------------- */

/* Last thread gone: release everything but the slot, tell the parent.
 * Interrupts masked. */
static void become_zombie_locked(struct proc *p)
{
    kobj_close_all_locked(p);
    if (mm_loaded == p) {           /* its regions must not outlive its memory */
        arch_mm_switch(NULL);       /* the guard region too */
        mm_loaded = NULL;
        guard_loaded = 0;
    }
    if (buddy_free(&arena, p->mem) != 0)
        panic("process %d: its memory block %p is not a live block", p->pid, p->mem);
    p->mem = NULL;
    p->state = PROC_ZOMBIE;

    /* Its children: daemons die with it, the others are adopted by init. */
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &proc_table[i];
        if (c->state < PROC_ALIVE || c->parent != p)
            continue;
        c->parent = init_proc;
        if (c->daemon && c->state == PROC_ALIVE)
            proc_kill(c->pid, WSTATUS_KILLED, "daemon: parent ended");
        else if (c->state == PROC_ZOMBIE && init_proc)
            sched_wake_all_locked(&init_proc->child_wait, 0);
    }
    console_proc_ended_locked(p);   /* its parent gets the console back */
    if (p->parent)
        sched_wake_all_locked(&p->parent->child_wait, 0);
}

/* End one thread t of p that is not running (interrupts masked): only a
 * thread in user mode can be ended from outside, since it holds nothing in
 * the kernel. A thread inside a system call is told (EINTR) and ends itself
 * on its way out (proc_check_killed). */
static void end_other_thread_locked(struct thread *t)
{
    if (t->state == TS_BLOCKED) {
        sched_wake_locked(t, -EINTR);
    } else if (t->state == TS_NEW || (t->state == TS_READY && !t->in_syscall)) {
        if (t->state == TS_READY)
            sched_dequeue_locked(t);
        thread_set_state(t, TS_TERMINATED, WHY_KILL);
        proc_thread_ended_locked(t);
        t->in_use = 0;              /* never switched to again: reap now */
    }
}

void proc_thread_ended_locked(struct thread *t)
{
    struct proc *p = t->proc;

    p->ticks_dead += t->ticks_run;
    p->switches_dead += t->switches;
    p->nthreads--;
    if (t->id == p->main_tid)
        p->main_done = 1;
    else if (!t->user_daemon)
        p->nondaemon--;

    /* Python's rule: once main is done and no non-daemon thread is left,
     * the daemon threads end too. */
    if (p->main_done && p->nondaemon == 0 && p->nthreads > 0)
        p->killed = 1;
    if (p->killed)
        for (int i = 0; i < MAX_THREADS; i++)
            if (thread_table[i].in_use && thread_table[i].proc == p &&
                &thread_table[i] != t && thread_table[i].state != TS_TERMINATED)
                end_other_thread_locked(&thread_table[i]);
    if (p->nthreads == 0) {
        /* Reap the slots of threads that ended earlier and were not joined. */
        for (int i = 0; i < MAX_THREADS; i++)
            if (thread_table[i].in_use && thread_table[i].proc == p &&
                &thread_table[i] != t && thread_table[i].state == TS_TERMINATED)
                thread_table[i].in_use = 0;
        t->detached = 1;            /* kernel_switch reaps the last one */
        become_zombie_locked(p);
    }
}

static void end_process_locked(struct proc *p, int status, const char *why)
{
    if (p->killed)
        return;                     /* the first reason wins */
    p->killed = 1;
    p->exit_status = status;
    if (why != p->why)
        strncpy(p->why, why ? why : "", sizeof p->why - 1);
    p->why[sizeof p->why - 1] = '\0';
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &thread_table[i];
        if (t->in_use && t->proc == p && t != current && t->state != TS_TERMINATED)
            end_other_thread_locked(t);
    }
}

void proc_exit(int status, const char *why)
{
    arch_irq_disable();
    end_process_locked(current->proc, status, why);
    arch_irq_enable();
    thread_exit(NULL);
}

void proc_main_exit(int status)
{
    struct proc *p = current->proc;
    arch_irq_disable();
    if (!p->killed)
        p->exit_status = status & 0xFF;
    arch_irq_enable();
    thread_exit(NULL);
}

void proc_check_killed(void)
{
    if (current->proc && current->proc->killed)
        thread_exit(NULL);
}

void kernel_user_fault(int code, const char *why)
{
    struct proc *p = current->proc;
    KASSERT(p != NULL, "only user threads fault into kernel_user_fault");
    proc_exit(WSTATUS_FAULT | code, why);
}

int proc_kill(int pid, int status, const char *why)
{
    uint32_t s = arch_irq_save();
    struct proc *p = proc_by_pid(pid);
    int r = -ESRCH;
    if (p && p->state == PROC_ALIVE) {
        end_process_locked(p, status, why);
        r = 0;
    }
    arch_irq_restore(s);
    return r;
}

/* ---- Wait --------------------------------------------------------------- */

int proc_wait(struct proc *p, int pid, int *status, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    int r;

    for (;;) {
        int children = 0;
        struct proc *z = NULL;
        for (int i = 0; i < MAX_PROCS; i++) {
            struct proc *c = &proc_table[i];
            if (c->state < PROC_ALIVE || c->parent != p || (pid != WAIT_ANY && c->pid != pid))
                continue;
            children++;
            if (c->state == PROC_ZOMBIE) {
                z = c;
                break;
            }
        }
        if (z) {
            if (status)
                *status = z->exit_status;
            r = z->pid;
            z->state = PROC_FREE;   /* reaped */
            break;
        }
        if (!children) {
            r = -ECHILD;
            break;
        }
        r = sched_block_locked(&p->child_wait, timeout, WHY_WAIT);
        if (r < 0)
            break;                  /* -ETIMEDOUT, -EINTR */
    }
    arch_irq_restore(s);
    return r;
}

int proc_addr_in_guard(const struct thread *t, uintptr_t a)
{
    return t->uguard && a - t->uguard < ARCH_GUARD_SIZE;
}

/* ---- Information -------------------------------------------------------- */

void proc_info(const struct proc *p, struct proc_info *out)
{
    memset(out, 0, sizeof *out);
    out->pid = p->pid;
    out->ppid = p->parent ? p->parent->pid : 0;
    out->state = p->state == PROC_ZOMBIE ? PS_ZOMBIE : PS_RUNNING;
    out->daemon = p->daemon;
    out->nthreads = p->nthreads;
    out->exit_status = p->exit_status;
    out->ticks = p->ticks_dead;
    out->switches = p->switches_dead;
    for (int i = 0; i < MAX_THREADS; i++) {
        const struct thread *t = &thread_table[i];
        if (t->in_use && t->proc == p && t->state != TS_TERMINATED) {
            out->ticks += t->ticks_run;
            out->switches += t->switches;
        }
    }
    out->created = p->created;
    out->mem_base = (uint32_t)(uintptr_t)p->mem;
    out->mem_size = p->mem ? p->mem_size : 0;
    memcpy(out->name, p->name, PROC_NAME_LEN);
    memcpy(out->why, p->why, sizeof out->why);
}

/* Called from kernel_switch for a user thread: load its process's regions
 * and its stack guard, each only if it is not loaded already. A kernel
 * thread keeps whatever is loaded (it is privileged: the regions do not
 * limit it, and the guard lets it write). */
static void proc_switch_mm_locked(struct thread *next)
{
    struct proc *p = next->proc;
    if (p != mm_loaded) {
        arch_mm_switch(&p->mm);
        mm_loaded = p;
    }
    if (next->uguard != guard_loaded) {
        arch_mm_guard(next->uguard);
        guard_loaded = next->uguard;
    }
}
