/*
 * syscall.c: the error numbers of the system call ABI.
 *
 * Course idea: the kernel speaks Linux's errno numbers; newlib's <errno.h>
 * has its own. The traps themselves (sys0 .. sys4) are inline in
 * syscall.h, so a call such as getpid() is its stub and one `svc`.
 * Read next: lib/user/weft.h, then kernel/syscall.c on the other side.
 */
#include <errno.h>

#include "syscall.h"

/* The kernel's numbers are Linux's. These agree with newlib's... */
_Static_assert(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && EINTR == 4 &&
               EBADF == 9 && ECHILD == 10 && EAGAIN == 11 && ENOMEM == 12 &&
               EFAULT == 14 && EBUSY == 16 && EINVAL == 22 && ENFILE == 23 &&
               EMFILE == 24 && ENOTTY == 25 && EPIPE == 32,
               "newlib and the kernel disagree on an errno value");

/* ...and these six do not. (sys_result(), inline in syscall.h, calls this
 * for negative results only.) */
long sys_result_negative(long raw)
{
    switch (raw) {
    case -35:  return -EDEADLK;     /* Linux 35, newlib 45 */
    case -38:  return -ENOSYS;      /* Linux 38, newlib 88 */
    case -110: return -ETIMEDOUT;   /* Linux 110, newlib 116 */
    case -75:  return -EOVERFLOW;   /* Linux 75, newlib 139 */
    case -130: return -EOWNERDEAD;  /* Linux 130, newlib 142 */
    case -131: return -ENOTRECOVERABLE; /* Linux 131, newlib 141 */
    default:   return raw;
    }
}
