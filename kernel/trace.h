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
    union {
        struct {
            uint8_t from, to;   /* enum thread_state */
            uint8_t why;        /* enum transition_reason */
        };
        uint32_t move;  /* the same three bytes (and a zero) as one word, so
                           that the recorder writes them with one store */
    };
};
#define TRACE_MOVE(from, to, why) \
    ((uint32_t)(from) | (uint32_t)(to) << 8 | (uint32_t)(why) << 16)
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "TRACE_MOVE puts `from` in the lowest byte: the first one in memory");

/* The ring and its write count in one struct, so that one base address
 * reaches both. A slot is a record and a spare word: 16 bytes, so that
 * finding one is a shift, not a multiplication by 12. For the inline
 * recorder below only; read them through trace_read() and trace_total(). */
struct trace_slot {
    struct trace_rec rec;
    uint32_t spare;
};
struct trace_log {
    uint32_t count;                     /* records ever written */
    struct trace_slot ring[TRACE_LEN];  /* slot: count % TRACE_LEN */
};
_Static_assert(sizeof(struct trace_slot) == 16, "a slot is found with a shift");
extern struct trace_log trace_log;
extern volatile uint32_t ticks;         /* kernel/sched.c */

/* Append a record. Interrupts must be masked. Oldest records are overwritten. */
static inline void trace_record_locked(int tid, uint8_t from, uint8_t to, uint8_t why)
{
    ASSERT_LOCKED();
    struct trace_rec *r = &trace_log.ring[trace_log.count++ & (TRACE_LEN - 1)].rec;
    r->time = ticks;
    r->tid = tid;
    r->move = TRACE_MOVE(from, to, why);
}

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
