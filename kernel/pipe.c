/*
 * pipe.c: pipes, a byte stream from writers to readers.
 *
 * Course idea: the oldest IPC of Unix, and the producer-consumer problem
 * solved in the kernel. A pipe is a bounded ring of bytes with two ends,
 * each end named by descriptors (FD_READ or FD_WRITE) in any number of
 * processes. Its rules, each tested in apps/usertests.c:
 *   - read blocks while the pipe is empty and a write end is open; it
 *     returns what is there (at most n), and 0 (end of file) once every
 *     write end is closed and the bytes are drained;
 *   - write blocks while the pipe is full; with no read end left it fails
 *     with -EPIPE (the writer is not killed: weft has no SIGPIPE);
 *   - a write of at most PIPE_BUF bytes is atomic: it goes in whole, never
 *     interleaved with another writer's bytes (it waits for room for all);
 *   - with FD_NONBLOCK (O_NONBLOCK), a call that would block gives -EAGAIN.
 * A blocked reader or writer is woken by the other side, by the last end of
 * the other kind closing, or with -EBADF when its own side closes.
 * Read next: kernel/sys_fd.c (pipe(), read, write).
 */
#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "ring.h"
#include "sched.h"
#include "state.h"
#include "uapi.h"

struct pipe {
    struct ring ring;
    uint8_t readers, writers;       /* descriptors of each end */
    uint8_t in_use;
    struct waitq readq, writeq;     /* blocked readers, blocked writers */
    uint8_t buf[PIPE_SIZE];
};
_Static_assert((PIPE_SIZE & (PIPE_SIZE - 1)) == 0, "the ring wants a power of two");
_Static_assert(PIPE_BUF <= PIPE_SIZE, "an atomic write fits in an empty pipe");

static struct pipe pipes[MAX_PIPES];

/* A fresh pipe for object o, or -ENFILE. Masked. */
int pipe_attach_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    for (int i = 0; i < MAX_PIPES; i++) {
        struct pipe *pp = &pipes[i];
        if (pp->in_use)
            continue;
        pp->in_use = 1;
        pp->readers = pp->writers = 0;
        ring_init(&pp->ring, pp->buf, PIPE_SIZE);
        waitq_init(&pp->readq);
        waitq_init(&pp->writeq);
        o->u.pipe = pp;
        return 0;
    }
    return -ENFILE;
}

int pipe_free_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_PIPES; i++)
        n += !pipes[i].in_use;
    return n;
}

static long pipe_read_locked(struct kobj *o, char *buf, size_t n, int fdflags)
{
    struct pipe *pp = o->u.pipe;
    while (ring_empty(&pp->ring)) {
        if (pp->writers == 0)
            return 0;                       /* end of file */
        if (fdflags & FD_NONBLOCK)
            return -EAGAIN;
        int r = sched_block_locked(&pp->readq, WAIT_FOREVER, WHY_WAIT);
        if (r < 0)
            return r;                       /* -EINTR, -EBADF: o is gone */
    }
    size_t got = 0;
    while (got < n && !ring_empty(&pp->ring))
        buf[got++] = (char)ring_get(&pp->ring);
    sched_wake_all_locked(&pp->writeq, 0);  /* room for them now */
    poll_notify_locked();
    return (long)got;
}

/* Up to PIPE_BUF bytes go in whole: wait for room for all of them. A
 * longer write goes in as room appears and may interleave with others. */
static long pipe_write_locked(struct kobj *o, const char *buf, size_t n, int fdflags)
{
    struct pipe *pp = o->u.pipe;
    size_t done = 0;
    while (done < n) {
        if (pp->readers == 0)
            return done ? (long)done : -EPIPE;
        size_t room = PIPE_SIZE - ring_count(&pp->ring);
        size_t need = n <= PIPE_BUF ? n : 1;
        if (room < need) {
            if (fdflags & FD_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            int r = sched_block_locked(&pp->writeq, WAIT_FOREVER, WHY_WAIT);
            if (r < 0)
                return done ? (long)done : r;
            continue;
        }
        while (done < n && ring_put(&pp->ring, (uint8_t)buf[done]))
            done++;
        sched_wake_all_locked(&pp->readq, 0);
        poll_notify_locked();
    }
    return (long)done;
}

static void pipe_opened_locked(struct kobj *o, int fdflags)
{
    struct pipe *pp = o->u.pipe;
    pp->readers += (fdflags & FD_READ) != 0;
    pp->writers += (fdflags & FD_WRITE) != 0;
}

/* The last writer gone: readers see end of file. The last reader gone:
 * writers fail with -EPIPE. Either way, wake them to find out. */
static void pipe_closed_locked(struct kobj *o, int fdflags)
{
    struct pipe *pp = o->u.pipe;
    if ((fdflags & FD_WRITE) && --pp->writers == 0)
        sched_wake_all_locked(&pp->readq, 0);
    if ((fdflags & FD_READ) && --pp->readers == 0)
        sched_wake_all_locked(&pp->writeq, 0);
    poll_notify_locked();
}

/* Ready: a read end with bytes or no writer left (end of file: POLLHUP
 * too); a write end with room for PIPE_BUF bytes, or no reader (POLLERR:
 * the write would fail at once). */
static int pipe_poll_locked(struct kobj *o, int fdflags)
{
    struct pipe *pp = o->u.pipe;
    int r = 0;
    if (fdflags & FD_READ)
        r |= (!ring_empty(&pp->ring) || pp->writers == 0 ? POLLIN : 0) |
             (pp->writers == 0 ? POLLHUP : 0);
    if (fdflags & FD_WRITE)
        r |= pp->readers == 0 ? POLLERR :
             PIPE_SIZE - ring_count(&pp->ring) >= PIPE_BUF ? POLLOUT : 0;
    return r;
}

static void pipe_release_locked(struct kobj *o)
{
    struct pipe *pp = o->u.pipe;
    sched_wake_all_locked(&pp->readq, -EBADF);
    sched_wake_all_locked(&pp->writeq, -EBADF);
    pp->in_use = 0;
    o->u.pipe = NULL;
}

const struct kobj_ops pipe_ops = {
    .name = "pipe",
    .read_locked = pipe_read_locked,
    .write_locked = pipe_write_locked,
    .opened_locked = pipe_opened_locked,
    .closed_locked = pipe_closed_locked,
    .release_locked = pipe_release_locked,
    .poll_locked = pipe_poll_locked,
};
