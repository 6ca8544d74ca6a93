/*
 * thread.c: threads of a user process, and where their stacks come from.
 *
 * Course idea: a thread is a stack plus registers, and in user mode the
 * stack is the program's problem. The kernel's SYS_THREAD_CREATE takes a
 * stack inside the caller's memory (struct thread_spec); this file
 * mallocs one, remembers it in a small table under the thread's id, and
 * frees it when thread_join() has seen the thread end.
 *
 * The kernel starts a thread at the function it is given with R0 = its
 * argument and nothing sensible in LR, so the thread must never return
 * into the void. Every thread therefore starts in thread_start(), which
 * calls the user's function and passes its result to thread_exit().
 * Read next: apps/globals.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "syscall.h"
#include "weft.h"

/* One thread this file started. A slot is free when stack is NULL. */
struct uthread {
    int tid;
    void *stack;
    void *(*fn)(void *);
    void *arg;
};

/* Slots are claimed and released only with the malloc lock held: two
 * threads may create or join at once, and malloc takes that lock anyway. */
static struct uthread table[THREAD_MAX];

void __malloc_lock(struct _reent *r);
void __malloc_unlock(struct _reent *r);

static void __attribute__((noreturn)) thread_start(struct uthread *t)
{
    thread_exit(t->fn(t->arg));
}

int thread_create(void *(*fn)(void *), void *arg, int flags)
{
    struct uthread *t = NULL;

    __malloc_lock(NULL);
    void *stack = malloc(THREAD_STACK_SIZE);
    for (int i = 0; stack && i < THREAD_MAX && !t; i++)
        if (!table[i].stack)
            t = &table[i];
    if (t) {
        t->stack = stack;
        t->fn = fn;
        t->arg = arg;
        t->tid = 0;
    }
    __malloc_unlock(NULL);
    if (!stack)
        return -ENOMEM;
    if (!t) {
        free(stack);
        return -EAGAIN;
    }

    struct thread_spec spec = { stack, THREAD_STACK_SIZE, flags, NULL };
    int tid = sys_thread_create((void *)thread_start, t, &spec);
    if (tid < 0) {
        __malloc_lock(NULL);
        t->stack = NULL;
        free(stack);
        __malloc_unlock(NULL);
        return tid;
    }
    t->tid = tid;
    return tid;
}

int thread_join(int tid, void **value, uint32_t timeout)
{
    int r = sys_thread_join(tid, value, timeout);
    if (r < 0)
        return r;
    __malloc_lock(NULL);
    for (int i = 0; i < THREAD_MAX; i++) {
        if (table[i].stack && table[i].tid == tid) {
            free(table[i].stack);
            table[i].stack = NULL;
        }
    }
    __malloc_unlock(NULL);
    return 0;
}

void thread_exit(void *value)
{
    sys_thread_exit(value);
    for (;;)
        ;                       /* SYS_THREAD_EXIT does not return */
}
