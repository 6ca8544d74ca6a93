/*
 * proc.c: creating, ending, waiting for and killing processes.
 *
 * Course idea: see proc.h. This file is the life cycle: proc_spawn() turns a
 * program into a process (memory, loading, the main thread), proc_end() is
 * the one way a process ends, and proc_wait() reaps the zombie (the slot
 * itself). Every path that allocates undoes all of it on failure, so a
 * failed spawn leaves nothing behind.
 *
 * Locking: the process table, like the scheduler, is guarded by masking
 * interrupts. Loading a program (copying kilobytes) runs unmasked on a slot
 * in state PROC_NEW, which nothing else touches: proc_by_pid(), the kill
 * sweep and the reaper look only at ALIVE and ZOMBIE slots, and a thread
 * slot joins its process only once it is whole (thread_create_user()).
 * Read next: kernel/sys_proc.c, kernel/ufault.c, kernel/loader.c.
 */
#include "proc.h"

#include <string.h>

#include "buddy.h"
#include "console.h"
#include "errno.h"
#include "kobj.h"
#include "loader.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

#define BLOCK_MIN_LOG2 10           /* the smallest process block: 1 KiB */
_Static_assert(PROG_GUARD_SIZE == ARCH_GUARD_SIZE, "the loader leaves room for the MPU's guard");

struct proc proc_table[MAX_PROCS];
static struct buddy arena;         /* processes' memory (arch_proc_arena) */
static uint32_t arena_bytes;
static int next_pid = 1;
static struct proc *init_proc;      /* pid 1: adopts orphans */
static const struct prog_header *progs[PROG_MAX_COUNT];  /* the table, */
static int nprogs;                  /* checked once at boot (prog_index) */

void proc_init(void)
{
    uintptr_t base;
    memset(proc_table, 0, sizeof proc_table);   /* a host test boots again */
    next_pid = 1;
    init_proc = NULL;
    kobj_init();
    nprogs = prog_index(progs_table, progs, PROG_MAX_COUNT);
    unsigned log2 = arch_proc_arena(&base);
    buddy_init(&arena, base, log2, BLOCK_MIN_LOG2);
    arena_bytes = 1u << log2;
    arch_user_mode_init();          /* system calls, user faults */
    thread_end_hook = proc_thread_ended_locked;
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
uint32_t proc_mem_total(void) { return arena_bytes; }

void *proc_arena_alloc_locked(uint32_t size)
{
    ASSERT_LOCKED();
    return buddy_alloc(&arena, size);
}

void proc_arena_free_locked(void *mem)
{
    ASSERT_LOCKED();
    if (buddy_free(&arena, mem) != 0)
        panic("shared segment %p is not a live block", mem);
}

/* ---- Spawn -------------------------------------------------------------- */

/* Lay argv out at `at` (inside the new block): the pointer array, then the
 * strings. Returns the user address of argv. */
static uintptr_t put_args(uint8_t *at, const char *args, int args_len, int argc)
{
    char **argv = (char **)at;
    char *str = (char *)(argv + argc + 1);
    memcpy(str, args, (size_t)args_len);
    argv[0] = str;
    for (int i = 1, k = 0; i < argc; i++) {     /* each string starts after a NUL */
        while (str[k++] != '\0')
            ;
        argv[i] = str + k;
    }
    argv[argc] = NULL;
    return (uintptr_t)argv;
}

/* Claim a free slot (state NEW) and a memory block together, or neither. */
static int claim_locked(uint32_t block_size, struct proc **out)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &proc_table[i];
        if (p->state != PROC_FREE)
            continue;
        p->mem = buddy_alloc(&arena, block_size);
        if (!p->mem)
            return -ENOMEM;
        p->state = PROC_NEW;
#pragma GCC unroll 16
        for (int f = 0; f < MAX_FDS; f++)   /* a fresh table (fd_table_init_locked) */
            p->fds[f] = (struct fd){ NULL, 0, 0 };
        for (int g = 0; g < UMEM_SEGS; g++)
            p->segs[g] = NULL;
        *out = p;
        return 0;
    }
    return -EAGAIN;
}

