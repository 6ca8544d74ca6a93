/*
 * state.h: the one function that changes a thread's state.
 *
 * Course idea: the five-state model is a rule, not a description. Every
 * state change in weft goes through thread_set_state(), which checks it
 * against the table of legal transitions, counts it, and records it in the
 * trace. See kernel/state.c and docs/states.md.
 *
 * It runs twice on every context switch, so it is inline and each of its
 * three duties is a few instructions: the legal check is one test of a bit
 * in the table row of the current state, the count one increment, the trace
 * record three stores (kernel/trace.h; a switch records its two moves in
 * one slot, and that slot is their count). Only the panic is out of line.
 * docs/costs.md shows what each costs.
 */
#ifndef WEFT_STATE_H
#define WEFT_STATE_H

#include "panic.h"
#include "thread.h"
#include "trace.h"

/* Why a transition happened, as shown by `trace`. */
enum transition_reason {
    WHY_CREATE, WHY_START, WHY_DISPATCH, WHY_YIELD, WHY_PREEMPT, WHY_SLEEP,
    WHY_WAIT, WHY_WAKE, WHY_TIMEOUT, WHY_EXIT, WHY_KILL,
    WHY_LOCK,       /* RUNNING -> BLOCKED for a mutex (`locks` says whose) */
    WHY_NREASONS
};

/* The legal table: thread_legal[from] has bit `to` set when from -> to is
 * allowed (kernel/state.c draws the diagram). Here, not in state.c, so that
 * the compiler sees it at every inline check. */
#define TS_BIT(s) (1u << (s))
static const uint8_t thread_legal[TS_NSTATES] = {
    [TS_NEW]        = TS_BIT(TS_READY) | TS_BIT(TS_TERMINATED),
    [TS_READY]      = TS_BIT(TS_RUNNING) | TS_BIT(TS_TERMINATED),
    [TS_RUNNING]    = TS_BIT(TS_READY) | TS_BIT(TS_BLOCKED) | TS_BIT(TS_TERMINATED),
    [TS_BLOCKED]    = TS_BIT(TS_READY) | TS_BIT(TS_TERMINATED),
    [TS_TERMINATED] = 0,
};


/* How many times each transition has happened since boot. The counters
 * live in trace_log (kernel/trace.h), next to the ring, so that a move's
 * count and record share one base address; a row is 8 words. A switch's
 * two moves are counted by the trace's slot count (trace_switches_locked). */
_Static_assert(TS_NSTATES <= 8, "a row of trace_log.counts holds every state");
uint32_t thread_transition_count(enum thread_state from, enum thread_state to);

/* The panic of an illegal transition, naming both states (state.c). */
void thread_illegal_transition(const struct thread *t, enum thread_state to,
                               enum transition_reason why) __attribute__((noreturn, cold));

/* The move's check and state, once the caller knows t is in `from`: the
 * legal check is one bit test of the table row, and no code at all when
 * from and to are constants and the move is legal. */
static inline __attribute__((always_inline))
void thread_state_check_set(struct thread *t, enum thread_state from, enum thread_state to,
                            enum transition_reason why)
{
    if (!(thread_legal[from] & TS_BIT(to)))
        thread_illegal_transition(t, to, why);
    t->state = (uint8_t)to;
}

/* The move without its record: checked, set, counted. */
static inline __attribute__((always_inline))
void thread_state_change(struct thread *t, enum thread_state from, enum thread_state to,
                         enum transition_reason why)
{
    thread_state_check_set(t, from, to, why);
    trace_log.counts[from][to]++;
}

/* The whole move: checked, set, counted and recorded. */
static inline __attribute__((always_inline))
void thread_state_move(struct thread *t, enum thread_state from, enum thread_state to,
                       enum transition_reason why)
{
    thread_state_change(t, from, to, why);
    trace_record_locked(t->id, from, to, why);
}

/* Move t to state `to` for `why`. Interrupts must be masked by the caller
 * (the _locked suffix elsewhere means the same; both panic if they are
 * not). Panics with both state names if the transition is not in the
 * legal table. */
static inline void thread_set_state(struct thread *t, enum thread_state to,
                                    enum transition_reason why)
{
    ASSERT_LOCKED();
    thread_state_move(t, (enum thread_state)t->state, to, why);
}

/* The same, for a caller that knows which state t is almost always in
 * (the head of a ready queue is READY): when t->state == expected, the
 * compiler has done the table lookup and the counter's address already
 * (the legal check is the one compare); otherwise it is thread_set_state(),
 * which checks the table as ever and panics on an illegal move. The same
 * outcome either way, for every state t may be in. */
static inline __attribute__((always_inline))
void thread_set_state_from(struct thread *t, enum thread_state expected,
                           enum thread_state to, enum transition_reason why)
{
    if (t->state == expected) {
        ASSERT_LOCKED();
        thread_state_move(t, expected, to, why);
    } else {
        thread_set_state(t, to, why);
    }
}

/* A context switch's two moves: prev, RUNNING, goes READY for `why` (a
 * yield or a preemption) and next, READY, goes RUNNING (a dispatch). Each
 * is checked as above (the caller knows that prev is RUNNING).
 * They always come as a pair, recorded in one trace slot (kernel/trace.h),
 * which the trace reads back as the same two records; the slot is their
 * count too (thread_transition_count() adds the switches to both moves'
 * counters). */
static inline __attribute__((always_inline))
void thread_state_switch(struct thread *prev, enum transition_reason why, struct thread *next)
{
    ASSERT_LOCKED();
    if (next->state != TS_READY)
        thread_illegal_transition(next, TS_RUNNING, WHY_DISPATCH);
    thread_state_check_set(prev, TS_RUNNING, TS_READY, why);
    thread_state_check_set(next, TS_READY, TS_RUNNING, WHY_DISPATCH);
    trace_record_switch_locked(prev->id, TS_RUNNING, TS_READY, why, next->id);
}

/* A new thread's birth: state NEW, recorded in the trace as NEW -> NEW. */
void thread_set_state_new(struct thread *t);

/* Names, for ps and trace. */
extern const char *const thread_state_name[TS_NSTATES];
extern const char *const transition_reason_name[WHY_NREASONS];


/* True if from -> to is in the legal table. */
int thread_transition_legal(enum thread_state from, enum thread_state to);

#endif
