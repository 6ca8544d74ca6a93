/*
 * trace.c: the transition trace, a ring buffer written with interrupts masked.
 *
 * Course idea: a ring buffer overwrites its oldest entry instead of failing,
 * which is right for a flight recorder: the newest history is what explains
 * a crash. The slot count only grows; `slots % TRACE_LEN` is the next slot,
 * and the oldest `slots - TRACE_LEN` slots have been overwritten when
 * slots > TRACE_LEN. The writers are inline in trace.h; the reader is here,
 * and it expands a switch's slot into the two transitions it holds.
 */
#include "trace.h"

#include "../arch/arch.h"
#include "config.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

_Static_assert((TRACE_LEN & (TRACE_LEN - 1)) == 0, "TRACE_LEN must be a power of 2");

/* Written only by the inline writers in trace.h and state.h. */
struct trace_log trace_log;

/* The sum of the counters. Interrupts must be masked. */
static uint32_t counted_moves(void)
{
    uint32_t n = 0;
    for (int from = 0; from < TS_NSTATES; from++)
        for (int to = 0; to < TS_NSTATES; to++)
            n += trace_log.counts[from][to];
    return n;
}

uint32_t trace_switches_locked(void)
{
    ASSERT_LOCKED();
    return trace_log.slots - counted_moves();   /* modulo 2^32, as both wrap */
}

uint32_t trace_total(void)
{
    uint32_t s = arch_irq_save();
    uint32_t n = counted_moves() + 2 * trace_switches_locked();
    arch_irq_restore(s);
    return n;
}

int trace_read(struct trace_rec *out, int n, int tid)
{
    return tid ? trace_find(out, n, tid, tid, 0) : trace_find(out, n, 0, INT32_MAX, 0);
}

/* Keep r if it passes the filter and there is room; false when full. */
static int keep(struct trace_rec *out, int n, int *got, const struct trace_rec *r,
                int tid_lo, int tid_hi)
{
    if (r->tid >= tid_lo && r->tid <= tid_hi)
        out[(*got)++] = *r;
    return *got < n;
}

int trace_find(struct trace_rec *out, int n, int tid_lo, int tid_hi, uint32_t since)
{
    uint32_t s = arch_irq_save();
    uint32_t end = trace_log.slots;
    uint32_t start = end > TRACE_LEN ? end - TRACE_LEN : 0;
    int got = 0;

    /* Walk newest to oldest so the newest n matching records are kept,
     * then reverse them into oldest-first order. In a switch's slot the
     * dispatch is the newer of its two records. */
    for (uint32_t i = end; i > start && got < n; i--) {
        const struct trace_slot *sl = &trace_log.ring[(i - 1) & (TRACE_LEN - 1)];
        if ((int32_t)(sl->time - since) < 0)
            break;                  /* older still: none of them qualifies */
        struct trace_rec r = { .time = sl->time };
        if (sl->move & TRACE_THEN_DISPATCH) {
            r.tid = sl->next_tid;
            r.from = TS_READY, r.to = TS_RUNNING, r.why = WHY_DISPATCH;
            if (!keep(out, n, &got, &r, tid_lo, tid_hi))
                break;
        }
        r.tid = sl->tid;
        r.from = (uint8_t)sl->move;
        r.to = (uint8_t)(sl->move >> 8);
        r.why = (uint8_t)(sl->move >> 16);
        keep(out, n, &got, &r, tid_lo, tid_hi);
    }
    arch_irq_restore(s);
    for (int i = 0; i < got / 2; i++) {
        struct trace_rec tmp = out[i];
        out[i] = out[got - 1 - i];
        out[got - 1 - i] = tmp;
    }
    return got;
}
