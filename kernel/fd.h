/*
 * fd.h: a process's descriptor table.
 *
 * Course idea: Unix's file descriptors. A descriptor is a small number that
 * names a kernel object (kernel/kobj.h) in one process's table: 0, 1 and 2
 * are the console, and read, write and close work on any descriptor where
 * they make sense. Numbers stay small (the lowest free entry is taken), but
 * a number also carries the entry's generation, bumped at every close:
 *
 *     descriptor = entry + FD_GEN_STEP * generation     (entry < MAX_FDS)
 *
 * so entry 3 is first descriptor 3, after a close 3 + 16 = 19, then 35...
 * A stale descriptor (closed, or its entry reused since) is refused with
 * -EBADF instead of silently naming whatever object took the entry. 0, 1
 * and 2 are never closed by the runtime and keep generation 0.
 *
 * A child gets only what its parent hands it at spawn (fd_pass_locked):
 * nothing is inherited by default but the console.
 * Locking: interrupts masked, like the process table.
 * Read next: kernel/kobj.c, kernel/sys_fd.c.
 */
#ifndef WEFT_FD_H
#define WEFT_FD_H

#include "config.h"
#include "kobj.h"

#define FD_GEN_STEP MAX_FDS                 /* a power of two */
_Static_assert((MAX_FDS & (MAX_FDS - 1)) == 0, "descriptor = entry + MAX_FDS * generation");

struct fd {
    struct kobj *obj;           /* NULL: a free entry */
    uint8_t gen;                /* bumped at every close of this entry */
    uint8_t flags;              /* FD_READ, FD_WRITE, FD_NONBLOCK */
};

struct proc;

/* Give p the console as 0 (read), 1 and 2 (write). p's table is fresh:
 * every entry free, at generation 0 (kernel/proc.c claims a slot so). */
void fd_table_init_locked(struct proc *p);

/* Name o in p's lowest free entry with `flags` (o gains a reference).
 * Returns the descriptor, or -EMFILE when p's table is full. */
int fd_install_locked(struct proc *p, struct kobj *o, int flags);

/* The object descriptor fd of p names, and its flags; NULL if fd is not a
 * live descriptor of p (-EBADF). */
struct kobj *fd_lookup_locked(struct proc *p, int fd, int *flags);

/* Close fd: the entry is freed and its generation bumped; the object loses
 * a reference. 0 or -EBADF. */
int fd_close_locked(struct proc *p, int fd);

/* Every descriptor of p (its end, step 3). */
void fd_close_all_locked(struct proc *p);

/* A second descriptor for fd's object, in the lowest free entry, or in
 * entry `to` (closing what it named first; -EBADF if to is out of range).
 * Both return the new descriptor; -EBADF, -EMFILE. */
int fd_dup_locked(struct proc *p, int fd);
int fd_dup2_locked(struct proc *p, int fd, int to);

/* Hand descriptor fd of `from` to `to` as entry `at` (spawn's list). */
int fd_pass_locked(struct proc *from, int fd, struct proc *to, int at);

/* Set or clear FD_NONBLOCK on fd; returns the flags before. */
int fd_setfl_locked(struct proc *p, int fd, int nonblock);

#endif
