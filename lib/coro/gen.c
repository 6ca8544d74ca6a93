/*
 * gen.c: resuming and closing a generator (gen.h); the rest is the macros.
 *
 * Invariant: state is RUNNING exactly while the body's function is on the
 * C stack, so a generator that tries to resume itself (or its delegator) is
 * caught here instead of running a half-updated frame.
 */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>

const char *const gen_state_name[GEN_NSTATES] = {
	[GEN_CREATED] = "created",
	[GEN_RUNNING] = "running",
	[GEN_SUSPENDED] = "suspended",
	[GEN_CLOSED] = "closed",
};

static void die(const struct gen *g, const char *what) __attribute__((noreturn));
static void die(const struct gen *g, const char *what)
{
	fprintf(stderr, "gen: %s (generator '%s')\n", what, g->name ? g->name : "?");
	fflush(stderr);
	abort();
}

void gen_init(struct gen *g, const char *name, gen_fn fn)
{
	*g = (struct gen){ .fn = fn, .state = GEN_CREATED, .name = name };
}

/* Every state but SUSPENDED: the first resume, and the errors. Returns true
 * if the body should run. */
static bool unusual_resume(struct gen *g, intptr_t v)
{
	switch (g->state) {
	case GEN_CLOSED:
		g->value = 0;
		return false;
	case GEN_RUNNING:
		die(g, "resumed while already running");
	case GEN_CREATED:
		if (v != 0)
			die(g, "a value sent to a generator that has not started");
		return true;
	case GEN_SUSPENDED:
		break;
	}
	return true;
}

enum gen_event gen_send(struct gen *g, intptr_t v)
{
	if (g->state != GEN_SUSPENDED && !unusual_resume(g, v))
		return GEN_STOPPED;
	g->sent = v;
	g->state = GEN_RUNNING;
	enum gen_event e = g->fn(g);
	g->state = e == GEN_YIELDED ? GEN_SUSPENDED : GEN_CLOSED;
	return e;
}

void gen_close(struct gen *g)
{
	if (g->state == GEN_RUNNING)
		die(g, "closed while running");
	if (g->state == GEN_SUSPENDED) {
		if (g->sub)
			gen_close(g->sub);
		g->sub = NULL;
		g->state = GEN_CLOSED;
		if (g->on_close)
			g->on_close(g);
	}
	g->state = GEN_CLOSED;
}
