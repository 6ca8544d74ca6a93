/*
 * bench.h: the measuring kit shared by the kernel's benchmark images.
 *
 * Course idea: measure, don't guess. Under QEMU with -icount shift=10 every
 * guest instruction advances virtual time by exactly 1024 ns, and CMSDK
 * Timer1 counts that time at 25 MHz, so a difference of timer readings is an
 * instruction count (ticks / 25.6) and the same binary gives the same figures
 * on every run (../shared/PLATFORM.md, "Time").
 *
 * Method (bench_per_op). Each scenario runs twice, with BENCH_N1 and
 * BENCH_N2 operations, between two timer reads; the difference of the two
 * totals divided by the difference of the operation counts is the cost of
 * one operation, with everything done once per run (creating threads or
 * processes, waiting for them, the timer reads) cancelled out. What is left
 * of the harness is the loop around each operation: an empty loop of the
 * same shape is measured the same way and subtracted. "Same shape" is
 * checked, not hoped for: every loop around an operation keeps its bound in
 * memory (a call may change memory, so the compiler reloads it on every
 * pass: ldr, adds, cmp, branch), and the empty loop does too, through an
 * empty asm that clobbers memory. `make profile` shows the leftover of the
 * loop in each table (the loop function's line: the call instruction only).
 * SysTick is stopped
 * during every measured run: a tick would add its handler (and maybe a slice
 * switch) to whichever run it fell in. Nothing is printed until all runs are
 * done, so no console interrupt falls in a run either.
 *
 * Used by tests/target/bench.c (kernel threads) and bench_proc.c (user
 * processes). Output: one line "bench: NAME VALUE instructions" per figure.
 */
#ifndef WEFT_BENCH_H
#define WEFT_BENCH_H

#include <stdint.h>
#include <string.h>

#include "../../arch/armv7m/regs.h"
#include "../../drivers/uart.h"
#include "../../kernel/printk.h"
#include "../../kernel/thread.h"

#define TIMER1_CTRL   REG32(0x40001000)
#define TIMER1_VALUE  REG32(0x40001004)     /* counts down at 25 MHz */
#define TIMER1_RELOAD REG32(0x40001008)
#define ICSR_PENDSTCLR (1u << 25)

#define BENCH_N1 100u
#define BENCH_N2 1100u

/* Start Timer1 free-running from the top, without its interrupt. */
static inline void timer_start(void)
{
    TIMER1_CTRL = 0;
    TIMER1_RELOAD = 0xFFFFFFFFu;
    TIMER1_VALUE = 0xFFFFFFFFu;
    TIMER1_CTRL = 1;
}

/* One read of the timer: a single ldr, whose address the assembler also
 * writes into the ELF section .bench_reads (not loaded), so that the
 * profiler (tools/profile.py) cuts its single-step trace exactly where the
 * benchmark cuts time. */
static inline __attribute__((always_inline)) uint32_t timer_now(void)
{
    uint32_t v;
    __asm volatile ("1: ldr %0, %1\n"
                    "   .pushsection .bench_reads, \"R\", %%progbits\n"
                    "   .word 1b\n"
                    "   .popsection"
                    : "=r"(v) : "m"(TIMER1_VALUE));
    return v;
}

/* Stop the tick for a measured run (and drop one already pending). */
static inline void tick_stop(void)
{
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT;
    SCB_ICSR = ICSR_PENDSTCLR;
}

static inline void tick_go(void)
{
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

/* Timer ticks (1/25.6 instruction) -> thousandths of an instruction per op. */
static inline int64_t milli_insns(uint64_t timer_ticks, uint32_t ops)
{
    return (int64_t)(timer_ticks * 10000u / (256u * (uint64_t)ops));
}

/* Per-operation cost, in thousandths of an instruction, of a scenario
 * run(n) that performs ops_per_n * n operations and returns the timer
 * ticks it took; `loops` (thousandths) is the harness loop to subtract. */
static inline int64_t bench_per_op(uint32_t (*run)(uint32_t), uint32_t ops_per_n,
                                   int64_t loops)
{
    tick_stop();
    uint32_t t1 = run(BENCH_N1);
    uint32_t t2 = run(BENCH_N2);
    tick_go();
    return milli_insns(t2 - t1, ops_per_n * (BENCH_N2 - BENCH_N1)) - loops;
}

/* ---- Profile images (tools/profile.sh) ----------------------------------
 * A profile image is a bench image built with -DBENCH_ONLY=NAME: it
 * measures that one figure (and the empty loop it subtracts) and nothing
 * else, so that a single-step trace of it stays small. The name is read
 * through a volatile pointer, so both kinds of image run the same code. */
#define BENCH_STR_(x) #x
#define BENCH_STR(x) BENCH_STR_(x)
#ifdef BENCH_ONLY
static const char *volatile const bench_only = BENCH_STR(BENCH_ONLY);
#else
static const char *volatile const bench_only = 0;
#endif

/* Wait, a tick at a time, until the boot-time console output is out and
 * its last transmit interrupt handled. Two ticks were once enough; but the
 * host may take the bytes late (QEMU's serial back end blocks when its
 * reader is slow), and a transmit interrupt inside a measured run is
 * counted in it (sem_pingpong read 386.1 once in a few runs on a busy
 * machine, not 386.0). The wait ends on a tick boundary, so what follows
 * starts at the same point of the tick period on every run. */
static inline void bench_quiet_console(void)
{
    do
        thread_sleep(1);
    while (!uart_tx_idle());
}

static inline int bench_wanted(const char *name)
{
    return !bench_only || strcmp(bench_only, name) == 0;
}

/* In a profile image, say how the timer reads make the figure, for
 * tools/profile.py, which cuts the trace at the same reads (each pair of
 * reads is one window): "per_op OPS LOOPS": windows 0, 1 are the empty loop
 * (N1, N2 passes), windows 2, 3 the scenario (N1, N2 runs of OPS
 * operations each), LOOPS empty-loop passes subtracted per operation.
 * "per_event": windows 0, 1 (the empty loop, unused), then N2 calibration
 * windows, then N2 event windows. */
static inline void bench_recipe(const char *name, const char *recipe)
{
    if (bench_only && strcmp(bench_only, name) == 0)
        kprintf("profile: %s %s N1=%u N2=%u\n", name, recipe, BENCH_N1, BENCH_N2);
}

/* "bench: NAME 206.0 instructions", rounded to a tenth. */
static inline void bench_print(const char *name, int64_t milli)
{
    if (!bench_wanted(name))
        return;
    int64_t tenths = (milli < 0 ? milli - 50 : milli + 50) / 100;
    int64_t mag = tenths < 0 ? -tenths : tenths;
    kprintf("bench: %s %s%ld.%ld instructions\n", name, tenths < 0 ? "-" : "",
            (long)(mag / 10), (long)(mag % 10));
}

#endif
