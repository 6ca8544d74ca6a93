/*
 * mpu.c: memory protection without virtual memory (ARMv7-M PMSAv7).
 *
 * Course idea: isolation of memory. The MPU has 8 regions; each is a power
 * of two in size, aligned to its size, with access rights for privileged
 * and unprivileged code. PRIVDEFENA gives the kernel (privileged) the whole
 * default memory map; user mode gets nothing but the regions below, so a
 * process touching the kernel, a device, page 0 or another process faults.
 *
 *   region 3, 4  shared segments       user RW, never executable (kernel/shm.c)
 *   region 5  the process's block      user RW, never executable; its
 *                                      eighths above the break are off
 *                                      until sbrk gives them (arch_mm_set_top)
 *   region 6  its code (block start)   user RO + executable, kernel RO; its
 *                                      eighths above the text are off
 *   region 7  the running thread's     no user access; the kernel may
 *             stack guard (32 bytes)   (see GUARD_RASR)
 *
 * Where regions overlap the higher number wins, so the code region carves
 * the executable part out of the block and the guard a hole in it.
 * Regions 5, 6 and 7 are loaded together, by one store-multiple with one
 * barrier (arch_mm_load, load_regions), on a switch to a user thread with
 * another guard than the one loaded; regions 3 and 4 are touched only
 * while some process has a segment mapped.
 * Read next: kernel/proc.c (which lays a block out), svc.c (user faults).
 */
#include <stddef.h>

#include "../arch.h"
#include "regs.h"

#define MPU_CTRL  REG32(0xE000ED94)
#define MPU_RNR   REG32(0xE000ED98)
#define MPU_RBAR  REG32(0xE000ED9C)
#define MPU_RASR  REG32(0xE000EDA0)
#define CTRL_ENABLE     (1u << 0)
#define CTRL_PRIVDEFENA (1u << 2)
#define RBAR_VALID      (1u << 4)   /* the region number is in RBAR[3:0] */
#define RASR_ENABLE     (1u << 0)
#define RASR_XN         (1u << 28)
#define AP_PRIV         (1u << 24)  /* privileged RW, user none */
#define AP_FULL         (3u << 24)  /* privileged RW, user RW */
#define AP_RO           (6u << 24)  /* privileged RO, user RO */
#define ATTR_SRAM       ((1u << 17) | (1u << 16))   /* normal memory, write-back */
#define REGION_SEG0  3
#define REGION_BLOCK 5
#define REGION_CODE  6
#define REGION_GUARD 7

static uint32_t size_field(uint32_t size)
{
    return (uint32_t)(31 - __builtin_clz(size) - 1) << 1;  /* size = 2^(SIZE+1) */
}

/* RASR's SRD field: bit i switches eighth i of the region off, so that
 * the regions below it show through there (or, if none, no access). */
#define RASR_SRD(bits)  ((uint32_t)(bits) << 8)

/* The eighths of a region of `size` bytes at `base` that [lo, hi) covers
 * (whole eighths: the caller's contract). */
static uint32_t eighths(uintptr_t base, uint32_t size, uintptr_t lo, uintptr_t hi)
{
    uint32_t shift = (uint32_t)__builtin_ctz(size) - 3;
    uint32_t first = (uint32_t)(lo - base) >> shift, end = (uint32_t)(hi - base) >> shift;
    return (0xFFu << first) & ~(0xFFu << end) & 0xFFu;
}

void arch_mm_init(struct arch_mm *mm, uintptr_t base, uint32_t size, uint32_t code_size,
                  uint32_t code_used, uintptr_t top)
{
    /* The code region's eighths above code_used are switched off: there
     * the block region (read-write, never executable) shows through. */
    uint32_t not_code = eighths(base, code_size, base + code_used, base + code_size);
    uint32_t hidden = eighths(base, size, top, base + size);
    mm->regs[0] = (uint32_t)base | RBAR_VALID | REGION_BLOCK;
    mm->regs[1] = RASR_XN | AP_FULL | ATTR_SRAM | RASR_SRD(hidden) | size_field(size) |
                  RASR_ENABLE;
    mm->regs[2] = (uint32_t)base | RBAR_VALID | REGION_CODE;
    mm->regs[3] = AP_RO | ATTR_SRAM | RASR_SRD(not_code) | size_field(code_size) | RASR_ENABLE;
    mm->segs = 0;
    for (int i = 0; i < ARCH_MM_SEGS; i++)
        arch_mm_seg(mm, i, 0, 0);
}

