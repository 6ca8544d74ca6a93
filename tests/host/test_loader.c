/*
 * test_loader.c: a real ARM program, turned into an image by mkprog and
 * loaded at a host address, comes out with every address word moved right.
 *
 * Course idea: relocation, checked end to end. The fixture
 * tests/host/fixtures/relocme.c is compiled for the board and linked at 0
 * (linker/app.ld, -Wl,-q); the make rule runs tools/mkprog on it. Here it
 * is loaded into a block in the low 4 GiB of this process (the image's
 * words are 32 bits wide), so the relocated pointers can be followed: to a
 * string in the text, to 42 in the data, to zeroes in the bss. Corrupt
 * images and tables must be refused without a byte written outside the
 * block, and mkprog must refuse relocations the loader cannot apply.
 *
 * Read next: kernel/loader.h, tools/mkprog.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "../../kernel/errno.h"
#include "../../kernel/loader.h"

static uint8_t *load_file(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 16);     /* 16-aligned, as a table must be 4-aligned */
    assert_non_null(buf);
    *size = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static uint32_t word(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* ---- The table ----------------------------------------------------------------- */

static void test_table_walk_finds_both_programs(void **state)
{
    (void)state;
    size_t tsize, isize;
    uint8_t *table = load_file("table.bin", &tsize);
    uint8_t *image = load_file("relocme.prog", &isize);
    const struct prog_header *a = prog_at(table, 0), *b = prog_at(table, 1);

    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_equal(a, table);
    assert_int_equal(memcmp(a, image, isize), 0);       /* copied unchanged */
    assert_int_equal(prog_image_bytes(a), isize);
    assert_ptr_equal(b, table + isize);
    assert_int_equal(tsize, 2 * isize + sizeof(struct prog_header));
    assert_string_equal(a->name, "relocme");
    assert_int_equal(a->stack_size, 2048);              /* mkprog's defaults */
    assert_int_equal(a->heap_size, 4096);
    assert_string_equal(b->name, "second");
    assert_int_equal(b->stack_size, 4096);
    assert_int_equal(b->heap_size, 0);
    assert_int_equal(b->text_size, a->text_size);
    assert_null(prog_at(table, 2));                     /* the zeroed end */
    assert_null(prog_at(table, -1));
    assert_ptr_equal(prog_find(table, "second"), b);
    assert_ptr_equal(prog_find(table, "relocme"), a);
    assert_null(prog_find(table, "relocm"));
    assert_null(prog_find(table, "nope"));
    free(table);
    free(image);
}

static void test_corrupt_tables_end_the_walk(void **state)
{
    (void)state;
    size_t tsize, isize;
    uint8_t *table = load_file("table.bin", &tsize);
    uint8_t *image = load_file("relocme.prog", &isize);
    struct prog_header *b = (struct prog_header *)(table + isize);

    b->magic ^= 1;                                      /* second header broken */
    assert_non_null(prog_at(table, 0));
    assert_null(prog_at(table, 1));
    assert_null(prog_find(table, "second"));
    b->magic ^= 1;

    struct prog_header *a = (struct prog_header *)table;
    struct prog_header saved = *a;
    memset(a->name, 'A', PROG_NAME_LEN);                /* no NUL in the name */
    assert_null(prog_at(table, 0));
    *a = saved;
    a->text_size = 0x7FFFFFFC;                          /* would send the walk far away */
    assert_null(prog_at(table, 1));
    *a = saved;
    a->text_size += 2;                                  /* not a multiple of 4 */
    assert_null(prog_at(table, 0));
    *a = saved;
    a->nrelocs = (a->text_size + a->data_size) / 4 + 1;
    assert_null(prog_at(table, 0));
    *a = saved;
    a->entry = a->text_size + 1;                        /* entry outside the text */
    assert_null(prog_at(table, 0));
    *a = saved;
    a->entry &= ~1u;                                    /* not Thumb */
    assert_null(prog_at(table, 0));
    *a = saved;
    a->version = PROG_VERSION - 1;                      /* the format before */
    assert_null(prog_at(table, 0));
    *a = saved;
    assert_ptr_equal(prog_at(table, 1), b);
    assert_null(prog_at(table + 2, 0));                 /* misaligned table */
    assert_null(prog_at(NULL, 0));
    free(table);
    free(image);
}

/* ---- Layout ---------------------------------------------------------------------- */

static struct prog_header hdr(uint32_t text, uint32_t data, uint32_t bss, uint32_t stack, uint32_t heap)
{
    struct prog_header h = { .magic = PROG_MAGIC, .version = PROG_VERSION, .name = "t",
                             .text_size = text, .data_size = data, .bss_size = bss,
                             .entry = 1, .stack_size = stack, .heap_size = heap };
    return h;
}

static void test_layout_exact_offsets(void **state)
{
    (void)state;
    struct prog_layout l;
    struct prog_header h = hdr(100, 8, 12, 2048, 4096);
    assert_int_equal(prog_layout(&h, 64, &l), 0);
    assert_int_equal(l.code_size, 128);
    assert_int_equal(l.data_offset, 128);    /* below 256 bytes: no eighths */
    assert_int_equal(l.data_end, 148);
    assert_int_equal(l.stack_guard, 160);
    assert_int_equal(l.stack_lo, 192);
    assert_int_equal(l.stack_top, 2240);     /* 192 + 2048 */
    assert_int_equal(l.extra_offset, 2240);
    assert_int_equal(l.heap_offset, 2304);   /* 2240 + 64 */
    assert_int_equal(l.heap_size, 4096);
    assert_int_equal(l.block_size, 8192);
    assert_int_equal(l.entry, 1);
    assert_int_equal(l.hidden_lo, 3072);     /* the eighths of the block wholly */
    assert_int_equal(l.hidden_hi, 8192);     /* above heap_offset */

    /* The smallest program: 32 + 32 + 256 = 320 bytes -> a 512-byte block,
     * the heap (sbrk's room) from the top of the stack to the end. */
    h = hdr(4, 0, 0, 256, 0);
    assert_int_equal(prog_layout(&h, 0, &l), 0);
    assert_int_equal(l.code_size, 32);
    assert_int_equal(l.stack_guard, 32);
    assert_int_equal(l.stack_lo, 64);
    assert_int_equal(l.stack_top, 320);
    assert_int_equal(l.extra_offset, 320);
    assert_int_equal(l.heap_offset, 320);
    assert_int_equal(l.block_size, 512);
    assert_int_equal(l.hidden_lo, 320);
    assert_int_equal(l.hidden_hi, 512);

    h = hdr(3000, 4, 0, 300, 0);             /* stack rounds up to 320 */
    assert_int_equal(prog_layout(&h, 1, &l), 0);
    assert_int_equal(l.code_size, 4096);
    assert_int_equal(l.data_offset, 3072);   /* six eighths of the code region */
    assert_int_equal(l.stack_guard, 3104);
    assert_int_equal(l.stack_top, 3136 + 320);
    assert_int_equal(l.heap_offset, 3464);   /* 3456 + 1, rounded up to 8 */
    assert_int_equal(l.block_size, 8192);    /* twice the code region */
    assert_int_equal(l.hidden_lo, 4096);
    assert_int_equal(l.hidden_hi, 8192);

    /* ubench's shape: 4560 bytes of text in an 8 KiB code region; the data
     * starts at its sixth eighth, not at 8192. */
    h = hdr(4560, 104, 560, 2048, 4096);
    assert_int_equal(prog_layout(&h, 24, &l), 0);
    assert_int_equal(l.code_size, 8192);
    assert_int_equal(l.data_offset, 5120);
    assert_int_equal(l.stack_guard, 5792);
    assert_int_equal(l.heap_offset, 7896);
    assert_int_equal(l.block_size, 16384);
    assert_int_equal(l.hidden_lo, 8192);
    assert_int_equal(l.hidden_hi, 16384);

    /* No eighth lies wholly above the heap's start: none hidden. */
    h = hdr(4, 180, 0, 256, 0);
    assert_int_equal(prog_layout(&h, 0, &l), 0);
    assert_int_equal(l.block_size, 512);
    assert_int_equal(l.heap_offset, 512);
    assert_int_equal(l.hidden_lo, 512);
    assert_int_equal(l.hidden_hi, 512);
}

static void test_layout_refuses_absurd_sizes(void **state)
{
    (void)state;
    struct prog_layout l;
    struct prog_header h = hdr(0, 0, 0, 2048, 0);
    assert_int_equal(prog_layout(&h, 0, &l), -EINVAL);             /* no text */
    h = hdr(102, 0, 0, 2048, 0);
    assert_int_equal(prog_layout(&h, 0, &l), -EINVAL);             /* not 4-aligned */
    h = hdr(100, 0, 0, 255, 0);
    assert_int_equal(prog_layout(&h, 0, &l), -EINVAL);             /* stack too small */
    h = hdr(100, 0, 0, 2048, 16u << 20);
    assert_int_equal(prog_layout(&h, 0, &l), -ENOMEM);             /* heap fills PSRAM */
    h = hdr(100, 0, 0, 2048, (16u << 20) + 4);
    assert_int_equal(prog_layout(&h, 0, &l), -EINVAL);             /* beyond any block */
    h = hdr(8u << 20, 8u << 20, 0, 2048, 0);
    h.entry = 1;
    assert_int_equal(prog_layout(&h, 0, &l), -ENOMEM);
    h = hdr(100, 0, 0xFFFFFFFFu, 2048, 0);
    assert_int_equal(prog_layout(&h, 0, &l), -EINVAL);
    h = hdr(100, 0, 0, 2048, 0);
    assert_int_equal(prog_layout(&h, 0xFFFFFFFFu, &l), -ENOMEM);
    assert_int_equal(prog_layout(&h, (16u << 20) - 1024, &l), -ENOMEM);
    assert_int_equal(prog_layout(&h, (8u << 20) - 4096, &l), 0);
    assert_int_equal(l.block_size, 8u << 20);
}

/* ---- Loading --------------------------------------------------------------------- */

/* A block aligned to its size in the low 4 GiB, with a canary all round. */
static uint8_t *map_low(uint32_t block, uint8_t **map, size_t *map_size)
{
    *map_size = 4 * (size_t)block;
    *map = mmap(NULL, *map_size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    assert_true(*map != MAP_FAILED);
    assert_true((uintptr_t)*map + *map_size <= 0xFFFFFFFFu);
    memset(*map, 0xA5, *map_size);
    uintptr_t b = ((uintptr_t)*map + block + block - 1) & ~((uintptr_t)block - 1);
    return (uint8_t *)b;
}

static int untouched(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xA5)
            return 0;
    return 1;
}

/* Everything outside [base, base + block) is still the canary. */
static int outside_untouched(uint8_t *map, size_t map_size, uint8_t *base, uint32_t block)
{
    return untouched(map, (size_t)(base - map)) &&
           untouched(base + block, map_size - (size_t)(base - map) - block);
}

static const uint8_t *find_magic(const uint8_t *p, uint32_t n, uint32_t magic)
{
    for (uint32_t i = 0; i + 4 <= n; i += 4)
        if (word(p + i) == magic)
            return p + i;
    return NULL;
}

static void test_load_relocates_every_pointer(void **state)
{
    (void)state;
    size_t isize;
    uint8_t *image = load_file("relocme.prog", &isize), *map;
    const struct prog_header *h = (const struct prog_header *)image;
    struct prog_layout l;
    size_t map_size;
    assert_int_equal(prog_layout(h, 64, &l), 0);
    uint8_t *base = map_low(l.block_size, &map, &map_size);
    assert_int_equal(prog_load(h, base, &l), 0);
    assert_true(outside_untouched(map, map_size, base, l.block_size));

    uint32_t b = (uint32_t)(uintptr_t)base, text_end = b + h->text_size;
    uint32_t data = b + l.data_offset, data_end = data + h->data_size;
    uint32_t bss_end = data_end + h->bss_size;
    const uint8_t *d = find_magic(base + l.data_offset, h->data_size, 0xD47A0001u);
    const uint8_t *t = find_magic(base, h->text_size, 0x7E470001u);
    assert_non_null(d);
    assert_non_null(t);

    /* struct dprobe { magic, msg, bss, data, fn, plain } in .data */
    uint32_t msg = word(d + 4), bss = word(d + 8), dat = word(d + 12), fn = word(d + 16);
    assert_true(msg >= b && msg < text_end);
    assert_string_equal((const char *)(uintptr_t)msg, "hello, relocation");
    assert_true(bss >= data_end && bss + 4 <= bss_end);
    assert_int_equal(*(const int *)(uintptr_t)bss, 0);
    assert_true(dat >= data && dat + 4 <= data_end);
    assert_int_equal(*(const int *)(uintptr_t)dat, 42);
    assert_int_equal(fn & 1, 1);
    assert_true(fn > b && fn < text_end);
    assert_int_equal(word(d + 20), 12345);                 /* a number stays put */

    /* struct tprobe { magic, fns[2], data, msg } in the text */
    assert_int_equal(word(t + 4) & 1, 1);
    assert_true(word(t + 4) > b && word(t + 4) < text_end);
    assert_int_equal(word(t + 8), fn);                     /* twice, both ways */
    assert_true(word(t + 4) != fn);
    assert_int_equal(word(t + 12), dat);
    assert_int_equal(word(t + 16), msg);

    /* Words that are not relocations are the image's bytes; the rest is 0. */
    const uint8_t *relocs = image + sizeof *h + h->text_size + h->data_size;
    uint8_t *copy = malloc(l.block_size);
    memcpy(copy, base, l.block_size);
    for (uint32_t i = 0; i < h->nrelocs; i++) {
        uint32_t off = word(relocs + 4 * i);
        uint32_t at = off < h->text_size ? off : l.data_offset + off - h->text_size;
        memset(copy + at, 0, 4);
    }
    const uint8_t *text_img = image + sizeof *h;
    for (uint32_t i = 0; i < h->text_size; i += 4) {
        int relocated = 0;
        for (uint32_t k = 0; k < h->nrelocs; k++)
            relocated |= word(relocs + 4 * k) == i;
        if (!relocated)
            assert_int_equal(word(copy + i), word(text_img + i));
    }
    /* The block was 0xA5 before: the gap after the text and everything
     * after the data must have been zeroed, but for the hidden eighths,
     * which are left as they were (SYS_SBRK zeroes them as it shows them). */
    assert_true(l.hidden_lo < l.hidden_hi);
    for (uint32_t i = h->text_size; i < l.data_offset; i++)
        assert_int_equal(base[i], 0);
    for (uint32_t i = l.data_offset + h->data_size; i < l.block_size; i++)
        assert_int_equal(base[i], i >= l.hidden_lo && i < l.hidden_hi ? 0xA5 : 0);
    assert_true(h->nrelocs >= 8);                          /* the probes' own 8 */
    munmap(map, map_size);
    free(copy);
    free(image);
}

static void test_corrupt_images_leave_the_block_untouched(void **state)
{
    (void)state;
    size_t isize;
    uint8_t *image = load_file("relocme.prog", &isize), *map;
    struct prog_header *h = (struct prog_header *)image;
    struct prog_layout l;
    size_t map_size;
    assert_int_equal(prog_layout(h, 0, &l), 0);
    uint8_t *base = map_low(l.block_size, &map, &map_size);
    uint8_t *relocs = image + sizeof *h + h->text_size + h->data_size;
    uint32_t saved = word(relocs), bad[] = { 2, h->text_size + h->data_size,
                                             h->text_size + h->data_size + h->bss_size,
                                             0xFFFFFFFCu };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(relocs + 4 * (h->nrelocs - 1), &bad[i], 4);   /* the last one: checked first */
        assert_int_equal(prog_load(h, base, &l), -EINVAL);
        assert_true(untouched(map, map_size));
    }
    memcpy(relocs + 4 * (h->nrelocs - 1), &saved, 4);

    struct prog_layout bad_l = l;
    bad_l.data_offset = 0;                                  /* data over the text */
    assert_int_equal(prog_load(h, base, &bad_l), -EINVAL);
    bad_l = l;
    bad_l.block_size = l.data_offset + h->data_size;        /* no room for the bss */
    assert_int_equal(prog_load(h, base, &bad_l), -EINVAL);
    bad_l = l;
    bad_l.hidden_lo = l.data_offset;                        /* would skip the data's zeroing */
    assert_int_equal(prog_load(h, base, &bad_l), -EINVAL);
    bad_l = l;
    bad_l.hidden_hi = l.block_size + 4;                     /* past the block */
    assert_int_equal(prog_load(h, base, &bad_l), -EINVAL);
    bad_l = l;
    bad_l.hidden_lo = l.hidden_hi + 4;                      /* backwards */
    assert_int_equal(prog_load(h, base, &bad_l), -EINVAL);
    assert_int_equal(prog_load(h, base + 2, &l), -EINVAL);  /* misaligned block */
    h->nrelocs = 0xFFFFFFFFu;
    assert_int_equal(prog_load(h, base, &l), -EINVAL);
    assert_true(untouched(map, map_size));
    munmap(map, map_size);
    free(image);
}

