/*
 * config.h: the kernel's sizes and rates, in one place.
 *
 * Everything is allocated statically from these numbers: a kernel that never
 * calls malloc cannot run out of memory at a bad moment, only out of slots,
 * and a full table is an ordinary error (-EAGAIN) the caller can handle.
 */
#ifndef WEFT_CONFIG_H
#define WEFT_CONFIG_H

#define MAX_THREADS     32      /* thread control blocks, idle included */
#define KSTACK_SIZE     2048    /* bytes of kernel stack per thread slot */
#define NPRIO           8       /* priorities 0 (idle only) .. 7 (most urgent) */
#define TICK_HZ         1000    /* scheduler ticks per second */
#define SLICE_TICKS     10      /* round-robin time slice */
#define TRACE_LEN       256     /* state transitions remembered (power of 2) */
#define THREAD_NAME_LEN 12      /* including the terminating NUL */

#endif
