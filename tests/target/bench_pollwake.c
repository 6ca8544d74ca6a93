/*
 * bench_pollwake.c: poll_wakeup, what it costs to go from a console byte's
 * interrupt to the coroutine that awaited it, in guest instructions.
 *
 * Course idea: interrupt-driven IO, end to end. apps/pollwake.c is a user
 * process whose one coroutine task awaits the console (lib/coro's loop on
 * weft's poll); between bytes its thread is BLOCKED and the CPU sleeps.
 * The path of one byte: the receive interrupt (drivers/uart.c) puts it in
 * the ring and wakes every poller (kernel/poll.c), the scheduler switches
 * to the poller, poll rescans and returns to user mode, the poller
 * (lib/coro/poller_weft.c) hands the event to the loop, whose step 5 queues
 * the task and whose next step 3 resumes its coroutine (a switch,
 * lib/coro/switch_armv7m.S), and the await returns.
 *
 * How. Neither end of that path can call a function of ours, so this image
 * moves the vector table (VTOR) to a copy in RAM where two entries are
 * stubs that read Timer1 as their third instruction:
 *   - the UART0 receive interrupt: read, store, then weft's handler;
 *   - MemManage: read; if the fault is pollwake's tripwire load (the first
 *     thing its task does after the await), record the sample and return
 *     past the load; any other fault goes to weft's handler.
 * A sample is the instructions between the two reads, less the 4 stub
 * instructions after the first and the 2 before the second: the path from
 * the first instruction of uart0_rx_irq to the tripwire load (QEMU counts
 * the load that faults, or not: 1 instruction either way, the same on
 * every run). The tick is stopped while pollwake waits (no timer is armed
 * in its loop), so nothing but the byte runs; the bytes are fed 0.2 s of
 * host time apart (mk/coro.mk), so each finds the CPU asleep. Every
 * sample must be the same; the figure is that number.
 *
 * Output: "bench: poll_wakeup N instructions", and the samples.
 * Image: build/bench-pollwake.elf, run by `make bench-pollwake` (make bench).
 */
#include <stdint.h>
#include <string.h>

#include "../../arch/arch.h"
#include "../../kernel/panic.h"
#include "../../kernel/proc.h"
#include "../../kernel/sched.h"
#include "../../kernel/thread.h"
#include "bench.h"

#define HARNESS_PRIO (USER_PRIO + 2)
#define SAMPLES      6                  /* bytes awaited; mk/coro.mk feeds more */
#define TRIPWIRE     0x40001004u        /* apps/pollwake.c's trip() */
#define STUB_EXTRA   6                  /* stub instructions between the reads */

typedef void (*vector)(void);
static vector table[16 + 32] __attribute__((aligned(256)));  /* VTOR: 128-aligned at least */

volatile uint32_t pw_t_irq;             /* the last receive interrupt's timer read */
static uint32_t samples[SAMPLES];
static volatile int nsamples;

void uart0_rx_irq(void);
void memmanage_handler(void);

/* Called by mm_stub for the tripwire, with the timer read at its entry. */
__attribute__((used)) void pw_tripped(uint32_t t_wake)
{
    if (nsamples < SAMPLES)
        samples[nsamples++] = pw_t_irq - t_wake;   /* the timer counts down */
}

__attribute__((naked)) static void rx_stub(void)
{
    __asm volatile (
        "movw   r0, #:lower16:0x40001004  \n"
        "movt   r0, #:upper16:0x40001004  \n"
        "ldr    r0, [r0]                  \n"   /* the read */
        "movw   r1, #:lower16:pw_t_irq    \n"
        "movt   r1, #:upper16:pw_t_irq    \n"
        "str    r0, [r1]                  \n"
        "b      uart0_rx_irq              \n");
}

/* Thread mode on the process stack (EXC_RETURN bit 2) and MMFAR the
 * tripwire: pollwake's load. Skip it (ldr.w: 4 bytes) and return. */
__attribute__((naked)) static void mm_stub(void)
{
    __asm volatile (
        "movw   r0, #:lower16:0x40001004  \n"
        "movt   r0, #:upper16:0x40001004  \n"
        "ldr    r0, [r0]                  \n"   /* the read */
        "movw   r1, #:lower16:0xE000ED34  \n"
        "movt   r1, #:upper16:0xE000ED34  \n"
        "ldr    r1, [r1]                  \n"   /* MMFAR */
        "movw   r2, #:lower16:0x40001004  \n"
        "movt   r2, #:upper16:0x40001004  \n"
        "cmp    r1, r2                    \n"
        "bne    1f                        \n"
        "tst    lr, #4                    \n"
        "beq    1f                        \n"
        "mrs    r1, psp                   \n"
        "ldr    r2, [r1, #24]             \n"   /* the stacked pc */
        "adds   r2, #4                    \n"
        "str    r2, [r1, #24]             \n"
        "movw   r1, #:lower16:0xE000ED28  \n"
        "movt   r1, #:upper16:0xE000ED28  \n"
        "movs   r2, #0xFF                 \n"
        "str    r2, [r1]                  \n"   /* CFSR: clear the MemManage bits */
        "push   {r4, lr}                  \n"
        "bl     pw_tripped                \n"
        "pop    {r4, pc}                  \n"
        "1: b   memmanage_handler         \n");
}

static struct proc harness;

static void *bench_main(void *arg)
{
    (void)arg;
    waitq_init(&harness.child_wait);
    timer_start();
    thread_sleep(2);                    /* boot-time console output finishes */

    memcpy(table, (const void *)SCB_VTOR, sizeof table);
    table[4] = mm_stub;
    table[16 + 0] = rx_stub;
    __asm volatile ("dsb");
    SCB_VTOR = (uint32_t)table;
    __asm volatile ("dsb\n isb");

    static const char args[] = "pollwake\0" "6";
    _Static_assert(SAMPLES == 6, "the argument above says 6");
    uint32_t mem0 = proc_mem_free();
    int pid = proc_spawn(&harness, "pollwake", args, sizeof args, 2, 0, NULL, 0);
    if (pid < 0)
        panic("bench-pollwake: cannot spawn pollwake: %d", pid);
    thread_sleep(20);                   /* it reaches its first poll and blocks */
    tick_stop();
    int status = -1;
    int r = proc_wait(&harness, pid, &status, WAIT_FOREVER);
    tick_go();
    if (r != pid || status != 0 || nsamples != SAMPLES || proc_mem_free() != mem0)
        panic("bench-pollwake: pollwake ended with status %d (wait %d), %d samples, "
              "free memory %u -> %u", status, r, nsamples, (unsigned)mem0,
              (unsigned)proc_mem_free());

    kprintf("bench-pollwake: samples (instructions):");
    int same = 1;
    for (int i = 0; i < SAMPLES; i++) {
        kprintf(" %ld", (long)((milli_insns(samples[i], 1) + 500) / 1000) - STUB_EXTRA);
        same &= samples[i] == samples[0];
    }
    kprintf("\n");
    if (!same)
        panic("bench-pollwake: the samples differ: something else ran in a path");
    bench_print("poll_wakeup", milli_insns(samples[0], 1) - STUB_EXTRA * 1000);
    arch_halt(EXIT_OK);
}

void app_start(void)
{
    proc_init();
    thread_create("bench", bench_main, NULL, HARNESS_PRIO);
}
