/*
 * timeq.c: the sorted timer queue (see timeq.h for the idea).
 *
 * Invariant: the list is sorted by wake_at, earliest first, and equal
 * deadlines keep their insertion order, so two threads that sleep until the
 * same tick wake in the order they went to sleep.
 */
#include "timeq.h"

#include "panic.h"

static struct list timeq = LIST_INIT(timeq);

void timeq_insert_locked(struct thread *t, uint32_t when)
{
    ASSERT_LOCKED();
    struct list *pos = timeq.next;

    t->wake_at = when;
    while (pos != &timeq &&
           !tick_before(when, container_of(pos, struct thread, tlink)->wake_at))
        pos = pos->next;
    list_insert_before(pos, &t->tlink);
}

struct thread *timeq_pop_due_locked(uint32_t now)
{
    ASSERT_LOCKED();
    if (list_empty(&timeq))
        return NULL;
    struct thread *t = container_of(timeq.next, struct thread, tlink);
    if (tick_before(now, t->wake_at))
        return NULL;
    list_remove(&t->tlink);
    return t;
}
