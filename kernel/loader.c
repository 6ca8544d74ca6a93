/*
 * loader.c: the program table walk, the block layout and the loader (see
 * loader.h for the layout drawing and the contracts).
 *
 * Arithmetic on sizes taken from an image is done in 64 bits: every input
 * is below 2^32, so a sum of a few of them cannot wrap, and a result above
 * PROG_MAX_BLOCK is refused before it is narrowed back to 32 bits.
 *
 * Read next: kernel/uaccess.c.
 */
#include "loader.h"
#include "errno.h"

#include <stddef.h>
#include <string.h>

static uint64_t round_up(uint64_t x, uint64_t align)   /* align: a power of 2 */
{
    return (x + align - 1) & ~(align - 1);
}

static uint64_t pow2_at_least(uint64_t x)
{
    uint64_t p = 1;
    while (p < x)
        p <<= 1;
    return p;
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
    h = (const struct prog_header *)p;  /* < 4 * PROG_MAX_BLOCK + 52 on: no wrap */
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

int prog_layout(const struct prog_header *h, uint32_t extra, struct prog_layout *out)
{
    if (!header_ok(h) || h->stack_size < PROG_MIN_STACK)
        return -EINVAL;
    if (extra > PROG_MAX_BLOCK)
        return -ENOMEM;

    uint64_t code = pow2_at_least(h->text_size < 32 ? 32 : h->text_size);
    uint64_t data_end = code + h->data_size + h->bss_size;
    uint64_t heap = round_up(data_end, 8);
    uint64_t guard = round_up(heap + h->heap_size, PROG_GUARD_SIZE);
    uint64_t stack = round_up(h->stack_size, PROG_GUARD_SIZE);
    uint64_t top_part = PROG_GUARD_SIZE + stack + round_up(extra, PROG_GUARD_SIZE);
    uint64_t block = pow2_at_least(guard + top_part);
    if (block < 2 * code)
        block = 2 * code;
    if (block > PROG_MAX_BLOCK)
        return -ENOMEM;

    /* The stack and the extra bytes sit at the very top; any slack lies
     * between the heap and the guard, where SYS_SBRK can use it. */
    out->code_size = (uint32_t)code;
    out->data_offset = (uint32_t)code;
    out->data_end = (uint32_t)data_end;
    out->heap_offset = (uint32_t)heap;
    out->heap_size = h->heap_size;
    out->extra_offset = (uint32_t)(block - round_up(extra, PROG_GUARD_SIZE));
    out->stack_top = out->extra_offset;
    out->stack_lo = (uint32_t)(out->stack_top - stack);
    out->stack_guard = out->stack_lo - PROG_GUARD_SIZE;
    out->block_size = (uint32_t)block;
    out->entry = h->entry;
    return 0;
}

/* The block offset of the word at linked address off (text or data). */
static uint32_t place_of(const struct prog_header *h, const struct prog_layout *l, uint32_t off)
{
    return off < h->text_size ? off : l->data_offset + (off - h->text_size);
}

int prog_load(const struct prog_header *h, uint8_t *base, const struct prog_layout *l)
{
    if (!header_ok(h) || ((uintptr_t)base & 3) != 0)
        return -EINVAL;
    /* The layout must be one prog_layout() could have made for h. */
    if (l->block_size > PROG_MAX_BLOCK || l->data_offset < h->text_size ||
        l->data_offset % 4 != 0 ||
        (uint64_t)l->data_offset + h->data_size + h->bss_size > l->block_size)
        return -EINVAL;

    const uint8_t *text = (const uint8_t *)(h + 1);
    const uint8_t *data = text + h->text_size;
    const uint8_t *relocs = data + h->data_size;
    uint32_t linked_end = h->text_size + h->data_size;

    for (uint32_t i = 0; i < h->nrelocs; i++) {
        uint32_t off;
        memcpy(&off, relocs + 4 * i, 4);
        if (off % 4 != 0 || off >= linked_end)   /* linked_end is 4-aligned */
            return -EINVAL;
    }

    /* Every byte the two copies do not cover is zeroed: a process never
     * sees what the block's previous owner left there. */
    uint32_t data_end = l->data_offset + h->data_size;
    memcpy(base, text, h->text_size);
    memset(base + h->text_size, 0, l->data_offset - h->text_size);
    memcpy(base + l->data_offset, data, h->data_size);
    memset(base + data_end, 0, l->block_size - data_end);

    /* A word's value says which section it points into, and so how far it
     * moves: text moved to base, data and bss to base + data_offset. */
    uint32_t text_at = (uint32_t)(uintptr_t)base;
    uint32_t data_at = (uint32_t)(uintptr_t)base + l->data_offset;
    for (uint32_t i = 0; i < h->nrelocs; i++) {
        uint32_t off, v;
        memcpy(&off, relocs + 4 * i, 4);
        uint8_t *word = base + place_of(h, l, off);
        memcpy(&v, word, 4);
        v = v < h->text_size ? v + text_at : v - h->text_size + data_at;
        memcpy(word, &v, 4);
    }
    return 0;
}
