/*
 * uapi.h: the contract between user programs and the kernel.
 *
 * Course idea: a system call is a function call across a privilege
 * boundary. A user program cannot jump into the kernel; it executes `svc 0`
 * with the call number in R12 and up to four arguments in R0-R3, and the
 * kernel answers in R0: a result >= 0, or a negative errno (kernel/errno.h).
 * This header is shared by the kernel (kernel/syscall.c, the dispatcher)
 * and the user runtime (lib/user/), so both sides agree on every number.
 *
 * Every pointer argument is checked as a whole range against the caller's
 * own memory (-EFAULT); every handle for range, type, owner and staleness
 * (-EBADF); an unknown call number gives -ENOSYS. A call either completes or
 * fails with nothing changed.
 */
#ifndef WEFT_UAPI_H
#define WEFT_UAPI_H

#include <stdint.h>

/* ---- System call numbers (R12) ---------------------------------------- */
/* SYS_EXIT, SYS_WRITE, ...: each call's position in kernel/syscalls.h, the
 * one list that declares them (with their arguments and meanings). */
#define SYSCALL0(NUM, ...) SYS_##NUM,
#define SYSCALL1 SYSCALL0
#define SYSCALL2 SYSCALL0
#define SYSCALL3 SYSCALL0
#define SYSCALL4 SYSCALL0
enum {
#include "syscalls.h"
    SYS_NCALLS
};
#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4

/* ---- Arguments and results -------------------------------------------- */

#define WAIT_ANY       (-1)         /* SYS_WAIT: any child */
/* Every timeout is in ticks: WAIT_NONE, WAIT_FOREVER or a count. */
#include "timeout.h"
#include "state_names.h"   /* thread_info.state and trace_entry.why, in words */

#define SPAWN_DAEMON   1            /* killed when its parent exits */

/* SYS_SPAWN's descriptor list: the child's `to` names what the parent's
 * `from` names. The list ends at the first from < 0. */
struct spawn_fd {
    int from, to;
};

/* SYS_POLL: which descriptors are ready. Ready means the next call would
 * not block: POLLIN a read (or end of file, or a semaphore's wait, or a
 * free mutex's lock), POLLOUT a write of PIPE_BUF bytes. revents also says
 * POLLHUP (no writer left), POLLERR (no reader left), POLLNVAL (not a
 * descriptor). An entry with fd < 0 is skipped. Linux's values. */
struct pollfd {
    int fd;
    short events, revents;
};
#define POLLIN   0x001
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
#define POLL_MAX 32                 /* descriptors one SYS_POLL may watch */

#ifndef O_NONBLOCK
#define O_NONBLOCK     0x4000       /* SYS_PIPE: -EAGAIN, never block (newlib's value) */
#endif
#define PIPE_BUF       128          /* a pipe write this long or shorter is atomic */

#define THREAD_DAEMON  1            /* ends when the process's main thread ends */

/* SYS_CONSOLE operations (job control in miniature, docs/console.md). */
#define CONSOLE_SET_FG     0        /* (pid) -> 0: give the console to pid */
#define CONSOLE_GET_FG     1        /* () -> the foreground pid, 0 if none */
#define CONSOLE_CATCH_INTR 2        /* (on) -> 0: Ctrl-C is a key for me */

/* SYS_THREAD_CREATE's stack: inside the caller's memory, 8-byte aligned. */
struct thread_spec {
    void *stack;                    /* lowest address */
    uint32_t stack_size;            /* bytes, >= 256; its lowest 32-aligned
                                       32 bytes become the stack's guard */
    int flags;                      /* THREAD_DAEMON */
    const char *name;               /* may be NULL */
};

/* Exit status, as SYS_WAIT returns it. A process ends in one of four ways:
 *   normal exit:     exit(0)            -> status 0
 *   error exit:      exit(n), n != 0    -> status n (0..255)
 *   fatal error:     a fault            -> WSTATUS_FAULT | fault code
 *   killed:          SYS_KILL           -> WSTATUS_KILLED
 */
#define WSTATUS_KILLED  0x100
#define WSTATUS_FAULT   0x200           /* | one of the FAULT_* codes */
enum {
    FAULT_MEMMANAGE = 1, FAULT_BUSFAULT, FAULT_USAGEFAULT, FAULT_HARDFAULT,
    FAULT_STACK,                        /* overflow into the stack guard */
};
#define WIFEXITED(s)    (((s) & 0xF00) == 0)
#define WEXITSTATUS(s)  ((s) & 0xFF)
#define WIFKILLED(s)    (((s) & 0xF00) == WSTATUS_KILLED)
#define WIFFAULTED(s)   (((s) & 0xF00) == WSTATUS_FAULT)
#define WFAULTCODE(s)   ((s) & 0xFF)

