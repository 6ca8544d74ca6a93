/*
 * kqueue.c: the message queue object: Python's Queue, LifoQueue,
 * PriorityQueue, with task_done() and join() (JoinableQueue).
 *
 * Course idea: producer and consumer meet at a bounded buffer of
 * fixed-size items. put blocks while it is full, get while it is empty,
 * each with a timeout or not at all; the order of the items is chosen at
 * creation: first in first out, last in first out, or by priority (the
 * smallest number first, as Python's PriorityQueue; first in first out
 * among equals). join() waits until every item put has been reported
 * done with task_done(), so a producer knows its work was finished, not
 * just taken.
 *
 * The queue holds kernel copies: the system call handler (kernel/sys_kobj.c)
 * copies an item in from the sender and out to the receiver through the
 * gateway (copyin/copyout); this file never sees a user address.
 * Layout: slots[0 .. count) in the order get() takes them, slot 0 first;
 * each slot is a 4-byte priority, then the item. An item put while a
 * getter waits on the empty queue skips the slots (hand_over_locked).
 * Read next: apps/events.c, apps/deadlock.c.
 */
#include "ksync.h"

#include <string.h>

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "state.h"

#define Q(o) (&(o)->u.queue)

static uint32_t slot_size(const struct kqueue *q) { return 4 + ((q->item_size + 3u) & ~3u); }
static uint8_t *slot(const struct kqueue *q, int i) { return q->buf + (uint32_t)i * slot_size(q); }
static int32_t slot_prio(const struct kqueue *q, int i)
{
    int32_t p;
    memcpy(&p, slot(q, i), 4);
    return p;
}

int kqueue_init_locked(struct kqueue *q, int item_size, int capacity, int order)
{
    ASSERT_LOCKED();
    if (item_size < 1 || item_size > QUEUE_ITEM_MAX || capacity < 1 ||
        item_size * capacity > QUEUE_BYTES_MAX || order < QUEUE_FIFO || order > QUEUE_PRIO)
        return -EINVAL;
    q->item_size = (uint16_t)item_size;
    q->capacity = (uint16_t)capacity;
    q->order = (uint8_t)order;
    q->count = q->unfinished = 0;
    waitq_init(&q->getters);
    waitq_init(&q->putters);
    waitq_init(&q->joiners);
    q->buf = proc_arena_alloc_locked(slot_size(q) * (uint32_t)capacity);
    return q->buf ? 0 : -ENOMEM;    /* nothing to undo: the buffer is all it takes */
}

/* Where a new item of priority prio goes. */
static int insert_at(const struct kqueue *q, int32_t prio)
{
    if (q->order == QUEUE_FIFO)
        return q->count;
    if (q->order == QUEUE_LIFO)
        return 0;
    int i = 0;
    while (i < q->count && slot_prio(q, i) <= prio)
        i++;                        /* after every item as urgent or more */
    return i;
}

/* Wait on wq for room or an item. 0 means "look again": the object may
 * have been closed and reused meanwhile, which the serial tells. */
static int wait_again_locked(struct kobj *o, struct waitq *wq, uint32_t timeout,
                             uint32_t start, uint32_t serial)
{
    int r = sched_block_locked(wq, ksync_ticks_left(timeout, start), WHY_WAIT);
    if (r == 0 && (o->serial != serial || o->type != KOBJ_QUEUE))
        r = -EBADF;
    return r;
}

/* A waiter leaving with error r (timeout, kill) may have been woken for
 * room or an item it will not use: pass the wake-up on, or the next
 * waiter would sleep with the queue ready. Not after -EBADF: q is gone. */
static int pass_wake_locked(struct waitq *wq, int ready, int r)
{
    if (r != -EBADF && ready)
        sched_wake_one_locked(wq, 0);
    return r;
}

