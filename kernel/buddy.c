/*
 * buddy.c: the buddy allocator (see buddy.h for the idea and the contract).
 *
 * The tree. Node i at level L (the root is level 0) stands for a block of
 * order depth - L, i.e. 2^(depth - L) minimum blocks, starting at
 * (i - 2^L) * block size. Its byte holds 1 + the largest free order in its
 * subtree, 0 if nothing below it is free. An allocated block's node holds 0;
 * the nodes beneath it keep the "fully free" value they had when it was
 * taken, and are never looked at until it is freed.
 *
 * The invariant that makes buddy_free() work: walking up from the leaf of a
 * live block's first minimum block, the first node holding 0 is that block.
 * Nodes between the leaf and the block are fully free (they were when the
 * block was taken), and a free region has no 0 on its path to the root.
 *
 * Read next: kernel/loader.c (how a process fills its block).
 */
#include "buddy.h"
#include "errno.h"

#include <stddef.h>

/* The value of a fully free node of order k. */
static uint8_t full(unsigned order) { return (uint8_t)(order + 1); }

static uint8_t max_u8(uint8_t a, uint8_t b) { return a > b ? a : b; }

void buddy_init(struct buddy *b, uintptr_t base, unsigned arena_log2, unsigned min_log2)
{
    b->base = base;
    b->arena_log2 = arena_log2;
    b->min_log2 = min_log2;
    b->depth = 0;
    b->free_bytes = 0;
    b->ready = 0;                           /* empty until proven valid */
    b->tree[1] = 0;
    if (arena_log2 >= 32 || min_log2 > arena_log2 ||
        arena_log2 - min_log2 > BUDDY_MAX_DEPTH ||
        (base & (((uintptr_t)1 << arena_log2) - 1)) != 0)
        return;

    b->depth = arena_log2 - min_log2;
    for (unsigned level = 0; level <= b->depth; level++)
        for (uint32_t i = 1u << level; i < 2u << level; i++)
            b->tree[i] = full(b->depth - level);
    b->free_bytes = (uint32_t)1 << arena_log2;
    b->ready = 1;
}

/* After node i changed, recompute its ancestors: a parent whose two
 * children are both fully free is fully free itself (the buddies merge);
 * otherwise it offers the larger of what its children offer. A node whose
 * value comes out as it was ends the walk: its ancestors depend on nothing
 * else that changed. */
static void update_up(struct buddy *b, uint32_t i, unsigned order)
{
    while (i > 1) {
        uint8_t l = b->tree[i & ~1u], r = b->tree[i | 1u];
        i >>= 1;
        order++;
        uint8_t v = (l == full(order - 1) && r == full(order - 1)) ? full(order) : max_u8(l, r);
        if (b->tree[i] == v)
            return;
        b->tree[i] = v;
    }
}

void *buddy_alloc(struct buddy *b, uint32_t bytes)
{
    /* The wanted order: the smallest k with 2^(min_log2 + k) >= bytes. */
    unsigned log2 = bytes <= 1 ? 0 : 32 - (unsigned)__builtin_clz(bytes - 1);
    unsigned order = log2 > b->min_log2 ? log2 - b->min_log2 : 0;
    if (b->tree[1] < full(order))           /* also catches order > depth */
        return NULL;

    /* Descend, preferring the left (lower) half, to the node of the order. */
    uint32_t i = 1;
    for (unsigned o = b->depth; o > order; o--)
        i = b->tree[2 * i] >= full(order) ? 2 * i : 2 * i + 1;

    b->tree[i] = 0;
    update_up(b, i, order);
    b->free_bytes -= (uint32_t)1 << (b->min_log2 + order);

    unsigned level = b->depth - order;
    uintptr_t index = i - ((uint32_t)1 << level);
    return (void *)(b->base + (index << (b->min_log2 + order)));
}

/* The node of the live block starting at p, and its order; 0 if none. */
static uint32_t find_block(const struct buddy *b, const void *p, unsigned *order)
{
    uintptr_t a = (uintptr_t)p;
    if (!b->ready || a < b->base || a - b->base >= ((uintptr_t)1 << b->arena_log2))
        return 0;
    uintptr_t off = a - b->base;
    if (off & (((uintptr_t)1 << b->min_log2) - 1))
        return 0;

    uint32_t i = (uint32_t)((1u << b->depth) + (off >> b->min_log2));
    for (unsigned o = 0; o <= b->depth; o++, i >>= 1) {
        if (b->tree[i] == 0) {
            /* The first used node on the way up: p must be its start. */
            if (off & (((uintptr_t)1 << (b->min_log2 + o)) - 1))
                return 0;
            *order = o;
            return i;
        }
    }
    return 0;                               /* p lies in a free block */
}

int buddy_free(struct buddy *b, void *p)
{
    unsigned order;
    uint32_t i = find_block(b, p, &order);
    if (i == 0)
        return -EINVAL;
    b->tree[i] = full(order);
    update_up(b, i, order);
    b->free_bytes += (uint32_t)1 << (b->min_log2 + order);
    return 0;
}

uint32_t buddy_block_size(const struct buddy *b, const void *p)
{
    unsigned order;
    if (find_block(b, p, &order) == 0)
        return 0;
    return (uint32_t)1 << (b->min_log2 + order);
}

uint32_t buddy_free_bytes(const struct buddy *b)
{
    return b->free_bytes;
}
