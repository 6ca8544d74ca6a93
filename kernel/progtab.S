/*
 * progtab.S: the program table, built into the kernel image.
 *
 * Course idea: where programs come from. weft has no file system; the user
 * programs of apps/ are turned into images by tools/mkprog and packed into
 * one table (build/progs.bin, see kernel/progimg.h), which is included here
 * as read-only data. `ls` in the shell lists it; spawn loads from it.
 */
    .section .rodata.progs, "a"
    .balign 4
    .global progs_table
progs_table:
    .incbin PROGS_BIN
    .balign 4
    .word 0, 0, 0, 0        /* a zero magic: the end, whatever the file holds */
#ifdef __linux__
    .section .note.GNU-stack, "", %progbits   /* the host tests: no executable stack */
#endif
