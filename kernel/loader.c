/*
 * loader.c: the program table walk, the block layout and the loader (see
 * loader.h for the layout drawing and the contracts).
 *
 * Arithmetic on sizes taken from an image is done only after header_ok()
 * has held each of them to PROG_MAX_BLOCK (at most 2^28, below): a sum of
 * up to eight of them is below 2^31, so nothing wraps in 32 bits, and a
 * result above PROG_MAX_BLOCK is refused.
 *
 * Read next: kernel/uaccess.c.
 */
#include "loader.h"
#include "errno.h"

#include <stddef.h>
#include <string.h>

_Static_assert(PROG_MAX_BLOCK <= (1u << 28), "the layout's sums fit in 32 bits");

static uint32_t round_up(uint32_t x, uint32_t align)   /* align: a power of 2 */
{
    return (x + align - 1) & ~(align - 1);
}

static uint32_t pow2_at_least(uint32_t x)      /* x <= 2^31 */
{
    return x <= 1 ? 1 : 1u << (32 - __builtin_clz(x - 1));
}

/* The checks every header must pass before any of its sizes is trusted. */
static int header_ok(const struct prog_header *h)
{
    if (((uintptr_t)h & 3) != 0 || h->magic != PROG_MAGIC || h->version != PROG_VERSION)
        return 0;
    if (memchr(h->name, '\0', PROG_NAME_LEN) == NULL || h->name[0] == '\0')
        return 0;
    if (h->text_size % 4 || h->data_size % 4 || h->text_size == 0 ||
        h->text_size > PROG_MAX_BLOCK || h->data_size > PROG_MAX_BLOCK ||
        h->bss_size > PROG_MAX_BLOCK || h->stack_size > PROG_MAX_BLOCK ||
        h->heap_size > PROG_MAX_BLOCK)
        return 0;
    /* Each relocation names a distinct word of text or data. */
    if (h->nrelocs > (h->text_size + h->data_size) / 4)
        return 0;
    if ((h->entry & 1) == 0 || h->entry - 1 >= h->text_size)
        return 0;
    return 1;
}

/* The first header of the table, or the one after h; NULL at the end of
 * the table or at a header that fails the checks. One step of the walk. */
static const struct prog_header *walk(const void *table, const struct prog_header *h)
{
    const uint8_t *p = h ? (const uint8_t *)h + prog_image_bytes(h) : table;
    h = (const struct prog_header *)p;  /* < 4 * PROG_MAX_BLOCK + 68 on: no wrap */
    return header_ok(h) ? h : NULL;     /* also the zeroed end marker */
}

const struct prog_header *prog_at(const void *table, int index)
{
    if (table == NULL || index < 0 || index >= PROG_MAX_COUNT)
        return NULL;
    const struct prog_header *h = walk(table, NULL);
    for (int i = 0; h && i < index; i++)
        h = walk(table, h);
    return h;
}

/* One pass, each header checked once (a lookup per index would check the
 * first headers again for every later one). */
const struct prog_header *prog_find(const void *table, const char *name)
{
    if (table == NULL)
        return NULL;
    const struct prog_header *h = walk(table, NULL);
    for (int i = 0; h && i < PROG_MAX_COUNT; i++, h = walk(table, h))
        if (strncmp(h->name, name, PROG_NAME_LEN) == 0)
            return h;
    return NULL;
}

/* The parts (progimg.h) add up to nrelocs, and every relocation names an
 * aligned word of its part's section whose linked value points where its
 * part says: the judgement the loader no longer makes word by word. */
static int relocs_ok(const struct prog_header *h)
{
    const uint8_t *text = (const uint8_t *)(h + 1);
    const uint8_t *relocs = text + h->text_size + h->data_size;
    uint32_t text_size = h->text_size;
    uint32_t linked_end = text_size + h->data_size;        /* 4-aligned */
    uint64_t sum = 0;
    for (int k = 0; k < RELOC_PARTS; k++)
        sum += h->relocs_in[k];
    if (sum != h->nrelocs)
        return 0;
    uint32_t i = 0;
    for (int k = 0; k < RELOC_PARTS; k++) {
        int in_text = k == RELOC_TEXT_TO_TEXT || k == RELOC_TEXT_TO_DATA;
        int to_text = k == RELOC_TEXT_TO_TEXT || k == RELOC_DATA_TO_TEXT;
        for (uint32_t end = i + h->relocs_in[k]; i < end; i++) {
            uint32_t off, v;
            memcpy(&off, relocs + 4 * i, 4);
            if (off % 4 != 0 || off >= linked_end || (off < text_size) != in_text)
                return 0;
            memcpy(&v, text + off, 4);  /* data follows text in the image */
            if ((v < text_size) != to_text)
                return 0;
        }
    }
    return 1;
}

