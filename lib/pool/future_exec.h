/*
 * future_exec.h: the executor's side of a future (what a pool does to one).
 *
 * Course idea: Future.set_running_or_notify_cancel(), set_result() and
 * set_exception() in Python. Users of a pool never include this header; the
 * pools (threadpool.c, procpool.c) do.
 *
 * Contract for an executor:
 *   - future_create() returns a PENDING future holding one reference, which
 *     belongs to the executor. Hand the user their own with future_retain().
 *   - Before running a task call future_start(); if it returns false the
 *     future was cancelled meanwhile and the task must not run.
 *   - Resolve a RUNNING future exactly once with future_set_result() or
 *     future_set_error(); a PENDING one may be failed with future_set_error()
 *     or cancelled with future_cancel(). Doing either twice is a bug and aborts.
 *   - Hold a reference across the call that resolves the future: waking the
 *     waiters and running the callbacks still read the future after its state
 *     has become final, and a waiter may release its reference at that moment.
 *
 * Read next: future.c.
 */
#ifndef WEFT_FUTURE_EXEC_H
#define WEFT_FUTURE_EXEC_H

#include <stdatomic.h>
#include "future.h"

struct future_cb; /* a registered callback; private to future.c */

struct future {
	/* The state (low 3 bits) and the FUT_WAITERS / FUT_CALLBACKS flags, in one
	 * word so that one compare-and-swap both resolves the future and tells the
	 * resolver whether anyone must be woken. See future.c. */
	_Atomic uint32_t word;
	_Atomic uint32_t refs;

	/* Written once by the resolver before the state becomes final; read only
	 * after a reader has seen the final state (acquire), so unguarded. */
	void *result;
	size_t result_len;
	void (*result_free)(void *); /* frees result on the last release, or NULL */
	int error;
	char *error_msg;             /* malloc'ed, or NULL */

	struct future_cb *callbacks; /* guarded by the future's wait channel lock */

	/* Free for the executor's use (its queue link and task description). */
	struct future *exec_next;
	void *exec_fn;
	void *exec_arg;
};

struct future *future_create(void);
bool future_start(struct future *f);
void future_set_result(struct future *f, void *result, size_t len, void (*result_free)(void *));
void future_set_error(struct future *f, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
