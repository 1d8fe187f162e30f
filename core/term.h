/*
 * Text for a terminal.  Strings in a report come from plugins, scanned
 * files and servers; an ESC or other control character in one must not
 * reach the terminal raw (it could recolour, retitle or rewrite the
 * screen).  Every terminal print goes through one of these, which show
 * a control character as a visible escape ("\x1b", "\u009b").
 */
#ifndef OG_TERM_H
#define OG_TERM_H

#include <stdio.h>

/* A copy of @s with control characters escaped (tab kept, and newline
 * when @keep_newline); NULL-safe.  Caller frees. */
char *og_term_escape(const char *s, int keep_newline);

/* A stream that writes to @under with control characters other than
 * newline and tab escaped (so pretty-printed JSON passes unchanged).  fclose() it (the underlying stream stays open). */
FILE *og_term_stream(FILE *under);

#endif /* OG_TERM_H */
