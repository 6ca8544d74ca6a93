/*
 * syscall.h: what a system call handler may use.
 *
 * Course idea: a handler runs in the kernel on behalf of a user thread, and
 * everything the thread handed it is suspect. So a handler never sees its
 * arguments as C parameters and never dereferences a user pointer:
 *
 *   - it fetches each argument itself, by position, with the type it
 *     expects (arg_int, arg_u32, arg_long, arg_uaddr): xv6's argint and
 *     argaddr. A user address is a uintptr_t, not a pointer, so the
 *     compiler refuses to let a handler dereference it by accident;
 *   - it moves bytes between user memory and kernel memory only through
 *     copyin, copyout and copyinstr, which check the whole range against
 *     the caller's memory first (-EFAULT, nothing copied) and are the one
 *     gateway to user memory. A string or a struct is copied once and the
 *     copy is used, so another thread of the caller cannot change it
 *     between the check and the use.
 *
 * The handlers are declared here from the one list, kernel/syscalls.h.
 * Read next: kernel/syscall.c (the dispatcher), kernel/sys_fd.c (the
 * simplest handlers), docs/syscall.md (one call end to end).
 */
#ifndef WEFT_SYSCALL_H
#define WEFT_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include "uapi.h"

/* The arguments of the running call, R0..R3 as the caller left them. */
long arg_long(int i);
int arg_int(int i);
uint32_t arg_u32(int i);
uintptr_t arg_uaddr(int i);

/* The gateway to the calling process's memory (kernel/uaccess.h has the
 * rules). copyin/copyout: 0, or -EFAULT with nothing copied. copyinstr:
 * the string's length (< max) with dst NUL-terminated, -EFAULT, or
 * -EINVAL when max bytes hold no NUL. */
int copyin(void *dst, uintptr_t usrc, size_t n);
int copyout(uintptr_t udst, const void *src, size_t n);
long copyinstr(char *dst, uintptr_t usrc, size_t max);
/* Would copyin from / copyout to the whole range succeed? For a call that
 * must refuse a bad buffer before it blocks or changes anything, and then
 * copies it in pieces. */
int uaddr_readable(uintptr_t u, size_t n);
int uaddr_writable(uintptr_t u, size_t n);

/* One handler per line of kernel/syscalls.h: long sys_write(void), ... */
#define SYSCALL0(NUM, kind, handler, ...) long sys_##handler(void);
#define SYSCALL1 SYSCALL0
#define SYSCALL2 SYSCALL0
#define SYSCALL3 SYSCALL0
#define SYSCALL4 SYSCALL0
#include "syscalls.h"
#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4

#endif
