/*
 * proc.h: processes: a program running in memory of its own.
 *
 * Course idea: a process is a container: one memory block (its program's
 * code, data, heap and stacks), a table of descriptors, and one or more
 * threads.
 * Processes form a tree: each has a parent, which learns how its child ended
 * by waiting for it. Until then the child is a zombie: it holds nothing but
 * its process slot and exit status. A child whose parent ends first is an
 * orphan and is adopted by init (pid 1), which waits for it.
 *
 * How a process ends, in one of four ways (the status wait returns):
 *   normal exit (exit(0)), error exit (exit(n)), a fault (a fatal error the
 *   CPU detected), or killed by another process.
 *
 * The main thread ending follows Python: the process lives on while non-daemon
 * threads run; daemon threads are ended with it. exit() from another thread,
 * a fault, or kill end the whole process at once. Every one of these ends
 * in proc_end_locked(), whose numbered steps are in proc.c and
 * docs/states.md.
 * Read next: kernel/syscall.c (how a process asks for all this).
 */
#ifndef WEFT_PROC_H
#define WEFT_PROC_H

#include <stdint.h>

#include "../arch/arch.h"
#include "config.h"
#include "fd.h"
#include "thread.h"
#include "uaccess.h"
#include "uapi.h"

enum proc_state { PROC_FREE, PROC_NEW, PROC_ALIVE, PROC_ZOMBIE };

struct proc {
    int pid;
    uint8_t state;          /* enum proc_state */
    uint8_t daemon;         /* SPAWN_DAEMON: ends when its parent ends */
    uint8_t killed;         /* ending (proc_end_locked step 1): every thread
                               ends at its next chance */
    uint8_t main_done;      /* the main thread has ended */
    struct proc *parent;    /* init for orphans; NULL only for init */
    char name[PROC_NAME_LEN];

    int main_tid;
    int nthreads;           /* threads not yet TERMINATED */
    int nondaemon;          /* of which neither main nor daemon */
    int nmade;              /* threads ever created in it (1: main alone) */
    int exit_status;        /* meaningful once a zombie */
    char why[PROC_WHY_LEN]; /* how it ended, for the shell */
    struct waitq child_wait;    /* its threads waiting in wait() */

    uint8_t *mem;           /* its block from the buddy allocator */
    uint32_t mem_size;
    uintptr_t brk, heap_lo, heap_hi;    /* sbrk's range */
    struct umem umem;       /* what its pointers may touch */
    struct arch_mm mm;      /* the same, for the MPU */

    struct fd fds[MAX_FDS]; /* its descriptors (kernel/fd.h) */
    struct kobj *segs[UMEM_SEGS];   /* its mapped shared segments (kernel/shm.c) */

    uint32_t ticks_dead;    /* ticks of its threads that have ended */
    uint32_t switches_dead;
    uint32_t created;
};

extern struct proc proc_table[MAX_PROCS];

/* Set up the process table, the memory arena and the program table. */
void proc_init(void);

/* Load program `prog` as a new child of `parent` (NULL: the first process).
 * argv is a kernel copy: argc strings packed in args[0..args_len). The
 * child gets the console as 0, 1, 2, then parent's descriptor map[i].from
 * as its map[i].to for each of the nmap pairs.
 * Returns the pid, or -ENOENT, -EAGAIN (no slot), -ENOMEM, -EINVAL, -EBADF
 * (a bad pair). On an error nothing is left allocated. */
int proc_spawn(struct proc *parent, const char *prog, const char *args,
               int args_len, int argc, int flags, const struct spawn_fd *map, int nmap);

/* Create a thread of p running entry(a0, a1) in user mode on the stack
 * whose top is stack_top, with its guard at `guard`. The first thread of
 * a NEW process is its main thread, and makes it ALIVE. Returns the tid,
 * -EAGAIN (no thread slot), -EINTR (p is ending). */
int proc_thread_create(struct proc *p, const char *name, uintptr_t entry, uintptr_t a0,
                       uintptr_t a1, uintptr_t stack_top, uintptr_t guard, int daemon);
void proc_admit_main_locked(struct thread *t);

/* Called by thread_exit() for a user thread, interrupts masked. */
void proc_thread_ended_locked(struct thread *t);

/* Unmap every shared segment p has mapped (kernel/shm.c). Masked. */
void shm_unmap_all_locked(struct proc *p);

/* The one way a process ends (steps in proc.c). Interrupts masked; from a
 * thread or an interrupt handler. why == NULL keeps the recorded reason. */
void proc_end_locked(struct proc *p, int status, const char *why);

/* End the calling thread's process with `status` (all its threads). */
void proc_exit(int status, const char *why) __attribute__((noreturn));

/* The main thread ended with `status`: Python semantics (see above). */
void proc_main_exit(int status) __attribute__((noreturn));

/* Wait for a child of p (pid or WAIT_ANY) to end; reap it. */
int proc_wait(struct proc *p, int pid, int *status, uint32_t timeout);

/* Terminate process pid wherever its threads are; -ESRCH if none. */
int proc_kill(int pid, int status, const char *why);

/* Called on the way back to user mode: a killed process's thread ends. */
void proc_check_killed(void);

struct proc *proc_by_pid(int pid);
struct proc *proc_current(void);
int proc_free_slots(void);
uint32_t proc_mem_free(void);      /* bytes of the process arena not in use */
/* A block of the process arena (a power of two >= 1 KiB, aligned to its
 * size), or NULL; and back. Interrupts masked. For shared segments. */
void *proc_arena_alloc_locked(uint32_t size);
void proc_arena_free_locked(void *mem);
uint32_t proc_mem_total(void);
void proc_info(const struct proc *p, struct proc_info *out);

/* The program table embedded in the kernel image (kernel/progtab.S). */
extern const uint8_t progs_table[];

#endif
