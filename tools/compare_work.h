/*
 * compare_work.h: the work weft-compare measures, and the ways it runs it
 * (compare_work.c).
 *
 * Course idea: see compare_work.c; weft_compare.c prints and draws.
 */
#ifndef WEFT_COMPARE_WORK_H
#define WEFT_COMPARE_WORK_H

#include <stdint.h>

enum workload { IO_BOUND, CPU_BOUND, NWORKLOADS };
enum mode { SERIAL, THREADS, THREADS_GIL, PROCESSES, COROUTINES, NMODES };
extern const char *const workload_name[NWORKLOADS];
extern const char *const mode_name[NMODES];

#define IO_WAITS 10   /* 1 ms waits per IO-bound task */
#define CPU_SLICES 5  /* 5 ms hashing slices per CPU-bound task */

/* Time the hashing here, once, before measuring: the rounds in 5 ms. */
uint64_t compare_calibrate(void);

/* Seconds to run n tasks of workload w in mode m, with pools of `threads`
 * threads or `procs` processes. A task that fails ends the program (exit 1)
 * with a message: a figure from a run that did not happen is no figure. */
double compare_measure(enum workload w, enum mode m, long n, unsigned threads, unsigned procs);

/* The shared-memory counter experiment: the table on stdout; 0 or 1. */
int compare_counter(unsigned procs);

#endif
