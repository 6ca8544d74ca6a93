/*
 * pooldemo.c: the Linux thread pool, unchanged, running on weft.
 *
 * Course idea: portability through one contract. lib/pool/threadpool.c and
 * future.c are the very files `make compare` runs on Linux; only their
 * operating system changes (lib/pool/pool_os_weft.c: weft mutexes,
 * semaphores, threads and ticks instead of pthreads). Three workers take
 * twelve tasks: each counts the primes below a bound, and a done callback
 * counts the results in; the futures are then read in order. It shows the
 * pool's threads in this process while they work.
 *
 *   run pooldemo [WORKERS 1-8]
 * Read next: lib/pool/pool_os_weft.c, lib/pool/threadpool.c.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "future.h"
#include "threadpool.h"
#include "weft.h"

#define TASKS 12

static _Atomic int callbacks;

/* A task: the number of primes below *bound. */
static int count_primes(void *arg, void **result)
{
    int bound = (int)(intptr_t)arg, n = 0;
    for (int i = 2; i < bound; i++) {
        int prime = 1;
        for (int d = 2; d * d <= i && prime; d++)
            prime = i % d != 0;
        n += prime;
    }
    *result = (void *)(intptr_t)n;
    return 0;
}

static int done(struct future *f, void *arg)
{
    (void)f, (void)arg;
    atomic_fetch_add(&callbacks, 1);
    return 0;
}

int main(int argc, char **argv)
{
    int workers = argc > 1 ? atoi(argv[1]) : 3;
    if (workers < 1 || workers > 8) {
        printf("usage: pooldemo [WORKERS 1-8]\n");
        return 2;
    }
    struct threadpool *tp = threadpool_create((unsigned)workers, 0);
    if (!tp) {
        printf("pooldemo: no pool\n");
        return 1;
    }
    struct future *fs[TASKS];
    for (int i = 0; i < TASKS; i++) {
        fs[i] = threadpool_submit(tp, count_primes, (void *)(intptr_t)(1000 * (i + 1)));
        if (fs[i])
            future_add_done_callback(fs[i], done, NULL);
    }
    struct threadpool_stats st = threadpool_stats(tp);
    printf("%d workers, %d tasks submitted; %u queued, %u workers live\n", workers, TASKS,
           (unsigned)st.queued, (unsigned)st.live);
    int ok = 1;
    for (int i = 0; i < TASKS; i++) {
        int r = fs[i] ? future_wait(fs[i], INT64_MAX) : -1;
        long primes = r == 0 ? (long)(intptr_t)future_result(fs[i]) : -1;
        printf("  primes below %5d: %4ld\n", 1000 * (i + 1), primes);
        ok &= r == 0 && future_error(fs[i]) == 0;
        if (fs[i])
            future_release(fs[i]);
    }
    threadpool_shutdown(tp, true, false);
    threadpool_destroy(tp);
    printf("%d of %d done callbacks ran; %s\n", atomic_load(&callbacks), TASKS,
           ok && atomic_load(&callbacks) == TASKS ? "the same pool as on Linux" : "WRONG");
    return ok && atomic_load(&callbacks) == TASKS ? 0 : 1;
}
