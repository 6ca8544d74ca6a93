/*
 * thread.h: the thread control block, the five states, and the thread calls.
 *
 * Course idea: a thread is a saved stack pointer plus bookkeeping. While a
 * thread is not running, the registers the CPU stacks on an exception (R0-R3,
 * R12, LR, PC, xPSR) are on its own stack, at sp; the rest (R4-R11 and
 * CONTROL) are in `ctx` below, never on a user stack (arch/armv7m/switch.S
 * draws both and says why).
 *
 * The five states and their legal transitions are in kernel/state.c, which is
 * the only code allowed to change `state`. Read next: kernel/sched.c.
 */
#ifndef WEFT_THREAD_H
#define WEFT_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "../arch/arch.h"
#include "config.h"
#include "list.h"
#include "timeout.h"

/* The five-state model. Each value is one line of docs/states.md. */
enum thread_state {
    TS_NEW,         /* created, not yet admitted to the ready queue */
    TS_READY,       /* runnable, waiting in a ready queue for the CPU */
    TS_RUNNING,     /* on the CPU: exactly one thread is in this state */
    TS_BLOCKED,     /* waiting for an event: a semaphore, time, a child... */
    TS_TERMINATED,  /* finished; its slot waits to be reaped by a joiner */
    TS_NSTATES
};


/* A queue of BLOCKED threads, most urgent first, FIFO within a priority.
 * See kernel/sched.c for the two calls that use it. */
struct proc;
struct kobj;

struct waitq {
    struct list threads;
};
#define WAITQ_INIT(q) { LIST_INIT((q).threads) }

struct thread {
    /* Saved stack pointer while not running: the first member, and ctx
     * right after it, so that switch.S saves and restores both with one
     * store-multiple and one load-multiple at the address in `current`
     * (the stack pointer in the lowest register, R1, which is also
     * kernel_switch()'s second argument). Written by the port's switch
     * (arch/armv7m/switch.S) with interrupts masked. */
    void *sp;

    /* Registers the port saves outside the stack (arch/arch.h). */
    struct arch_ctx ctx;

    /* Lowest word of its kernel stack, where the two canary words are
     * (thread_check_stack below). */
    uint32_t *stack_base;

    /* Scheduler links, all guarded by masking interrupts:
     * `link` sits in a ready queue (READY) or a wait queue (BLOCKED);
     * `tlink` sits in the timer queue while a timeout is pending. */
    struct list link;
    struct list tlink;
    uint32_t wake_at;           /* tick at which the timeout fires */
    struct waitq *waiting_on;   /* while BLOCKED: the wait queue holding
                                   `link`, or NULL (a sleep); stale once
                                   woken (kernel/kmutex.c looks at it only
                                   while the thread is BLOCKED) */
    struct kobj *mutex_wait;    /* the mutex it is locking, while it may block
                                   (kernel/kmutex.c: priority inheritance and
                                   the wait-for graph follow it) */
    struct list held_mutexes;   /* the mutexes it owns, by kmutex.held_link:
                                   what it may inherit from (kernel/kmutex.c) */
    void *xfer;                 /* a blocked queue getter's kernel buffer: a
                                   put hands its item straight in (kqueue.c) */
    int wait_result;            /* what the waker says: 0, -ETIMEDOUT, ... */

    int id;                     /* 1, 2, 3...; never reused while booted */
    uint8_t state;              /* enum thread_state; see kernel/state.c */
    uint8_t prio;               /* 0 (idle) .. NPRIO-1: the one it runs at */
    uint8_t base_prio;          /* its own: a policy may run it lower (mlfq) */
    uint8_t pi_prio;            /* what it inherits through mutexes, if more
                                   than base_prio, else 0: a policy never runs
                                   it lower than that (kernel/kmutex.c) */
    uint8_t in_use;             /* this slot holds a thread (any state) */
    uint8_t detached;           /* reap the slot at exit: nobody will join */
    uint8_t leave_why;          /* why it goes READY if the next switch takes
                                   the CPU from it (enum transition_reason):
                                   WHY_PREEMPT, or WHY_YIELD once it asked to
                                   yield (sched_yield_locked); set back to
                                   WHY_PREEMPT when the request is used up: by
                                   the switch it asked for (kernel_switch) or
                                   by blocking first (sched_block_locked) */
    uint8_t slice_left;         /* ticks left in the round-robin slice; right
                                   after leave_why, so that a turn's end sets
                                   both with one store (kernel_switch) */
    char name[THREAD_NAME_LEN];

    uint32_t stack_size;        /* bytes */

    /* Joining: the exit value and the one thread waiting for it. */
    void *exit_value;
    struct waitq joiners;

    /* Processes (kernel/proc.c). A kernel thread has proc == NULL. */
    struct proc *proc;          /* the process this thread belongs to */
    void *user_sp;              /* the user stack while in a system call */
    uint32_t sysno;             /* the system call being run */
    long sysargs[4];            /* its R0..R3 (kernel/syscall.h: arg_*) */
    uint8_t in_syscall;         /* running kernel code for its process */
    uint8_t daemon;             /* THREAD_DAEMON: ends with the main thread */
    uint8_t kill_pending;       /* its process is ending: blocking refuses
                                   (-EINTR), and it never returns to user mode */
    uintptr_t uguard;           /* its user stack's guard (ARCH_GUARD_SIZE bytes) */