#define PROC_NAME_LEN 16
#define PROC_WHY_LEN  96

enum proc_state_u { PS_ALIVE = 1, PS_ZOMBIE };  /* proc_info.state */

struct proc_info {
    int pid, ppid;
    int state;                      /* enum proc_state_u */
    int daemon;
    int nthreads;
    int exit_status;                /* valid when state == PS_ZOMBIE */
    uint32_t ticks, switches, created;
    uint32_t mem_base, mem_size;    /* its memory block */
    uint32_t hidden_lo, hidden_hi;  /* the part of it above the break that
                                       sbrk has not given out: no access */
    char name[PROC_NAME_LEN];
    char why[PROC_WHY_LEN];         /* how it ended, e.g. "segmentation fault: read of
                                       0x00000000 (NULL) [MemManage DACCVIOL]" */
};

struct thread_info {
    int tid, pid;                   /* pid 0: a kernel thread */
    int state, prio;                /* enum thread_state of kernel/thread.h */
    uint32_t ticks, switches, wakeups;
    char name[12];                  /* the main thread's follows setname() */
    int daemon;                     /* THREAD_DAEMON: ends with the main thread */
};

/* What a program says about itself: its arguments and what it does. A
 * program declares one with PROG_ABOUT (lib/user/weft.h); the linker puts
 * it at text offset 0 (linker/app.ld), where SYS_PROGINFO looks for the
 * magic word. Plain characters, no pointers: nothing to relocate. */
#define PROG_ABOUT_MAGIC 0x54554241u    /* "ABUT" */
#define PROG_ARGS_LEN    32
#define PROG_ABOUT_LEN   92
struct prog_about {
    uint32_t magic;                 /* PROG_ABOUT_MAGIC */
    char args[PROG_ARGS_LEN];       /* e.g. "[sleep|read|sem|TICKS]" */
    char text[PROG_ABOUT_LEN];      /* one line: what it shows */
};

/* SYS_FDINFO: one descriptor of a process, as `lsfd` shows it. */
struct fd_info {
    int fd;                         /* the number, generation included */
    int refs;                       /* descriptors and mappings naming its object */
    int flags;                      /* 1 read, 2 write, 4 non-blocking */
    char type[16];                  /* "console", "pipe", "mutex"... */
};

struct prog_info {
    char name[16];
    uint32_t text_size, data_size, bss_size, image_size;
    char args[PROG_ARGS_LEN];       /* from its prog_about; "" if none */
    char about[PROG_ABOUT_LEN];
};

/* SYS_SCHEDINFO: one scheduling policy, by the index SYS_SCHED takes. */
struct sched_info {
    char name[8];                   /* "coop", "rr", "mlfq": what `sched` takes */
    char about[72];                 /* one line for `sched` to print */
};

struct kstat {
    uint32_t mem_free;              /* bytes free for processes */
    uint32_t mem_total;
    uint32_t procs_free, procs_total;
    uint32_t threads_free, threads_total;
    uint32_t objs_free, objs_total;     /* kernel objects (pipes, semaphores, mutexes) */
    uint32_t pipes_free, pipes_total;   /* pipe buffers */
    uint32_t ticks;
    uint32_t con_rx;                /* console bytes received */
    uint32_t con_dropped;           /* of which lost (should stay 0) */
    uint32_t con_stalls;            /* times input was held back (ring full) */
    uint32_t con_flushed;           /* typed ahead, thrown away by Ctrl-C */
};

/* SYS_LOCKS: one edge of the wait-for graph: thread tid (of process pid,
 * at priority prio) waits for mutex `mutex` (an object number, the same in
 * every process), held by thread owner_tid (0: being handed over). */
struct lock_info {
    int tid, pid, prio;
    int mutex;
    int owner_tid, owner_pid, owner_prio;
};

/* Synchronisation objects' creation flags and orders (kernel/ksync.h). */
#define MUTEX_RECURSIVE 1           /* RLock */
#define MUTEX_NOINHERIT 2           /* no priority inheritance */
enum { QUEUE_FIFO, QUEUE_LIFO, QUEUE_PRIO };    /* Queue, LifoQueue, PriorityQueue */
#define QUEUE_ITEM_MAX  64          /* bytes of one item */
#define QUEUE_BYTES_MAX 1024        /* item_size * capacity */
#define BARRIER_MAX     32          /* parties */

struct trace_entry {
    uint32_t time;
    int tid;
    uint8_t from, to, why, pad;
};

/* SYS_TRACE_FIND: only threads tid_lo..tid_hi, only from tick `since` on.
 * Thread ids only grow, so the threads a process started at tick T has
 * created are the ids from its main thread's on, since T (`trace run`). */
struct trace_filter {
    int tid_lo, tid_hi;
    uint32_t since;
};

#endif
