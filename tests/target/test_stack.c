/*
 * test_stack.c: a thread that overflows its stack is caught and named.
 *
 * Course idea: without an MPU nothing stops a thread from writing below its
 * stack, into the neighbouring slot. weft keeps two canary words at the
 * bottom of each stack and checks them (and the saved stack pointer) at
 * every switch away from a thread (thread_check_stack in kernel/thread.c),
 * so the overflow is reported at the next switch, naming the thread, as a
 * panic (EXIT_PANIC).
 *
 * "deeprec" recurses about 3.5 KiB deep into its 2 KiB stack, then sleeps:
 * the switch away from it must panic with
 *     stack overflow in thread N 'deeprec'
 * A "buffer" thread, blocked forever, owns the slot just below, so what the
 * overflow tramples is a stack nobody will run again before the panic.
 * tests/target/expect-stack.sh checks the exit status and the message.
 * Image: build/ktest-stack.elf.
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../kernel/printk.h"
#include "../../kernel/sem.h"
#include "../../kernel/thread.h"

#define FRAME_WORDS 32
#define DEPTH       24      /* 24 frames of >= 136 bytes: > 3 KiB */

static struct sem never = SEM_INIT(never, 0);

static __attribute__((noinline)) uint32_t recurse(int depth)
{
    volatile uint32_t frame[FRAME_WORDS];
    for (int i = 0; i < FRAME_WORDS; i++)
        frame[i] = (uint32_t)depth;
    if (depth > 0)
        return recurse(depth - 1) + frame[0];
    thread_sleep(1);        /* the switch away from us checks the canary */
    return frame[0];
}

static void *deeprec(void *arg)
{
    (void)arg;
    kprintf("stack test: recursing %d frames into a %d-byte stack\n", DEPTH, KSTACK_SIZE);
    recurse(DEPTH);
    kprintf("stack test: FAIL: the overflow was not caught\n");
    arch_halt(1);
}

static void *buffer(void *arg)
{
    (void)arg;
    sem_wait(&never, WAIT_FOREVER);
    return NULL;
}

void app_start(void)
{
    thread_create("buffer", buffer, NULL, 5);
    thread_create("deeprec", deeprec, NULL, 4);
}
