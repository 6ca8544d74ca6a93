/*
 * async_pool.h: handing blocking or CPU-heavy work from a task to
 * lib/pool's thread pool, and awaiting its result without blocking the loop.
 *
 * Course idea: asyncio's run_in_executor. The loop's thread must never
 * block, so work that would (a blocking call, a long computation) runs on a
 * pool thread; the task awaits a loop future that the pool's completion
 * resolves. How the result crosses back between threads is async_pool.c's
 * header comment.
 *
 * Read next: async_pool.c, lib/pool/threadpool.h.
 */
#ifndef WEFT_ASYNC_POOL_H
#define WEFT_ASYNC_POOL_H

#include "../pool/threadpool.h"
#include "async.h"

/* Submit fn(arg) to tp; the returned loop future (one reference for the
 * caller) resolves, on the loop, as the pool's future did: DONE with its
 * result, CANCELLED, or FAILED with -error. afuture_cancel on it cancels the
 * pool task if it has not started (a running one finishes; its result is
 * then dropped). Never NULL except on ENOMEM. */
struct afuture *async_pool_submit(struct async_loop *loop, struct threadpool *tp,
				  threadpool_fn fn, void *arg);

/* From a task: submit and await. 0 and *result, or the error. If the task is
 * cancelled meanwhile, the pool task is cancelled too (if not yet started)
 * and this returns -ECANCELED. */
int async_run_in_pool(struct async_task *self, struct threadpool *tp, threadpool_fn fn,
		      void *arg, void **result);

#endif
