/*
 * yieldloop.h: the course's YieldLoop (chapter 8), a round-robin scheduler
 * of generators.
 *
 * Course idea: concurrency without threads. Each generator runs until its
 * next yield, then goes to the back of the queue; a generator that stops
 * (StopIteration) leaves it. Nothing is preempted, so between two yields a
 * generator's work is atomic with respect to the others: that is what makes
 * the producer-consumer of yieldloop_test.c correct without a lock.
 *
 *     struct yieldloop loop;  yl_init(&loop);
 *     yl_add(&loop, &a.g);  yl_add(&loop, &b.g);
 *     yl_run(&loop);              until every generator has stopped
 *
 * Read next: async.h, the same idea with stackful coroutines, timers and IO.
 */
#ifndef WEFT_YIELDLOOP_H
#define WEFT_YIELDLOOP_H

#include "gen.h"

struct yieldloop {
	struct gen *head, *tail; /* the ready queue, through gen->next */
	unsigned long steps;     /* resumes so far */
};

void yl_init(struct yieldloop *loop);

/* Queue a CREATED or SUSPENDED generator at the back. It must not already be
 * in a loop. */
void yl_add(struct yieldloop *loop, struct gen *g);

/* Resume the generator at the front (sending 0); requeue it if it yielded.
 * Returns false when the queue was empty. */
bool yl_step(struct yieldloop *loop);

/* Step until the queue is empty. Returns the number of resumes. */
unsigned long yl_run(struct yieldloop *loop);

#endif
