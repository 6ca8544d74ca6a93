/*
 * weft.h: the system calls, as a user program sees them.
 *
 * Course idea: the user/kernel boundary as an API. Each function here is
 * one system call of kernel/uapi.h (whose structs and status macros this
 * header re-exports), except thread_create(), which also finds the new
 * thread a stack, and status_str() and wait_why(), which are conveniences.
 *
 * Every int-returning call returns a result >= 0, or a negative errno
 * with newlib's numbering, so `r == -ETIMEDOUT` works with <errno.h>
 * (lib/user/syscall.c translates). They do not set errno. The C library's
 * own calls (printf, read, write, malloc, exit) work as usual through
 * lib/user/newlib.c, and set errno as usual.
 *
 * Threads of one process share its memory and the C library; the C
 * library takes no locks except malloc's (lib/user/malloc_lock.c), so two
 * threads printing at once may mix their output.
 * Read next: lib/user/crt0.S, then apps/procdemo.c.
 */
#ifndef WEFT_USER_WEFT_H
#define WEFT_USER_WEFT_H

#include <stdint.h>

#include "../../kernel/uapi.h"

/* ---- The system calls --------------------------------------------------- */

/* One prototype per line of kernel/syscalls.h, which says what each call
 * does (the stubs are in lib/user/calls.c). Stubs named sys_* have a
 * friendlier function below or in the C library. */
#define SYSCALL0(NUM, k, h, stub, R) R stub(void);
#define SYSCALL1(NUM, k, h, stub, R, T1, a1) R stub(T1 a1);
#define SYSCALL2(NUM, k, h, stub, R, T1, a1, T2, a2) R stub(T1 a1, T2 a2);
#define SYSCALL3(NUM, k, h, stub, R, T1, a1, T2, a2, T3, a3) R stub(T1 a1, T2 a2, T3 a3);
#define SYSCALL4(NUM, k, h, stub, R, T1, a1, T2, a2, T3, a3, T4, a4) \
    R stub(T1 a1, T2 a2, T3 a3, T4 a4);
#include "../../kernel/syscalls.h"
#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4

/* ---- Processes --------------------------------------------------------- */

/* spawn(prog, argv, flags): start program `prog` (a name in the program
 * table) as a child, with the NULL-terminated argv (argv[0] is by custom
 * the program's name). flags: SPAWN_DAEMON. Returns the child's pid,
 * -ENOENT (no such program), -EAGAIN (process table full), -ENOMEM,
 * -EFAULT, -E2BIG.
 *
 * wait(pid, status, timeout): wait up to `timeout` ticks (WAIT_NONE: just
 * look, WAIT_FOREVER) for child `pid` (or WAIT_ANY) to end; store its
 * status (uapi.h's W* macros) if `status` is not NULL and free it. Returns
 * the pid, -ECHILD (no such child), -ETIMEDOUT (still running), -EINTR.
 *
 * kill(pid): end it, status WSTATUS_KILLED; -ESRCH, -EPERM for init. */

/* Like wait(pid, status, timeout) for one pid, but first copies the
 * kernel's account of how it ended (proc_info.why, e.g. "MemManage
 * DACCVIOL at 0x20000010") into why[n], which reaping would discard. It
 * watches the child with procinfo() every few ticks. */
int wait_why(int pid, int *status, char *why, int n, uint32_t timeout);

int spawn(const char *prog, char *const argv[], int flags);
/* Leave QEMU with `status`. Only init may: anyone else gets -EPERM (a
 * shell ends the session by exiting; init then halts). */
int halt(int status);

/* ---- Descriptors ------------------------------------------------------- */

/* One table per process, Unix's kind (kernel/fd.h): 0, 1, 2 are the
 * console; pipes, semaphores and mutexes are descriptors too. read,
 * write and close work on any of them where it makes sense (-EBADF
 * elsewhere): sys_pipe(fds, flags) makes a pipe (fds[0] reads, fds[1]
 * writes; O_NONBLOCK), sys_dup and sys_dup2 name an object twice, setfl(fd,
 * 1) makes a descriptor non-blocking (-EAGAIN). These return -errno like
 * every call here; <unistd.h>'s read, write, pipe, dup, dup2 and close are
 * the same calls with Unix's -1 and errno (lib/user/newlib.c). A
 * descriptor number carries a generation, so a closed one is refused even
 * after its entry is reused. A child gets only what sys_spawn()'s list
 * hands it, and the console. */
int close(int fd);

/* Shared memory (kernel/shm.c), the counterpart of multiprocessing's Value
 * and Array: shm_create(size) gives a descriptor of a zeroed segment, which
 * spawn's list can hand to children; shm_map puts it in this process's
 * memory and returns its address (NULL and *err < 0: -ENOMEM with two
 * mapped already, -EBADF); shm_unmap(addr) takes it out. */
void *shm_map(int fd, uint32_t *size, int *err);

/* ---- Threads ----------------------------------------------------------- */

#define THREAD_STACK_SIZE 1024  /* bytes; thread_create() mallocs it; the kernel
                                   makes its lowest 32-aligned 32 a guard */
#define THREAD_MAX        32    /* threads per process with a malloc'ed stack */

/* Run fn(arg) in a new thread of this process; returning from fn is the
 * same as thread_exit(its result). flags: THREAD_DAEMON. The stack comes
 * from malloc and goes back at thread_join(). Returns the tid, -ENOMEM
 * (no stack), -EAGAIN (thread table full). */
int thread_create(void *(*fn)(void *), void *arg, int flags);

