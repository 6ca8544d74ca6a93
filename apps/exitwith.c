/*
 * exitwith.c: `exitwith N` ends at once with exit status N.
 *
 * Course idea: the exit status is the one number a process hands its
 * parent. usertests spawns this a thousand times and checks each status.
 */
#include <stdlib.h>

#include "weft.h"

PROG_ABOUT("N",
           "exits at once with status N");

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) : 0;
}