/* A getter woken with DELIVERED has its item already: a put found it
 * waiting on an empty queue and copied the item straight into its buffer
 * (t->xfer), skipping the slots. The get is complete at that moment, as if
 * the getter had run at once; a kill after it loses the item with the
 * process, as a kill just after get() returns would. */
#define DELIVERED 1

static int hand_over_locked(struct kqueue *q, const void *item)
{
    if (q->count != 0 || waitq_empty(&q->getters))
        return 0;
    struct thread *t = container_of(q->getters.threads.next, struct thread, link);
    memcpy(t->xfer, item, q->item_size);
    q->unfinished++;
    sched_wake_locked(t, DELIVERED);
    return 1;
}

int kqueue_put_locked(struct kobj *o, const void *item, int prio, uint32_t timeout)
{
    ASSERT_LOCKED();
    struct kqueue *q = Q(o);
    if (hand_over_locked(q, item))
        return 0;
    uint32_t start = ticks, serial = o->serial;
    while (q->count == q->capacity) {
        int r = wait_again_locked(o, &q->putters, timeout, start, serial);
        if (r < 0)
            return pass_wake_locked(&q->putters, q->count < q->capacity, r);
    }
    int at = insert_at(q, prio);
    memmove(slot(q, at + 1), slot(q, at), (uint32_t)(q->count - at) * slot_size(q));
    int32_t p = prio;
    memcpy(slot(q, at), &p, 4);
    memcpy(slot(q, at) + 4, item, q->item_size);
    q->count++;
    q->unfinished++;
    sched_wake_one_locked(&q->getters, 0);
    poll_notify_locked();
    return 0;
}

int kqueue_get_locked(struct kobj *o, void *item, uint32_t timeout)
{
    ASSERT_LOCKED();
    struct kqueue *q = Q(o);
    uint32_t start = ticks, serial = o->serial;
    while (q->count == 0) {
        current->xfer = item;
        int r = wait_again_locked(o, &q->getters, timeout, start, serial);
        current->xfer = NULL;
        if (r == DELIVERED)
            return 0;
        if (r < 0)
            return pass_wake_locked(&q->getters, q->count > 0, r);
    }
    memcpy(item, slot(q, 0) + 4, q->item_size);
    q->count--;
    memmove(slot(q, 0), slot(q, 1), (uint32_t)q->count * slot_size(q));
    sched_wake_one_locked(&q->putters, 0);
    poll_notify_locked();
    return 0;
}

int kqueue_task_done_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    struct kqueue *q = Q(o);
    if (q->unfinished == 0)
        return -EINVAL;             /* Python: "task_done() called too many times" */
    if (--q->unfinished == 0)
        sched_wake_all_locked(&q->joiners, 0);
    return 0;
}

int kqueue_join_locked(struct kobj *o, uint32_t timeout)
{
    ASSERT_LOCKED();
    struct kqueue *q = Q(o);
    uint32_t start = ticks, serial = o->serial;
    while (q->unfinished > 0) {
        int r = wait_again_locked(o, &q->joiners, timeout, start, serial);
        if (r < 0)
            return r;
    }
    return 0;
}

static void kqueue_release_locked(struct kobj *o)
{
    struct kqueue *q = Q(o);
    if (!q->buf)
        return;                     /* its creation failed: nothing to undo */
    sched_wake_all_locked(&q->getters, -EBADF);
    sched_wake_all_locked(&q->putters, -EBADF);
    sched_wake_all_locked(&q->joiners, -EBADF);
    proc_arena_free_locked(q->buf);
    q->buf = NULL;
}

/* Ready for poll: POLLIN a get, POLLOUT a put would not block. */
static int kqueue_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return (Q(o)->count > 0 ? POLLIN : 0) | (Q(o)->count < Q(o)->capacity ? POLLOUT : 0);
}

const struct kobj_ops kqueue_ops = {
    .name = "queue", .release_locked = kqueue_release_locked, .poll_locked = kqueue_poll_locked,
};
