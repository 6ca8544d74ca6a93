/*
 * trace.c: the transition trace, a ring buffer written with interrupts masked.
 *
 * Course idea: a ring buffer overwrites its oldest entry instead of failing,
 * which is right for a flight recorder: the newest history is what explains
 * a crash. The write index only grows; `index % TRACE_LEN` is the slot, and
 * `total - TRACE_LEN` entries have been lost when total > TRACE_LEN.
 */
#include "trace.h"

#include "../arch/arch.h"
#include "config.h"
#include "panic.h"
#include "sched.h"

_Static_assert((TRACE_LEN & (TRACE_LEN - 1)) == 0, "TRACE_LEN must be a power of 2");

static struct trace_rec ring[TRACE_LEN];
static uint32_t total;

void trace_record_locked(int tid, uint8_t from, uint8_t to, uint8_t why)
{
    ASSERT_LOCKED();
    struct trace_rec *r = &ring[total++ & (TRACE_LEN - 1)];
    r->time = ticks;
    r->tid = tid;
    r->from = from;
    r->to = to;
    r->why = why;
}

uint32_t trace_total(void) { return total; }

int trace_read(struct trace_rec *out, int n, int tid)
{
    return tid ? trace_find(out, n, tid, tid, 0) : trace_find(out, n, 0, INT32_MAX, 0);
}

int trace_find(struct trace_rec *out, int n, int tid_lo, int tid_hi, uint32_t since)
{
    uint32_t s = arch_irq_save();
    uint32_t end = total;
    uint32_t start = end > TRACE_LEN ? end - TRACE_LEN : 0;
    int got = 0;

    /* Walk newest to oldest so the newest n matching records are kept,
     * then reverse them into oldest-first order. */
    for (uint32_t i = end; i > start && got < n; i--) {
        const struct trace_rec *r = &ring[(i - 1) & (TRACE_LEN - 1)];
        if ((int32_t)(r->time - since) < 0)
            break;                  /* older still: none of them qualifies */
        if (r->tid >= tid_lo && r->tid <= tid_hi)
            out[got++] = *r;
    }
    arch_irq_restore(s);
    for (int i = 0; i < got / 2; i++) {
        struct trace_rec tmp = out[i];
        out[i] = out[got - 1 - i];
        out[got - 1 - i] = tmp;
    }
    return got;
}
