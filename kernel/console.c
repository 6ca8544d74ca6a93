/*
 * console.c: job control in miniature: who may read the console, and Ctrl-C.
 *
 * Course idea: the small version of Unix's terminal job control
 * (docs/console.md). The console belongs to one foreground process at a
 * time; the shell gives it to the program it runs in the foreground and
 * takes it back when that program ends.
 *   - Only the foreground job reads: the foreground process and its
 *     descendants (unless it is a shell: a shell's children are jobs of
 *     their own). Any other reader (a background job) blocks until it is
 *     made the foreground (the shell's `fg`), as Unix stops a background
 *     reader with SIGTTIN; killing it wakes it.
 *   - Ctrl-C (byte 0x03) ends the foreground job, status "killed", reason
 *     "interrupted", as SIGINT's default action would. A process that
 *     asked to catch it (the shell, as a Unix shell ignores SIGINT) reads
 *     it as a key instead.
 *   - When the foreground process ends, the console passes to its parent.
 * Until someone claims the console (init gives it to the shell), anyone
 * may read: the test images and benchmarks run without a shell.
 *
 * Ctrl-C arrives in the UART's receive interrupt, which ends the process
 * there and then with proc_kill(), as a device's signal does: a thread of
 * it that was interrupted in user mode ends at once (a spinning `hog` too,
 * under either policy), one inside a system call on its way out, a
 * blocked one is woken with -EINTR (kernel/proc.c).
 *
 * Locking: every variable here is guarded by masking interrupts; the
 * receive interrupt reads fg_pid and catchers.
 * Read next: drivers/uart.c (the bytes), apps/sh.c (the shell's side).
 */
#include "console.h"

#include "../drivers/uart.h"
#include "errno.h"
#include "proc.h"
#include "sched.h"
#include "state.h"
#include "syscall.h"

static int fg_pid;                  /* the foreground process; 0: not claimed */
static int catchers[MAX_PROCS];     /* pids that read Ctrl-C as a key; 0: free */
static struct waitq fg_changed = WAITQ_INIT(fg_changed);

/* ---- Who may read ------------------------------------------------------- */

static int catches_locked(int pid)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (catchers[i] == pid)
            return 1;
    return 0;
}

/* Is `anc` the process `p` or one of its ancestors? */
static int is_ancestor_locked(const struct proc *anc, const struct proc *p)
{
    for (; p; p = p->parent)
        if (p == anc)
            return 1;
    return 0;
}

/* The foreground job: the foreground process and, unless it is a shell (a
 * catcher, whose children are jobs of their own, each put in the
 * foreground by name), its descendants: the small version of a process
 * group, which children inherit. */
static int in_fg_job_locked(const struct proc *p)
{
    if (p->pid == fg_pid)
        return 1;
    const struct proc *fg = proc_by_pid(fg_pid);
    return fg && !catches_locked(fg_pid) && is_ancestor_locked(fg, p);
}

static int may_read_locked(const struct proc *p)
{
    return fg_pid == 0 || !p || in_fg_job_locked(p);
}

int console_may_read_locked(void)
{
    return may_read_locked(proc_current());
}

long console_fg_read(char *buf, size_t n, int nonblock)
{
    const struct proc *me = proc_current();
    long r;
    uint32_t s = arch_irq_save();
    for (;;) {
        if (nonblock) {                     /* never waits: not now, or nothing */
            r = may_read_locked(me) ? (long)uart_read_nonblock(buf, n) : 0;
            r = r ? r : -EAGAIN;
            break;
        }
        if (!may_read_locked(me)) {         /* a background reader waits */
            r = sched_block_locked(&fg_changed, WAIT_FOREVER, WHY_WAIT);
        } else {
            if ((r = (long)uart_read_nonblock(buf, n)) > 0)
                break;
            r = uart_wait_input_locked();
        }
        if (r < 0)                          /* -EINTR: the reader was killed */
            break;
    }
    arch_irq_restore(s);
    return r;
}

/* Interrupts masked. Every waiting reader looks again: one may have gained
 * the console, one may have lost it. */
static void set_fg_locked(int pid)
{
    fg_pid = pid;
    sched_wake_all_locked(&fg_changed, 0);
    uart_wake_readers_locked();
}

int console_set_fg(struct proc *caller, int pid)
{
    int r = 0;
    uint32_t s = arch_irq_save();
    struct proc *target = proc_by_pid(pid);
    struct proc *fg = fg_pid ? proc_by_pid(fg_pid) : NULL;
    if (!target || target->state != PROC_ALIVE)
        r = -ESRCH;
    else if (!is_ancestor_locked(caller, target))
        r = -EPERM;             /* only to oneself or a descendant */
    else if (fg && !is_ancestor_locked(caller, fg))
        r = -EPERM;             /* only by the foreground or its ancestors */
    else
        set_fg_locked(pid);
    arch_irq_restore(s);
    return r;
}

int console_get_fg(void)
{
    return fg_pid;
}

void console_catch_intr(struct proc *caller, int on)
{
    uint32_t s = arch_irq_save();
    int free_slot = -1;
    for (int i = 0; i < MAX_PROCS; i++) {
        if (catchers[i] == caller->pid)
            catchers[i] = 0;
        if (!catchers[i] && free_slot < 0)
            free_slot = i;
    }
    if (on)
        catchers[free_slot] = caller->pid;  /* one slot per process: never full */
    arch_irq_restore(s);
}

void console_proc_ended_locked(struct proc *p)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (catchers[i] == p->pid)
            catchers[i] = 0;
    if (p->pid == fg_pid)
        set_fg_locked(p->parent ? p->parent->pid : 0);
}

/* console(op, arg): the system call (kernel/syscalls.h). */
long sys_console(void)
{
    struct proc *self = current->proc;
    int arg = arg_int(1);
    switch (arg_int(0)) {
    case CONSOLE_SET_FG:     return console_set_fg(self, arg);
    case CONSOLE_GET_FG:     return console_get_fg();
    case CONSOLE_CATCH_INTR: console_catch_intr(self, arg != 0); return 0;
    default:                 return -EINVAL;
    }
}

/* ---- Ctrl-C ------------------------------------------------------------- */

/* The receive interrupt's hook (uart.h), interrupts masked: 1 if the byte
 * was taken as an interrupt for the foreground process. */
static int intr_from_isr(void)
{
    struct proc *fg = fg_pid ? proc_by_pid(fg_pid) : NULL;
    if (!fg || fg->state != PROC_ALIVE || fg->parent == NULL || catches_locked(fg_pid))
        return 0;               /* no one to interrupt (never init): a key */
    /* The whole job, named first: a parent that ends hands its children
     * to init, which would take them out of the job. */
    int job[MAX_PROCS], n = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        if (proc_table[i].state == PROC_ALIVE && in_fg_job_locked(&proc_table[i]))
            job[n++] = proc_table[i].pid;
    for (int i = 0; i < n; i++)
        proc_kill(job[i], WSTATUS_KILLED, "interrupted");
    uart_flush_input_locked();      /* typed ahead for the job: gone with it */
    return 1;
}

void console_init(void)
{
    uint32_t s = arch_irq_save();
    fg_pid = 0;                     /* nobody holds the console yet */
    for (int i = 0; i < MAX_PROCS; i++)
        catchers[i] = 0;
    uart_intr_hook = intr_from_isr;
    arch_irq_restore(s);
}
