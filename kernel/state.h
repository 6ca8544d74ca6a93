/*
 * state.h: the one function that changes a thread's state.
 *
 * Course idea: the five-state model is a rule, not a description. Every
 * state change in weft goes through thread_set_state(), which checks it
 * against the table of legal transitions, counts it, and records it in the
 * trace. See kernel/state.c and docs/states.md.
 */
#ifndef WEFT_STATE_H
#define WEFT_STATE_H

#include "thread.h"

/* Why a transition happened, as shown by `trace`. */
enum transition_reason {
    WHY_CREATE, WHY_START, WHY_DISPATCH, WHY_YIELD, WHY_PREEMPT, WHY_SLEEP,
    WHY_WAIT, WHY_WAKE, WHY_TIMEOUT, WHY_EXIT, WHY_KILL,
    WHY_LOCK,       /* RUNNING -> BLOCKED for a mutex (`locks` says whose) */
    WHY_NREASONS
};

/* Move t to state `to` for `why`. Interrupts must be masked by the caller
 * (the _locked suffix elsewhere means the same; both panic if they are
 * not). Panics with both state names if the transition is not in the
 * legal table. */
void thread_set_state(struct thread *t, enum thread_state to,
                      enum transition_reason why);

/* A new thread's birth: state NEW, recorded in the trace as NEW -> NEW. */
void thread_set_state_new(struct thread *t);

/* Names, for ps and trace. */
extern const char *const thread_state_name[TS_NSTATES];
extern const char *const transition_reason_name[WHY_NREASONS];

/* How many times each transition has happened since boot. */
extern uint32_t transition_count[TS_NSTATES][TS_NSTATES];

/* True if from -> to is in the legal table. */
int thread_transition_legal(enum thread_state from, enum thread_state to);

#endif
