/*
 * gen.h: stackless generators, Python's `yield`, in the protothreads style.
 *
 * Read the traps first. A generator here is an ordinary C function that
 * returns at each yield and is called again to continue; a `switch` on the
 * line number of the last yield jumps back to where it left off. So:
 *
 *  1. Locals do NOT survive a yield. The function returns at each yield and
 *     its stack frame is gone; anything needed after a yield must live in
 *     the generator's frame: a struct that begins with `struct gen` (below,
 *     `struct counter`). Locals recomputed from that frame are fine.
 *  2. No yield from a nested call. Only the generator's own function can
 *     yield (GEN_YIELD returns from *that* function); a helper that wants to
 *     yield must itself be a generator, run with GEN_YIELD_FROM.
 *  3. No yield inside a `switch` of your own: GEN_YIELD places a `case`
 *     label, which would belong to your switch instead of the generator's.
 *     Use if/else around yields.
 *  4. At most one GEN_YIELD or GEN_YIELD_FROM per source line (the line
 *     number is the label; two on one line do not compile).
 *
 * In exchange a generator costs one small struct and a function call per
 * resume, with no stack of its own: compare coro.h, where a coroutine can
 * yield from any depth because it has a whole stack.
 *
 *     struct counter { struct gen g; long i, n; };          the frame
 *     static enum gen_event count(struct gen *g)
 *     {
 *         struct counter *c = (struct counter *)g;
 *         GEN_BEGIN(g);
 *         for (c->i = 0; c->i < c->n; c->i++)
 *             GEN_YIELD(g, c->i);          gen_sent(g) is the value sent in
 *         GEN_END(g, c->n);                the final value (StopIteration's)
 *     }
 *     struct counter c = { .n = 3 };  gen_init(&c.g, "count", count);
 *     while (gen_next(&c.g) == GEN_YIELDED) use(gen_value(&c.g));
 *     gen_result(&c.g) == 3
 *
 * States (gen_state_name[]): CREATED -> RUNNING -> SUSPENDED -> ... ->
 * CLOSED, as Python's inspect.getgeneratorstate() names them.
 *
 * Read next: gen.c, yieldloop.h (a scheduler of generators).
 */
#ifndef WEFT_GEN_H
#define WEFT_GEN_H

#include <stdbool.h>
#include <stdint.h>

struct gen;

/* What one resume ended with: a value was yielded (gen_value), or the
 * generator is finished (Python's StopIteration; gen_result is its value). */
enum gen_event { GEN_YIELDED, GEN_STOPPED };
typedef enum gen_event (*gen_fn)(struct gen *g);

enum gen_state {
	GEN_CREATED,   /* never resumed: only gen_next (send 0) may start it */
	GEN_RUNNING,   /* inside its function: resuming it again is an error */
	GEN_SUSPENDED, /* stopped at a yield */
	GEN_CLOSED,    /* returned, or closed */
};
#define GEN_NSTATES 4
extern const char *const gen_state_name[GEN_NSTATES];

struct gen {
	gen_fn fn;
	int line;              /* where to continue: 0 before the first resume */
	enum gen_state state;
	intptr_t value;        /* the last value yielded */
	intptr_t sent;         /* the value the current resume sent in */
	intptr_t result;       /* the value of GEN_END, once CLOSED by returning */
	struct gen *sub;       /* the generator it delegates to (GEN_YIELD_FROM), or NULL */
	void (*on_close)(struct gen *g); /* Python's finally for close(): may be NULL */
	struct gen *next;      /* for a scheduler's queue (yieldloop.h) */
	const char *name;      /* for reports; may be NULL */
};

/* Make g a CREATED generator running fn; `name` is for reports (may be NULL). */
void gen_init(struct gen *g, const char *name, gen_fn fn);

/* Resume with `v` as the value of the yield it stopped at. A CREATED
 * generator accepts only 0, as Python refuses a non-None first send; a
 * RUNNING one cannot be resumed. Both are reported by name and abort. A
 * CLOSED one just answers GEN_STOPPED again. */
enum gen_event gen_send(struct gen *g, intptr_t v);
static inline enum gen_event gen_next(struct gen *g) { return gen_send(g, 0); }

/* Python's close(): a SUSPENDED generator is closed without running any more
 * of its body, first its delegate (if it is inside GEN_YIELD_FROM), then its
 * own on_close (exactly once). A CREATED one is just marked CLOSED. */
void gen_close(struct gen *g);

static inline intptr_t gen_value(const struct gen *g) { return g->value; }
static inline intptr_t gen_sent(const struct gen *g) { return g->sent; }
static inline intptr_t gen_result(const struct gen *g) { return g->result; }
static inline enum gen_state gen_state(const struct gen *g) { return g->state; }

/* ---- The body's macros (the traps above are about these) ---- */

#define GEN_BEGIN(g) switch ((g)->line) { case 0:

/* Hand `v` out and stop; continue here on the next resume. */
#define GEN_YIELD(g, v)                                                                \
	do {                                                                           \
		(g)->value = (v);                                                      \
		(g)->line = __LINE__;                                                  \
		return GEN_YIELDED;                                                    \
	case __LINE__:;                                                                \
	} while (0)

/* Python's `yield from sub`: run sub to its end, passing every value it
 * yields out and every value sent in through to it. Its final value is then
 * gen_result(sub). sub must be CREATED. */
#define GEN_YIELD_FROM(g, s)                                                           \
	do {                                                                           \
		(g)->sub = (s);                                                        \
		(g)->sent = 0;                                                         \
		(g)->line = __LINE__;                                                  \
		__attribute__((fallthrough));                                          \
	case __LINE__:                                                                 \
		if (gen_send((g)->sub, (g)->sent) == GEN_YIELDED) {                    \
			(g)->value = gen_value((g)->sub);                              \
			return GEN_YIELDED;                                            \
		}                                                                      \
		(g)->sub = NULL;                                                       \
	} while (0)

/* The end of the body: `v` is the final value (gen_result). */
#define GEN_END(g, v)                                                                  \
	}                                                                              \
	(g)->result = (v);                                                             \
	return GEN_STOPPED

#endif
