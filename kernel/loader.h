/*
 * loader.h: finding a program in the program table and loading it.
 *
 * Course idea: loading is copying plus relocation. A program is linked at
 * address 0 (kernel/progimg.h); to run it from a block of memory at some
 * other address the loader copies its text and data into the block and adds
 * the block's address to every word the image lists as holding an address.
 *
 * The block of one process, from its base (offsets below are from there):
 *
 *   0            text        code and read-only data     MPU: read-only, executable
 *   data_offset  data, bss   (text_size rounded up to an eighth of code_size)
 *   stack_guard  guard       32 bytes, no access: catches a stack overflow
 *   stack_lo     stack       grows down from stack_top
 *   extra_offset extra       argv and its strings, put there by the spawner
 *   heap_offset  heap        SYS_SBRK gives it out from here up to block_size
 *   hidden_lo    hidden      eighths of the block above the break: no access
 *                            for anyone in user mode, not zeroed at spawn;
 *                            SYS_SBRK zeroes and shows each as the break
 *                            reaches it (kernel/sys_proc.c)
 *   block_size   (end)       a power of two >= 2 * code_size, so the code
 *                            region is never the whole block
 *
 * The stack lies below the heap, as in xv6: an overflowing stack runs into
 * its guard, and the heap's room runs to the end of the block, so the most
 * of it is whole eighths that can stay hidden.
 *
 * code_size is a power of two: the text's MPU region, [0, code_size). The
 * MPU splits a region of PROG_PARTS_MIN bytes or more into eighths that can
 * be switched off one by one, so only the eighths the text needs are code;
 * the rest of the code region is the block's (read-write, never
 * executable), and the data starts there, at data_offset. A smaller code
 * region is all code, and the data starts at code_size. The block's eighths
 * that lie wholly above heap_offset are [hidden_lo, hidden_hi) (empty,
 * hidden_lo == hidden_hi == block_size, if there are none): memory a
 * process has not been given yet, so it never sees what was there before.

 * The table is part of the kernel image, made by `mkprog --table`, but the
 * walk still checks every header, so a corrupt table ends the walk instead
 * of sending the kernel to read far away; the kernel checks every image
 * whole once, at boot (prog_index), and loads from that index.
 *
 * Read next: kernel/loader.c, then kernel/uaccess.h (checking the pointers
 * a loaded program hands to the kernel).
 */
#ifndef WEFT_LOADER_H
#define WEFT_LOADER_H

#include <stdint.h>

#include "progimg.h"

/* No image part and no block may be bigger than this (the PSRAM arena). */
#ifndef PROG_MAX_BLOCK
#define PROG_MAX_BLOCK   (16u << 20)
#endif
#define PROG_MIN_STACK   256u       /* bytes, as for SYS_THREAD_CREATE */
#define PROG_MAX_COUNT   64         /* prog_at() gives up after this many */
#define PROG_GUARD_SIZE  32u        /* the smallest MPU region */
#define PROG_PARTS       8u         /* an MPU region's eighths (subregions)... */
#define PROG_PARTS_MIN   256u       /* ...in a region of at least this many bytes */

struct prog_layout {                /* offsets from the block's base, bytes */
    uint32_t code_size;             /* power of two >= max(text_size, 32) */
    uint32_t data_offset;           /* text_size rounded up to code_size / 8,
                                       or code_size if that is below PROG_PARTS_MIN */
    uint32_t data_end;              /* data_offset + data_size + bss_size */
    uint32_t stack_guard;           /* data_end rounded up to 32: PROG_GUARD_SIZE bytes */
    uint32_t stack_lo;              /* stack_guard + 32: lowest stack byte */
    uint32_t stack_top;             /* initial SP, 32-aligned (so 8-aligned) */
    uint32_t extra_offset;          /* == stack_top: start of the extra bytes */
    uint32_t heap_offset;           /* after the extra bytes, rounded up to 8 */
    uint32_t heap_size;             /* from the header: room the block has for it */
    uint32_t hidden_lo, hidden_hi;  /* the eighths of the block above
                                       heap_offset; hi == block_size, and
                                       lo == hi: none */
    uint32_t block_size;            /* power of two: what to ask buddy_alloc() for */
    uint32_t entry;                 /* entry point offset, Thumb bit set */
};

/* The index-th program of the table (0 first), or NULL past the end or at
 * the first header that fails the checks (magic, version, a NUL inside the
 * name, sizes multiples of 4 and each at most PROG_MAX_BLOCK, nrelocs no
 * more than the words of text and data, entry inside text with the Thumb
 * bit). table must be 4-aligned. */
const struct prog_header *prog_at(const void *table, int index);

/* The program called name, or NULL. */
const struct prog_header *prog_find(const void *table, const char *name);

/* ---- Checked once ------------------------------------------------------
 * The table is part of the kernel image and never changes, so the kernel
 * checks it whole once, at boot, and spawns from the checked index without
 * checking again (kernel/proc.c). */

/* Everything prog_layout() and prog_load() would refuse h for: the checks
 * of prog_at(), a stack below PROG_MIN_STACK, a name not zero-padded after
 * its NUL (prog_lookup() compares whole words), relocation parts that do not
 * add up to nrelocs, a relocation that is not an aligned word of its part's
 * section (text or data), or whose word's linked value does not point where
 * its part says (progimg.h). 0 or -EINVAL. */
int prog_check(const struct prog_header *h);

/* Fills index[0..max) with the table's programs in order, each one passing
 * prog_check(); stops at the end of the table or at the first that fails
 * (the table is corrupt from there). Returns how many. */
int prog_index(const void *table, const struct prog_header **index, int max);

/* The program called name among the n of index (each one passed
 * prog_check(), so its name is zero-padded), or NULL. */
const struct prog_header *prog_lookup(const struct prog_header *const *index, int n,
                                      const char *name);

/* Computes where everything goes in a block for program h, with `extra`
 * bytes reserved at the top for the argument vector. 0; -EINVAL for a
 * header that fails the checks of prog_at() or a stack below
 * PROG_MIN_STACK; -ENOMEM if the block would exceed PROG_MAX_BLOCK. */
int prog_layout(const struct prog_header *h, uint32_t extra, struct prog_layout *out);

/* Fills the block [base, base + l->block_size), which must be aligned to at
 * least 4 and laid out by prog_layout() for this h: zeroes it but for the
 * hidden eighths (a process never sees what the previous owner left; the
 * hidden ones it cannot see until SYS_SBRK zeroes them), copies text and
 * data, and relocates. Every relocation is checked before anything is written; on
 * -EINVAL (a corrupt image or a layout that does not fit h) the block is
 * untouched, and nothing outside it is ever written. Relocated words hold
 * the low 32 bits of the address: the board's addresses are 32 bits. */
int prog_load(const struct prog_header *h, uint8_t *base, const struct prog_layout *l);

/* The same two for an h that passed prog_check(), and (for the load) a
 * layout prog_layout_checked() made for it: the same results, without the
 * checks. prog_layout_checked() still refuses a block that would be too big
 * (-ENOMEM): `extra` is new on every spawn. */
int prog_layout_checked(const struct prog_header *h, uint32_t extra, struct prog_layout *out);
void prog_load_checked(const struct prog_header *h, uint8_t *base, const struct prog_layout *l);

#endif
