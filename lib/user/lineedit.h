/*
 * lineedit.h: read one line from the console with editing and history.
 *
 * Course idea: see lib/user/lineedit.c. Read next: lib/user/lineedit.c.
 */
#ifndef WEFT_USER_LINEEDIT_H
#define WEFT_USER_LINEEDIT_H

#define LINE_MAX      96            /* bytes per line, the NUL included */
#define LINE_HISTORY  8             /* lines remembered for Up/Down */

#define LINE_EOF      (-1)          /* end of input (Ctrl-D, or read failed) */
#define LINE_TOO_LONG (-2)          /* the line did not fit; it was discarded */

/* Tab completion: given the line so far (NUL-terminated) and where its
 * last word starts, write the characters that extend that word into
 * more[size] and return their count (0: nothing to add). */
typedef int (*line_completer)(const char *line, int word_start, char *more, int size);

struct line_editor {
    line_completer complete;        /* may be NULL */
    char hist[LINE_HISTORY][LINE_MAX];
    int count;                      /* lines ever added to the history */
    char last;                      /* the previous byte (CR LF is one end) */
    int eof;                        /* a Ctrl-D ended the last line */
};

/* Read a line into buf[size] (size <= LINE_MAX), echoing as it goes.
 * Returns its length (0 for an empty line, or one dropped with Ctrl-C),
 * LINE_TOO_LONG or LINE_EOF. Lines of one or more characters go into the
 * history. */
int line_read(struct line_editor *ed, char *buf, int size);

#endif
