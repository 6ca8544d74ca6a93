/*
 * sys_fd.c: the system calls on descriptors: read, write, close, pipe,
 * dup, dup2, setfl.
 *
 * Course idea: one interface for every kind of object. read and write find
 * the object a descriptor names and call its type's operation
 * (kernel/kobj.h); a type that cannot be read or written, or a descriptor
 * of the wrong end, gives -EBADF. The bytes cross the user/kernel boundary
 * in pieces through a buffer on the kernel stack (the gateway,
 * kernel/syscall.h), so no object ever holds a user address, and a bad
 * buffer is refused before any byte moves.
 * Read next: kernel/fd.c, kernel/pipe.c.
 */
#include "errno.h"
#include "fd.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

#define SELF (current->proc)
#define IO_CHUNK PIPE_BUF   /* bytes per piece: a write of PIPE_BUF stays whole */

/* One read or write of n bytes of kernel memory on descriptor fd of p. */
static long fd_io(struct proc *p, int fd, char *buf, size_t n, int write)
{
    int flags;
    uint32_t s = arch_irq_save();
    struct kobj *o = fd_lookup_locked(p, fd, &flags);
    const struct kobj_ops *ops = o ? kobj_ops[o->type] : NULL;
    long r = -EBADF;
    if (!o || !(flags & (write ? FD_WRITE : FD_READ))) {
        arch_irq_restore(s);
        return -EBADF;
    }
    if (write && ops->write) {      /* never freed: run unmasked */
        arch_irq_restore(s);
        return ops->write(o, buf, n, flags);
    }
    if (!write && ops->read) {
        arch_irq_restore(s);
        return ops->read(o, buf, n, flags);
    }
    if (write && ops->write_locked)
        r = ops->write_locked(o, buf, n, flags);
    else if (!write && ops->read_locked)
        r = ops->read_locked(o, buf, n, flags);
    arch_irq_restore(s);
    return r;
}

long sys_write(void)
{
    int fd = arg_int(0);
    uintptr_t buf = arg_uaddr(1);
    long n = arg_long(2);
    char chunk[IO_CHUNK];

    if (n < 0)
        return -EINVAL;
    if (!uaddr_readable(buf, (size_t)n))
        return -EFAULT;             /* all or nothing: no byte is written */
    long done = 0;
    do {
        size_t k = n - done < IO_CHUNK ? (size_t)(n - done) : IO_CHUNK;
        copyin(chunk, buf + (uintptr_t)done, k);    /* checked above */
        long r = fd_io(SELF, fd, chunk, k, 1);
        if (r < 0)
            return done ? done : r;
        done += r;
        if ((size_t)r < k)
            break;                  /* the reader went away meanwhile */
    } while (done < n);
    return done;
}

/* At most IO_CHUNK bytes a call, as a terminal or a pipe may return. */
long sys_read(void)
{
    int fd = arg_int(0);
    uintptr_t buf = arg_uaddr(1);
    long n = arg_long(2);
    char chunk[IO_CHUNK];

    if (n < 0)
        return -EINVAL;
    if (!uaddr_writable(buf, (size_t)n))
        return -EFAULT;             /* before blocking, not after */
    if (n == 0)
        return 0;
    long got = fd_io(SELF, fd, chunk, n < IO_CHUNK ? (size_t)n : IO_CHUNK, 0);
    if (got > 0 && copyout(buf, chunk, (size_t)got) < 0)
        return -EFAULT;             /* the caller shrank its own memory */
    return got;
}

long sys_close(void)
{
    uint32_t s = arch_irq_save();
    int r = fd_close_locked(SELF, arg_int(0));
    arch_irq_restore(s);
    return r;
}

long sys_pipe(void)
{
    uintptr_t ufds = arg_uaddr(0);
    int flags = arg_int(1), fds[2];

    if (flags & ~O_NONBLOCK)
        return -EINVAL;
    if (!uaddr_writable(ufds, sizeof fds))
        return -EFAULT;
    int nb = flags & O_NONBLOCK ? FD_NONBLOCK : 0;
    uint32_t s = arch_irq_save();
    int r = -ENFILE;
    struct kobj *o = kobj_alloc_locked(KOBJ_PIPE);
    if (o && (r = pipe_attach_locked(o)) == 0) {
        r = fds[0] = fd_install_locked(SELF, o, FD_READ | nb);
        if (r >= 0 && (r = fds[1] = fd_install_locked(SELF, o, FD_WRITE | nb)) < 0)
            fd_close_locked(SELF, fds[0]);      /* the last reference: frees it */
    }
    if (r < 0 && o && o->refs == 0)
        kobj_abandon_locked(o);     /* never named by a descriptor */
    arch_irq_restore(s);
    if (r < 0)
        return r;
    if (copyout(ufds, fds, sizeof fds) < 0) {       /* checked above */
        s = arch_irq_save();
        fd_close_locked(SELF, fds[0]);
        fd_close_locked(SELF, fds[1]);
        arch_irq_restore(s);
        return -EFAULT;
    }
    return 0;
}

long sys_dup(void)
{
    uint32_t s = arch_irq_save();
    int r = fd_dup_locked(SELF, arg_int(0));
    arch_irq_restore(s);
    return r;
}

long sys_dup2(void)
{
    uint32_t s = arch_irq_save();
    int r = fd_dup2_locked(SELF, arg_int(0), arg_int(1));
    arch_irq_restore(s);
    return r;
}

long sys_setfl(void)
{
    uint32_t s = arch_irq_save();
    int r = fd_setfl_locked(SELF, arg_int(0), arg_int(1) != 0);
    arch_irq_restore(s);
    return r < 0 ? r : r != 0;
}