/* Wait for thread `tid` to end, store its value, free its stack. Returns 0,
 * -ESRCH, -EDEADLK (itself), -ETIMEDOUT. */
int thread_join(int tid, void **value, uint32_t timeout);
void thread_exit(void *value) __attribute__((noreturn));
uint32_t ticks(void);           /* ticks since boot */

/* sleep_ticks(n): 0 after n ticks, -EINVAL for n >= 2^31, -EINTR.
 * setprio(tid, prio): a thread of this process (0: the caller) runs at
 * prio, 1 .. 6 (user threads start at 3); setprio(tid, -1) only asks. */

/* ---- Synchronisation, as in Python's threading and multiprocessing ------- */
/* Every object is a descriptor (kernel/ksync.h): close() it, hand it to a
 * child in spawn's list, and share it between processes as Python passes
 * a Lock or a Queue in args=. Every wait takes a timeout in ticks:
 * WAIT_NONE (Python's blocking=False), n, or WAIT_FOREVER; it returns 0,
 * or -ETIMEDOUT, -EINTR (the process is being killed), -EBADF (not an
 * object of that kind, or closed meanwhile).
 *
 *   Python                          weft
 *   threading.Lock()                lock_create()
 *   threading.RLock()               rlock_create()
 *   lock.acquire(timeout=t)         lock_acquire(l, t)      (mutex_lock)
 *   lock.release()                  lock_release(l)         (mutex_unlock)
 *   Semaphore(n), BoundedSemaphore(n)  sem_create(n), bounded_sem_create(n)
 *   sem.acquire(), sem.release()    sem_acquire(s, t), sem_release(s)
 *   Event(): set, clear, is_set, wait   event_create(), event_set(e) ...
 *   Condition(lock): wait, notify, notify_all
 *                                   cond_create(), cond_wait(c, l, t),
 *                                   cond_notify(c, n), cond_notify_all(c)
 *   Barrier(n): wait, reset         barrier_create(n), barrier_wait(b, t)
 *   Queue(n), LifoQueue, PriorityQueue
 *                                   queue_create(item_size, n, QUEUE_FIFO...)
 *   q.put(x), q.get(), put_nowait   queue_put(q, &x, prio, t), queue_get(q, &x, t)
 *   q.task_done(), q.join(), qsize  queue_task_done(q), queue_join(q, t), queue_size(q)
 *
 * Beyond Python: a mutex knows its owner (a release by another thread is
 * -EPERM), lends its waiters' priority to its owner (priority inheritance;
 * lock_create_flags(MUTEX_NOINHERIT) turns it off), refuses a lock that
 * would deadlock (-EDEADLK; locks() lists who waits for whom), and when its
 * owner dies holding it the next owner gets -EOWNERDEAD and calls
 * mutex_consistent(l) once the data is repaired (else -ENOTRECOVERABLE).
 * A barrier whose party times out or is killed is broken: -EPIPE. */
static inline int lock_create(void) { return mutex_create(); }
static inline int rlock_create(void) { return mutex_create_flags(MUTEX_RECURSIVE); }
static inline int lock_create_flags(int flags) { return mutex_create_flags(flags); }
static inline int lock_acquire(int l, uint32_t timeout) { return mutex_lock(l, timeout); }
static inline int lock_release(int l) { return mutex_unlock(l); }
static inline int bounded_sem_create(int n) { return sem_create_max(n, n); }
static inline int sem_acquire(int s, uint32_t timeout) { return sem_wait(s, timeout); }
static inline int sem_release(int s) { return sem_post(s); }
static inline int cond_notify_all(int c) { return cond_notify(c, -1); }
static inline int queue_put_nowait(int q, const void *item) { return queue_put(q, item, 0, WAIT_NONE); }
static inline int queue_get_nowait(int q, void *item) { return queue_get(q, item, WAIT_NONE); }

/* ---- What a program says about itself ---------------------------------- */

/* PROG_ABOUT("[TICKS]", "spins on the CPU"): one per program, at file
 * scope. `ls` and `help run` show it (SYS_PROGINFO reads it from the
 * program table without running the program). */
#define PROG_ABOUT(args_, text_) \
    _Static_assert(sizeof(args_) <= PROG_ARGS_LEN && sizeof(text_) <= PROG_ABOUT_LEN, \
                   "PROG_ABOUT: a string too long to keep its NUL"); \
    __attribute__((section(".weft.about"), used)) \
    const struct prog_about prog_about = { PROG_ABOUT_MAGIC, args_, text_ }

/* ---- The console: job control in miniature (docs/console.md) ---------- */

/* Give the console to pid (oneself or a descendant); only the foreground
 * process or an ancestor of it may. -ESRCH, -EPERM. */
int console_fg(int pid);
int console_getfg(void);            /* the foreground pid, 0 if none */
/* on = 1: Ctrl-C reaches me as the byte 0x03 while I am the foreground
 * (a shell does this); on = 0 (the default): Ctrl-C ends me. */
int console_catch_intr(int on);

/* ---- Names for numbers (lib/user/status.c) ----------------------------- */

/* How a process ended, for people: "exited 0", "exited 3", "killed",
 * "MemManage fault", "stack overflow"... Writes into buf[n], returns buf. */
const char *status_str(int status, char *buf, int n);

const char *proc_state_str(int state);      /* enum proc_state_u: ALIVE, ZOMBIE */
/* A negative result in words, with its name: "not permitted (EPERM)". */
const char *err_str(int r);
const char *thread_state_str(int state);    /* thread_info.state */
const char *trace_why_str(int why);         /* trace_entry.why */

#endif
