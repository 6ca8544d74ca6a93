/*
 * fd.c: a process's descriptor table (see fd.h).
 *
 * Invariant: an entry with obj != NULL holds one of obj's references, so
 * obj->refs is the number of such entries in all processes. Every function
 * here runs with interrupts masked, so a descriptor closed by another thread
 * is either found whole or not at all.
 * Read next: kernel/kobj.c.
 */
#include "fd.h"

#include "errno.h"
#include "panic.h"
#include "proc.h"

static int value(const struct proc *p, int i)
{
    return i + FD_GEN_STEP * p->fds[i].gen;
}

/* The entry of descriptor fd, or -1 if it is not live. */
static int entry(const struct proc *p, int fd)
{
    if (fd < 0)
        return -1;
    int i = fd & (MAX_FDS - 1);
    if (!p->fds[i].obj || fd / FD_GEN_STEP != p->fds[i].gen)
        return -1;
    return i;
}

static void set_locked(struct proc *p, int i, struct kobj *o, int flags)
{
    p->fds[i].obj = o;
    p->fds[i].flags = (uint8_t)flags;
    kobj_ref_locked(o, flags);
}

static void clear_locked(struct proc *p, int i)
{
    struct kobj *o = p->fds[i].obj;
    int flags = p->fds[i].flags;
    p->fds[i].obj = NULL;
    p->fds[i].gen = (uint8_t)((p->fds[i].gen + 1) & 0x7F);  /* descriptors stay positive */
    kobj_unref_locked(o, flags);    /* may release o: after the entry is gone */
}

void fd_table_init_locked(struct proc *p)
{
    ASSERT_LOCKED();
    set_locked(p, 0, &kobj_console, FD_READ);
    set_locked(p, 1, &kobj_console, FD_WRITE);
    set_locked(p, 2, &kobj_console, FD_WRITE);
}

int fd_install_locked(struct proc *p, struct kobj *o, int flags)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_FDS; i++) {
        if (!p->fds[i].obj) {
            set_locked(p, i, o, flags);
            return value(p, i);
        }
    }
    return -EMFILE;
}

struct kobj *fd_lookup_locked(struct proc *p, int fd, int *flags)
{
    ASSERT_LOCKED();
    int i = entry(p, fd);
    if (i < 0)
        return NULL;
    if (flags)
        *flags = p->fds[i].flags;
    return p->fds[i].obj;
}

int fd_close_locked(struct proc *p, int fd)
{
    ASSERT_LOCKED();
    int i = entry(p, fd);
    if (i < 0)
        return -EBADF;
    clear_locked(p, i);
    poll_notify_locked();           /* a poller of this descriptor must look */
    return 0;
}

void fd_close_all_locked(struct proc *p)
{
    ASSERT_LOCKED();
#pragma GCC unroll 16
    for (int i = 0; i < MAX_FDS; i++)
        if (p->fds[i].obj)
            clear_locked(p, i);
}

int fd_dup_locked(struct proc *p, int fd)
{
    ASSERT_LOCKED();
    int i = entry(p, fd);
    return i < 0 ? -EBADF : fd_install_locked(p, p->fds[i].obj, p->fds[i].flags & ~FD_NONBLOCK);
}

int fd_dup2_locked(struct proc *p, int fd, int to)
{
    ASSERT_LOCKED();
    int i = entry(p, fd);
    if (i < 0 || to < 0 || to >= MAX_FDS)
        return -EBADF;
    if (value(p, i) == to)
        return to;                  /* dup2(fd, fd) does nothing */
    struct kobj *o = p->fds[i].obj;
    int flags = p->fds[i].flags & ~FD_NONBLOCK;
    kobj_ref_locked(o, flags);      /* keep o alive while `to` is closed */
    if (p->fds[to].obj)
        clear_locked(p, to);
    p->fds[to].gen = 0;             /* `to` is the number asked for */
    set_locked(p, to, o, flags);
    kobj_unref_locked(o, flags);
    return to;
}

int fd_pass_locked(struct proc *from, int fd, struct proc *to, int at)
{
    ASSERT_LOCKED();
    int i = entry(from, fd);
    if (i < 0 || at < 0 || at >= MAX_FDS)
        return -EBADF;
    if (to->fds[at].obj)
        clear_locked(to, at);
    to->fds[at].gen = 0;
    set_locked(to, at, from->fds[i].obj, from->fds[i].flags & ~FD_NONBLOCK);
    return at;
}

int fd_setfl_locked(struct proc *p, int fd, int nonblock)
{
    ASSERT_LOCKED();
    int i = entry(p, fd);
    if (i < 0)
        return -EBADF;
    int before = p->fds[i].flags;
    p->fds[i].flags = (uint8_t)(nonblock ? before | FD_NONBLOCK : before & ~FD_NONBLOCK);
    return before & FD_NONBLOCK;
}