/* ---- Checked once, at boot (what the kernel spawns from) ------------------------ */

static void test_index_checks_each_image_once(void **state)
{
    (void)state;
    size_t tsize;
    uint8_t *table = load_file("table.bin", &tsize);
    const struct prog_header *idx[8];
    struct prog_header *a = (struct prog_header *)table;
    struct prog_header *b = (struct prog_header *)(table + prog_image_bytes(a));

    assert_int_equal(prog_index(table, idx, 8), 2);
    assert_ptr_equal(idx[0], prog_at(table, 0));
    assert_ptr_equal(idx[1], prog_at(table, 1));
    assert_int_equal(prog_index(table, idx, 1), 1);       /* no more than max */
    assert_int_equal(prog_index(NULL, idx, 8), 0);
    assert_int_equal(prog_check(a), 0);
    assert_ptr_equal(prog_lookup(idx, 2, "second"), b);
    assert_ptr_equal(prog_lookup(idx, 2, "relocme"), a);
    assert_null(prog_lookup(idx, 2, "relocm"));
    assert_null(prog_lookup(idx, 2, "relocmex"));
    assert_null(prog_lookup(idx, 2, ""));
    assert_null(prog_lookup(idx, 1, "second"));           /* only the n given */

    /* What prog_load would refuse at spawn time is refused here, once. */
    uint8_t *relocs = (uint8_t *)(b + 1) + b->text_size + b->data_size;
    uint32_t saved = word(relocs), bad = b->text_size + b->data_size;
    memcpy(relocs, &bad, 4);                              /* past the data */
    assert_int_equal(prog_check(b), -EINVAL);
    assert_int_equal(prog_index(table, idx, 8), 1);       /* the table ends there */
    memcpy(relocs, &saved, 4);
    bad = 6;                                              /* not a word */
    memcpy(relocs, &bad, 4);
    assert_int_equal(prog_check(b), -EINVAL);
    memcpy(relocs, &saved, 4);
    uint32_t stack = a->stack_size;
    a->stack_size = PROG_MIN_STACK - 8;
    assert_int_equal(prog_check(a), -EINVAL);
    assert_int_equal(prog_index(table, idx, 8), 0);
    a->stack_size = stack;
    a->name[0] = '\0';                                    /* a header check */
    assert_int_equal(prog_check(a), -EINVAL);
    a->name[0] = 'r';
    assert_int_equal(prog_check(a), 0);
    a->name[PROG_NAME_LEN - 1] = 'x';                     /* no NUL: a header check */
    assert_int_equal(prog_check(a), -EINVAL);
    a->name[PROG_NAME_LEN - 1] = '\0';
    a->name[PROG_NAME_LEN - 2] = 'x';                     /* not zero-padded */
    assert_int_equal(prog_check(a), -EINVAL);
    a->name[PROG_NAME_LEN - 2] = '\0';
    assert_int_equal(prog_check(a), 0);
    assert_null(prog_lookup(idx, 2, "relocme-and-a-long-tail"));   /* 16 bytes or more */
    assert_ptr_equal(prog_lookup(idx, 2, "relocme\0x"), a);       /* up to the NUL */
    free(table);
}

