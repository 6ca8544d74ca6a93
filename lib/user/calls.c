/*
 * calls.c: one named function per system call.
 *
 * Course idea: a C library's system call wrappers. Each is a single trap
 * (lib/user/syscall.c) with the arguments in the order kernel/uapi.h
 * gives them; the contracts are in lib/user/weft.h. Threads are in
 * lib/user/thread.c because they need more than a trap.
 */
#include <stdint.h>

#include "syscall.h"
#include "weft.h"

#define ARG(x) ((long)(intptr_t)(x))

int spawn(const char *prog, char *const argv[], int flags)
{
    return sys_result(sys3(SYS_SPAWN, ARG(prog), ARG(argv), flags));
}

int wait(int pid, int *status, uint32_t timeout)
{
    return sys_result(sys3(SYS_WAIT, pid, ARG(status), (long)timeout));
}

int kill(int pid)      { return sys_result(sys1(SYS_KILL, pid)); }
int getpid(void)       { return sys_result(sys0(SYS_GETPID)); }
int getppid(void)      { return sys_result(sys0(SYS_GETPPID)); }
int gettid(void)       { return sys_result(sys0(SYS_GETTID)); }
int yield(void)        { return sys_result(sys0(SYS_YIELD)); }

int halt(int status)     { return sys_result(sys1(SYS_HALT, status)); }

int sleep_ticks(uint32_t n) { return sys_result(sys1(SYS_SLEEP, (long)n)); }

/* Not through sys_result(): every 32-bit value is a tick count. */
uint32_t ticks(void)   { return (uint32_t)sys0(SYS_TICKS); }

int sem_create(int count)            { return sys_result(sys1(SYS_SEM_CREATE, count)); }
int sem_wait(int h, uint32_t t)      { return sys_result(sys2(SYS_SEM_WAIT, h, (long)t)); }
int sem_post(int h)                  { return sys_result(sys1(SYS_SEM_POST, h)); }
int mutex_create(void)               { return sys_result(sys0(SYS_MUTEX_CREATE)); }
int mutex_lock(int h, uint32_t t)    { return sys_result(sys2(SYS_MUTEX_LOCK, h, (long)t)); }
int mutex_unlock(int h)              { return sys_result(sys1(SYS_MUTEX_UNLOCK, h)); }
int close(int h)                     { return sys_result(sys1(SYS_CLOSE, h)); }

int console_fg(int pid)       { return sys_result(sys2(SYS_CONSOLE, CONSOLE_SET_FG, pid)); }
int console_getfg(void)       { return sys_result(sys2(SYS_CONSOLE, CONSOLE_GET_FG, 0)); }
int console_catch_intr(int on){ return sys_result(sys2(SYS_CONSOLE, CONSOLE_CATCH_INTR, on)); }

int setname(const char *name)        { return sys_result(sys1(SYS_SETNAME, ARG(name))); }
int procinfo(int pid, struct proc_info *out)
{
    return sys_result(sys2(SYS_PROCINFO, pid, ARG(out)));
}
int proclist(int *pids, int max)     { return sys_result(sys2(SYS_PROCLIST, ARG(pids), max)); }
int threadinfo(int index, struct thread_info *out)
{
    return sys_result(sys2(SYS_THREADINFO, index, ARG(out)));
}
int proginfo(int index, struct prog_info *out)
{
    return sys_result(sys2(SYS_PROGINFO, index, ARG(out)));
}
int kstat(struct kstat *out)         { return sys_result(sys1(SYS_KSTAT, ARG(out))); }
int sched_policy(int policy)         { return sys_result(sys1(SYS_SCHED, policy)); }
int trace(struct trace_entry *out, int max)
{
    return sys_result(sys2(SYS_TRACE, ARG(out), max));
}
