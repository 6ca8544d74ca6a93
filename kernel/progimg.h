/*
 * progimg.h: the format of a weft program image.
 *
 * Course idea: a program is a file; a process is that program running in
 * memory of its own. On a machine without virtual memory every process's
 * code must be moved to wherever its memory happens to be, so a program is
 * linked at address 0 and carries the list of words that hold addresses
 * (its relocations). tools/mkprog.c makes an image from an ELF file linked
 * with `-Wl,-q`; kernel/loader.c loads it.
 *
 * Layout of one image (all fields little-endian, 4-byte aligned):
 *
 *   struct prog_header
 *   text    text_size bytes: code and read-only data, linked at 0
 *   data    data_size bytes: initialised data, linked at text_size
 *   relocs  nrelocs uint32_t: offsets (in the linked address space) of the
 *           32-bit words to which the load address must be added, in four
 *           parts (relocs_in[] says how many in each): words in text that
 *           point into text, words in text that point into data, words in
 *           data that point into text, words in data that point into data
 *
 * The loader puts text at the start of the process's block (made read-only
 * and executable by the MPU) and data at data_offset, which may be further
 * up than text_size: an MPU region must be a power of two aligned to its
 * size, so the data starts at the next such boundary. Hence each relocated
 * word is moved by the displacement of the section its *value* points into:
 * a value below text_size points into text, anything else into data or bss.
 * mkprog looks at each word once, at build time, and puts it in its part,
 * so the loader moves a whole part by one displacement without looking at
 * any word's value (the kernel checks each part's words once, at boot).
 *
 * A program table is images one after the other, each starting 4-aligned,
 * ended by a header whose magic is 0.
 */
#ifndef WEFT_PROGIMG_H
#define WEFT_PROGIMG_H

#include <stdint.h>

#define PROG_MAGIC   0x54464557u    /* "WEFT" */
#define PROG_VERSION 2u
#define PROG_NAME_LEN 16

/* Where a relocated word lies, and where the address it holds points. */
enum reloc_part {
    RELOC_TEXT_TO_TEXT, RELOC_TEXT_TO_DATA, RELOC_DATA_TO_TEXT, RELOC_DATA_TO_DATA,
    RELOC_PARTS
};

struct prog_header {
    uint32_t magic;                 /* PROG_MAGIC */
    uint32_t version;               /* PROG_VERSION */
    char name[PROG_NAME_LEN];       /* NUL-terminated */
    uint32_t text_size;             /* bytes, a multiple of 4 */
    uint32_t data_size;             /* bytes, a multiple of 4 */
    uint32_t bss_size;              /* bytes to zero after data */
    uint32_t entry;                 /* linked address of _start, Thumb bit set */
    uint32_t nrelocs;
    uint32_t stack_size;            /* main thread's stack, bytes */
    uint32_t heap_size;             /* initial room for malloc, bytes */
    uint32_t relocs_in[RELOC_PARTS]; /* how many relocs in each part; their
                                       sum is nrelocs */
};

/* Bytes from one header to the next in a program table. */
static inline uint32_t prog_image_bytes(const struct prog_header *h)
{
    return (uint32_t)sizeof *h + h->text_size + h->data_size + 4 * h->nrelocs;
}

#endif
