/*
 * trace.h: a ring buffer of the last TRACE_LEN state transitions.
 *
 * Course idea: make the invisible visible. Every arrow of the five-state
 * diagram a thread takes is written here with the tick it happened at, so
 * `trace` in the shell replays what the scheduler did.
 */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stdint.h>

struct trace_rec {
    uint32_t time;      /* tick */
    int tid;            /* thread id */
    uint8_t from, to;   /* enum thread_state */
    uint8_t why;        /* enum transition_reason */
};

/* Append a record. Interrupts must be masked. Oldest records are overwritten. */
void trace_record_locked(int tid, uint8_t from, uint8_t to, uint8_t why);

/* Copy out up to n of the newest records, oldest first; returns how many.
 * If tid is non-zero only that thread's records are returned. */
int trace_read(struct trace_rec *out, int n, int tid);

/* The same, keeping only threads tid_lo..tid_hi and records written at
 * tick `since` or later (ids grow, so a process started at `since` owns a
 * range of them: the shell's `trace run`). */
int trace_find(struct trace_rec *out, int n, int tid_lo, int tid_hi, uint32_t since);

/* Total records ever written (so a reader can tell how many were lost). */
uint32_t trace_total(void);

#endif
