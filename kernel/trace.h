/*
 * trace.h: a ring buffer of the last TRACE_LEN state transitions.
 *
 * Course idea: make the invisible visible. Every arrow of the five-state
 * diagram a thread takes is written here with the tick it happened at, so
 * `trace` in the shell replays what the scheduler did.
 *
 * Recording is on every switch, so it is cheap by design: inline, the slot
 * is the write count masked to the ring's power-of-two size (no test, no
 * division), and a record is three stores: the tick, the thread, and its
 * from/to/why bytes (one word). See docs/costs.md for what it costs.
 */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stdint.h>

#include "config.h"
#include "panic.h"

struct trace_rec {
    uint32_t time;      /* tick */
    int tid;            /* thread id */
    uint8_t from, to;   /* enum thread_state */
    uint8_t why;        /* enum transition_reason */
};

/* The ring and its write count, for the inline recorder below only; read
 * them through trace_read() and trace_total(). */
extern struct trace_rec trace_ring[TRACE_LEN];
extern uint32_t trace_count;
extern volatile uint32_t ticks;                 /* kernel/sched.c */

/* Append a record. Interrupts must be masked. Oldest records are overwritten. */
static inline void trace_record_locked(int tid, uint8_t from, uint8_t to, uint8_t why)
{
    ASSERT_LOCKED();
    struct trace_rec *r = &trace_ring[trace_count++ & (TRACE_LEN - 1)];
    r->time = ticks;
    r->tid = tid;
    r->from = from;
    r->to = to;
    r->why = why;
}

/* Copy out up to n of the newest records, oldest first; returns how many.
 * If tid is non-zero only that thread's records are returned. */
int trace_read(struct trace_rec *out, int n, int tid);

/* Total records ever written (so a reader can tell how many were lost). */
uint32_t trace_total(void);

#endif