/* The loader moves each relocation part by one displacement without
 * looking at the words, so the boot check must refuse a relocation in the
 * wrong part and parts that do not add up. The fixture has words of all
 * four parts (its probes point from text and data into both). */
static void test_relocation_parts_are_checked(void **state)
{
    (void)state;
    size_t isize;
    uint8_t *image = load_file("relocme.prog", &isize);
    struct prog_header *h = (struct prog_header *)image;
    uint32_t *n = h->relocs_in;
    for (int k = 0; k < RELOC_PARTS; k++)
        assert_true(n[k] > 0);
    assert_int_equal(n[0] + n[1] + n[2] + n[3], h->nrelocs);
    assert_int_equal(prog_check(h), 0);

    /* Each boundary moved by one: its word lands in a neighbouring part. */
    for (int k = 0; k + 1 < RELOC_PARTS; k++) {
        n[k]++; n[k + 1]--;
        assert_int_equal(prog_check(h), -EINVAL);
        n[k] -= 2; n[k + 1] += 2;
        assert_int_equal(prog_check(h), -EINVAL);
        n[k]++; n[k + 1]--;
        assert_int_equal(prog_check(h), 0);
    }
    n[RELOC_DATA_TO_DATA]--;                              /* the sum is short */
    assert_int_equal(prog_check(h), -EINVAL);
    n[RELOC_DATA_TO_DATA] += 2;                           /* or long */
    assert_int_equal(prog_check(h), -EINVAL);
    n[RELOC_DATA_TO_DATA]--;
    n[RELOC_TEXT_TO_TEXT] += 0x80000000u;                 /* a sum that wraps */
    n[RELOC_TEXT_TO_DATA] += 0x80000000u;
    assert_int_equal(prog_check(h), -EINVAL);
    free(image);
}

