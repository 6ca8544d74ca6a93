/*
 * calls.c: one user-side stub per system call, made from the list.
 *
 * Course idea: a C library's system call wrappers, generated the way xv6's
 * usys.pl generates its usys.S. Each line of kernel/syscalls.h becomes a
 * function like
 *
 *     int spawn(const char *prog, char *const *argv, int flags)
 *     {
 *         return (int)sys_result(sys3(SYS_SPAWN, ARG(prog), ARG(argv), ARG(flags)));
 *     }
 *
 * a single trap (lib/user/syscall.c) with the arguments in R0..R3. Their
 * prototypes are in lib/user/weft.h, made from the same list. The few
 * calls that need more than a trap have a hand-written wrapper around
 * their sys_* stub: newlib's hooks (lib/user/newlib.c), thread_create
 * (lib/user/thread.c), and the two below.
 */
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"
#include "weft.h"

#define ARG(x) ((long)(intptr_t)(x))

#define SYSCALL0(NUM, k, h, stub, R) \
    R stub(void) { return (R)sys_result(sys0(SYS_##NUM)); }
#define SYSCALL1(NUM, k, h, stub, R, T1, a1) \
    R stub(T1 a1) { return (R)sys_result(sys1(SYS_##NUM, ARG(a1))); }
#define SYSCALL2(NUM, k, h, stub, R, T1, a1, T2, a2) \
    R stub(T1 a1, T2 a2) { return (R)sys_result(sys2(SYS_##NUM, ARG(a1), ARG(a2))); }
#define SYSCALL3(NUM, k, h, stub, R, T1, a1, T2, a2, T3, a3) \
    R stub(T1 a1, T2 a2, T3 a3) \
    { return (R)sys_result(sys3(SYS_##NUM, ARG(a1), ARG(a2), ARG(a3))); }
#define SYSCALL4(NUM, k, h, stub, R, T1, a1, T2, a2, T3, a3, T4, a4) \
    R stub(T1 a1, T2 a2, T3 a3, T4 a4) \
    { return (R)sys_result(sys4(SYS_##NUM, ARG(a1), ARG(a2), ARG(a3), ARG(a4))); }
#include "../../kernel/syscalls.h"
#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4

/* spawn with no descriptors but the console. */
int spawn(const char *prog, char *const argv[], int flags)
{
    return sys_spawn(prog, argv, flags, NULL);
}

/* close() is also newlib's name; weft's is the system call, for any
 * descriptor, with newlib's errno numbering of the result. */
int close(int fd) { return sys_close(fd); }

/* The segment's address as a pointer (NULL on an error, errno-free: the
 * error is *err if err is not NULL). */
void *shm_map(int fd, uint32_t *size, int *err)
{
    long r = sys_shm_map(fd, size);
    if (err)
        *err = r < 0 ? (int)r : 0;
    return r < 0 ? NULL : (void *)(intptr_t)r;
}

int halt(int status)            { return (int)sys_halt(status); }

int console_fg(int pid)         { return sys_console(CONSOLE_SET_FG, pid); }
int console_getfg(void)         { return sys_console(CONSOLE_GET_FG, 0); }
int console_catch_intr(int on)  { return sys_console(CONSOLE_CATCH_INTR, on); }

/* Not through sys_result(): every 32-bit value is a tick count. */
uint32_t ticks(void) { return (uint32_t)sys0(SYS_TICKS); }
