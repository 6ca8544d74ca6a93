/*
 * syscall.c: `svc 0`, the only way out of a user program.
 *
 * Course idea: the system call ABI (kernel/uapi.h). The compiler is told
 * exactly which registers carry what: R12 the number, R0-R3 the
 * arguments, R0 the result. The "memory" clobber matters: the kernel may
 * read a buffer the program just filled (write) or fill one the program
 * reads next (read, procinfo), so the compiler must not keep memory
 * values in registers across the trap.
 * Read next: lib/user/weft.h, then kernel/syscall.c on the other side.
 */
#include <errno.h>

#include "syscall.h"

long sys0(long num)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = 0;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r12) : "memory");
    return r0;
}

long sys1(long num, long a)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r12) : "memory");
    return r0;
}

long sys2(long num, long a, long b)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r12), "r"(r1) : "memory");
    return r0;
}

long sys3(long num, long a, long b, long c)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    __asm__ volatile("svc 0" : "+r"(r0)
                     : "r"(r12), "r"(r1), "r"(r2) : "memory");
    return r0;
}

long sys4(long num, long a, long b, long c, long d)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r3 __asm__("r3") = d;
    __asm__ volatile("svc 0" : "+r"(r0)
                     : "r"(r12), "r"(r1), "r"(r2), "r"(r3) : "memory");
    return r0;
}

/* The kernel's numbers are Linux's. These agree with newlib's... */
_Static_assert(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && EINTR == 4 &&
               EBADF == 9 && ECHILD == 10 && EAGAIN == 11 && ENOMEM == 12 &&
               EFAULT == 14 && EBUSY == 16 && EINVAL == 22 && ENFILE == 23 &&
               EMFILE == 24 && ENOTTY == 25 && EPIPE == 32,
               "newlib and the kernel disagree on an errno value");

/* ...and these three do not. */
long sys_result(long raw)
{
    switch (raw) {
    case -35:  return -EDEADLK;     /* Linux 35, newlib 45 */
    case -38:  return -ENOSYS;      /* Linux 38, newlib 88 */
    case -110: return -ETIMEDOUT;   /* Linux 110, newlib 116 */
    default:   return raw;
    }
}
