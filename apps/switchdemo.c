/*
 * switchdemo.c: `switchdemo`, the greenlet example: two functions that
 * print 1, 3, 2, 4 by switching between each other explicitly.
 *
 * Course idea: a stackful coroutine keeps its place in the middle of a
 * function, with its locals, across a switch; a switch is a function call
 * (lib/coro/switch_armv7m.S), made here in user mode: the kernel sees none
 * of it. `first` prints 1, switches to `second`, which prints 3 and
 * switches back; `first` carries on with 2 and switches again; `second`
 * prints 4 and ends, which returns control to `first`, and so to main.
 *
 * `switchdemo overflow` runs a coroutine whose frame is bigger than its
 * stack: the canary at the bottom of the stack is overwritten, and the
 * coroutine's next yield reports it by name and aborts the program.
 *
 * Read next: lib/coro/coro.h, then apps/gen.c (the stackless kind).
 */
#include <stdio.h>
#include <string.h>

#include "../lib/coro/coro.h"
#include "weft.h"

PROG_ABOUT("[overflow]", "two coroutines print 1, 3, 2, 4 by explicit switches (overflow: caught)");

#define STACK 2048
static char stack1[STACK] __attribute__((aligned(8)));
static char stack2[STACK] __attribute__((aligned(8)));
static struct coro co1, co2;

static void *second(struct coro *self, void *unused)
{
	(void)unused;
	int local = 3;                  /* lives on second's own stack */
	printf("%d\n", local);
	coro_yield(self, NULL);         /* back to first */
	printf("%d\n", local + 1);
	return "second done";
}

static void *first(struct coro *self, void *arg)
{
	(void)self;
	int local = 1;
	printf("%d\n", local);
	coro_resume(&co2, NULL);        /* switch to second: it prints 3 */
	printf("%d\n", local + 1);
	const char *r = coro_resume(&co2, NULL); /* second prints 4 and ends */
	printf("first: second returned '%s' and is %s\n", r, coro_status_name[coro_status(&co2)]);
	return arg;
}

/* A small stack with room below it, so the overflow lands in `below`. */
static struct {
	char below[1024];
	char stack[1024];
} small __attribute__((aligned(8)));

static void *too_big(struct coro *self, void *unused)
{
	(void)unused;
	volatile char frame[1300]; /* more than the whole stack */
	for (unsigned i = 0; i < sizeof frame; i++)
		frame[i] = 0x55; /* volatile: each store happens, over the canary too */
	coro_yield(self, NULL); /* the canary is checked here */
	return NULL;
}

static int overflow(void)
{
	struct coro co;
	coro_create(&co, "too-big", too_big, NULL, small.stack, sizeof small.stack);
	printf("switchdemo: running a coroutine with a 1300-byte frame on a 1024-byte stack\n");
	fflush(stdout);
	coro_resume(&co, NULL);
	printf("switchdemo: overflow NOT caught\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "overflow") == 0)
		return overflow();
	coro_create(&co1, "first", first, NULL, stack1, STACK);
	coro_create(&co2, "second", second, NULL, stack2, STACK);
	void *r = coro_resume(&co1, "ok");
	printf("switchdemo: %s, first is %s\n", (const char *)r, coro_status_name[coro_status(&co1)]);
	return 0;
}