/* prog_layout_checked + prog_load_checked make exactly the block that
 * prog_layout + prog_load make, and write nothing outside it. */
static void test_checked_load_is_the_same_block(void **state)
{
    (void)state;
    size_t isize, map_size;
    uint8_t *image = load_file("relocme.prog", &isize), *map;
    const struct prog_header *h = (const struct prog_header *)image;
    struct prog_layout l, lc;
    assert_int_equal(prog_check(h), 0);
    assert_int_equal(prog_layout(h, 40, &l), 0);
    assert_int_equal(prog_layout_checked(h, 40, &lc), 0);
    assert_memory_equal(&l, &lc, sizeof l);
    assert_int_equal(prog_layout_checked(h, PROG_MAX_BLOCK + 1, &lc), -ENOMEM);

    uint8_t *base = map_low(l.block_size, &map, &map_size);
    assert_int_equal(prog_load(h, base, &l), 0);
    uint8_t *want = malloc(l.block_size);
    assert_non_null(want);
    memcpy(want, base, l.block_size);
    memset(map, 0xA5, map_size);                          /* the old owner's bytes */
    prog_load_checked(h, base, &l);
    assert_memory_equal(base, want, l.block_size);
    assert_true(outside_untouched(map, map_size, base, l.block_size));
    munmap(map, map_size);
    free(want);
    free(image);
}

