/*
 * syscall.h: the raw system call stubs, one per argument count.
 *
 * Course idea: a system call is a trap, not a call. sysN() puts the call
 * number in R12 and the arguments in R0-R3, executes `svc 0`, and returns
 * whatever the kernel left in R0. The numbers and argument meanings are in
 * kernel/uapi.h; lib/user/weft.h wraps each call in a named C function.
 *
 * A raw result < 0 is a kernel errno (kernel/errno.h, Linux's numbers).
 * newlib numbers six of them differently, so sys_result() translates a
 * raw result for code that compares it with <errno.h> names.
 * Read next: lib/user/weft.h.
 */
#ifndef WEFT_USER_SYSCALL_H
#define WEFT_USER_SYSCALL_H

/* The compiler is told exactly which registers carry what: R12 the
 * number, R0-R3 the arguments, R0 the result. They are inline, so a stub
 * is its own trap. The "memory" clobber matters: the kernel may read a
 * buffer the program just filled (write) or fill one the program reads
 * next (read, procinfo), so the compiler must not keep memory values in
 * registers across the trap. */
static inline __attribute__((always_inline)) long sys0(long num)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0");     /* the result only: no argument */
    __asm__ volatile("svc 0" : "=r"(r0) : "r"(r12) : "memory");
    return r0;
}

static inline __attribute__((always_inline)) long sys1(long num, long a)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r12) : "memory");
    return r0;
}

static inline __attribute__((always_inline)) long sys2(long num, long a, long b)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r12), "r"(r1) : "memory");
    return r0;
}

static inline __attribute__((always_inline)) long sys3(long num, long a, long b, long c)
{
    register long r12 __asm__("r12") = num;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    __asm__ volatile("svc 0" : "+r"(r0)
                     : "r"(r12), "r"(r1), "r"(r2) : "memory");
    return r0;
}

static inline __attribute__((always_inline)) long sys4(long num, long a, long b, long c, long d)
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

/* A raw result with a kernel errno (-1 .. -4095) turned into the same
 * error in newlib's numbering; every other value is returned unchanged.
 * The common case, a result >= 0, is one test here; the table is in
 * syscall.c. */
long sys_result_negative(long raw);
static inline __attribute__((always_inline)) long sys_result(long raw)
{
    return raw >= 0 ? raw : sys_result_negative(raw);
}

#endif
