/*
 * mkprog.c: turns a user program's ELF file into a weft program image, and
 * images into a program table (the formats are in kernel/progimg.h).
 *
 *   mkprog IN.elf NAME OUT.prog [--stack N] [--heap N]
 *   mkprog --table OUT.bin IN1.prog IN2.prog ...
 *
 * Course idea: relocation, done once at build time. The program is linked
 * at address 0 with `-Wl,-q` (linker/app.ld), which keeps every relocation
 * in the output. This tool sorts them into three kinds:
 *
 *   R_ARM_ABS32 in text or data   a word holding an address: its offset
 *                                 goes into the image, the loader adds the
 *                                 load address (kernel/loader.c); the
 *                                 image lists them in four parts, by where
 *                                 the word lies and where it points
 *   PC-relative (calls, branches, the distance between two places does not
 *   literal loads, unwind entries) change when the program moves, so they
 *                                 need nothing, provided place and target
 *                                 are in the same part (text, or data+bss):
 *                                 the loader may move data away from text
 *   anything else                 refused, with its type, section and offset
 *
 * The ELF must be a little-endian ARM executable whose allocated sections
 * start at 0: text (code, read-only data, tables) first, then, from the
 * first writable section that is not code, data at address text_size and
 * bss after it. Anything else (a program linked elsewhere, TLS, dynamic
 * linking, RELA) is refused rather than turned into an image that would go
 * wrong at run time.
 *
 * Read next: kernel/loader.c (the other half: loading an image).
 */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/progimg.h"

/* glibc's <elf.h> still spells some relocations by their pre-AAELF names. */
#ifndef R_ARM_THM_CALL
#define R_ARM_THM_CALL   R_ARM_THM_PC22     /* 10: BL, BLX */
#endif
#ifndef R_ARM_THM_JUMP11
#define R_ARM_THM_JUMP11 R_ARM_THM_PC11     /* 102: 16-bit B */
#endif
#ifndef R_ARM_THM_JUMP8
#define R_ARM_THM_JUMP8  R_ARM_THM_PC9      /* 103: 16-bit B<cond> */
#endif

#define DEFAULT_STACK 2048u
#define DEFAULT_HEAP  4096u
#define MAX_SIZE      (16u << 20)     /* the process arena: nothing is bigger */

static const char *in_name = "mkprog";

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mkprog: %s: ", in_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- Files --------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            die("out of memory");
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f))
        die("read error");
    fclose(f);
    *size = n;
    return buf;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- The ELF file -------------------------------------------------------- */

/* The host is assumed little-endian like the target (checked in main), so
 * the <elf.h> structs are read in place after a bounds check. */
static const uint8_t *elf;
static size_t elf_size;
static const Elf32_Ehdr *eh;
static const Elf32_Shdr *sh;           /* section headers */

static const void *at(uint64_t off, uint64_t len, const char *what)
{
    if (off > elf_size || len > elf_size - off)
        die("truncated ELF file (%s)", what);
    return elf + off;
}

static const char *sec_name(unsigned i)
{
    if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
        return "?";
    const Elf32_Shdr *s = &sh[eh->e_shstrndx];
    if (sh[i].sh_name >= s->sh_size)
        return "?";
    const char *str = at(s->sh_offset, s->sh_size, "section names");
    if (memchr(str + sh[i].sh_name, '\0', s->sh_size - sh[i].sh_name) == NULL)
        return "?";
    return str + sh[i].sh_name;
}

static int loaded(unsigned i)
{
    return (sh[i].sh_flags & SHF_ALLOC) && sh[i].sh_size > 0;
}

/* ---- Sorting sections into parts ---------------------------------------- */

enum part { TEXT, DATA };

static uint32_t text_size, data_size, bss_size, image_end;
static uint8_t *text_buf, *data_buf;

/* The part a linked address belongs to. */
static enum part part_of_addr(uint32_t a)
{
    return a < text_size ? TEXT : DATA;
}

