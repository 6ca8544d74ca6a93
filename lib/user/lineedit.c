/*
 * lineedit.c: reading a line from a raw console, the way a shell does.
 *
 * Course idea: a terminal in raw mode hands the program every key as it is
 * typed, so the editing a student takes for granted (erase, history, Tab)
 * is the program's own work, done by a little state machine over bytes.
 * The keys: Backspace/DEL, Ctrl-U (erase the line), Ctrl-W (erase a word),
 * Up/Down (history: ESC [ A and ESC [ B; other escape sequences are
 * swallowed, never inserted), Tab (complete the word), Ctrl-C (drop the
 * line), Ctrl-D (end of input; tools/qemu.sh sends one when a pipe ends).
 * CR, LF or CR LF end a line, so a terminal and a pipe both work.
 *
 * A line longer than the buffer is never cut: the rest of it is read and
 * thrown away, and the caller is told (LINE_TOO_LONG), so it can refuse
 * the whole line instead of running a part of it.
 * Read next: apps/sh.c, which uses it.
 */
#include <string.h>
#include <unistd.h>

#include "lineedit.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 0x1b

static void out(const char *s, int n) { write(1, s, (size_t)n); }

/* Erase the last k characters on the screen. */
static void rubout(int k)
{
    while (k-- > 0)
        out("\b \b", 3);
}

/* Replace the whole line on the screen and in buf with s. */
static int replace(char *buf, int n, const char *s)
{
    rubout(n);
    n = (int)strlen(s);
    memcpy(buf, s, (size_t)n + 1);
    out(buf, n);
    return n;
}

/* Read the rest of an escape sequence; returns its final byte ('A' for
 * Up...), or 0 for anything that is not ESC [ x or ESC O x. */
static char read_escape(void)
{
    char c;
    if (read(0, &c, 1) != 1 || (c != '[' && c != 'O'))
        return 0;
    do {                            /* parameters, then the final byte */
        if (read(0, &c, 1) != 1)
            return 0;
    } while ((c >= '0' && c <= '9') || c == ';');
    return c;
}

static void history_add(struct line_editor *ed, const char *line)
{
    if (!line[0] || (ed->count && !strcmp(ed->hist[(ed->count - 1) % LINE_HISTORY], line)))
        return;                     /* no blank lines, no repeats */
    strncpy(ed->hist[ed->count % LINE_HISTORY], line, LINE_MAX - 1);
    ed->hist[ed->count % LINE_HISTORY][LINE_MAX - 1] = '\0';
    ed->count++;
}

/* Up (dir -1) or Down (dir +1) through the history; `at` counts back from
 * the newest entry (0: the line being typed). */
static int history_move(struct line_editor *ed, char *buf, int n, int *at, int dir)
{
    int oldest = ed->count < LINE_HISTORY ? ed->count : LINE_HISTORY;
    int to = *at - dir;
    if (to < 0 || to > oldest)
        return n;
    *at = to;
    return replace(buf, n, to == 0 ? "" : ed->hist[(ed->count - to) % LINE_HISTORY]);
}

/* Tab: let the caller's completer extend the last word. */
static int complete(struct line_editor *ed, char *buf, int n, int size)
{
    if (!ed->complete)
        return n;
    int start = n;
    while (start > 0 && buf[start - 1] != ' ')
        start--;
    buf[n] = '\0';
    char more[LINE_MAX];
    int k = ed->complete(buf, start, more, sizeof more);
    if (k <= 0 || n + k >= size)
        return n;
    memcpy(buf + n, more, (size_t)k);
    out(more, k);
    return n + k;
}

/* One editing key: returns the new length of buf. `at` is the history
 * position (history_move); *too_long is set when a character did not fit. */
static int edit_key(struct line_editor *ed, char *buf, int n, int size, char c,
                    int *at, int *too_long)
{
    if (c == 0x7f || c == '\b') {
        if (n > 0) {
            n--;
            rubout(1);
        }
    } else if (c == CTRL('U')) {
        rubout(n);
        n = 0;
    } else if (c == CTRL('W')) {
        int k = n;
        while (k > 0 && buf[k - 1] == ' ')
            k--;
        while (k > 0 && buf[k - 1] != ' ')
            k--;
        rubout(n - k);
        n = k;
    } else if (c == ESC) {
        char f = read_escape();
        if (f == 'A' || f == 'B')
            n = history_move(ed, buf, n, at, f == 'A' ? -1 : 1);
    } else if (c == '\t') {
        n = complete(ed, buf, n, size);
    } else if (c >= ' ' && c < 0x7f) {
        if (n < size - 1) {
            buf[n++] = c;
            out(&c, 1);
        } else {
            *too_long = 1;          /* keep reading to the end, then refuse */
        }
    }
    return n;
}

int line_read(struct line_editor *ed, char *buf, int size)
{
    int n = 0, at = 0, too_long = 0;
    char c;

    if (ed->eof)
        return LINE_EOF;
    for (;;) {
        if (read(0, &c, 1) != 1)
            return LINE_EOF;
        if (c == '\n' && ed->last == '\r') {    /* the second half of CR LF */
            ed->last = c;
            continue;
        }
        ed->last = c;
        if (c == '\r' || c == '\n' || (c == CTRL('D') && n > 0)) {
            ed->eof = c == CTRL('D');   /* a last line without its newline */
            out("\n", 1);
            buf[n] = '\0';
            if (too_long)
                return LINE_TOO_LONG;
            history_add(ed, buf);
            return n;
        }
        if (c == CTRL('D'))
            return LINE_EOF;
        if (c == CTRL('C')) {
            out("^C\n", 3);
            buf[0] = '\0';
            return 0;
        }
        n = edit_key(ed, buf, n, size, c, &at, &too_long);
    }
}
