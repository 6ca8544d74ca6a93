/*
 * crash.c: `crash KIND` does one forbidden thing and should not survive it.
 *
 * Course idea: memory protection. A user program runs unprivileged and
 * the MPU lets it touch only its own block: its text read-only and
 * executable, its data, heap and stack read-write and never executable.
 * Each KIND below is one attack; the kernel must end the process with a
 * fault status (kernel/uapi.h) and carry on. usertests runs every KIND in
 * a child and checks the exact status; `run crash KIND` in the shell shows
 * the kernel's account of it. If the attack succeeds, crash says so and
 * exits 0, which usertests counts as a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("KIND",
           "breaks a rule and is killed: nullread, kwrite, div0... (none: a list)");

#define KERNEL_RAM  0x20000000u     /* the kernel's .data */
#define UART0       0x40004000u     /* a device register */
#define SCB_CPUID   0xE000ED00u     /* system control block (read-only) */
#define SCB_ICSR    0xE000ED04u     /* writing 0 there changes nothing */
#define MPU_CTRL    0xE000ED94u     /* turning the MPU off: the classic */
#define UNMAPPED    0x30000000u     /* no memory at all */

/* The empty asm hides the address from the optimiser, which would
 * otherwise replace a load from NULL with a trap instruction of its own. */
static uint32_t peek(uint32_t addr)
{
    __asm__("" : "+r"(addr));
    return *(volatile uint32_t *)addr;
}

static void poke(uint32_t addr, uint32_t v)
{
    __asm__("" : "+r"(addr));
    *(volatile uint32_t *)addr = v;
}

/* `bx lr`, as data: copied somewhere writable and called. */
static const uint16_t bx_lr = 0x4770;

static void call_at(void *code)
{
    void (*volatile fn)(void) = (void (*)(void))((uintptr_t)code | 1);
    fn();
}

/* Each frame is 256 bytes the compiler cannot optimise away; the limit
 * (16 MiB of frames) is far beyond any process's stack. */
static volatile int recurse_limit = 1 << 16;

static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth >= recurse_limit)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

/* A thread's stack (THREAD_STACK_SIZE bytes, malloc'ed) has a guard of its
 * own at its bottom, so an overflow faults there, not in the heap below.
 * The heap below is a buffer malloc'ed first and filled with a pattern;
 * 100 small frames (about 1.6 KiB) overrun the stack but stay inside the
 * buffer, so without the guard the thread returns and the damage shows.
 * The frames are small on purpose: every one writes most of its words, so
 * one of them lands in the 32-byte guard. A single frame bigger than the
 * guard could step over it without a write there (a "stack clash"). */
static int __attribute__((noinline)) recurse_small(int depth)
{
    volatile int here = depth;
    if (depth >= recurse_limit)
        return here;
    return recurse_small(depth + 1) + here;
}

static void *recurse_thread(void *arg)
{
    return (void *)(intptr_t)recurse_small((int)(intptr_t)arg);
}

static int thread_overflow(void)
{
    enum { BELOW = 2048 };
    unsigned char *below = malloc(BELOW);
    if (!below)
        return 2;
    memset(below, 0x5A, BELOW);
    recurse_limit = 100;
    thread_join(thread_create(recurse_thread, NULL, 0), NULL, WAIT_FOREVER);
    for (int i = 0; i < BELOW; i++)
        if (below[i] != 0x5A) {
            printf("crash: the thread's stack ran into the heap (byte %d)\n", i);
            break;
        }
    return 0;
}

/* Returns only if the attack did not fault: 0, or 2 for an unknown KIND. */
static int attack(const char *kind)
{
    static uint16_t data_code[2];
    uint16_t stack_code[2];
    void (*volatile null_fn)(void) = NULL;
    uint32_t zero = 0;
    struct proc_info pi;

    if (!strcmp(kind, "kread"))          peek(KERNEL_RAM);
    else if (!strcmp(kind, "kwrite"))    poke(KERNEL_RAM + 0x10, 0xDEADBEEF);
    else if (!strcmp(kind, "devread"))   peek(UART0 + 4);
    else if (!strcmp(kind, "devwrite"))  poke(UART0, 'X');
    else if (!strcmp(kind, "scbread"))   peek(SCB_CPUID);
    else if (!strcmp(kind, "scbwrite"))  poke(SCB_ICSR, 0);
    else if (!strcmp(kind, "mpuoff"))    poke(MPU_CTRL, 0);
    else if (!strcmp(kind, "unmapped"))  peek(UNMAPPED);
    else if (!strcmp(kind, "nullread"))  peek(0);
    else if (!strcmp(kind, "nullwrite")) poke(0, 0);
    else if (!strcmp(kind, "nullcall"))  null_fn();
    else if (!strcmp(kind, "textwrite")) poke((uint32_t)(uintptr_t)&bx_lr & ~3u, 0);
    else if (!strcmp(kind, "execdata")) {
        memcpy(data_code, &bx_lr, 2);
        call_at(data_code);
    } else if (!strcmp(kind, "execstack")) {
        memcpy(stack_code, &bx_lr, 2);
        call_at(stack_code);
    } else if (!strcmp(kind, "foreign")) {
        if (procinfo(1, &pi) == 0)       /* init's memory */
            peek(pi.mem_base + pi.mem_size / 2);
    } else if (!strcmp(kind, "pastbrk")) {
        /* Heap room sbrk has not given out: hidden, still holding what
         * the block's previous owner left there. */
        procinfo(0, &pi);
        if (pi.hidden_lo < pi.hidden_hi)
            peek(pi.hidden_hi - 4);
        printf("crash: nothing hidden past the break\n");
    } else if (!strcmp(kind, "privesc")) {
        /* Ignored in unprivileged mode: the next access must still fault. */
        __asm__ volatile("msr control, %0\n\tisb" : : "r"(0) : "memory");
        peek(KERNEL_RAM);
    } else if (!strcmp(kind, "div0")) {
        uint32_t q;     /* asm: C's 1u / 0 is undefined, so gcc may drop it */
        __asm__ volatile("udiv %0, %1, %2" : "=r"(q) : "r"(1u), "r"(zero));
        printf("crash: 1/0 = %lu\n", (unsigned long)q);
    } else if (!strcmp(kind, "udf")) {
        __asm__ volatile("udf #0");
    } else if (!strcmp(kind, "unaligned")) {
        uint32_t words[3] = { 0 };
        __asm__ volatile("ldm %0, {r2, r3}" : : "r"((char *)words + 1)
                         : "r2", "r3", "memory");
    } else if (!strcmp(kind, "svcsp")) {
        /* A system call with the stack pointer in kernel RAM: the CPU
         * cannot stack the call's frame (MSTKERR), and the call must not
         * happen afterwards either. */
        __asm__ volatile("ldr r0, =0x20000400\n\tmov sp, r0\n\tsvc 0" ::: "r0", "memory");
    } else if (!strcmp(kind, "overflow")) {
        recurse(0);
    } else if (!strcmp(kind, "threadoverflow")) {
        thread_overflow();
    } else {
        printf("crash: unknown kind %s; kinds:\n"
               "  kread kwrite devread devwrite scbread scbwrite mpuoff unmapped\n"
               "  nullread nullwrite nullcall textwrite execdata execstack foreign\n"
               "  pastbrk privesc div0 udf unaligned svcsp overflow threadoverflow\n", kind);
        return 2;
    }
    printf("crash: %s did not fault\n", kind);
    return 0;
}

int main(int argc, char **argv)
{
    return attack(argc > 1 ? argv[1] : "?");
}