/* Fill in a claimed slot for program h loaded at p->mem with layout l. */
static void setup(struct proc *p, const struct prog_header *h,
                  const struct prog_layout *l, int flags)
{
    uintptr_t base = (uintptr_t)p->mem;
    p->mem_size = l->block_size;
    p->heap_lo = p->brk = base + l->heap_offset;
    p->heap_hi = base + l->block_size;
    memset(&p->umem, 0, sizeof p->umem);
    p->umem.base = base;
    p->umem.code_end = base + l->data_offset;  /* the text's eighths of the code region */
    p->umem.end = base + l->block_size;
    p->umem.guard_lo = base + l->stack_guard;
    p->umem.guard_hi = base + l->stack_guard + PROG_GUARD_SIZE;
    p->umem.top = base + l->hidden_lo;          /* sys_sbrk shows the rest */
    arch_mm_init(&p->mm, base, l->block_size, l->code_size, l->data_offset, p->umem.top);

    memcpy(p->name, h->name, PROC_NAME_LEN);    /* prog_check found its NUL */
    p->name[PROC_NAME_LEN - 1] = '\0';
    p->daemon = (flags & SPAWN_DAEMON) != 0;
    p->killed = p->main_done = 0;
    p->nthreads = p->nondaemon = p->nmade = 0;
    p->main_tid = 0;
    p->exit_status = 0;
    p->why[0] = '\0';
    waitq_init(&p->child_wait);
    p->ticks_dead = p->switches_dead = 0;
    p->created = ticks;
}

/* Give a slot back: its memory, then the slot. Interrupts masked. */
static void unclaim_locked(struct proc *p)
{
    ASSERT_LOCKED();
    fd_close_all_locked(p);         /* those passed to it, if any */
    if (buddy_free(&arena, p->mem) != 0)
        panic("process slot %d: its memory block %p is not a live block",
              (int)(p - proc_table), p->mem);
    p->mem = NULL;
    p->state = PROC_FREE;
}

/* The child's descriptors: the console, then the parent's pairs. Every
 * pair is checked before any is passed. Masked. */
static int pass_fds_locked(struct proc *parent, struct proc *p,
                           const struct spawn_fd *map, int nmap)
{
    for (int i = 0; i < nmap; i++)
        if (!parent || !fd_lookup_locked(parent, map[i].from, NULL) ||
            map[i].to < 0 || map[i].to >= MAX_FDS)
            return -EBADF;
    fd_table_init_locked(p);
    for (int i = 0; i < nmap; i++)
        fd_pass_locked(parent, map[i].from, p, map[i].to);
    return 0;
}

int proc_spawn(struct proc *parent, const char *prog, const char *args,
               int args_len, int argc, int flags, const struct spawn_fd *map, int nmap)
{
    const struct prog_header *h = prog_lookup(progs, nprogs, prog);
    struct prog_layout l;
    struct proc *p = NULL;
    int r;

    if (!h)
        return -ENOENT;
    uint32_t extra = ((uint32_t)args_len + 4u * (uint32_t)(argc + 1) + 7u) & ~7u;
    if ((r = prog_layout_checked(h, extra, &l)) != 0)
        return r;
    uint32_t s = arch_irq_save();
    r = claim_locked(l.block_size, &p);
    arch_irq_restore(s);
    if (r < 0)
        return r;
    prog_load_checked(h, p->mem, &l);
    setup(p, h, &l, flags);
    uintptr_t base = (uintptr_t)p->mem;
    uintptr_t argv = put_args(p->mem + l.extra_offset, args, args_len, argc);

    /* The main thread is created before the process is ALIVE: until then
     * no kill can find it, and once it is ALIVE its thread exists. */
    s = arch_irq_save();
    r = pass_fds_locked(parent, p, map, nmap);
    p->pid = next_pid++;
    p->parent = parent;
    arch_irq_restore(s);
    if (r < 0)
        goto undo;
    r = proc_thread_create(p, p->name, base + l.entry, (uintptr_t)argc, argv,
                           base + l.stack_top, p->umem.guard_lo, 0);
    if (r < 0)
        goto undo;
    return p->pid;

undo:
    s = arch_irq_save();
    unclaim_locked(p);
    arch_irq_restore(s);
    return r;
}

/* ---- Threads of a process ---------------------------------------------- */

