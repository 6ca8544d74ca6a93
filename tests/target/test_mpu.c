/*
 * test_mpu.c: what a switch to a user thread leaves in the MPU.
 *
 * Course idea: isolation of memory is only as good as the regions the
 * switch loads. arch_mm_load (arch/armv7m/mpu.c) writes a process's block
 * and code regions and the thread's stack guard with one store-multiple
 * through the MPU's alias registers, and skips the work when the thread's
 * guard is the one loaded. These cases read every region back through
 * RNR/RBAR/RASR, the registers a debugger would show, and compare them
 * with what the process's words (struct arch_mm) say. The regions are made
 * over the process arena, which no kernel thread executes or uses here.
 * Image: build/ktest-mpu.elf.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../arch/armv7m/regs.h"
#include "ktest.h"

#define MPU_RNR   REG32(0xE000ED98)
#define MPU_RBAR  REG32(0xE000ED9C)
#define MPU_RASR  REG32(0xE000EDA0)
#define RBAR_VALID 0x10u            /* written to name the region; reads 0 */
#define REGION_SEG0  3
#define REGION_BLOCK 5
#define REGION_CODE  6
#define REGION_GUARD 7
#define GUARD_RASR 0x11030009u      /* XN, privileged RW only, normal, 32 bytes */

static struct arch_mm mm1, mm2;
static uintptr_t arena;

static uint32_t rbar(uint32_t region) { MPU_RNR = region; return MPU_RBAR; }
static uint32_t rasr(uint32_t region) { MPU_RNR = region; return MPU_RASR; }

/* Two processes' blocks in the arena, 4 KiB each, with 1 KiB of code.
 * The second has subregions switched off (code above its first 512 bytes,
 * the block's top quarter, as spawn makes them), so the words read back
 * prove the store-multiple carries those bits too. */
static void setup(void)
{
    arch_mm_switch(NULL);           /* nothing loaded, nothing remembered */
    arch_proc_arena(&arena);
    arch_mm_init(&mm1, arena, 4096, 1024, 1024, arena + 4096);
    arch_mm_init(&mm2, arena + 8192, 4096, 1024, 512, arena + 8192 + 3072);
}

/* The regions 5, 6, 7 hold mm's words and guard's. */
static int holds(const struct arch_mm *mm, uintptr_t guard)
{
    return rbar(REGION_BLOCK) == (mm->regs[0] & ~RBAR_VALID) && rasr(REGION_BLOCK) == mm->regs[1]
        && rbar(REGION_CODE) == (mm->regs[2] & ~RBAR_VALID) && rasr(REGION_CODE) == mm->regs[3]
        && rbar(REGION_GUARD) == (guard | REGION_GUARD) && rasr(REGION_GUARD) == GUARD_RASR;
}

static void loads_block_code_and_guard(void)
{
    setup();
    arch_mm_load(&mm1, arena + 2048);
    KT_TRUE(holds(&mm1, arena + 2048), "process 1's regions were not loaded");
    KT_EQ(rbar(REGION_BLOCK), arena | REGION_BLOCK);
    KT_EQ(rbar(REGION_GUARD), (arena + 2048) | REGION_GUARD);
    arch_mm_load(&mm2, arena + 8192 + 512);
    KT_TRUE(holds(&mm2, arena + 8192 + 512), "process 2's regions were not loaded");
    arch_mm_load(&mm1, arena + 1024);   /* another thread of process 1 */
    KT_TRUE(holds(&mm1, arena + 1024), "process 1's second thread's guard was not loaded");
    arch_mm_switch(NULL);
}

/* The words loaded are mm's, bit for bit, whatever arch_mm_init put there
 * (kernel/proc.c may change them): the switch adds nothing of its own. */
static void loads_the_words_as_they_are(void)
{
    setup();
    mm1.regs[1] |= 0xC0u << 8;          /* two subregions disabled */
    arch_mm_load(&mm1, arena + 2048);
    KT_EQ(rasr(REGION_BLOCK), mm1.regs[1]);
    KT_TRUE(holds(&mm1, arena + 2048), "the changed word was not loaded as it is");
    arch_mm_switch(NULL);
}

/* The same guard: nothing is written (region 7 is spoiled by hand to see
 * that); another guard: all three regions are. */
static void the_same_guard_loads_nothing(void)
{
    setup();
    arch_mm_load(&mm1, arena + 2048);
    MPU_RNR = REGION_GUARD;
    MPU_RASR = 0;
    arch_mm_load(&mm1, arena + 2048);
    KT_EQ(rasr(REGION_GUARD), 0);
    arch_mm_load(&mm2, arena + 8192 + 512);
    KT_TRUE(holds(&mm2, arena + 8192 + 512), "process 2's regions were not loaded");
    arch_mm_switch(NULL);
}

/* A process's memory forgotten (it is freed) unloads it, and the next
 * thread with the same guard (its block reused) loads everything. */
static void forgetting_unloads_and_is_remembered(void)
{
    setup();
    arch_mm_load(&mm1, arena + 2048);
    arch_mm_forget(&mm2);               /* not loaded: nothing happens */
    KT_TRUE(holds(&mm1, arena + 2048), "forgetting another process unloaded this one");
    arch_mm_forget(&mm1);
    KT_EQ(rasr(REGION_BLOCK), 0);
    KT_EQ(rasr(REGION_CODE), 0);
    KT_EQ(rasr(REGION_GUARD), 0);
    arch_mm_load(&mm1, arena + 2048);
    KT_TRUE(holds(&mm1, arena + 2048), "a forgotten process's regions were not loaded again");
    arch_mm_switch(NULL);
}

/* A segment is loaded with its process and taken away with it. */
static void segments_come_and_go(void)
{
    setup();
    arch_mm_seg(&mm1, 1, arena + 16384, 1024);
    arch_mm_load(&mm1, arena + 2048);
    KT_EQ(rbar(REGION_SEG0 + 1), (arena + 16384) | (REGION_SEG0 + 1));
    KT_EQ(rasr(REGION_SEG0 + 1), mm1.seg[1][1]);
    KT_EQ(rasr(REGION_SEG0), 0);
    KT_TRUE(holds(&mm1, arena + 2048), "process 1's regions were not loaded with its segment");
    arch_mm_load(&mm2, arena + 8192 + 512);
    KT_EQ(rasr(REGION_SEG0 + 1), 0);
    KT_TRUE(holds(&mm2, arena + 8192 + 512), "process 2's regions were not loaded");
    arch_mm_switch(NULL);
}

static const struct ktest cases[] = {
    { "the switch loads block, code and guard", loads_block_code_and_guard },
    { "the switch loads the process's words as they are", loads_the_words_as_they_are },
    { "the same guard loads nothing", the_same_guard_loads_nothing },
    { "forgetting unloads, and the next load loads all", forgetting_unloads_and_is_remembered },
    { "segments come and go with their process", segments_come_and_go },
};

void app_start(void)
{
    ktest_main(cases, sizeof cases / sizeof cases[0]);
}
