/*
 * newlib.c: the C library's view of the operating system.
 *
 * Course idea: a C library is portable because it asks the OS for very
 * little. newlib's printf, malloc and exit end in these few functions
 * ("system hooks"); each one here is a weft system call. File descriptors
 * 0, 1 and 2 are the console and nothing else is a file.
 *
 * Each hook follows newlib's convention: -1 with errno set on failure.
 * _isatty() says yes for the console, so newlib buffers stdout by line:
 * output appears at each '\n' (fflush() for a prompt) and exit() flushes
 * the rest. abort() ends in _kill(self), so its status is "killed".
 * Read next: lib/user/crt0.S.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "syscall.h"
#include "weft.h"

#define IS_CONSOLE(fd) ((fd) >= 0 && (fd) <= 2)

/* newlib's result convention from a weft result. */
static int fail_or(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return (int)r;
}

int _write(int fd, const void *buf, size_t n)
{
    return fail_or(sys_write(fd, buf, n));
}

int _read(int fd, void *buf, size_t n)
{
    return fail_or(sys_read(fd, buf, n));
}

/* The heap lies after .bss; the kernel keeps the break. */
void *_sbrk(ptrdiff_t incr)
{
    long r = sys_sbrk(incr);
    if (r < 0 && r >= -4095) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return (void *)(intptr_t)r;
}

void _exit(int status)
{
    sys_exit(status & 0xFF);      /* a wait status keeps 8 bits */
    for (;;)
        ;                               /* SYS_EXIT does not return */
}

int _close(int fd)
{
    if (IS_CONSOLE(fd))
        return 0;                       /* the console stays open */
    errno = EBADF;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    if (!IS_CONSOLE(fd)) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    if (IS_CONSOLE(fd))
        return 1;
    errno = EBADF;
    return 0;
}

off_t _lseek(int fd, off_t offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    errno = ESPIPE;
    return -1;
}

/* There are no signals: any signal sent to a process ends it. */
int _kill(int pid, int sig)
{
    (void)sig;
    return fail_or(kill(pid));
}

int _getpid(void)
{
    return getpid();
}
