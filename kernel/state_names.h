/*
 * state_names.h: the names of the five thread states and of the reasons
 * for a transition, for the kernel and for programs alike.
 *
 * In the order of enum thread_state (kernel/thread.h) and enum
 * transition_reason (kernel/state.h); kernel/state.c checks the counts.
 * Programs get them through kernel/uapi.h (lib/user/status.c), so `ps` and
 * `trace` print exactly the kernel's words and nothing is kept twice.
 */
#ifndef WEFT_STATE_NAMES_H
#define WEFT_STATE_NAMES_H

#define THREAD_STATE_NAMES "NEW", "READY", "RUNNING", "BLOCKED", "TERMINATED"
#define TRANSITION_REASON_NAMES "create", "start", "dispatch", "yield", "preempt", \
    "sleep", "wait", "wake", "timeout", "exit", "kill", "lock"

#endif