static void lay_out_sections(void)
{
    uint32_t text_end = 0, data_lo = UINT32_MAX, data_hi = 0, bss_lo = UINT32_MAX, bss_hi = 0;
    uint32_t lowest = UINT32_MAX;
    int in_data = 0;

    /* Walk the loaded sections in address order, which ld uses for the
     * section header table of an executable; check that it does. */
    uint32_t prev = 0;
    for (unsigned i = 1; i < eh->e_shnum; i++) {
        if (!loaded(i))
            continue;
        const Elf32_Shdr *s = &sh[i];
        const char *name = sec_name(i);
        if (s->sh_flags & SHF_TLS)
            die("section %s is thread-local storage, which weft does not support", name);
        if (s->sh_addr < prev)
            die("section %s at 0x%x is out of address order", name, s->sh_addr);
        if ((uint64_t)s->sh_addr + s->sh_size > MAX_SIZE)
            die("section %s at 0x%x: the program must be linked at 0 and be under 16 MiB "
                "(link with linker/app.ld)", name, s->sh_addr);
        prev = s->sh_addr + s->sh_size;
        if (lowest == UINT32_MAX)
            lowest = s->sh_addr;

        if (!in_data && (s->sh_flags & SHF_WRITE) && !(s->sh_flags & SHF_EXECINSTR))
            in_data = 1;
        if (!in_data) {
            if (s->sh_type == SHT_NOBITS)
                die("section %s has no contents but lies in the read-only text", name);
            text_end = prev;
        } else if (s->sh_type == SHT_NOBITS) {
            if (bss_lo == UINT32_MAX)
                bss_lo = s->sh_addr;
            bss_hi = prev;
        } else {
            if (bss_lo != UINT32_MAX)
                die("section %s has contents but comes after the bss", name);
            if (data_lo == UINT32_MAX)
                data_lo = s->sh_addr;
            data_hi = prev;
        }
    }
    if (lowest != 0)
        die("the first section starts at 0x%x, not 0: link at address 0 (linker/app.ld)",
            lowest == UINT32_MAX ? 0 : lowest);

    text_size = (text_end + 3) & ~3u;
    if (data_lo != UINT32_MAX && data_lo != text_size)
        die("data starts at 0x%x, not right after the text at 0x%x", data_lo, text_size);
    uint32_t data_stop = data_lo != UINT32_MAX ? data_hi : text_size;
    if (bss_lo != UINT32_MAX && bss_lo < text_size)
        die("bss starts at 0x%x, inside the text's last word: end the text 4-aligned", bss_lo);
    if (bss_lo != UINT32_MAX)
        data_stop = bss_lo;                 /* any gap before bss is data padding */
    data_size = (data_stop - text_size + 3) & ~3u;
    image_end = text_size + data_size;
    bss_size = bss_lo != UINT32_MAX && bss_hi > image_end ? bss_hi - image_end : 0;

    /* Copy the contents; gaps stay zero. */
    text_buf = calloc(1, text_size + 4);
    data_buf = calloc(1, data_size + 4);
    if (text_buf == NULL || data_buf == NULL)
        die("out of memory");
    for (unsigned i = 1; i < eh->e_shnum; i++) {
        if (!loaded(i) || sh[i].sh_type == SHT_NOBITS)
            continue;
        const uint8_t *src = at(sh[i].sh_offset, sh[i].sh_size, sec_name(i));
        if (sh[i].sh_addr < text_size)
            memcpy(text_buf + sh[i].sh_addr, src, sh[i].sh_size);
        else
            memcpy(data_buf + (sh[i].sh_addr - text_size), src, sh[i].sh_size);
    }
}

/* Program headers: only loadable segments inside the image, and nothing
 * that asks for a dynamic linker or thread-local storage. */