/* The name is zero-padded after its NUL (as mkprog writes it), so that
 * prog_lookup() can compare whole words. */
static int name_padded(const struct prog_header *h)
{
    const char *end = memchr(h->name, '\0', PROG_NAME_LEN);   /* header_ok found one */
    while (++end < h->name + PROG_NAME_LEN)
        if (*end != '\0')
            return 0;
    return 1;
}

int prog_check(const struct prog_header *h)
{
    return header_ok(h) && h->stack_size >= PROG_MIN_STACK && name_padded(h) && relocs_ok(h)
           ? 0 : -EINVAL;
}

int prog_index(const void *table, const struct prog_header **index, int max)
{
    int n = 0;
    for (const struct prog_header *h = prog_at(table, 0); h && n < max; h = walk(table, h)) {
        if (prog_check(h) != 0)
            break;                  /* the table is corrupt from here on */
        index[n++] = h;
    }
    return n;
}

/* The word at p (4-aligned): four bytes of a name. */
static uint32_t word_at(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Both names are zero-padded to PROG_NAME_LEN (the table's: prog_check()),
 * so they are equal if and only if their four words are; most programs'
 * names differ from the one looked for in the first. */
const struct prog_header *prog_lookup(const struct prog_header *const *index, int n,
                                      const char *name)
{
    uint32_t key[PROG_NAME_LEN / 4] = { 0 };
    char *padded = (char *)key;
    for (int i = 0; name[i] != '\0'; i++) {
        if (i == PROG_NAME_LEN - 1)
            return NULL;            /* too long to be any program's name */
        padded[i] = name[i];
    }
    for (int i = 0; i < n; i++) {
        const char *c = index[i]->name;
        if (word_at(c) == key[0] && word_at(c + 4) == key[1] && word_at(c + 8) == key[2] &&
            word_at(c + 12) == key[3])
            return index[i];
    }
    return NULL;
}

int prog_layout(const struct prog_header *h, uint32_t extra, struct prog_layout *out)
{
    if (!header_ok(h) || h->stack_size < PROG_MIN_STACK)
        return -EINVAL;
    return prog_layout_checked(h, extra, out);
}

int prog_layout_checked(const struct prog_header *h, uint32_t extra, struct prog_layout *out)
{
    if (extra > PROG_MAX_BLOCK)
        return -ENOMEM;

    uint32_t code = pow2_at_least(h->text_size < 32 ? 32 : h->text_size);
    uint32_t data_at = code >= PROG_PARTS_MIN ? round_up(h->text_size, code / PROG_PARTS) : code;
    uint32_t data_end = data_at + h->data_size + h->bss_size;
    uint32_t guard = round_up(data_end, PROG_GUARD_SIZE);
    uint32_t stack_top = guard + PROG_GUARD_SIZE + round_up(h->stack_size, PROG_GUARD_SIZE);
    uint32_t heap = round_up(stack_top + extra, 8);
    uint32_t block = pow2_at_least(heap + h->heap_size);
    if (block < 2 * code)
        block = 2 * code;
    if (block > PROG_MAX_BLOCK)
        return -ENOMEM;

    /* The heap is last: any slack up to the end of the block is sbrk's. */
    out->code_size = code;
    out->data_offset = data_at;
    out->data_end = data_end;
    out->stack_guard = guard;
    out->stack_lo = guard + PROG_GUARD_SIZE;
    out->stack_top = stack_top;
    out->extra_offset = stack_top;
    out->heap_offset = heap;
    out->heap_size = h->heap_size;
    out->block_size = block;
    out->entry = h->entry;

    /* The eighths of the block above the heap's start: all sbrk's room. */
    uint32_t part = out->block_size / PROG_PARTS;
    out->hidden_lo = round_up(heap, part);
    out->hidden_hi = out->block_size;
    if (block < PROG_PARTS_MIN || out->hidden_lo >= out->hidden_hi)
        out->hidden_lo = out->hidden_hi = out->block_size;
    return 0;
}

/* The word loops below move one word per instruction pair (an LDR and an
 * STR, or an STR alone): volatile, so that each is a single word access as
 * written, never a call to memset, never paired or multiple transfers
 * (LDRD/STRD, LDM/STM), which the instruction count would flatter; on a
 * Cortex-M3 those move a word no faster anyway. Thirty-two words a pass,
 * as an unrolled memset's or memcpy's inner loop does: the loop's own
 * three instructions, spread over 32 words, cost almost nothing. */
#define WORDS_A_PASS 32

/* Zero the words [p, end). */
static void zero_words(uint32_t *p, uint32_t *end)
{
    volatile uint32_t *w = p;
    for (; w + WORDS_A_PASS <= end; w += WORDS_A_PASS) {
#pragma GCC unroll 32
        for (int i = 0; i < WORDS_A_PASS; i++)
            w[i] = 0;
    }
    for (; w + 4 <= end; w += 4) {
        w[0] = 0; w[1] = 0; w[2] = 0; w[3] = 0;
    }
    while (w < end)
        *w++ = 0;
}

/* Copy the n words at src to dst. */
static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t n)
{
    volatile uint32_t *d = dst;
    const volatile uint32_t *s = src, *end = src + n;
    for (; s + WORDS_A_PASS <= end; s += WORDS_A_PASS, d += WORDS_A_PASS) {
#pragma GCC unroll 32
        for (int i = 0; i < WORDS_A_PASS; i++)
            d[i] = s[i];
    }
    for (; s + 4 <= end; s += 4, d += 4) {
        d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3];
    }
    while (s < end)
        *d++ = *s++;
}

