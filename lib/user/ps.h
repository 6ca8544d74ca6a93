/*
 * ps.h: print the process and thread tables (tree = 1: the process tree).
 * Course idea and reading order: lib/user/ps.c.
 */
#ifndef WEFT_USER_PS_H
#define WEFT_USER_PS_H

void ps_show(int tree);

#endif