static void check_segments(void)
{
    if (eh->e_phnum == 0)
        die("no program headers: not a linked executable");
    if (eh->e_phentsize != sizeof(Elf32_Phdr))
        die("unexpected program header size %u", eh->e_phentsize);
    const Elf32_Phdr *ph = at(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof *ph, "program headers");
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        switch (ph[i].p_type) {
        case PT_LOAD:
            if (ph[i].p_memsz == 0)
                break;
            if ((uint64_t)ph[i].p_vaddr + ph[i].p_memsz > (uint64_t)image_end + bss_size)
                die("segment %u (0x%x, 0x%x bytes) lies outside the program's sections "
                    "(linked at 0?)", i, ph[i].p_vaddr, ph[i].p_memsz);
            break;
        case PT_NULL: case PT_NOTE: case PT_PHDR: case PT_GNU_STACK: case PT_ARM_EXIDX:
            break;
        default:
            die("unexpected segment type 0x%x (dynamic linking and TLS are not supported)",
                ph[i].p_type);
        }
    }
}

/* ---- Relocations --------------------------------------------------------- */

static const char *rel_name(unsigned t)
{
    switch (t) {
    case R_ARM_NONE: return "R_ARM_NONE";
    case R_ARM_PC24: return "R_ARM_PC24";
    case R_ARM_ABS32: return "R_ARM_ABS32";
    case R_ARM_REL32: return "R_ARM_REL32";
    case R_ARM_THM_CALL: return "R_ARM_THM_CALL";
    case R_ARM_THM_PC8: return "R_ARM_THM_PC8";
    case R_ARM_CALL: return "R_ARM_CALL";
    case R_ARM_JUMP24: return "R_ARM_JUMP24";
    case R_ARM_THM_JUMP24: return "R_ARM_THM_JUMP24";
    case R_ARM_TARGET1: return "R_ARM_TARGET1";
    case R_ARM_TARGET2: return "R_ARM_TARGET2";
    case R_ARM_V4BX: return "R_ARM_V4BX";
    case R_ARM_PREL31: return "R_ARM_PREL31";
    case R_ARM_MOVW_ABS_NC: return "R_ARM_MOVW_ABS_NC";
    case R_ARM_MOVT_ABS: return "R_ARM_MOVT_ABS";
    case R_ARM_THM_MOVW_ABS_NC: return "R_ARM_THM_MOVW_ABS_NC";
    case R_ARM_THM_MOVT_ABS: return "R_ARM_THM_MOVT_ABS";
    case R_ARM_THM_MOVW_PREL_NC: return "R_ARM_THM_MOVW_PREL_NC";
    case R_ARM_THM_MOVT_PREL: return "R_ARM_THM_MOVT_PREL";
    case R_ARM_THM_JUMP19: return "R_ARM_THM_JUMP19";
    case R_ARM_THM_ALU_PREL_11_0: return "R_ARM_THM_ALU_PREL_11_0";
    case R_ARM_THM_PC12: return "R_ARM_THM_PC12";
    case R_ARM_REL32_NOI: return "R_ARM_REL32_NOI";
    case R_ARM_GOT32: return "R_ARM_GOT32";
    case R_ARM_GOTOFF: return "R_ARM_GOTOFF";
    case R_ARM_GOTPC: return "R_ARM_GOTPC";
    case R_ARM_GOT_PREL: return "R_ARM_GOT_PREL";
    case R_ARM_THM_JUMP11: return "R_ARM_THM_JUMP11";
    case R_ARM_THM_JUMP8: return "R_ARM_THM_JUMP8";
    case R_ARM_TLS_LE32: return "R_ARM_TLS_LE32";
    default: return "an unsupported relocation";
    }
}

/* Relocations whose value is a distance from the place to the target. */
static int pc_relative(unsigned t)
{
    switch (t) {
    case R_ARM_PC24: case R_ARM_REL32: case R_ARM_THM_CALL: case R_ARM_THM_PC8:
    case R_ARM_CALL: case R_ARM_JUMP24: case R_ARM_THM_JUMP24: case R_ARM_PREL31:
    case R_ARM_THM_MOVW_PREL_NC: case R_ARM_THM_MOVT_PREL: case R_ARM_MOVW_PREL_NC:
    case R_ARM_MOVT_PREL: case R_ARM_THM_JUMP19: case R_ARM_THM_JUMP6:
    case R_ARM_THM_ALU_PREL_11_0: case R_ARM_THM_PC12: case R_ARM_REL32_NOI:
    case R_ARM_THM_JUMP11: case R_ARM_THM_JUMP8:
        return 1;
    default:
        return 0;
    }
}