/* Adds `moves` to each of the n words named by the offsets at `off`, in a
 * section whose linked address 0 is now at `at`. Returns the offsets after
 * these n: the next part's. */
static const uint32_t *relocate(uint8_t *at, const uint32_t *off, uint32_t n, uint32_t moves)
{
    const uint32_t *end = off + n;
#pragma GCC unroll 4
    for (; off < end; off++) {
        uint32_t *word = (uint32_t *)(at + *off);
        *word += moves;
    }
    return off;
}

int prog_load(const struct prog_header *h, uint8_t *base, const struct prog_layout *l)
{
    if (!header_ok(h) || ((uintptr_t)base & 3) != 0)
        return -EINVAL;
    /* The layout must be one prog_layout() could have made for h. */
    uint64_t data_end = (uint64_t)l->data_offset + h->data_size + h->bss_size;
    if (l->block_size > PROG_MAX_BLOCK || l->data_offset < h->text_size ||
        l->data_offset % 4 != 0 || data_end > l->block_size ||
        l->hidden_lo % 4 != 0 || l->hidden_hi % 4 != 0 || l->hidden_lo < data_end ||
        l->hidden_lo > l->hidden_hi || l->hidden_hi > l->block_size)
        return -EINVAL;
    if (!relocs_ok(h))
        return -EINVAL;
    prog_load_checked(h, base, l);
    return 0;
}

void prog_load_checked(const struct prog_header *h, uint8_t *base, const struct prog_layout *l)
{
    const uint8_t *text = (const uint8_t *)(h + 1);
    const uint8_t *data = text + h->text_size;
    const uint32_t *relocs = (const uint32_t *)(data + h->data_size);  /* 4-aligned */

    /* Every byte the two copies do not cover is zeroed, but for the hidden
     * eighths: a process never sees what the block's previous owner left
     * there (the hidden ones are zeroed when SYS_SBRK shows them). Every
     * offset here is a multiple of 4 (sizes are, and the layout's offsets). */
    uint32_t data_end = l->data_offset + h->data_size;
    copy_words((uint32_t *)base, (const uint32_t *)text, h->text_size / 4);
    zero_words((uint32_t *)(base + h->text_size), (uint32_t *)(base + l->data_offset));
    copy_words((uint32_t *)(base + l->data_offset), (const uint32_t *)data, h->data_size / 4);
    zero_words((uint32_t *)(base + data_end), (uint32_t *)(base + l->hidden_lo));
    zero_words((uint32_t *)(base + l->hidden_hi), (uint32_t *)(base + l->block_size));

    /* A relocation's offset (a linked address) says where the word is now:
     * text moved to base, data to base + data_offset. Its part says which
     * section its value points into, and so how far the value moves. */
    uint32_t text_size = h->text_size;
    uint8_t *data_in_block = base + l->data_offset - text_size;
    uint32_t text_moves = (uint32_t)(uintptr_t)base;
    uint32_t data_moves = (uint32_t)(uintptr_t)data_in_block;
    const uint32_t *n = h->relocs_in;
    relocs = relocate(base, relocs, n[RELOC_TEXT_TO_TEXT], text_moves);
    relocs = relocate(base, relocs, n[RELOC_TEXT_TO_DATA], data_moves);
    relocs = relocate(data_in_block, relocs, n[RELOC_DATA_TO_TEXT], text_moves);
    relocate(data_in_block, relocs, n[RELOC_DATA_TO_DATA], data_moves);
}
