/*
 * buddy.h: the buddy allocator that hands out process memory.
 *
 * Course idea: memory for processes on a machine whose only protection is
 * an MPU. An ARMv7-M MPU region must be a power of two in size and start at
 * a multiple of its size, so the natural allocator is the buddy system: the
 * arena (itself a power of two) is split in halves, and halves of halves,
 * until a block of the wanted size appears; every block is automatically
 * aligned to its own size. Freeing a block merges it with its "buddy" (the
 * other half of its parent) whenever that half is free too, so the arena
 * returns to one piece once everything is freed.
 *
 * The bookkeeping is a complete binary tree with one byte per node, kept in
 * struct buddy itself: the allocator never reads or writes the arena, so the
 * kernel needs no mapping of process memory to manage it, and the host
 * tests can manage an arena at an address that does not exist. Each node
 * holds 1 + the order of the largest free block in its subtree (0: nothing
 * free), where order k means 2^k minimum blocks. Allocation walks down
 * towards a subtree that can satisfy it, freeing walks up from a leaf: both
 * are O(log n) steps.
 *
 * There is no lock inside. The kernel calls these functions with interrupts
 * masked or from one thread only; the host tests are single-threaded.
 *
 * Read next: kernel/buddy.c, then kernel/loader.h (what a block is used for).
 */
#ifndef WEFT_BUDDY_H
#define WEFT_BUDDY_H

#include <stdint.h>

/* The largest arena and the smallest block the tree is sized for. The
 * board gives processes 16 MiB of PSRAM (2^24) in blocks of at least 1 KiB
 * (2^10); the tree then costs 2^(24-10+1) = 32 KiB of kernel memory. Host
 * tests may override both with -D to get a small tree. */
#ifndef BUDDY_ARENA_LOG2
#define BUDDY_ARENA_LOG2 24
#endif
#ifndef BUDDY_MIN_LOG2
#define BUDDY_MIN_LOG2   10
#endif
#define BUDDY_MAX_DEPTH  (BUDDY_ARENA_LOG2 - BUDDY_MIN_LOG2)
#define BUDDY_NODES      (2u << BUDDY_MAX_DEPTH)

_Static_assert(BUDDY_MAX_DEPTH >= 0 && BUDDY_MAX_DEPTH < 31, "buddy tree depth");

struct buddy {
    uintptr_t base;             /* first byte of the arena, aligned to its size */
    unsigned arena_log2;        /* the arena is 2^arena_log2 bytes */
    unsigned min_log2;          /* the smallest block is 2^min_log2 bytes */
    unsigned depth;             /* arena_log2 - min_log2: levels below the root */
    uint32_t free_bytes;        /* sum of the sizes of the free blocks */
    int ready;                  /* 0 after buddy_init() refused its arguments */
    /* tree[1] is the root; node i has children 2i and 2i+1. Only the first
     * 2 << depth entries are used. Nodes under an allocated or fully free
     * node hold the "fully free" value of their order (see buddy.c). */
    uint8_t tree[BUDDY_NODES];
};

/* Makes the whole arena [base, base + 2^arena_log2) one free block.
 * Requires min_log2 <= arena_log2 < 32, arena_log2 - min_log2 <=
 * BUDDY_MAX_DEPTH and base aligned to the arena size; otherwise the
 * allocator is left empty, so the mistake shows as the first allocation
 * failing rather than as two processes sharing memory. */
void buddy_init(struct buddy *b, uintptr_t base, unsigned arena_log2, unsigned min_log2);

/* A block of the smallest power of two >= bytes (and >= the minimum
 * block; 0 bytes gives a minimum block), aligned to its own size; the
 * lowest-addressed such block, so allocation is deterministic. NULL if no
 * free block is big enough. The block's contents are whatever was there. */
void *buddy_alloc(struct buddy *b, uint32_t bytes);

/* Returns the block that starts at p to the arena, merging it with its
 * buddy as far up as possible. 0, or -EINVAL if p is not the start of a
 * live block (a double free, a pointer into the middle of a block, outside
 * the arena): nothing is changed then, and the kernel should panic. */
int buddy_free(struct buddy *b, void *p);

/* The size of the live block that starts at p, or 0 if there is none. */
uint32_t buddy_block_size(const struct buddy *b, const void *p);

/* Bytes in free blocks: 2^arena_log2 right after buddy_init(). */
uint32_t buddy_free_bytes(const struct buddy *b);

#endif
