/*
 * errno.h: the error numbers kernel calls return, negated (-EAGAIN).
 *
 * The values are Linux's, so a student can look them up with `errno -l`.
 * newlib numbers three of them differently (EDEADLK, ENOSYS, ETIMEDOUT);
 * lib/user/syscall.c translates results into newlib's numbering.
 */
#ifndef WEFT_ERRNO_H
#define WEFT_ERRNO_H

#define EPERM      1   /* not allowed for this caller */
#define E2BIG      7   /* argument list too long */
#define ENOENT     2   /* no such program or name */
#define ESRCH      3   /* no such thread or process */
#define EINTR      4   /* woken without the thing waited for */
#define EBADF      9   /* bad handle: out of range, wrong type, stale */
#define ECHILD    10   /* nothing to wait for */
#define EAGAIN    11   /* try again: full table, or would block */
#define ENOMEM    12   /* out of memory */
#define ENOTTY    25   /* not a terminal */
#define ENFILE    23   /* the system's objects (or pipes) are all in use */
#define EMFILE    24   /* the process's descriptor table is full */
#define EPIPE     32   /* a write to a pipe no one reads any more */
#define EFAULT    14   /* a pointer outside the caller's memory */
#define EBUSY     16   /* resource in use */
#define EINVAL    22   /* an argument out of range */
#define EDEADLK   35   /* the wait would never end (joining oneself) */
#define ENOSYS    38   /* no such system call */
#define ETIMEDOUT 110  /* the timeout passed first */

#endif
