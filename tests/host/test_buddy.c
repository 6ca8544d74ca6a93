/*
 * test_buddy.c: the buddy allocator splits, aligns, merges and refuses.
 *
 * Course idea: an allocator's promises are exact, so its tests are too:
 * which address comes back, how big the block is, and that after freeing
 * everything the arena is one piece again. The allocator never touches the
 * arena, so these tests manage the board's real PSRAM addresses
 * (0x21000000, 16 MiB) without any memory behind them.
 *
 * Read next: kernel/buddy.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../kernel/buddy.h"
#include "../../kernel/errno.h"

#define PSRAM   0x21000000u
#define KIB     1024u
#define MIB     (1024u * 1024u)

static struct buddy b;                      /* 32 KiB of tree: not on the stack */

static uintptr_t A(void *p) { return (uintptr_t)p; }

static void test_init_gives_one_free_arena(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    assert_int_equal(buddy_free_bytes(&b), 16 * MIB);
    assert_int_equal(A(buddy_alloc(&b, 16 * MIB)), PSRAM);
    assert_int_equal(buddy_free_bytes(&b), 0);
    assert_null(buddy_alloc(&b, 1));
    assert_int_equal(buddy_free(&b, (void *)PSRAM), 0);
    assert_int_equal(buddy_free_bytes(&b), 16 * MIB);
}

static void test_bad_configurations_give_an_empty_allocator(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM + 4096, 24, 10);               /* base not aligned */
    assert_int_equal(buddy_free_bytes(&b), 0);
    assert_null(buddy_alloc(&b, 1));
    assert_int_equal(buddy_free(&b, (void *)(PSRAM + 4096)), -EINVAL);
    buddy_init(&b, 0, 25, 10);                          /* tree too small */
    assert_null(buddy_alloc(&b, 1));
    assert_int_equal(buddy_free(&b, NULL), -EINVAL);
    buddy_init(&b, PSRAM, 10, 11);                      /* min > arena */
    assert_null(buddy_alloc(&b, 1));
}

static void test_sizes_round_up_to_a_power_of_two(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    void *p0 = buddy_alloc(&b, 0), *p1 = buddy_alloc(&b, 1), *p2 = buddy_alloc(&b, 1025);
    void *p3 = buddy_alloc(&b, 4096), *p4 = buddy_alloc(&b, 4097);
    assert_int_equal(buddy_block_size(&b, p0), 1 * KIB);
    assert_int_equal(buddy_block_size(&b, p1), 1 * KIB);
    assert_int_equal(buddy_block_size(&b, p2), 2 * KIB);
    assert_int_equal(buddy_block_size(&b, p3), 4 * KIB);
    assert_int_equal(buddy_block_size(&b, p4), 8 * KIB);
    assert_int_equal(buddy_free_bytes(&b), 16 * MIB - 16 * KIB);
    assert_null(buddy_alloc(&b, 16 * MIB + 1));
    assert_null(buddy_alloc(&b, 0xFFFFFFFFu));
}

static void test_split_gives_lowest_addresses_first(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    assert_int_equal(A(buddy_alloc(&b, 1 * KIB)), PSRAM);
    assert_int_equal(A(buddy_alloc(&b, 1 * KIB)), PSRAM + 1 * KIB);
    assert_int_equal(A(buddy_alloc(&b, 4 * KIB)), PSRAM + 4 * KIB);    /* 2K..4K stays free */
    assert_int_equal(A(buddy_alloc(&b, 2 * KIB)), PSRAM + 2 * KIB);
    assert_int_equal(A(buddy_alloc(&b, 8 * MIB)), PSRAM + 8 * MIB);
    assert_int_equal(A(buddy_alloc(&b, 1 * KIB)), PSRAM + 8 * KIB);
}

static void test_free_merges_buddies_back(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    void *a = buddy_alloc(&b, 1 * KIB), *c = buddy_alloc(&b, 1 * KIB);
    /* While c is live, its buddy a cannot merge: a 2 KiB block must come from elsewhere. */
    assert_int_equal(buddy_free(&b, a), 0);
    assert_int_equal(A(buddy_alloc(&b, 2 * KIB)), PSRAM + 2 * KIB);
    assert_int_equal(buddy_free(&b, (void *)(PSRAM + 2 * KIB)), 0);
    assert_int_equal(buddy_free(&b, c), 0);
    /* Now everything merged: the whole arena is one block again. */
    assert_int_equal(A(buddy_alloc(&b, 16 * MIB)), PSRAM);
}

static void test_blocks_are_aligned_to_their_size(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    uint32_t sizes[] = { 1000, 3000, 70000, 5000, 1, 600000, 2048, 9000, 131072 };
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = buddy_alloc(&b, sizes[i]);
        uint32_t sz = buddy_block_size(&b, p);
        assert_non_null(p);
        assert_true(sz >= sizes[i] && sz >= KIB && (sz & (sz - 1)) == 0);
        assert_int_equal((A(p) - PSRAM) % sz, 0);
        assert_int_equal(A(p) % sz, 0);       /* PSRAM is 16 MiB aligned: the MPU's rule */
    }
}