void arch_mm_seg(struct arch_mm *mm, int i, uintptr_t base, uint32_t size)
{
    mm->seg[i][0] = (uint32_t)base | RBAR_VALID | (uint32_t)(REGION_SEG0 + i);
    mm->seg[i][1] = size ? RASR_XN | AP_FULL | ATTR_SRAM | size_field(size) | RASR_ENABLE : 0;
    if (size)
        mm->segs |= 1u << i;
    else
        mm->segs &= ~(1u << i);
}

/* What the MPU holds now, in one place (one base address for the code):
 * the process memory (NULL: none), the guard (0: none), and which segment
 * regions are enabled (bit i: region REGION_SEG0 + i). A segment region
 * may lie anywhere in the arena, so it is disabled before it moves, never
 * moved while live (see below). */
static struct {
    const struct arch_mm *mm;
    uintptr_t guard;
    uint32_t segs;
} loaded;

static void load_segs_slow(const struct arch_mm *mm)
{
    uint32_t want = mm ? mm->segs : 0;
    for (int i = 0; i < ARCH_MM_SEGS; i++) {
        if (loaded.segs & (1u << i)) {
            MPU_RNR = (uint32_t)(REGION_SEG0 + i);
            MPU_RASR = 0;
        }
        if (want & (1u << i)) {
            MPU_RBAR = mm->seg[i][0];
            MPU_RASR = mm->seg[i][1];
        }
    }
    loaded.segs = want;
}

/* The common case, nobody sharing memory before or after, is one test. */
static inline void load_segs(const struct arch_mm *mm, uint32_t want)
{
    if (want | loaded.segs)
        load_segs_slow(mm);
}

/* Each region changes in two stores, so for one instruction it has its new
 * base with its old size and rights. Loading, that is harmless: old and new
 * both lie in the process arena, where the kernel neither runs nor keeps its
 * stacks. Clearing, it is not: moving a live execute-never region to base 0
 * would put kernel code under it, and the very next fetch would fault. So a
 * region is cleared by selecting it (RNR) and disabling it (RASR) alone. */
static inline void load_block_code(const struct arch_mm *mm)
{
    load_segs(mm, mm->segs);
    MPU_RBAR = mm->regs[0]; MPU_RASR = mm->regs[1];
    MPU_RBAR = mm->regs[2]; MPU_RASR = mm->regs[3];
}

/* A guard only has to stop the thread itself: its stack running off the
 * bottom faults, in the thread's own access or in the CPU's exception
 * stacking (which uses the thread's privilege). The kernel may still write
 * there: a thread's guard is a part of its process's memory (the bottom of
 * a malloc'ed stack, say), and a system call's buffer may lie across it;
 * the kernel checks such pointers against the process's memory instead. */
#define GUARD_RASR (RASR_XN | AP_PRIV | ATTR_SRAM | ((5 - 1) << 1) | RASR_ENABLE)  /* 2^5 bytes */
_Static_assert(ARCH_GUARD_SIZE == 1u << 5, "GUARD_RASR's size field is for 32 bytes");

/* The block, the code and the guard, three regions, in one store-multiple.
 * RBAR_A1..A3 and RASR_A1..A3, the four words after RBAR and RASR, are
 * aliases of them (ARMv7-M ARM B3.5.10): since each RBAR word names its
 * region (RBAR_VALID), the six words RBAR, RASR, RBAR_A1, RASR_A1,
 * RBAR_A2, RASR_A2 load three regions, in that order, as six single
 * stores would. The block's and the code's four words are loaded as
 * they are in mm (whatever bits arch_mm_init put in them); the guard's
 * two are made here. On a Cortex-M3 an LDM or STM of N words takes 1+N
 * cycles, what N pipelined single loads or stores take at best, and
 * one base address replaces one per register. */
