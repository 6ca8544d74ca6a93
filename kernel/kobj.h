/*
 * kobj.h: kernel objects, reference counted, each of a type with its own
 * operations.
 *
 * Course idea: everything a process can name (the console, a pipe end, a
 * semaphore, a mutex...) is a kernel object, and a process names one only
 * through a descriptor: a small number in its own table (kernel/fd.h),
 * never a pointer. An object lives while any descriptor in any process
 * names it: `refs` counts them. A type is a table of operations, like a
 * Unix file's: read and write where they make sense (else -EBADF), and
 * what happens when a descriptor goes away or the last one does. Adding an
 * object type is a file with its operations and one line in the table.
 *
 * Locking: everything here runs with interrupts masked (the `_locked`
 * suffix), the kernel's one lock. An operation that blocks does so from its
 * caller's only critical section, and an object whose last descriptor is
 * closed wakes its waiters with -EBADF before it is freed: a woken waiter
 * that sees -EBADF never touches the object again.
 * Read next: kernel/fd.c (the table), kernel/pipe.c (a type).
 */
#ifndef WEFT_KOBJ_H
#define WEFT_KOBJ_H

#include <stddef.h>
#include <stdint.h>

#include "sem.h"
#include "thread.h"

struct proc;

enum kobj_type { KOBJ_NONE, KOBJ_CONSOLE, KOBJ_PIPE, KOBJ_SEM, KOBJ_MUTEX, KOBJ_SHM,
                 KOBJ_NTYPES };

/* Descriptor flags: which ends a descriptor has, and how it waits. */
#define FD_READ     1
#define FD_WRITE    2
#define FD_NONBLOCK 4   /* O_NONBLOCK (kernel/uapi.h): -EAGAIN instead of blocking */

struct pipe;

struct kobj {
    uint8_t type;               /* enum kobj_type; KOBJ_NONE: a free slot */
    uint16_t refs;              /* descriptors naming it, in all processes */
    union {
        struct sem sem;                                 /* KOBJ_SEM */
        struct { int owner; struct waitq waiters; } mutex;  /* KOBJ_MUTEX: owner
                                   is a thread id (never reused), 0 free */
        struct pipe *pipe;                              /* KOBJ_PIPE */
        struct { uint8_t *mem; uint32_t size; } shm;    /* KOBJ_SHM: a block of
                                   the process arena; refs count mappings too */
    } u;
};

/* A type's operations; any may be NULL. buf is kernel memory (the system
 * call copied it). read/write return a count, 0 at end of file, -EAGAIN
 * (FD_NONBLOCK and it would block), or another negative errno. They are
 * called masked (_locked), the object found under the same mask; a type
 * whose objects are never freed (the console, whose driver masks by
 * itself) gives read/write instead, called unmasked. */
struct kobj_ops {
    const char *name;                                   /* for `ps -f`, errors */
    long (*read_locked)(struct kobj *o, char *buf, size_t n, int fdflags);
    long (*write_locked)(struct kobj *o, const char *buf, size_t n, int fdflags);
    long (*read)(struct kobj *o, char *buf, size_t n, int fdflags);
    long (*write)(struct kobj *o, const char *buf, size_t n, int fdflags);
    void (*opened_locked)(struct kobj *o, int fdflags); /* one more descriptor */
    void (*closed_locked)(struct kobj *o, int fdflags); /* one fewer */
    void (*release_locked)(struct kobj *o);             /* the last one went */
    int (*poll_locked)(struct kobj *o, int fdflags);    /* POLLIN | POLLOUT ... now */
};

/* poll (kernel/poll.c): a type calls poll_notify_locked() whenever one of
 * its objects may have become ready (bytes in, room made, a post, a close),
 * and every thread in poll looks again. Cheap when nobody polls. */
void poll_notify_locked(void);
extern const struct kobj_ops *const kobj_ops[KOBJ_NTYPES];

/* Empty the pool (at boot). */
void kobj_init(void);

/* A free object of `type`, refs 0 (fd_install takes the first), or NULL
 * when the pool is full (-ENFILE for the caller). */
struct kobj *kobj_alloc_locked(enum kobj_type type);

/* A descriptor with `fdflags` starts or stops naming o. The last one to
 * stop releases o: its type wakes its waiters, o becomes free. */
void kobj_ref_locked(struct kobj *o, int fdflags);
void kobj_unref_locked(struct kobj *o, int fdflags);

/* Free an object no descriptor took (a create that failed half-way). */
void kobj_abandon_locked(struct kobj *o);

/* Free objects in the pool, for SYS_KSTAT. */
int kobj_free_count(void);

/* The console: one object, named by every process's 0, 1 and 2. */
extern struct kobj kobj_console;

/* Pipes (kernel/pipe.c): give o a pipe buffer (-ENFILE if none is left);
 * free buffers, for SYS_KSTAT. */
int pipe_attach_locked(struct kobj *o);
int pipe_free_count(void);

/* Semaphores and mutexes on a descriptor fd of p (kernel/kobj.c):
 *   sem_wait:     0, -ETIMEDOUT, -EINTR, -EBADF (also: closed while waiting)
 *   mutex_lock:   the same, or -EDEADLK if the caller holds it already
 *   mutex_unlock: 0, -EPERM if the caller is not the holder, -EBADF */
int kobj_sem_create(struct proc *p, int count);
int kobj_mutex_create(struct proc *p);
int kobj_sem_wait(struct proc *p, int fd, uint32_t timeout);
int kobj_sem_post(struct proc *p, int fd);
int kobj_mutex_lock(struct proc *p, int fd, uint32_t timeout);
int kobj_mutex_unlock(struct proc *p, int fd);

#endif
