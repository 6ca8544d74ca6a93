/*
 * syscalls.h: every system call, declared once.
 *
 * Course idea: the system call interface is a table. Each line below names
 * one call; everything else is made from these lines by the preprocessor,
 * so the kernel and the programs can never disagree about a number:
 *
 *   kernel/uapi.h            the numbers:         enum { SYS_EXIT, SYS_WRITE, ... }
 *   kernel/syscall.c         the dispatch table:  [SYS_WRITE] = sys_write, ...
 *   kernel/syscall.h         the handlers' prototypes: long sys_write(void); ...
 *   lib/user/calls.c         the user stubs:      long sys_write(int fd, ...) { svc }
 *   lib/user/weft.h          their prototypes, for programs
 *
 * A line reads   SYSCALLn(NUMBER, KIND, handler, stub, R, T1, a1, ..., Tn, an)
 *   NUMBER   the call's number is SYS_NUMBER: its position in this list;
 *   KIND     how the kernel runs it (docs/syscall.md has both walks):
 *            BLOCKING  in the calling thread, privileged, on its kernel
 *                      stack: it may block and may be preempted;
 *            FAST      straight from the trap handler, in one trap: it
 *                      must never block (sched_block_locked() panics in a
 *                      handler) and must be short (it delays every switch
 *                      while it runs). The kill check on the way out is the
 *                      same. A call that may wait for anything is BLOCKING;
 *   handler  the kernel runs sys_<handler>(), which fetches its own
 *            arguments (arg_int(0), arg_uaddr(1)... in kernel/syscall.h)
 *            and touches user memory only through copyin/copyout;
 *   stub     the user-side function: it puts a1..an in R0..R3 and NUMBER
 *            in R12, executes `svc 0`, and returns the result as R: >= 0,
 *            or a negative errno in newlib's numbering (lib/user/syscall.c).
 *
 * Adding a call: one line at the END of this list (numbers are positions,
 * and programs already built depend on them), and its handler in the
 * kernel file of its subject. Nothing else.
 *
 * This file has no include guard on purpose: each includer defines the five
 * SYSCALLn macros to make what it needs, includes it, and undefines them.
 * Stubs named sys_* have a friendlier wrapper written by hand (newlib's
 * hooks in lib/user/newlib.c, thread_create in lib/user/thread.c...).
 */

/* ---- Processes (kernel/sys_proc.c) ----------------------------------------- */
/* End the process with `status`; from the main thread, Python's rule
 * (kernel/proc.h). Never returns. */
SYSCALL1(EXIT,          BLOCKING, exit,          sys_exit,       long, int, status)
/* Write n bytes to descriptor fd -> n (a pipe: fewer only if its reader
 * went away meanwhile); -EPIPE, -EAGAIN (O_NONBLOCK), -EBADF. */
SYSCALL3(WRITE,         BLOCKING, write,         sys_write,      long, int, fd, const void *, buf, uint32_t, n)
/* Read up to n bytes from descriptor fd; blocks for the first -> n >= 1,
 * 0 at end of file (a pipe whose writers all closed); -EAGAIN, -EBADF. */
SYSCALL3(READ,          BLOCKING, read,          sys_read,       long, int, fd, void *, buf, uint32_t, n)
/* Move the break by incr bytes -> the old break, or -ENOMEM. Memory a
 * growing break reaches is zeroed; the room past the break is hidden
 * (kernel/loader.h). FAST: kernel/sys_proc.c's zeroing relies on it. */
SYSCALL1(SBRK,          FAST,     sbrk,          sys_sbrk,       long, long, incr)
SYSCALL0(GETPID,        FAST,     getpid,        getpid,         int)
SYSCALL0(GETPPID,       FAST,     getppid,       getppid,        int)
/* Start program prog as a child with argv (NULL-terminated; argv[0] is
 * replaced by prog) -> its pid. flags: SPAWN_DAEMON. fds (may be NULL):
 * descriptors handed over, {from, to} pairs ended by from < 0; the child
 * gets the console as 0, 1, 2 unless a pair names one of them, and
 * nothing else. */
SYSCALL4(SPAWN,         BLOCKING, spawn,         sys_spawn,      int, const char *, prog, char *const *, argv, int, flags, const struct spawn_fd *, fds)
/* Wait up to timeout ticks for child pid (or WAIT_ANY) to end -> its pid,
 * its status in *status (uapi.h's W* macros); -ECHILD, -ETIMEDOUT. */