static uint32_t *relocs;
static uint32_t nrelocs, relocs_cap;

static void add_reloc(uint32_t off)
{
    if (nrelocs == relocs_cap) {
        relocs_cap = relocs_cap ? 2 * relocs_cap : 256;
        relocs = realloc(relocs, relocs_cap * sizeof *relocs);
        if (relocs == NULL)
            die("out of memory");
    }
    relocs[nrelocs++] = off;
}

/* The part a relocation's target lies in: its symbol's section, or for a
 * symbol without one (absolute, undefined weak) its value. */
static enum part target_part(const Elf32_Sym *sym)
{
    if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < SHN_LORESERVE &&
        sym->st_shndx < eh->e_shnum && loaded(sym->st_shndx))
        return part_of_addr(sh[sym->st_shndx].sh_addr);
    return part_of_addr(sym->st_value);
}

static void collect_relocs(void)
{
    int any = 0;
    for (unsigned i = 1; i < eh->e_shnum; i++) {
        const Elf32_Shdr *rs = &sh[i];
        if (rs->sh_type == SHT_RELA && rs->sh_info < eh->e_shnum && loaded(rs->sh_info))
            die("section %s: RELA relocations are not expected on ARM", sec_name(i));
        if (rs->sh_type != SHT_REL)
            continue;
        any = 1;
        if (rs->sh_info == 0 || rs->sh_info >= eh->e_shnum || !loaded(rs->sh_info))
            continue;                       /* debug information: not loaded */
        const char *target = sec_name(rs->sh_info);
        if (rs->sh_entsize != sizeof(Elf32_Rel) || rs->sh_link == 0 || rs->sh_link >= eh->e_shnum)
            die("section %s is malformed", sec_name(i));
        const Elf32_Shdr *ss = &sh[rs->sh_link];
        const Elf32_Sym *syms = at(ss->sh_offset, ss->sh_size, "symbol table");
        uint32_t nsyms = ss->sh_size / sizeof *syms;
        const Elf32_Rel *r = at(rs->sh_offset, rs->sh_size, sec_name(i));

        for (uint32_t k = 0; k < rs->sh_size / sizeof *r; k++) {
            unsigned type = ELF32_R_TYPE(r[k].r_info), si = ELF32_R_SYM(r[k].r_info);
            uint32_t off = r[k].r_offset;
            if (si >= nsyms)
                die("relocation at 0x%x in %s names symbol %u, which does not exist", off, target, si);
            const Elf32_Sym *sym = &syms[si];
            if (type == R_ARM_NONE || type == R_ARM_V4BX)
                continue;
            if (off >= image_end)
                die("%s (type %u) in %s at offset 0x%x lies outside text and data",
                    rel_name(type), type, target, off);
            if (type == R_ARM_ABS32) {
                if (off % 4 != 0)
                    die("R_ARM_ABS32 in %s at offset 0x%x is not 4-aligned", target, off);
                /* An undefined weak symbol is 0 (NULL) and stays 0. */
                if (sym->st_shndx == SHN_UNDEF)
                    continue;
                if (sym->st_shndx == SHN_ABS)
                    die("R_ARM_ABS32 in %s at offset 0x%x refers to an absolute symbol: "
                        "it cannot tell whether the word is an address", target, off);
                add_reloc(off);
            } else if (pc_relative(type)) {
                if (part_of_addr(off) != target_part(sym))
                    die("%s (type %u) in %s at offset 0x%x reaches from %s into %s, "
                        "which the loader may move apart", rel_name(type), type, target, off,
                        part_of_addr(off) == TEXT ? "text" : "data",
                        part_of_addr(off) == TEXT ? "data" : "text");
            } else {
                die("%s (type %u) in %s at offset 0x%x cannot be moved at load time "
                    "(only R_ARM_ABS32 and PC-relative relocations can)",
                    rel_name(type), type, target, off);
            }
        }
    }
    if (!any)
        die("no relocation sections: link the program with -Wl,-q");
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The part of relocation off (kernel/progimg.h): where the word lies, and
 * where its linked value points, as the loader would judge it. */
static enum reloc_part reloc_part_of(uint32_t off)
{
    uint32_t v;
    memcpy(&v, off < text_size ? text_buf + off : data_buf + (off - text_size), 4);
    if (off < text_size)
        return v < text_size ? RELOC_TEXT_TO_TEXT : RELOC_TEXT_TO_DATA;
    return v < text_size ? RELOC_DATA_TO_TEXT : RELOC_DATA_TO_DATA;
}

/* Sorted by offset within each part, the parts in enum order. */
static int cmp_reloc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    enum reloc_part px = reloc_part_of(x), py = reloc_part_of(y);
    if (px != py)
        return px < py ? -1 : 1;
    return (x > y) - (x < y);
}

