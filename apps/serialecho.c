/*
 * serialecho.c: the second serial line, served next to the console.
 *
 * Course idea: two independent streams, one thread. serialecho polls the
 * console and UART1 (drivers/serial.c) together: a line from UART1 comes
 * back upper-cased on UART1 and is reported on the console; a line typed
 * on the console is sent out on UART1. Under `make run` UART1 is a TCP port
 * on this machine (the boot banner says which): `nc 127.0.0.1 PORT`.
 *
 *   run serialecho [LINES]     stop after LINES lines from UART1 (default 5),
 *                              or at end of input on the console
 * Read next: kernel/poll.c, kernel/fd_serial.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("[LINES]", "echoes the second serial line (UART1), upper-cased, polling it and the console");

int main(int argc, char **argv)
{
    int lines = argc > 1 ? atoi(argv[1]) : 5, done = 0;
    int fd = serial_open(0);
    if (lines < 1 || fd < 0) {
        printf(lines < 1 ? "usage: serialecho [LINES >= 1]\n" : "serialecho: no UART1 (%d)\n", fd);
        return 2;
    }
    printf("serialecho: UART1 is descriptor %d; waiting for %d lines\n", fd, lines);
    char line[80];
    int len = 0;
    while (done < lines) {
        struct pollfd f[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        if (poll(f, 2, WAIT_FOREVER) < 0)
            break;
        char buf[32];
        if (f[1].revents & POLLIN) {            /* the console: send it out */
            int n = sys_read(0, buf, sizeof buf);
            if (n <= 0 || (n == 1 && buf[0] == 4))
                break;                          /* end of input */
            sys_write(fd, buf, (uint32_t)n);
        }
        if (!(f[0].revents & POLLIN))
            continue;
        int n = sys_read(fd, buf, sizeof buf);
        for (int i = 0; i < n; i++) {
            char c = buf[i] >= 'a' && buf[i] <= 'z' ? (char)(buf[i] - 32) : buf[i];
            if (c == '\r')
                continue;
            if (len < (int)sizeof line - 1 && c != '\n')
                line[len++] = c;
            if (c == '\n' || len == (int)sizeof line - 1) {
                line[len++] = '\n';
                sys_write(fd, line, (uint32_t)len);
                printf("serialecho: line %d: %.*s", ++done, len, line);
                len = 0;
                if (done == lines)
                    break;
            }
        }
    }
    close(fd);
    return 0;
}