SYSCALL3(WAIT,          BLOCKING, wait,          wait,           int, int, pid, int *, status, uint32_t, timeout)
/* End process pid (status WSTATUS_KILLED) -> 0; -ESRCH, -EPERM (init). */
SYSCALL1(KILL,          BLOCKING, kill,          kill,           int, int, pid)

/* ---- Threads and time (kernel/sys_thread.c) ------------------------------ */
SYSCALL0(YIELD,         FAST,     yield,         yield,          int)
SYSCALL1(SLEEP,         BLOCKING, sleep,         sleep_ticks,    int, uint32_t, ticks)
SYSCALL0(TICKS,         FAST,     ticks,         sys_ticks,      long)
/* Start fn(arg) on the stack spec describes -> tid. */
SYSCALL3(THREAD_CREATE, BLOCKING, thread_create, sys_thread_create, int, void *, fn, void *, arg, const struct thread_spec *, spec)
/* Wait for thread tid of this process to end -> 0, its value in *value. */
SYSCALL3(THREAD_JOIN,   BLOCKING, thread_join,   sys_thread_join, int, int, tid, void **, value, uint32_t, timeout)
/* End the calling thread with value. Never returns. */
SYSCALL1(THREAD_EXIT,   BLOCKING, thread_exit,   sys_thread_exit, long, void *, value)
SYSCALL0(GETTID,        FAST,     gettid,        gettid,         int)

/* ---- Looking at the system (kernel/sys_info.c) --------------------------- */
/* Rename the calling process (at most PROC_NAME_LEN - 1 bytes). */
SYSCALL1(SETNAME,       BLOCKING, setname,       setname,        int, const char *, name)
SYSCALL2(PROCINFO,      BLOCKING, procinfo,      procinfo,       int, int, pid, struct proc_info *, out)
SYSCALL2(PROCLIST,      BLOCKING, proclist,      proclist,       int, int *, pids, int, max)
SYSCALL2(THREADINFO,    BLOCKING, threadinfo,    threadinfo,     int, int, index, struct thread_info *, out)
SYSCALL2(PROGINFO,      BLOCKING, proginfo,      proginfo,       int, int, index, struct prog_info *, out)
SYSCALL1(KSTAT,         BLOCKING, kstat,         kstat,          int, struct kstat *, out)
/* Set the scheduling policy by index (-1: only ask) -> the index now;
 * -EINVAL if there is no such policy. SCHEDINFO names them. */
SYSCALL1(SCHED,         BLOCKING, sched,         sched_policy,   int, int, policy)
/* The newest max (<= 32) state transitions, oldest first -> count. */
SYSCALL2(TRACE,         BLOCKING, trace,         trace,          int, struct trace_entry *, out, int, max)
/* Leave QEMU with status. Never returns. */
SYSCALL1(HALT,          BLOCKING, halt,          sys_halt,       long, int, status)

/* ---- Semaphores and mutexes (kernel/sys_kobj.c) -------------------------- */
SYSCALL1(SEM_CREATE,    BLOCKING, sem_create,    sem_create,     int, int, count)
SYSCALL2(SEM_WAIT,      BLOCKING, sem_wait,      sem_wait,       int, int, h, uint32_t, timeout)
SYSCALL1(SEM_POST,      FAST,     sem_post,      sem_post,       int, int, h)
SYSCALL0(MUTEX_CREATE,  BLOCKING, mutex_create,  mutex_create,   int)
SYSCALL2(MUTEX_LOCK,    BLOCKING, mutex_lock,    mutex_lock,     int, int, h, uint32_t, timeout)
SYSCALL1(MUTEX_UNLOCK,  FAST,     mutex_unlock,  mutex_unlock,   int, int, h)
/* Close a descriptor of any kind -> 0, -EBADF. */
SYSCALL1(CLOSE,         BLOCKING, close,         sys_close,      int, int, fd)

/* ---- Added since (each at the end: numbers are positions) ---------------- */
/* Policy `index`'s name and description (kernel/sys_info.c) -> 0;
 * -ENOENT past the last policy. */
SYSCALL2(SCHEDINFO,     BLOCKING, schedinfo,     sched_info,     int, int, index, struct sched_info *, out)