static inline void load_regions(const struct arch_mm *mm, uintptr_t guard)
{
    _Static_assert(sizeof mm->regs == 4 * sizeof(uint32_t), "block RBAR, RASR, code RBAR, RASR");
    load_segs(mm, mm->segs);
    /* (Declared after the call above: GCC keeps a register variable in
     * its register only for the asm that names it, not across a call.) */
    register uint32_t guard_rbar __asm__("r4") = (uint32_t)guard | RBAR_VALID | REGION_GUARD;
    register uint32_t guard_rasr __asm__("r5") = GUARD_RASR;
    __asm volatile ("ldm %[words], {r0-r3}\n\t"
                    "stm %[rbar], {r0-r5}"
                    :
                    : [words] "r"(mm->regs), [rbar] "r"(&MPU_RBAR),
                      "r"(guard_rbar), "r"(guard_rasr)
                    : "r0", "r1", "r2", "r3", "memory");
}

void arch_mm_switch(const struct arch_mm *mm)
{
    if (mm) {
        load_block_code(mm);
    } else {
        load_segs(NULL, 0);
        for (uint32_t r = REGION_BLOCK; r <= REGION_GUARD; r++) {
            MPU_RNR = r;
            MPU_RASR = 0;
        }
        loaded.guard = 0;
    }
    loaded.mm = mm;
    __asm volatile ("dsb\n\tisb" ::: "memory");
}

void arch_mm_forget(const struct arch_mm *mm)
{
    if (mm == loaded.mm)
        arch_mm_switch(NULL);
}

/* The block's hidden eighths, [top, end): switched off in the block
 * region, where no other region lies (the code region covers only eighths
 * below the heap), so user mode cannot reach them; privileged code reaches
 * them through the default map (PRIVDEFENA), which is how the kernel
 * zeroes them. If mm is loaded, its block region is reloaded at once: RBAR
 * names the region, so the two stores are masked against an interrupt
 * handler that selects another region in between. */
void arch_mm_set_top(struct arch_mm *mm, uintptr_t top)
{
    uintptr_t base = mm->regs[0] & ~(uint32_t)0x1F;
    uint32_t size = 2u << ((mm->regs[1] >> 1) & 0x1F);
    mm->regs[1] = (mm->regs[1] & ~RASR_SRD(0xFF)) | RASR_SRD(eighths(base, size, top, base + size));
    uint32_t s = arch_irq_save();
    if (mm == loaded.mm) {
        MPU_RBAR = mm->regs[0];
        MPU_RASR = mm->regs[1];
        __asm volatile ("dsb\n\tisb" ::: "memory");
    }
    arch_irq_restore(s);
}

/* Called on every switch to a user thread. Its guard names it: a guard
 * lies in its process's block, and the blocks of live processes do not
 * overlap, so threads with the same guard (one thread, or two a program
 * gave the same stack) have the same process too, and one compare tells
 * whether anything must be loaded. (A process's memory is forgotten,
 * arch_mm_forget, before its block can be anyone else's.) Otherwise its
 * process's regions and the guard.
 *
 * One barrier: the DSB completes the writes to the MPU. The ISB that
 * arch_mm_switch adds (so that the very next instructions see the new
 * map) is the exception return's job here: this runs only inside PendSV
 * (kernel_switch), and "DSB followed by an ISB or an exception return" is
 * what the Cortex-M3 generic user guide asks for the new map to be used.
 * The few kernel instructions between lie under no user region. */
void arch_mm_load(const struct arch_mm *mm, uintptr_t guard)
{
    if (guard == loaded.guard)
        return;
    load_regions(mm, guard);
    loaded.mm = mm;
    loaded.guard = guard;
    __asm volatile ("dsb" ::: "memory");
}

void arch_mpu_init(void)
{
    arch_mm_switch(NULL);               /* also forgets what was loaded */
    MPU_CTRL = CTRL_ENABLE | CTRL_PRIVDEFENA;
    __asm volatile ("dsb\n\tisb" ::: "memory");
}
