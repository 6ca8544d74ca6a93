/*
 * config.h: the kernel's sizes and rates, in one place.
 *
 * Everything is allocated statically from these numbers: a kernel that never
 * calls malloc cannot run out of memory at a bad moment, only out of slots,
 * and a full table is an ordinary error (-EAGAIN) the caller can handle.
 *
 * Each value may be overridden with -DNAME=value: the host unit tests
 * (mk/kernel-host.mk) give threads bigger stacks, since host code under
 * AddressSanitizer needs far more than 2 KiB.
 */
#ifndef WEFT_CONFIG_H
#define WEFT_CONFIG_H

#ifndef MAX_THREADS
#define MAX_THREADS     32      /* thread control blocks, idle included */
#endif
#ifndef KSTACK_SIZE
#define KSTACK_SIZE     2048    /* bytes of kernel stack per thread slot */
#endif
#ifndef NPRIO
#define NPRIO           8       /* priorities 0 (idle only) .. 7 (most urgent) */
#endif
#ifndef TICK_HZ
#define TICK_HZ         1000    /* scheduler ticks per second */
#endif
#ifndef SLICE_TICKS
#define SLICE_TICKS     10      /* round-robin time slice */
#endif
#ifndef TRACE_LEN
#define TRACE_LEN       256     /* state transitions remembered (power of 2) */
#endif
#ifndef THREAD_NAME_LEN
#define THREAD_NAME_LEN 12      /* including the terminating NUL */
#define USER_PRIO       3       /* user threads; the kernel shell runs at 4 */
#define MAX_PROCS       16      /* process control blocks */
/* Descriptors and the objects they name (kernel/fd.h, kernel/kobj.h). A
 * process past MAX_FDS gets -EMFILE; the system past MAX_KOBJS objects, or
 * MAX_PIPES pipes, gets -ENFILE. */
#define MAX_FDS         16      /* descriptors per process (a power of two) */
#define MAX_KOBJS       64      /* objects, system-wide, the console aside */
#define MAX_PIPES       16      /* pipe buffers, system-wide */
#define PIPE_SIZE       512     /* bytes a pipe holds (a power of two) */
#define PROC_ARGS_MAX   256     /* bytes of argv a spawn may pass */
#define PROC_ARGC_MAX   16
#endif

#endif