    /* Accounting, shown by `ps`. */
    uint32_t ticks_run;         /* ticks during which it was RUNNING */
    uint32_t switches;          /* times it was switched in */
    uint32_t wakeups;           /* BLOCKED -> READY transitions */
    uint32_t created_at;        /* tick of creation */
};

/* A thread's body. Returning from it is the same as thread_exit(value). */
_Static_assert(offsetof(struct thread, sp) == 0, "switch.S saves sp at *current");
_Static_assert(SLICE_TICKS <= 255, "slice_left is a byte");
_Static_assert(offsetof(struct thread, slice_left) == offsetof(struct thread, leave_why) + 1,
               "kernel_switch sets leave_why and slice_left with one store");
_Static_assert(offsetof(struct thread, ctx) == sizeof(void *),
               "switch.S stores sp and ctx with one store-multiple");

typedef void *(*thread_fn)(void *arg);

/* The running thread. Changes only inside kernel_switch(). */
extern struct thread *current;

/* The thread table, for `ps` and the tests. */
extern struct thread thread_table[MAX_THREADS];

/* Create a thread in state NEW, then admit it (READY). Its stack is the
 * slot's own kernel stack. Returns the new id or -EAGAIN (table full),
 * -EINVAL (bad priority). May switch to it at once if it is more urgent. */
int thread_create(const char *name, thread_fn fn, void *arg, int prio);

/* Same, but the thread is reaped when it exits and cannot be joined. */
int thread_create_detached(const char *name, thread_fn fn, void *arg, int prio);

/* Create a user-mode thread of process p, starting at entry(a0, a1) on the
 * user stack whose top is ustack_top and whose overflow guard is at uguard
 * (ARCH_GUARD_SIZE-aligned, below the stack). The slot joins p (t->proc)
 * only when it is whole, in the masked step that admits it; admit_hook,
 * if not NULL, is called in that same step. Returns its id or -EAGAIN. */
int thread_create_user(struct proc *p, const char *name, uintptr_t entry,
                       uintptr_t a0, uintptr_t a1, void *ustack_top, uintptr_t uguard,
                       int daemon, void (*admit_hook)(struct thread *t));

/* The process layer (kernel/proc.c) is told when a user thread ends, with
 * interrupts masked, through this hook; the thread core knows nothing else
 * about processes, so it also builds for the host without them. */
extern void (*thread_end_hook)(struct thread *t);

/* End the calling thread with a value for its joiner. Never returns. */
void thread_exit(void *value) __attribute__((noreturn));

/* Wait up to `timeout` ticks for thread `id` to end, store its exit value,
 * and free its slot. Returns 0, -ESRCH (no such joinable thread), -EDEADLK
 * (joining oneself), -EBUSY (someone else is joining it), -ETIMEDOUT. */
int thread_join(int id, void **value, uint32_t timeout);

/* Give the CPU to the next ready thread of the same or higher priority. */
void thread_yield(void);

/* Block for `ticks` ticks (at least; the sleep ends on a tick boundary).
 * Returns 0, or -EINTR if the thread's process was killed meanwhile. */
int thread_sleep(uint32_t ticks);

/* Give every slot of the table what it keeps for good (its kernel stack,
 * its timer link off the queue). sched_init() calls it, before the first
 * thread is created. */
void thread_init_slots(void);

/* Look a thread up by id; NULL if no such thread exists. */
struct thread *thread_by_id(int id);

/* Change a thread's priority; it takes effect at the next scheduling point. */
int thread_set_prio(int id, int prio);

/* Check the canary words at the bottom of t's stack, and its saved stack
 * pointer sp (t->sp, which the caller has in a register) against them;
 * panic naming the thread if either is wrong. Called at every switch away
 * from t, so it is inline: two loads (the base, both canary words at
 * once), three compares. */
/* The canary is any value unlikely as data; one byte four times over (0xEF:
 * "weft") is one a compare can hold as an immediate (a Thumb-2 modified
 * constant), so the check loads no literal. */
#define THREAD_CANARY 0xEFEFEFEFu
/* Both canary words as one 8-byte value (the stack is 8-byte aligned), so
 * that they are read with one load (LDRD: 3 cycles on a Cortex-M3, as two
 * pipelined LDRs; docs/costs.md, fourth round). may_alias: the words are
 * written as uint32_t. */
typedef uint64_t thread_canary_pair __attribute__((may_alias));
#define THREAD_CANARY_PAIR ((uint64_t)THREAD_CANARY << 32 | THREAD_CANARY)
void thread_stack_overflow(const struct thread *t) __attribute__((noreturn, cold));
static inline void thread_check_stack(const struct thread *t, const void *saved_sp)
{
    const uint32_t *sp = saved_sp, *base = t->stack_base;
    uint64_t words = *(const thread_canary_pair *)base;
    if ((uint32_t)words != THREAD_CANARY || (uint32_t)(words >> 32) != THREAD_CANARY || sp < base + 2)
        thread_stack_overflow(t);
}

#endif
