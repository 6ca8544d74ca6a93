/*
 * shm_counter.h: a counter in memory shared between processes.
 *
 * Course idea: processes share nothing unless they ask to. The course's
 * multiprocessing.Value example: a counter in shared memory that several
 * processes increment, first with no lock (updates get lost, because
 * "read, add one, write back" from two processes interleaves), then with a
 * process-shared lock (exact), and, for comparison, with one atomic
 * instruction (exact, and faster than the lock).
 *
 * The counter lives in an anonymous MAP_SHARED mapping, so it must be created
 * *before* fork() (or before procpool_create()): children inherit the mapping
 * at the same address, and a pointer to it can even travel as a task argument.
 *
 * Read next: shm_counter.c; `weft-compare counter` runs the experiment.
 */
#ifndef WEFT_SHM_COUNTER_H
#define WEFT_SHM_COUNTER_H

#include <stdint.h>

enum shm_method {
	SHM_RACY,   /* load, then store: two steps another process can split */
	SHM_LOCKED, /* a pthread mutex marked PTHREAD_PROCESS_SHARED */
	SHM_ATOMIC, /* one atomic fetch-and-add */
};
extern const char *const shm_method_name[3];

struct shm_counter;

struct shm_counter *shm_counter_create(void); /* NULL with errno on failure */
void shm_counter_destroy(struct shm_counter *c);
void shm_counter_add(struct shm_counter *c, enum shm_method how, int64_t n);
int64_t shm_counter_get(struct shm_counter *c);
void shm_counter_set(struct shm_counter *c, int64_t value);

/* Python's `with counter.get_lock():`, for several steps under one lock.
 * If the previous holder died holding it, the lock is recovered, not hung. */
void shm_counter_lock(struct shm_counter *c);
void shm_counter_unlock(struct shm_counter *c);

#endif
