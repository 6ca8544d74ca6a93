/*
 * syscall.h: the raw system call stubs, one per argument count.
 *
 * Course idea: a system call is a trap, not a call. sysN() puts the call
 * number in R12 and the arguments in R0-R3, executes `svc 0`, and returns
 * whatever the kernel left in R0. The numbers and argument meanings are in
 * kernel/uapi.h; lib/user/weft.h wraps each call in a named C function.
 *
 * A raw result < 0 is a kernel errno (kernel/errno.h, Linux's numbers).
 * newlib numbers three of them differently, so sys_result() translates a
 * raw result for code that compares it with <errno.h> names.
 * Read next: lib/user/weft.h.
 */
#ifndef WEFT_USER_SYSCALL_H
#define WEFT_USER_SYSCALL_H

long sys0(long num);
long sys1(long num, long a);
long sys2(long num, long a, long b);
long sys3(long num, long a, long b, long c);
long sys4(long num, long a, long b, long c, long d);

/* A raw result with a kernel errno (-1 .. -4095) turned into the same
 * error in newlib's numbering; every other value is returned unchanged. */
long sys_result(long raw);

#endif