/* ---- The two modes ------------------------------------------------------- */

static uint32_t parse_size(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end != '\0' || *s == '-' || v > MAX_SIZE)
        die("%s %s: expected a size in bytes up to %u", opt, s, MAX_SIZE);
    return (uint32_t)v;
}

static void write_file(const char *path, const uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
        remove(path);
        fprintf(stderr, "mkprog: %s: cannot write: %s\n", path, strerror(errno));
        exit(1);
    }
}

static int make_image(int argc, char **argv)
{
    const char *in = argv[1], *name = argv[2], *out = argv[3];
    uint32_t stack = DEFAULT_STACK, heap = DEFAULT_HEAP;
    for (int i = 4; i < argc; i += 2) {
        if (i + 1 >= argc)
            die("%s needs a value", argv[i]);
        if (strcmp(argv[i], "--stack") == 0)
            stack = parse_size("--stack", argv[i + 1]);
        else if (strcmp(argv[i], "--heap") == 0)
            heap = parse_size("--heap", argv[i + 1]);
        else
            die("unknown option %s", argv[i]);
    }
    in_name = in;
    if (stack < 256 || stack % 8 != 0)
        die("--stack %u: at least 256 bytes and a multiple of 8", stack);
    size_t len = strlen(name);
    if (len == 0 || len >= PROG_NAME_LEN)
        die("program name \"%s\": 1 to %d characters", name, PROG_NAME_LEN - 1);
    for (size_t i = 0; i < len; i++)
        if (name[i] <= ' ' || name[i] > '~')
            die("program name \"%s\": printable characters without spaces only", name);

    elf = read_file(in, &elf_size);
    eh = at(0, sizeof *eh, "ELF header");
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        die("not an ELF file");
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_ARM)
        die("not a 32-bit little-endian ARM file");
    if (eh->e_type != ET_EXEC)
        die("not a linked executable (ELF type %u)", eh->e_type);
    if (eh->e_shentsize != sizeof(Elf32_Shdr) || eh->e_shnum == 0)
        die("no usable section headers");
    sh = at(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof *sh, "section headers");

    lay_out_sections();
    check_segments();
    if (text_size == 0)
        die("no text");
    if ((eh->e_entry & 1) == 0 || eh->e_entry - 1 >= text_size)
        die("entry point 0x%x is not a Thumb address inside the text", eh->e_entry);
    collect_relocs();
    qsort(relocs, nrelocs, sizeof *relocs, cmp_u32);
    for (uint32_t i = 1; i < nrelocs; i++)
        if (relocs[i] == relocs[i - 1])
            die("two R_ARM_ABS32 relocations at offset 0x%x", relocs[i]);
    qsort(relocs, nrelocs, sizeof *relocs, cmp_reloc);

    struct prog_header h = {
        .magic = PROG_MAGIC, .version = PROG_VERSION,
        .text_size = text_size, .data_size = data_size, .bss_size = bss_size,
        .entry = eh->e_entry, .nrelocs = nrelocs, .stack_size = stack, .heap_size = heap,
    };
    for (uint32_t i = 0; i < nrelocs; i++)
        h.relocs_in[reloc_part_of(relocs[i])]++;
    memcpy(h.name, name, len);
    size_t total = prog_image_bytes(&h);
    uint8_t *img = calloc(1, total), *p = img;
    if (img == NULL)
        die("out of memory");
    /* Field by field, little-endian, so the image does not depend on the host. */
    put32(p, h.magic); p += 4;
    put32(p, h.version); p += 4;
    memcpy(p, h.name, PROG_NAME_LEN); p += PROG_NAME_LEN;
    const uint32_t rest[] = { h.text_size, h.data_size, h.bss_size, h.entry, h.nrelocs,
                              h.stack_size, h.heap_size, h.relocs_in[0], h.relocs_in[1],
                              h.relocs_in[2], h.relocs_in[3] };
    _Static_assert(RELOC_PARTS == 4, "the header's fields, in order");
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++, p += 4)
        put32(p, rest[i]);
    if ((size_t)(p - img) != sizeof h)
        die("internal error: header layout");
    memcpy(p, text_buf, text_size); p += text_size;
    memcpy(p, data_buf, data_size); p += data_size;
    for (uint32_t i = 0; i < nrelocs; i++, p += 4)
        put32(p, relocs[i]);
    write_file(out, img, total);
    free(img); free(text_buf); free(data_buf); free(relocs); free((void *)elf);
    return 0;
}

