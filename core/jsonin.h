/*
 * The one way JSON text enters opsgrade: the core (plugin records,
 * report.json, config, history, the maturity model) and the plugins
 * (scan reports, HTTP bodies) all parse through og_json_parse, so every
 * string that reaches the model has passed the same UTF-8 check.
 *
 * Self-contained (libc + cJSON): compiled into libopsgrade and into the
 * plugins' static helper library, which never link libopsgrade.
 */
#ifndef OG_JSONIN_H
#define OG_JSONIN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * Make @len bytes of JSON text safe to parse, in a copy when needed:
 *   - byte sequences that are not UTF-8 (overlong forms, encoded
 *     surrogates, code points above U+10FFFF, stray bytes) become U+FFFD;
 *   - a \uD800-\uDFFF escape that is not half of a valid pair becomes
 *     \uFFFD (cJSON would refuse the whole value otherwise);
 *   - a leading UTF-8 byte order mark is dropped.
 * Returns how many replacements were made; *ret_text is NULL when the
 * text was already clean (use it as is), else a malloc'd NUL-terminated
 * copy of *ret_len bytes.  On out-of-memory returns (size_t)-1.
 */
size_t og_json_text_fix(const char *text, size_t len, char **ret_text,
			size_t *ret_len);

/* Same check for a plain (unescaped) string: a malloc'd copy with every
 * invalid sequence replaced, or NULL when @s is clean or NULL.  *ret_n
 * (may be NULL) gets the count. */
char *og_utf8_fix(const char *s, size_t *ret_n);

/* og_json_text_fix() for the @len bytes of a plain (unescaped) string,
 * which may hold NUL bytes. */
size_t og_utf8_fix_n(const char *s, size_t len, char **ret_text,
		     size_t *ret_len);

/* Drop all but the last member of each key in every object under @j, as
 * jq and Python do.  Call while cJSON's hooks are the ones that
 * allocated @j. */
void og_json_dedup_keys(cJSON *j);

/* Length of the valid UTF-8 sequence at @p (@n bytes left), or minus
 * the length of the invalid subpart that one U+FFFD replaces. */
long og_utf8_seq(const unsigned char *p, size_t n);

/* The code unit of a "\uXXXX" escape at @p (@n bytes left), or -1. */
long og_json_escape_unit(const unsigned char *p, size_t n);

/* The value of hex digit @c (either case), or -1. */
int og_json_hexval(int c);

/*
 * Parse @len bytes (no terminator needed) with the fixes
 * above.  *ret_fixed (may be NULL) gets the number of replacements; on a
 * syntax error returns NULL and *ret_err_off (may be NULL) the byte offset
 * of the error in the original text.  @trailing_ok: accept bytes after the
 * value (a record stream); else only whitespace may follow.
 */
cJSON *og_json_parse(const char *text, size_t len, bool trailing_ok,
		     size_t *ret_fixed, size_t *ret_err_off);

#endif /* OG_JSONIN_H */
