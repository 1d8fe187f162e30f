/*
 * A minimal JSON writer into a growable buffer.  The plugin child uses it
 * instead of cJSON because plugins may install their own cJSON allocator
 * hooks (cJSON_InitHooks is process-global).
 */
#ifndef OG_JSONW_H
#define OG_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct og_jw {
	char *buf;
	size_t len, cap;
	bool need_comma;
};

void og_jw_init(struct og_jw *w);
void og_jw_clear(struct og_jw *w);
void og_jw_reset(struct og_jw *w);
void og_jw_open(struct og_jw *w, char c);	/* '{' or '[' */
void og_jw_close(struct og_jw *w, char c);	/* '}' or ']' */
void og_jw_key(struct og_jw *w, const char *k);
void og_jw_str(struct og_jw *w, const char *s);	/* NULL -> null */
void og_jw_num(struct og_jw *w, double d);
void og_jw_int(struct og_jw *w, long long v);
void og_jw_bool(struct og_jw *w, bool b);
void og_jw_null(struct og_jw *w);
/* Key + value shorthands; the _opt forms skip NULL. */
void og_jw_kstr(struct og_jw *w, const char *k, const char *s);
void og_jw_kstr_opt(struct og_jw *w, const char *k, const char *s);

/* The length of the UTF-8 sequence at @p (NUL-terminated), or 0 for a
 * byte the writers replace with U+FFFD.  A quick check: the parent's
 * reader does the strict one (core/jsonin.h). */
size_t og_jw_utf8_len(const unsigned char *p);

#endif
