/*
 * newlib.c: the C library's view of the operating system.
 *
 * Course idea: a C library is portable because it asks the OS for very
 * little. newlib's printf, malloc and exit end in these few functions
 * ("system hooks"); each one here is a weft system call. Descriptors are
 * weft's (kernel/fd.h): 0, 1 and 2 the console, which is all _isatty()
 * knows of (a program that closes 0 and dup2s a pipe there still reads
 * through stdio correctly, only with terminal buffering).
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
    return fail_or(sys_close(fd));
}

/* The console is a terminal; every other descriptor is a FIFO-like
 * stream, fully buffered by stdio. */
int _fstat(int fd, struct stat *st)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = IS_CONSOLE(fd) ? S_IFCHR : S_IFIFO;
    return 0;
}

int _isatty(int fd)
{
    if (IS_CONSOLE(fd))
        return 1;
    errno = fd < 0 ? EBADF : ENOTTY;
    return 0;
}

/* Unix's pipe() and dup()s, with newlib's convention (-1 and errno);
 * weft's own sys_pipe(fds, flags), sys_dup... return -errno. */
int pipe(int fds[2]) { return fail_or(sys_pipe(fds, 0)); }
int dup(int fd) { return fail_or(sys_dup(fd)); }
int dup2(int fd, int to) { return fail_or(sys_dup2(fd, to)); }

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
