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

#include "ksync.h"
#include "sem.h"
#include "thread.h"

struct proc;

enum kobj_type { KOBJ_NONE, KOBJ_CONSOLE, KOBJ_PIPE, KOBJ_SEM, KOBJ_MUTEX, KOBJ_SHM,
                 KOBJ_SERIAL, KOBJ_EVENT, KOBJ_COND, KOBJ_BARRIER, KOBJ_QUEUE, KOBJ_NTYPES };

/* Descriptor flags: which ends a descriptor has, and how it waits. */
#define FD_READ     1
#define FD_WRITE    2
#define FD_NONBLOCK 4   /* O_NONBLOCK (kernel/uapi.h): -EAGAIN instead of blocking */

struct pipe;

struct kobj {
    uint8_t type;               /* enum kobj_type; KOBJ_NONE: a free slot */
    uint16_t refs;              /* descriptors naming it, in all processes */
    uint32_t serial;            /* new at every allocation: a thread that slept
                                   on it checks it is still the same object */
    union {
        struct ksem sem;                                /* KOBJ_SEM (kernel/ksem.c) */
        struct kmutex mutex;                            /* KOBJ_MUTEX (kernel/kmutex.c) */
        struct kevent event;                            /* KOBJ_EVENT (kernel/kevent.c) */
        struct kcond cond;                              /* KOBJ_COND (kernel/kcond.c) */
        struct kbarrier barrier;                        /* KOBJ_BARRIER (kernel/kbarrier.c) */
        struct kqueue queue;                            /* KOBJ_QUEUE (kernel/kqueue.c) */
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

/* The console: one object, named by every process's 0, 1 and 2. The
 * second serial line: one object, opened by SYS_SERIAL_OPEN. Neither is
 * in the pool, and neither is ever released. */
extern struct kobj kobj_console, kobj_serial1;

/* Pipes (kernel/pipe.c): give o a pipe buffer (-ENFILE if none is left);
 * free buffers, for SYS_KSTAT. */
int pipe_attach_locked(struct kobj *o);
int pipe_free_count(void);

int kobj_index(const struct kobj *o);

/* The object fd of p names, if it is of `type`; NULL otherwise (-EBADF).
 * Masked; valid only while the mask is held (another thread may close fd). */
struct kobj *kobj_lookup_locked(struct proc *p, int fd, enum kobj_type type);

/* A new object of `type` named by a new descriptor of p: init_locked (may
 * be NULL) prepares it, and may refuse with a negative errno, leaving
 * nothing to release (the object is simply free again). Returns the
 * descriptor, -ENFILE, -EMFILE, or init's error. */
int kobj_create(struct proc *p, enum kobj_type type,
                int (*init_locked)(struct kobj *o, const void *arg), const void *arg);

#endif
