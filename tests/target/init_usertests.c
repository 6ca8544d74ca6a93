/*
 * init_usertests.c: a weft image whose init runs usertests instead of sh.
 *
 * Linked into build/usertests.elf: overrides kernel/initproc.c's weak
 * init_args, so init starts `usertests` and halts with its exit status (the
 * number of failed cases), which is the image's QEMU exit status.
 */
char init_args[] = "init\0usertests\0";
