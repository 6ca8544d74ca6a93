/*
 * cpuwork.h: CPU-bound work of a chosen duration, for the pool tools.
 *
 * Course idea: a CPU-bound task is one whose time goes into computing, not
 * waiting. Both tools/pool_bench.c and tools/weft_compare.c use this FNV-1a
 * hashing loop, in two ways:
 *   - pool_bench.c gives every task a fixed number of rounds: a benchmark's
 *     work must not change with the load, or a busy machine would show up
 *     as lighter tasks instead of as fewer tasks per second;
 *   - weft_compare.c, an experiment whose figures are ratios inside one
 *     run, calibrates its slice once (cpuwork_calibrate) so that "a 5 ms
 *     slice" takes about 5 ms on the machine at hand.
 */
#ifndef WEFT_CPUWORK_H
#define WEFT_CPUWORK_H

#include <stdint.h>

#include "pool_os.h"     /* pool_now_ns(); lib/pool is on the include path */

/* Hash `rounds` times starting from h; the result defeats the optimiser. */
static inline uint64_t cpuwork_hash(uint64_t rounds, uint64_t h)
{
	for (uint64_t i = 0; i < rounds; i++) {
		h ^= i & 0xff;
		h *= 1099511628211ULL;
	}
	return h;
}

/* How many rounds take about target_ns, timed over at least measure_ns. */
static inline uint64_t cpuwork_calibrate(int64_t target_ns, int64_t measure_ns)
{
	for (uint64_t n = 1 << 16;; n *= 2) {
		int64_t t0 = pool_now_ns();
		volatile uint64_t sink = cpuwork_hash(n, 1469598103934665603ULL);
		(void)sink;
		int64_t dt = pool_now_ns() - t0;
		if (dt > measure_ns)
			return n * (uint64_t)target_ns / (uint64_t)dt;
	}
}

#endif
