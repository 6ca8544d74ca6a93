/*
 * list.h: the intrusive doubly linked list every kernel queue is made of.
 *
 * Course idea: a thread is never copied into a queue; the queue links a
 * node that lives inside the thread. A node is in at most one list at a
 * time; an unlinked node points at itself, so "am I queued?" is one compare.
 * Used by: kernel/sched.c (ready queues), kernel/thread.h (struct waitq), kernel/timeq.c.
 */
#ifndef WEFT_LIST_H
#define WEFT_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
    struct list *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

/* Recover the structure that contains a list node. */
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }

/* Insert n just before `at` (at the tail when `at` is the list head). */
static inline void list_insert_before(struct list *at, struct list *n)
{
    n->prev = at->prev;
    n->next = at;
    at->prev->next = n;
    at->prev = n;
}

static inline void list_push_back(struct list *l, struct list *n) { list_insert_before(l, n); }
static inline void list_push_front(struct list *l, struct list *n) { list_insert_before(l->next, n); }

/* Unlink n from whatever list holds it, leaving n's own links stale: only
 * for a node that is linked again at once (harmless if n is unlinked). */
static inline void list_unlink(struct list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}

/* Move n, which is in list l, to l's tail (a turn in a round-robin queue). */
static inline void list_move_back(struct list *l, struct list *n)
{
    list_unlink(n);
    list_insert_before(l, n);
}

/* Unlink n from whatever list holds it; harmless if it is not linked. */
static inline void list_remove(struct list *n)
{
    list_unlink(n);
    n->next = n->prev = n;
}

#define list_for_each(pos, head) \
    for (struct list *pos = (head)->next; pos != (head); pos = pos->next)

#endif
