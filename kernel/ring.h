/*
 * ring.h: a byte ring buffer for one producer and one consumer.
 *
 * Course idea: the classic buffer between an interrupt handler and a thread.
 * `head` is written only by the producer and `tail` only by the consumer, so
 * with one of each no lock is needed on a uniprocessor: each side reads the
 * other's index and writes its own. Indices run freely and are reduced modulo
 * the power-of-two size, so full (head - tail == size) and empty (head ==
 * tail) are told apart without wasting a slot.
 * That holds for exactly one producer and one consumer. Where one side has
 * several (drivers/uart.c: many reader threads on RX, many writer threads
 * on TX), that side masks interrupts around its calls: the ring is then
 * lock-free only towards the interrupt handler on the other side.
 */
#ifndef WEFT_RING_H
#define WEFT_RING_H

#include <stdint.h>

struct ring {
    volatile uint32_t head;     /* next slot to write (producer's) */
    volatile uint32_t tail;     /* next slot to read (consumer's) */
    uint32_t size;              /* a power of two */
    uint8_t *buf;
};

static inline void ring_init(struct ring *r, uint8_t *buf, uint32_t size)
{
    r->head = r->tail = 0;
    r->size = size;
    r->buf = buf;
}

static inline uint32_t ring_count(const struct ring *r) { return r->head - r->tail; }
static inline int ring_empty(const struct ring *r) { return r->head == r->tail; }
static inline int ring_full(const struct ring *r) { return ring_count(r) == r->size; }

/* Returns 1 if the byte was stored, 0 if the ring was full. */
static inline int ring_put(struct ring *r, uint8_t c)
{
    if (ring_full(r))
        return 0;
    r->buf[r->head & (r->size - 1)] = c;
    r->head = r->head + 1;     /* publish only after the byte is written */
    return 1;
}

/* Returns the next byte, or -1 if the ring was empty. */
static inline int ring_get(struct ring *r)
{
    if (ring_empty(r))
        return -1;
    uint8_t c = r->buf[r->tail & (r->size - 1)];
    r->tail = r->tail + 1;
    return c;
}

#endif