static int make_table(int argc, char **argv)
{
    const char *out = argv[2];
    size_t cap = 1 << 16, n = 0;
    uint8_t *table = malloc(cap);
    char (*names)[PROG_NAME_LEN] = calloc((size_t)argc, PROG_NAME_LEN);
    if (table == NULL || names == NULL)
        die("out of memory");
    for (int i = 3; i < argc; i++) {
        size_t size;
        in_name = argv[i];
        uint8_t *img = read_file(argv[i], &size);
        if (size < sizeof(struct prog_header) || get32(img) != PROG_MAGIC ||
            get32(img + 4) != PROG_VERSION)
            die("not a weft program image (made by mkprog IN.elf NAME OUT.prog)");
        const uint8_t *sizes = img + 8 + PROG_NAME_LEN;
        uint64_t want = sizeof(struct prog_header) + (uint64_t)get32(sizes) +
                        get32(sizes + 4) + 4 * (uint64_t)get32(sizes + 16);
        if (want != size || size % 4 != 0)
            die("image is %zu bytes, its header says %llu", size, (unsigned long long)want);
        memcpy(names[i], img + 8, PROG_NAME_LEN);
        names[i][PROG_NAME_LEN - 1] = '\0';
        for (int j = 3; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                die("a second program called \"%s\"", names[i]);
        while (n + size + sizeof(struct prog_header) + 4 > cap) {
            cap *= 2;
            table = realloc(table, cap);
            if (table == NULL)
                die("out of memory");
        }
        memcpy(table + n, img, size);
        n += size;
        while (n % 4)                       /* each image starts 4-aligned */
            table[n++] = 0;
        free(img);
    }
    memset(table + n, 0, sizeof(struct prog_header));   /* the end: magic 0 */
    n += sizeof(struct prog_header);
    write_file(out, table, n);
    free(table);
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    const uint16_t one = 1;
    if (*(const uint8_t *)&one != 1) {
        fprintf(stderr, "mkprog: this tool reads ELF structs in place: run it on a little-endian host\n");
        return 1;
    }
    if (argc >= 3 && strcmp(argv[1], "--table") == 0)
        return make_table(argc, argv);
    if (argc >= 4 && argv[1][0] != '-' && argc % 2 == 0)
        return make_image(argc, argv);
    fprintf(stderr, "usage: mkprog IN.elf NAME OUT.prog [--stack N] [--heap N]\n"
                    "       mkprog --table OUT.bin IN1.prog IN2.prog ...\n");
    return 2;
}