int proc_thread_create(struct proc *p, const char *name, uintptr_t entry, uintptr_t a0,
                       uintptr_t a1, uintptr_t stack_top, uintptr_t guard, int daemon)
{
    KASSERT(guard != 0 && !(guard & (ARCH_GUARD_SIZE - 1)),
            "a user thread has a guard, aligned (arch_mm_load)");
    uint32_t s = arch_irq_save();
    int first = p->state == PROC_NEW;
    if (p->killed) {                /* ending: no new threads */
        arch_irq_restore(s);
        return -EINTR;
    }
    p->nthreads++;
    p->nmade++;
    p->nondaemon += !first && !daemon;
    arch_irq_restore(s);

    int r = thread_create_user(p, name, entry, a0, a1, (void *)stack_top, guard, daemon,
                               first ? proc_admit_main_locked : NULL);
    s = arch_irq_save();
    if (r < 0) {
        p->nthreads--;
        p->nmade--;
        p->nondaemon -= !first && !daemon;
    } else if (p->killed) {
        proc_end_locked(p, p->exit_status, NULL);  /* killed meanwhile: sweep again */
    }
    arch_irq_restore(s);
    return r;
}

/* thread_create_user() calls this for a main thread, masked, in the same
 * step that makes the thread visible: the process becomes ALIVE with its
 * main thread, never without. */
void proc_admit_main_locked(struct thread *t)
{
    ASSERT_LOCKED();
    struct proc *p = t->proc;
    p->main_tid = t->id;
    p->state = PROC_ALIVE;
    if (!p->parent)
        init_proc = p;
}

/* ---- The end of a process ---------------------------------------------- */

/* Step 2 for one thread t of p that is not running (interrupts masked).
 * Only a thread in user mode can be ended from outside, since it holds
 * nothing in the kernel: it goes READY -> TERMINATED at once. A thread
 * inside the kernel is told: kill_pending makes every block refuse
 * (-EINTR), a blocked one is woken with -EINTR, and each ends itself on
 * its way back to user mode (proc_check_killed, or the port's last check). */
static void end_other_thread_locked(struct thread *t)
{
    ASSERT_LOCKED();
    t->kill_pending = 1;
    if (t->state == TS_BLOCKED) {
        sched_wake_locked(t, -EINTR);
    } else if (t->state == TS_READY && !t->in_syscall) {
        sched_dequeue_locked(t);
        thread_set_state(t, TS_TERMINATED, WHY_KILL);
        proc_thread_ended_locked(t);
        t->in_use = 0;              /* never switched to again: reap now */
    }
}

/* Step 2 for the running thread. From a system call it ends on its way
 * out. From an interrupt handler that interrupted it in user mode (a kill
 * from a device, such as Ctrl-C), it would go back to user mode and run on:
 * it ends here instead, and the switch requested takes the CPU from it
 * before the handler returns to it. */
static void end_current_locked(struct thread *t)
{
    ASSERT_LOCKED();
    t->kill_pending = 1;
    if (arch_in_isr() && !t->in_syscall && t->state == TS_RUNNING) {
        thread_set_state(t, TS_TERMINATED, WHY_KILL);
        sched_dequeue_locked(t);
        t->detached = 1;            /* kernel_switch reaps it */
        proc_thread_ended_locked(t);
        arch_switch_request();
    }
}

/*
 * The one way a process ends, whoever starts it: its own exit or error
 * exit (proc_exit), a fault (kernel/ufault.c), a kill (proc_kill), the end
 * of a daemon's parent, or its last thread ending (Python's rule). Masked.
 *
 *   1. mark it ending: killed, with the status and reason (the first wins);
 *   2. end its other threads (end_other_thread_locked: at once in user
 *      mode, at their way out of the kernel otherwise).
 * When its last thread has ended (proc_thread_ended_locked), release():
 *   3. close its descriptors and unmap its shared segments;
 *   4. free its memory;
 *   5. reparent its children to init; a daemon child ends (steps 1-6);
 *   6. wake its parent: it is a zombie, with only its slot and status.
 * why == NULL keeps the reason already recorded.
 */
void proc_end_locked(struct proc *p, int status, const char *why)
{
    ASSERT_LOCKED();
    if (!p->killed) {                                       /* 1 */
        p->killed = 1;
        p->exit_status = status;
        strncpy(p->why, why ? why : "", sizeof p->why - 1);
        p->why[sizeof p->why - 1] = '\0';
    }
    for (int i = 0; i < MAX_THREADS; i++) {                 /* 2 */
        struct thread *t = &thread_table[i];
        if (t->in_use && t->proc == p && t != current && t->state != TS_TERMINATED)
            end_other_thread_locked(t);
    }
    if (current && current->proc == p)
        end_current_locked(current);
}