/* ---- Descriptors and pipes (kernel/sys_fd.c) ----------------------------- */
/* A pipe: fds[0] reads, fds[1] writes -> 0. flags: O_NONBLOCK on both;
 * -EMFILE, -ENFILE. */
SYSCALL2(PIPE,          BLOCKING, pipe,          sys_pipe,       int, int *, fds, int, flags)
/* A second descriptor for fd's object, the lowest free -> it. */
SYSCALL1(DUP,           BLOCKING, dup,           sys_dup,        int, int, fd)
/* Make `to` (< MAX_FDS) name fd's object, closing what it named -> to. */
SYSCALL2(DUP2,          BLOCKING, dup2,          sys_dup2,       int, int, fd, int, to)
/* Set (1) or clear (0) O_NONBLOCK on fd -> whether it was set. */
SYSCALL2(SETFL,         BLOCKING, setfl,         setfl,          int, int, fd, int, nonblock)

/* ---- Shared memory (kernel/shm.c) ----------------------------------------- */
/* A zeroed segment of at least size bytes (<= 256 KiB) -> its descriptor. */
SYSCALL1(SHM_CREATE,    BLOCKING, shm_create,    shm_create,     int, uint32_t, size)
/* Map segment fd -> its address (> 0), its size in *size; -ENOMEM when
 * UMEM_SEGS are mapped already, -EBADF. */
SYSCALL2(SHM_MAP,       BLOCKING, shm_map,       sys_shm_map,    long, int, fd, uint32_t *, size)
/* Unmap the segment mapped at addr -> 0, -EINVAL. */
SYSCALL1(SHM_UNMAP,     BLOCKING, shm_unmap,     shm_unmap,      int, void *, addr)

/* ---- Waiting on many descriptors (kernel/poll.c) -------------------------- */
/* Block until one of fds[0..n) (n <= POLL_MAX) is ready or timeout ticks
 * pass -> how many are ready, 0 on timeout; each revents says what. */
SYSCALL3(POLL,          BLOCKING, poll,          poll,           int, struct pollfd *, fds, int, n, uint32_t, timeout)
/* The console: job control in miniature (kernel/console.c). op
 * CONSOLE_SET_FG (arg pid) -> 0, -ESRCH, -EPERM; CONSOLE_GET_FG -> the
 * foreground pid (0: none); CONSOLE_CATCH_INTR (arg on) -> 0. */
SYSCALL2(CONSOLE,       BLOCKING, console,       sys_console,    int, int, op, int, arg)
/* Like TRACE, keeping only the records *f selects (uapi.h) -> count. */
SYSCALL3(TRACE_FIND,    BLOCKING, trace_find,    trace_find,     int, struct trace_entry *, out, int, max, const struct trace_filter *, f)

/* ---- Looking at descriptors (kernel/sys_info.c) ---------------------------- */
/* The index-th open descriptor of process pid (0: self) -> 0, -ESRCH past
 * the end or with no such process. */
SYSCALL3(FDINFO,        BLOCKING, fdinfo,        fdinfo,         int, int, pid, int, index, struct fd_info *, out)

/* ---- The second serial line (kernel/fd_serial.c) --------------------------- */
/* A descriptor of UART1, read and write; flags: O_NONBLOCK. */
SYSCALL1(SERIAL_OPEN,   BLOCKING, serial_open,   serial_open,    int, int, flags)

/* ---- Synchronisation objects (kernel/sys_kobj.c, kernel/ksync.h) ---------- */
/* A semaphore of count units that a post may not take past max (0: no
 * maximum; BoundedSemaphore(n) is count = max = n) -> its descriptor;
 * -EINVAL. sem_post past max is -EOVERFLOW. */
SYSCALL2(SEM_CREATE_MAX, BLOCKING, sem_create_max, sem_create_max, int, int, count, int, max)
/* A mutex with flags MUTEX_RECURSIVE (RLock), MUTEX_NOINHERIT -> its
 * descriptor. mutex_lock also gives -EDEADLK (a cycle of waiters, or a
 * Lock taken twice), -EOWNERDEAD (its owner died: it is yours, repair and
 * call mutex_consistent), -ENOTRECOVERABLE. */