static void test_exhaustion_then_full_recovery(void **state)
{
    (void)state;
    static void *blocks[16384];
    buddy_init(&b, PSRAM, 24, 10);
    for (unsigned i = 0; i < 16384; i++) {
        blocks[i] = buddy_alloc(&b, KIB);
        assert_int_equal(A(blocks[i]), PSRAM + i * KIB);
    }
    assert_null(buddy_alloc(&b, 1));
    assert_int_equal(buddy_free_bytes(&b), 0);
    for (unsigned i = 0; i < 16384; i += 2)           /* every other: no merge possible */
        assert_int_equal(buddy_free(&b, blocks[i]), 0);
    assert_int_equal(buddy_free_bytes(&b), 8 * MIB);
    assert_null(buddy_alloc(&b, 2 * KIB));              /* fragmented */
    for (unsigned i = 1; i < 16384; i += 2)
        assert_int_equal(buddy_free(&b, blocks[i]), 0);
    assert_int_equal(buddy_free_bytes(&b), 16 * MIB);
    assert_int_equal(A(buddy_alloc(&b, 16 * MIB)), PSRAM);
}

static void test_bad_frees_are_refused_and_change_nothing(void **state)
{
    (void)state;
    buddy_init(&b, PSRAM, 24, 10);
    void *p = buddy_alloc(&b, 4 * KIB);
    void *q = buddy_alloc(&b, 1 * KIB);
    uint32_t before = buddy_free_bytes(&b);
    assert_int_equal(buddy_free(&b, (char *)p + 1 * KIB), -EINVAL);   /* inside a block */
    assert_int_equal(buddy_free(&b, (char *)p + 1), -EINVAL);
    assert_int_equal(buddy_free(&b, (void *)(PSRAM + 8 * MIB)), -EINVAL);  /* free memory */
    assert_int_equal(buddy_free(&b, (void *)(PSRAM - KIB)), -EINVAL);  /* below the arena */
    assert_int_equal(buddy_free(&b, (void *)(PSRAM + 16 * MIB)), -EINVAL);  /* just past it */
    assert_int_equal(buddy_free(&b, NULL), -EINVAL);
    assert_int_equal(buddy_free_bytes(&b), before);
    assert_int_equal(buddy_block_size(&b, (char *)p + 1 * KIB), 0);
    assert_int_equal(buddy_free(&b, p), 0);
    assert_int_equal(buddy_free(&b, p), -EINVAL);                     /* double free */
    assert_int_equal(buddy_block_size(&b, p), 0);
    assert_int_equal(buddy_free_bytes(&b), before + 4 * KIB);
    assert_int_equal(buddy_block_size(&b, q), 1 * KIB);
    assert_int_equal(buddy_free(&b, q), 0);
    assert_int_equal(buddy_free_bytes(&b), 16 * MIB);
}

/* A small arena with 16-byte minimum blocks, so the stress test can keep a
 * byte map of ownership and check every block against it. */
#define S_LOG2   14                         /* 16 KiB arena, 1024 min blocks */
#define S_MIN    4
#define S_BASE   0x40000u

static void test_random_stress_keeps_the_invariants(void **state)
{
    (void)state;
    enum { SLOTS = 64, MINB = 1u << (S_LOG2 - S_MIN) };
    static uint8_t owner[MINB];             /* slot + 1 owning each min block, 0 free */
    uintptr_t live[SLOTS] = { 0 };
    uint32_t size[SLOTS] = { 0 }, used = 0;
    srand(12345);
    buddy_init(&b, S_BASE, S_LOG2, S_MIN);
    for (int step = 0; step < 200000; step++) {
        int s = rand() % SLOTS;
        if (live[s] == 0) {
            uint32_t want = 1 + (uint32_t)rand() % (1u << (rand() % (S_LOG2 - 1)));
            void *p = buddy_alloc(&b, want);
            if (p == NULL)
                continue;
            uint32_t sz = buddy_block_size(&b, p);
            assert_true(sz >= want && (A(p) - S_BASE) % sz == 0);
            assert_true(A(p) >= S_BASE && A(p) + sz <= S_BASE + (1u << S_LOG2));
            for (uint32_t i = (A(p) - S_BASE) >> S_MIN; i < (A(p) + sz - S_BASE) >> S_MIN; i++) {
                assert_int_equal(owner[i], 0);           /* no overlap with a live block */
                owner[i] = (uint8_t)(s + 1);
            }
            live[s] = A(p);
            size[s] = sz;
            used += sz;
        } else {
            for (uint32_t i = (live[s] - S_BASE) >> S_MIN; i < (live[s] + size[s] - S_BASE) >> S_MIN; i++)
                owner[i] = 0;
            assert_int_equal(buddy_block_size(&b, (void *)live[s]), size[s]);
            assert_int_equal(buddy_free(&b, (void *)live[s]), 0);
            used -= size[s];
            live[s] = 0;
        }
        assert_int_equal(buddy_free_bytes(&b), (1u << S_LOG2) - used);
    }
    for (int s = 0; s < SLOTS; s++)
        if (live[s])
            assert_int_equal(buddy_free(&b, (void *)live[s]), 0);
    assert_int_equal(buddy_free_bytes(&b), 1u << S_LOG2);
    assert_int_equal(A(buddy_alloc(&b, 1u << S_LOG2)), S_BASE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_gives_one_free_arena),
        cmocka_unit_test(test_bad_configurations_give_an_empty_allocator),
        cmocka_unit_test(test_sizes_round_up_to_a_power_of_two),
        cmocka_unit_test(test_split_gives_lowest_addresses_first),
        cmocka_unit_test(test_free_merges_buddies_back),
        cmocka_unit_test(test_blocks_are_aligned_to_their_size),
        cmocka_unit_test(test_exhaustion_then_full_recovery),
        cmocka_unit_test(test_bad_frees_are_refused_and_change_nothing),
        cmocka_unit_test(test_random_stress_keeps_the_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