/* Steps 3-6: the last thread of p has ended. Masked. */
static void release_locked(struct proc *p)
{
    ASSERT_LOCKED();
    fd_close_all_locked(p);                                 /* 3 */
    shm_unmap_all_locked(p);
    arch_mm_forget(&p->mm);         /* its regions must not outlive its memory */
    if (buddy_free(&arena, p->mem) != 0)                    /* 4 */
        panic("process %d: its memory block %p is not a live block", p->pid, p->mem);
    p->mem = NULL;
    p->state = PROC_ZOMBIE;
    for (struct proc *c = proc_table; c < proc_table + MAX_PROCS; c++) {     /* 5 */
        if (c->parent != p || c->state < PROC_ALIVE)
            continue;
        c->parent = init_proc;
        if (c->daemon && c->state == PROC_ALIVE)
            proc_end_locked(c, WSTATUS_KILLED, "daemon: parent ended");
        else if (c->state == PROC_ZOMBIE && init_proc)
            sched_wake_all_locked(&init_proc->child_wait, 0);
    }
    console_proc_ended_locked(p);   /* its parent gets the console back */
    if (p->parent)                                          /* 6 */
        sched_wake_all_locked(&p->parent->child_wait, 0);
}

/* Give back the slot of o, an ended thread of a process that is being
 * released. The running one is still on its way out: kernel_switch reaps
 * it when it switches away for the last time. */
static void reap_locked(struct thread *o)
{
    if (o == current)
        o->detached = 1;
    else
        o->in_use = 0;
}

void proc_thread_ended_locked(struct thread *t)
{
    ASSERT_LOCKED();
    struct proc *p = t->proc;

    kmutex_thread_ended_locked(t);  /* what it holds passes on: -EOWNERDEAD */
    p->ticks_dead += t->ticks_run;
    p->switches_dead += t->switches;
    p->nthreads--;
    if (t->id == p->main_tid)
        p->main_done = 1;
    else if (!t->daemon)
        p->nondaemon--;

    /* Python's rule: once main is done and no non-daemon thread is left,
     * the daemon threads end too, with main's status. This may end the
     * last thread in a nested call, which then releases p. */
    if (p->main_done && p->nondaemon == 0 && p->nthreads > 0)
        proc_end_locked(p, p->exit_status, NULL);
    if (p->nthreads > 0 || p->state != PROC_ALIVE)
        return;                     /* others live on, or released already */
    /* The last thread: reap every ended thread of p that nobody will
     * join, t among them. A process that never made a second thread has
     * only t; else the table is searched. */
    if (p->nmade == 1) {
        reap_locked(t);
    } else {
        for (int i = 0; i < MAX_THREADS; i++) {
            struct thread *o = &thread_table[i];
            if (o->in_use && o->proc == p && o->state == TS_TERMINATED)
                reap_locked(o);
        }
    }
    release_locked(p);
}

void proc_exit(int status, const char *why)
{
    arch_irq_disable();
    proc_end_locked(current->proc, status, why);
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

int proc_kill(int pid, int status, const char *why)
{
    uint32_t s = arch_irq_save();
    struct proc *p = proc_by_pid(pid);
    int r = -ESRCH;
    if (p && p->state == PROC_ALIVE) {
        proc_end_locked(p, status, why);
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
        for (struct proc *c = proc_table; c < proc_table + MAX_PROCS; c++) {
            if (c->parent != p || c->state < PROC_ALIVE || (pid != WAIT_ANY && c->pid != pid))
                continue;           /* (a free slot's parent may be stale: state next) */
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

/* ---- Information -------------------------------------------------------- */

void proc_info(const struct proc *p, struct proc_info *out)
{
    memset(out, 0, sizeof *out);
    out->pid = p->pid;
    out->ppid = p->parent ? p->parent->pid : 0;
    out->state = p->state == PROC_ZOMBIE ? PS_ZOMBIE : PS_ALIVE;
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
    out->hidden_lo = p->mem ? (uint32_t)p->umem.top : 0;
    out->hidden_hi = p->mem ? (uint32_t)p->umem.end : 0;
    memcpy(out->name, p->name, PROC_NAME_LEN);
    memcpy(out->why, p->why, sizeof out->why);
}

/* Called from kernel_switch for a user thread: its process's regions and
 * its stack guard; the port loads only what is not loaded already. A
 * kernel thread keeps whatever is loaded (it is privileged: the regions do
 * not limit it, and the guard lets it write). */
void proc_switch_mm_locked(struct thread *next)
{
    arch_mm_load(&next->proc->mm, next->uguard);
}
