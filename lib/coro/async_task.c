/*
 * async_task.c: a task is a coroutine that the loop resumes, plus the
 * future of its result; the awaits that every other one is built from.
 *
 * Course idea: asyncio.Task. The loop resumes a task (task_step, a ready
 * call); the task runs until it must wait, registers who will wake it (a
 * future's callback, a timer, a descriptor) and yields back to the loop
 * (async_suspend). The waker queues task_step again (async_task_wake).
 *
 * Invariants:
 *  - A task is resumed only by task_step, only from step 3 of the loop, and
 *    is queued at most once at a time (`queued`).
 *  - References: the caller of async_spawn holds one, the loop one while the
 *    task is alive (dropped in finish), each queued task_step one, and each
 *    registered wake-up callback one. So a late wake-up never touches freed
 *    memory: it finds the task DONE and just drops its reference.
 *  - Every await loops on its own condition, so a wake-up meant for an
 *    earlier await (one already queued when that await ended) costs a
 *    resume and nothing else.
 */
#include <errno.h>
#include <stdlib.h>

#include "async_internal.h"

static void task_free(struct afuture *f) { free(f); }

static void *task_main(struct coro *co, void *first)
{
	(void)first;
	struct async_task *t = coro_user(co);
	t->status = t->fn(t, t->arg, &t->result);
	return NULL;
}

static void finish(struct async_task *t)
{
	struct async_loop *loop = t->fut.loop;
	t->state = TASK_DONE;
	loop->live_tasks--;
	coro_release(&t->co);
	if (t->status == 0)
		afuture_resolve(&t->fut, AF_DONE, t->result, 0);
	else if (t->status == -ECANCELED)
		afuture_resolve(&t->fut, AF_CANCELLED, NULL, -ECANCELED);
	else
		afuture_resolve(&t->fut, AF_FAILED, NULL, t->status < 0 ? t->status : -EINVAL);
	afuture_release(&t->fut); /* the loop's reference */
}

static void task_step(void *arg)
{
	struct async_task *t = arg;
	struct async_loop *loop = t->fut.loop;
	t->queued = false;
	if (t->state != TASK_DONE) {
		t->state = TASK_READY;
		loop->current = t;
		coro_resume(&t->co, NULL);
		loop->current = NULL;
		if (coro_status(&t->co) == CORO_DEAD)
			finish(t);
	}
	afuture_release(&t->fut); /* the queued step's reference */
}

void async_task_wake(struct async_task *t)
{
	if (t->queued || t->state == TASK_DONE)
		return;
	t->queued = true;
	afuture_retain(&t->fut);
	async_call_soon(t->fut.loop, task_step, t);
}

void async_wake_cb(struct afuture *f, void *task)
{
	(void)f;
	struct async_task *t = task;
	async_task_wake(t);
	afuture_release(&t->fut);
}

void async_suspend(struct async_task *self)
{
	self->state = TASK_WAITING;
	coro_yield(&self->co, NULL);
}

bool async_take_cancel(struct async_task *self)
{
	bool was = self->cancelling;
	self->cancelling = false;
	return was;
}

static bool cancel_task(struct afuture *f) { return async_task_cancel((struct async_task *)f); }

struct async_task *async_spawn(struct async_loop *loop, const char *name, async_fn fn, void *arg)
{
	struct async_task *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	afuture_init(&t->fut, loop, task_free);
	t->fut.cancel_fn = cancel_task;
	t->name = name ? name : "task";
	t->fn = fn;
	t->arg = arg;
	if (coro_create_pooled(&t->co, loop->stacks, t->name, task_main, t) != 0) {
		free(t);
		return NULL;
	}
	loop->live_tasks++;
	afuture_retain(&t->fut); /* the loop's, until it finishes */
	async_task_wake(t);
	return t;
}

struct afuture *async_task_future(struct async_task *t) { return &t->fut; }
const char *async_task_name(const struct async_task *t) { return t->name; }
struct async_loop *async_task_loop(const struct async_task *t) { return t->fut.loop; }

bool async_task_cancel(struct async_task *t)
{
	if (t->state == TASK_DONE)
		return false;
	t->cancelling = true;
	if (t->state == TASK_WAITING)
		async_task_wake(t);
	return true;
}

int async_await(struct async_task *self, struct afuture *f, void **result)
{
	if (async_take_cancel(self))
		return -ECANCELED;
	if (!afuture_done(f)) {
		afuture_retain(&self->fut);
		if (afuture_add_callback(f, async_wake_cb, self) != 0) {
			afuture_release(&self->fut);
			return -ENOMEM;
		}
		while (!afuture_done(f) && !self->cancelling)
			async_suspend(self);
		if (!afuture_done(f)) {
			if (afuture_remove_callback(f, async_wake_cb, self))
				afuture_release(&self->fut);
			async_take_cancel(self);
			return -ECANCELED;
		}
	}
	if (result)
		*result = afuture_result(f);
	return afuture_error(f);
}

static void sleep_over(void *task) { async_task_wake(task); }

int async_sleep(struct async_task *self, uint64_t ns)
{
	struct async_loop *loop = self->fut.loop;
	if (async_take_cancel(self))
		return -ECANCELED;
	struct async_timer *tm = &self->sleep_timer;
	async_timer_arm(loop, tm, loop->clock.now(loop->clock.ctx) + ns, sleep_over, self);
	while (tm->armed && !self->cancelling)
		async_suspend(self);
	if (tm->armed) {
		async_timer_disarm(loop, tm);
		async_take_cancel(self);
		return -ECANCELED;
	}
	return 0;
}
