/*
 * A pull reader over JSON text in memory, for the arrays of report.json
 * that are too big to stand as one cJSON tree (a million findings).  The
 * caller walks objects and arrays member by member and decodes only what
 * it keeps; everything else is skipped with its syntax checked.
 *
 * It accepts what og_json_parse (cJSON after core/jsonin.c's fixes)
 * accepts, so a file reads the same either way: invalid UTF-8 and lone
 * \uD800-\uDFFF escapes in strings become U+FFFD and are counted, bytes
 * up to 0x20 between tokens are whitespace, numbers are what strtod
 * reads of cJSON's number characters, and nesting deeper than cJSON's
 * 1000 levels is an error.  The text is never written to.
 */
#ifndef OG_JSONRD_H
#define OG_JSONRD_H

#include <stdbool.h>
#include <stddef.h>

#define OG_JR_DEPTH_MAX 1000	/* cJSON's CJSON_NESTING_LIMIT */

struct og_jr_chunk;

struct og_jr {
	const unsigned char *start, *p, *end;
	size_t fixed;		/* replacements made in strings read */
	bool failed;		/* a syntax error, at err_off */
	size_t err_off;
	/* decoded strings: chunks that never move, until og_jr_release */
	struct og_jr_chunk *scratch;
};

void og_jr_init(struct og_jr *r, const char *text, size_t len);
void og_jr_clear(struct og_jr *r);
/* Drop the strings decoded so far (keeps one chunk for reuse). */
void og_jr_release(struct og_jr *r);

/* Mark a syntax error at the cursor; returns false. */
bool og_jr_fail(struct og_jr *r);
/* The next byte after whitespace (not consumed), or -1 at the end. */
int og_jr_peek(struct og_jr *r);
/* Consume @c after whitespace, or fail. */
bool og_jr_expect(struct og_jr *r, int c);

/*
 * After '{' (or '['), step to the next member (element).  *@first is
 * true before the first one.  Returns 1 with the cursor at the value
 * (for an object, the key in *@key, *@key_len bytes, not NUL-terminated,
 * valid until og_jr_release), 0 at the closing bracket (consumed), -1 on
 * a syntax error.
 */
int og_jr_member(struct og_jr *r, bool *first, const char **key,
		 size_t *key_len);
int og_jr_element(struct og_jr *r, bool *first);

/* A string value at the cursor: decoded, NUL-terminated, valid until
 * og_jr_release; NULL on a syntax error. */
const char *og_jr_string(struct og_jr *r);
/* A number at the cursor; false on a syntax error. */
bool og_jr_number(struct og_jr *r, double *ret);
/* Any value at the cursor, checked and passed over; @depth is the
 * nesting it sits in.  False on a syntax error. */
bool og_jr_skip(struct og_jr *r, unsigned depth);

/* The byte offset of the cursor. */
static inline size_t
og_jr_offset(const struct og_jr *r)
{
	return (size_t)(r->p - r->start);
}

#endif /* OG_JSONRD_H */