/* ---- mkprog's refusals ------------------------------------------------------------ */

/* Runs mkprog with args; its exit status, and its stderr in out. */
static int mkprog(const char *args, char *out, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s 2>&1", FIXTURES, MKPROG, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int exists(const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    return stat(path, &st) == 0;
}

static void test_mkprog_refuses_what_cannot_move(void **state)
{
    (void)state;
    char out[1024];
    remove(FIXTURES "/refused.prog");
    assert_int_equal(mkprog("movw.elf movw refused.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "R_ARM_THM_MOVW_ABS_NC (type 47) in .text at offset 0x"));
    assert_false(exists("refused.prog"));
    assert_int_equal(mkprog("crosspart.elf x refused.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "R_ARM_REL32 (type 3) in .data at offset 0x"));
    assert_non_null(strstr(out, "from data into text"));
    assert_int_equal(mkprog("relocme-noq.elf x refused.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "-Wl,-q"));
    assert_int_equal(mkprog("relocme-at100.elf x refused.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "starts at 0x100, not 0"));
    assert_int_equal(mkprog("relocme.prog x refused.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "not an ELF file"));
    assert_int_equal(mkprog("relocme.elf sixteen-chars-xx refused.prog", out, sizeof out), 1);
    assert_int_equal(mkprog("relocme.elf x refused.prog --stack 100", out, sizeof out), 1);
    assert_int_equal(mkprog("relocme.elf x refused.prog --heap -1", out, sizeof out), 1);
    assert_int_equal(mkprog("relocme.elf x refused.prog --bogus 1", out, sizeof out), 1);
    assert_int_equal(mkprog("--table refused.prog relocme.elf", out, sizeof out), 1);
    assert_int_equal(mkprog("--table refused.prog relocme.prog relocme.prog", out, sizeof out), 1);
    assert_non_null(strstr(out, "a second program called \"relocme\""));
    assert_false(exists("refused.prog"));
    assert_int_equal(mkprog("relocme.elf", out, sizeof out), 2);          /* usage */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_walk_finds_both_programs),
        cmocka_unit_test(test_corrupt_tables_end_the_walk),
        cmocka_unit_test(test_layout_exact_offsets),
        cmocka_unit_test(test_layout_refuses_absurd_sizes),
        cmocka_unit_test(test_load_relocates_every_pointer),
        cmocka_unit_test(test_corrupt_images_leave_the_block_untouched),
        cmocka_unit_test(test_index_checks_each_image_once),
        cmocka_unit_test(test_relocation_parts_are_checked),
        cmocka_unit_test(test_checked_load_is_the_same_block),
        cmocka_unit_test(test_mkprog_refuses_what_cannot_move),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