SYSCALL1(MUTEX_CREATE_FLAGS, BLOCKING, mutex_create_flags, mutex_create_flags, int, int, flags)
/* Mark a mutex taken with -EOWNERDEAD repaired -> 0; -EINVAL otherwise. */
SYSCALL1(MUTEX_CONSISTENT, BLOCKING, mutex_consistent, mutex_consistent, int, int, h)
/* The wait-for graph: one lock_info per thread blocked on a mutex, at
 * most max -> how many. */
SYSCALL2(LOCKS,         BLOCKING, locks,         locks,          int, struct lock_info *, out, int, max)
/* Set thread tid's priority (0: the caller; a thread of the caller's
 * process), 1 .. NPRIO-2, or -1 to ask -> the priority it had; -ESRCH,
 * -EINVAL. A thread holding a mutex others want keeps what it inherits. */
SYSCALL2(SETPRIO,       BLOCKING, setprio,       setprio,        int, int, tid, int, prio)
SYSCALL0(EVENT_CREATE,  BLOCKING, event_create,  event_create,   int)
SYSCALL1(EVENT_SET,     FAST,     event_set,     event_set,      int, int, h)
SYSCALL1(EVENT_CLEAR,   FAST,     event_clear,   event_clear,    int, int, h)
/* -> 1 if set, 0 if not. */
SYSCALL1(EVENT_IS_SET,  FAST,     event_is_set,  event_is_set,   int, int, h)
/* -> 0 once set; -ETIMEDOUT. */
SYSCALL2(EVENT_WAIT,    BLOCKING, event_wait,    event_wait,     int, int, h, uint32_t, timeout)
SYSCALL0(COND_CREATE,   BLOCKING, cond_create,   cond_create,    int)
/* Release mutex m (-EPERM if not the caller's), wait for a notify, take m
 * back (also after -ETIMEDOUT; not after -EINTR) -> 0. */
SYSCALL3(COND_WAIT,     BLOCKING, cond_wait,     cond_wait,      int, int, h, int, m, uint32_t, timeout)
/* Wake up to n waiters (n < 0: all) -> how many were woken. */
SYSCALL2(COND_NOTIFY,   FAST,     cond_notify,   cond_notify,    int, int, h, int, n)
/* A barrier for parties (1 .. BARRIER_MAX) threads -> its descriptor. */
SYSCALL1(BARRIER_CREATE, BLOCKING, barrier_create, barrier_create, int, int, parties)
/* -> the arrival index 0 .. parties-1; -EPIPE (broken), -ETIMEDOUT (and
 * it breaks for the others). */
SYSCALL2(BARRIER_WAIT,  BLOCKING, barrier_wait,  barrier_wait,   int, int, h, uint32_t, timeout)
SYSCALL1(BARRIER_RESET, BLOCKING, barrier_reset, barrier_reset,  int, int, h)
/* A queue of capacity items of item_size bytes (<= QUEUE_ITEM_MAX, the
 * product <= QUEUE_BYTES_MAX), order QUEUE_FIFO, QUEUE_LIFO, QUEUE_PRIO ->
 * its descriptor; -EINVAL, -ENOMEM. */
SYSCALL3(QUEUE_CREATE,  BLOCKING, queue_create,  queue_create,   int, int, item_size, int, capacity, int, order)
/* Copy item_size bytes in (prio: QUEUE_PRIO's order, smallest first) -> 0;
 * -ETIMEDOUT (full), -EFAULT. */
SYSCALL4(QUEUE_PUT,     BLOCKING, queue_put,     queue_put,      int, int, h, const void *, item, int, prio, uint32_t, timeout)
/* Copy the next item out -> 0; -ETIMEDOUT (empty), -EFAULT. */
SYSCALL3(QUEUE_GET,     BLOCKING, queue_get,     queue_get,      int, int, h, void *, item, uint32_t, timeout)
/* One item taken by get is finished -> 0; -EINVAL if none is unfinished. */
SYSCALL1(QUEUE_TASK_DONE, BLOCKING, queue_task_done, queue_task_done, int, int, h)
/* Wait until every item put is task_done -> 0; -ETIMEDOUT. */
SYSCALL2(QUEUE_JOIN,    BLOCKING, queue_join,    queue_join,     int, int, h, uint32_t, timeout)
/* Items in the queue now (Python's qsize). */
SYSCALL1(QUEUE_SIZE,    FAST,     queue_size,    queue_size,     int, int, h)
