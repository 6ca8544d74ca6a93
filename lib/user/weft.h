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
#define SYSCALL0(NUM, h, stub, R) R stub(void);
#define SYSCALL1(NUM, h, stub, R, T1, a1) R stub(T1 a1);
#define SYSCALL2(NUM, h, stub, R, T1, a1, T2, a2) R stub(T1 a1, T2 a2);
#define SYSCALL3(NUM, h, stub, R, T1, a1, T2, a2, T3, a3) R stub(T1 a1, T2 a2, T3 a3);
#define SYSCALL4(NUM, h, stub, R, T1, a1, T2, a2, T3, a3, T4, a4) \
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
 * Semaphores and mutexes are kernel objects named by handles:
 * sem_create(count) and mutex_create() return one; sem_wait and
 * mutex_lock give 0, -ETIMEDOUT, -EBADF (also when closed meanwhile);
 * mutex_unlock is -EPERM for a thread that does not hold it; close(h)
 * closes a handle, not a file. */

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
