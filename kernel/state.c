/*
 * state.c: the five-state model, enforced in one place.
 *
 * Course idea: a thread is always in exactly one of five states, and only
 * some moves between them make sense. This file and state.h are the *only*
 * code that writes thread->state: thread_set_state() (and its
 * expected-state form thread_set_state_from()), inline in state.h, checks
 * every move against the table there, panics (here) with both state names
 * on an illegal one, counts every move, and records it in the trace ring
 * (kernel/trace.h).
 *
 *            create        dispatch
 *     NEW ----------> READY <======> RUNNING ------> TERMINATED
 *                       ^    yield,     |      exit        ^
 *                       |    preempt    | wait, sleep      |
 *                       |               v                  |
 *                       +---------- BLOCKED
 *                          wake,
 *                          timeout
 *
 *     READY -> TERMINATED (kill): a killed process's thread that was waiting
 *     in user mode is ended where it stands (kernel/proc.c). A killed thread
 *     that is BLOCKED is woken instead (-EINTR) and exits on its way out of
 *     the kernel, so BLOCKED -> TERMINATED and NEW -> TERMINATED are legal
 *     but not taken today.
 *
 * BLOCKED never goes straight to RUNNING: a woken thread queues like
 * everyone else. Nothing leaves TERMINATED: the slot is reaped instead.
 * Read next: kernel/sched.c, which performs most of these moves.
 */
#include "state.h"

#include "state_names.h"

#include "../arch/arch.h"
#include "panic.h"
#include "sched.h"
#include "trace.h"

/* The table of legal transitions is thread_legal[] in state.h, where the
 * inline thread_set_state() checks every move against it. */

const char *const thread_state_name[TS_NSTATES] = { THREAD_STATE_NAMES };
const char *const transition_reason_name[WHY_NREASONS] = { TRANSITION_REASON_NAMES };
_Static_assert(sizeof (const char *[]){ THREAD_STATE_NAMES } == TS_NSTATES * sizeof(char *),
               "one name per state, in the order of enum thread_state");
_Static_assert(sizeof (const char *[]){ TRANSITION_REASON_NAMES } ==
               WHY_NREASONS * sizeof(char *),
               "one name per reason, in the order of enum transition_reason");

int thread_transition_legal(enum thread_state from, enum thread_state to)
{
    return from < TS_NSTATES && to < TS_NSTATES && (thread_legal[from] & TS_BIT(to));
}

void thread_illegal_transition(const struct thread *t, enum thread_state to,
                               enum transition_reason why)
{
    panic("illegal transition %s -> %s (thread %d '%s', %s)",
          thread_state_name[t->state], thread_state_name[to], t->id, t->name,
          transition_reason_name[why]);
}

uint32_t thread_transition_count(enum thread_state from, enum thread_state to)
{
    uint32_t s = arch_irq_save();
    uint32_t n = trace_log.counts[from][to];
    if ((from == TS_RUNNING && to == TS_READY) || (from == TS_READY && to == TS_RUNNING))
        n += trace_switches_locked();   /* each switch made one of each */
    arch_irq_restore(s);
    return n;
}

void thread_set_state_new(struct thread *t)
{
    ASSERT_LOCKED();
    t->state = TS_NEW;
    trace_log.counts[TS_NEW][TS_NEW]++;     /* a birth is counted as a move */
    trace_record_locked(t->id, TS_NEW, TS_NEW, WHY_CREATE);
}
