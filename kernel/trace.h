/*
 * trace.h: a ring buffer of the last state transitions.
 *
 * Course idea: make the invisible visible. Every arrow of the five-state
 * diagram a thread takes is written here with the tick it happened at, so
 * `trace` in the shell replays what the scheduler did.
 *
 * Recording is on every switch, so it is cheap by design: inline, the slot
 * is the write count masked to the ring's power-of-two size (no test, no
 * division), and a slot is written with three stores: the tick, the thread,
 * its from/to/why bytes (one word). A context switch that moves two threads
 * at once (the running one RUNNING -> READY, the next READY -> RUNNING)
 * writes both moves into one slot: the second thread's id goes in the
 * slot's fourth word, and its move is always the same (a dispatch), so it
 * needs no word of its own. The reader expands such a slot into the two
 * records it stands for, so trace_read() returns every transition, in
 * order, exactly as if each had a slot. See docs/costs.md for the cost.
 */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stdint.h>

#include "config.h"
#include "panic.h"

/* One transition, as the readers get it. */
struct trace_rec {
    uint32_t time;      /* tick */
    int tid;            /* thread id */
    uint8_t from, to;   /* enum thread_state */
    uint8_t why;        /* enum transition_reason */
};

/* from/to/why as one word, so that the recorder writes them with one
 * store; the top byte says whether a dispatch follows in the same slot. */
#define TRACE_MOVE(from, to, why) \
    ((uint32_t)(from) | (uint32_t)(to) << 8 | (uint32_t)(why) << 16)
#define TRACE_THEN_DISPATCH (1u << 24)

/* A slot: 16 bytes, so that finding one is a shift, not a multiplication. */
struct trace_slot {
    int next_tid;       /* with TRACE_THEN_DISPATCH: the thread that went
                           READY -> RUNNING (dispatch) just after; else unused */
    uint32_t time;
    int tid;
    uint32_t move;      /* TRACE_MOVE(...), maybe | TRACE_THEN_DISPATCH */
};
_Static_assert(sizeof(struct trace_slot) == 16, "a slot is found with a shift");

/* Everything a state change writes, behind one base address, so that the
 * inline code that checks, counts and records a move loads one address:
 * the slot count, the ring, and the transition counters of kernel/state.h
 * (counts[from][to]; a row is 8 words, so that finding one is a shift).
 *
 * A slot holds either one move, which is also counted in counts[][], or a
 * switch's two, which are not: the slot count counts them. So the switches
 * ever made are `slots` less the sum of the counters (trace_switches()),
 * and a switch pays for its count with the slot count's one increment.
 * For the inline writers only: read them through trace_read(),
 * trace_total() and thread_transition_count(). */
struct trace_log {
    uint32_t counts[8][8];              /* transitions, by from and to, but
                                           for a switch's two (below) */
    uint32_t slots;                     /* slots ever written */
    struct trace_slot ring[TRACE_LEN] __attribute__((aligned(16)));  /* slot: slots % TRACE_LEN */
};
extern struct trace_log trace_log;
extern volatile uint32_t ticks;         /* kernel/sched.c */

/* The next slot to write. Interrupts must be masked. Oldest slots are
 * overwritten. */
static inline __attribute__((always_inline)) struct trace_slot *trace_slot_next(void)
{
    ASSERT_LOCKED();
    struct trace_slot *s = &trace_log.ring[trace_log.slots++ & (TRACE_LEN - 1)];
    s->time = ticks;
    return s;
}

/* Append one transition. Interrupts must be masked. */
static inline __attribute__((always_inline))
void trace_record_locked(int tid, uint32_t from, uint32_t to, uint32_t why)
{
    struct trace_slot *s = trace_slot_next();
    s->tid = tid;
    s->move = TRACE_MOVE(from, to, why);
}

/* Append two transitions of one switch: tid's (RUNNING -> READY for a
 * yield or a preemption), then next_tid's READY -> RUNNING (dispatch). One
 * slot, read back as those two records. Interrupts must be masked. */
static inline __attribute__((always_inline))
void trace_record_switch_locked(int tid, uint32_t from, uint32_t to, uint32_t why, int next_tid)
{
    struct trace_slot *s = trace_slot_next();
    /* An empty asm that "changes" s: it costs no instruction, but GCC must
     * then keep the slot's address in one register for the four stores
     * instead of rebuilding it from the index (two more on every switch;
     * `make profile BENCH=yield_switch` shows it). */
    __asm__("" : "+r"(s));
    s->tid = tid;
    s->move = TRACE_MOVE(from, to, why) | TRACE_THEN_DISPATCH;
    s->next_tid = next_tid;
}

/* Copy out up to n of the newest records, oldest first; returns how many.
 * If tid is non-zero only that thread's records are returned. */
int trace_read(struct trace_rec *out, int n, int tid);

/* The same, keeping only threads tid_lo..tid_hi and records written at
 * tick `since` or later (ids grow, so a process started at `since` owns a
 * range of them: the shell's `trace run`). */
int trace_find(struct trace_rec *out, int n, int tid_lo, int tid_hi, uint32_t since);

/* Transitions ever recorded (so a reader can tell how many were lost):
 * the counters' sum, and two for each switch. */
uint32_t trace_total(void);

/* Switches ever made (each one RUNNING -> READY and one READY -> RUNNING,
 * in one slot): the slots not accounted for by counts[][]. Interrupts
 * must be masked. */
uint32_t trace_switches_locked(void);

#endif
