/*
 * sys_io.c: reading and writing the console.
 *
 * Course idea: the simplest system calls with a user buffer, and the reason
 * for the gateway (kernel/syscall.h). The console driver works on kernel
 * memory; these handlers move the bytes across the boundary in small
 * pieces through a buffer on the kernel stack, so the driver never holds a
 * user address and a bad buffer is refused (-EFAULT) before any byte moves.
 * Reading goes through kernel/console.c: only the foreground process reads.
 * Read next: drivers/uart.c (the driver), kernel/console.c, kernel/sys_proc.c.
 */
#include "../drivers/uart.h"
#include "console.h"
#include "errno.h"
#include "syscall.h"

#define IO_CHUNK 64     /* bytes per copy; the kernel stack is 2 KiB */

/* write(fd, buf, n): fd 1 and 2 are the console. */
long sys_write(void)
{
    int fd = arg_int(0);
    uintptr_t buf = arg_uaddr(1);
    long n = arg_long(2);
    char chunk[IO_CHUNK];

    if (fd != 1 && fd != 2)
        return -EBADF;
    if (n < 0)
        return -EINVAL;
    if (!uaddr_readable(buf, (size_t)n))
        return -EFAULT;             /* all or nothing: no byte is written */
    for (long done = 0; done < n; done += IO_CHUNK) {
        size_t k = n - done < IO_CHUNK ? (size_t)(n - done) : IO_CHUNK;
        if (copyin(chunk, buf + (uintptr_t)done, k) < 0)
            return -EFAULT;         /* checked above: cannot happen */
        uart_write(chunk, k);
    }
    return n;
}

/* read(fd, buf, n): fd 0 is the console; blocks until at least one byte,
 * returns at most IO_CHUNK bytes at a time (a short read, as on a tty). */
long sys_read(void)
{
    int fd = arg_int(0);
    uintptr_t buf = arg_uaddr(1);
    long n = arg_long(2);
    char chunk[IO_CHUNK];

    if (fd != 0)
        return -EBADF;
    if (n < 0)
        return -EINVAL;
    if (!uaddr_writable(buf, (size_t)n))
        return -EFAULT;             /* before blocking, not after */
    if (n == 0)
        return 0;
    long got = console_read(chunk, n < IO_CHUNK ? (size_t)n : IO_CHUNK);
    if (got > 0 && copyout(buf, chunk, (size_t)got) < 0)
        return -EFAULT;             /* the caller shrank its own memory */
    return got;
}
