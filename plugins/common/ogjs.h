/*
 * ogjs — a streaming JSON reader for the scanner plugins.
 *
 * Trivy and SARIF reports can be hundreds of megabytes, so they are never
 * held as one DOM.  The reader walks the document byte by byte (own 64 KiB
 * buffer over read(2)), tracks the JSON path of where it is, and builds
 * a single value of interest (one vulnerability, one SARIF result, one
 * tool object) as a cJSON tree in an arena that the caller resets, in
 * the same walk, keeping only the members the caller reads.
 *
 * Every structural call validates the grammar, so a skipped value is
 * still checked.  The first error is sticky and carries the file name,
 * the byte offset and the JSON path: "r.json: byte 812 at
 * $.Results[0].Vulnerabilities[3]: expected ',' or '}'".
 *
 * Functions return 0 / 1 as documented, or a negative errno; after an
 * error every further call returns the same error.
 */
#ifndef OGJS_H
#define OGJS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define OGJS_KEY_MAX		128	/* longer keys are kept truncated */
#define OGJS_DEPTH_DEFAULT	128
#define OGJS_DEPTH_MAX		1000	/* cJSON's own nesting limit */

struct ogjs;
struct ogjs_arena;

/* A saved position (offset + path) to come back to with ogjs_seek(). */
struct ogjs_mark {
	uint64_t offset;
	unsigned depth;
	void *segs;		/* owned copy of the path */
};

struct ogjs_limits {
	unsigned max_depth;		/* nesting limit; 0 = default */
	size_t max_value_bytes;		/* cap for one ogjs_value(); 0 = 64 MiB */
};

/* Open @path for reading; @display names it in errors (NULL = @path). */
int ogjs_open(const char *path, const char *display,
	      const struct ogjs_limits *limits, struct ogjs **ret_reader);
struct ogjs *ogjs_free(struct ogjs *r);		/* NULL-safe, returns NULL */

/* A second reader of @r's open file, at byte 0, that reads at offsets of
 * its own (pread), so it and @r can run on two threads without moving
 * each other: a dry pass beside the real one.  -ESPIPE when the file is
 * not a regular one (a pipe can be read once only).  Free it with
 * ogjs_free(). */
int ogjs_open_twin(const struct ogjs *r, struct ogjs **ret_twin);

/* Back to byte 0 with an empty path and no error. */
int ogjs_rewind(struct ogjs *r);

/* The type of the next value, without consuming it: one of '{' '[' '"'
 * 'n' (number) 't' 'f' 'z' (null), or a negative errno. */
int ogjs_peek(struct ogjs *r);

/* Fail with "expected @what" unless the next value has type @type (as
 * ogjs_peek returns it). */
int ogjs_expect(struct ogjs *r, int type, const char *what);

/* Objects: ogjs_enter_object(), then ogjs_next_key() until it returns 0
 * (the closing brace was consumed).  It returns 1 with *ret_key pointing
 * at the decoded key (valid until the next call) and the reader before
 * the value, which the caller must consume (skip, value or enter). */
int ogjs_enter_object(struct ogjs *r);
int ogjs_next_key(struct ogjs *r, const char **ret_key);

/* Arrays: ogjs_enter_array(), then ogjs_next_elem() until it returns 0;
 * 1 means an element follows and must be consumed. */
int ogjs_enter_array(struct ogjs *r);
int ogjs_next_elem(struct ogjs *r);

/* Skip (and validate) the next value. */
int ogjs_skip(struct ogjs *r);

/* Validate the next value and read it as a cJSON tree into @arena, in
 * the one walk (UTF-8 repaired, duplicate keys keep the last).  The tree
 * lives until ogjs_arena_reset(@arena); never cJSON_Delete() it. */
int ogjs_value(struct ogjs *r, struct ogjs_arena *arena, cJSON **ret_json);

/* What of an object to keep: a list ended by a NULL key; "*" matches
 * any key.  @sub says what to keep of the member's value when it is an
 * object, or of the objects in it when it is an array (NULL: all).
 * Large values nobody reads (descriptions, references, code flows) are
 * then skipped, not built. */
struct ogjs_keep {
	const char *key;
	const struct ogjs_keep *sub;
};

/* ogjs_value() keeping only what @keep lists (NULL: everything); the
 * limits (max_value_bytes, depth, grammar) apply to the whole value. */
int ogjs_value_keep(struct ogjs *r, struct ogjs_arena *arena,
		    const struct ogjs_keep *keep, cJSON **ret_json);

/* Stream an array of objects (or null: none), each read on its own
 * into @arena (keeping what @keep lists), handed to @fn and the arena
 * reset, so memory is bounded by one element; @dry: only check that
 * each is an object.  @what names an element in errors ("a result
 * object").  0, or the first error. */
int ogjs_each_object(struct ogjs *r, struct ogjs_arena *arena, bool dry,
		     const char *what, const struct ogjs_keep *keep,
		     int (*fn)(void *arg, cJSON *item), void *arg);

/* Read a string or null into *dst (malloc'd, NULL for null; the old
 * value is freed); any other type is an error. */
int ogjs_string(struct ogjs *r, struct ogjs_arena *arena, char **dst);

/* After the top-level value: only whitespace may follow. */
int ogjs_expect_end(struct ogjs *r);

/* Record a semantic error at the current position ("expected number").
 * Returns -EINVAL for convenience. */
int ogjs_fail(struct ogjs *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A whole small document (an HTTP body, a manifest) parsed
 * with the core's UTF-8 fixes and last-key-wins, into cJSON's default
 * allocator: cJSON_Delete() it.  *ret_fixed (may be NULL) gets the count
 * of replacements.  NULL when it is not JSON, with the byte offset of
 * the error in *ret_err_off (may be NULL). */
cJSON *ogjs_parse_text(const char *text, size_t len, size_t *ret_fixed,
		       size_t *ret_err_off);

/* How many invalid UTF-8 sequences and lone surrogate escapes the values
 * read so far had (each replaced with U+FFFD); reset by ogjs_rewind. */
size_t ogjs_text_fixed(const struct ogjs *r);

/* The sticky error message, or NULL. */
const char *ogjs_error(const struct ogjs *r);

/* Render the current JSON path ("$.runs[0].results[3]") into @buf. */
const char *ogjs_path(const struct ogjs *r, char *buf, size_t size);
uint64_t ogjs_offset(const struct ogjs *r);
const char *ogjs_name(const struct ogjs *r);

/* Marks: ogjs_mark() saves where we are; ogjs_seek() returns there (the
 * path too).  Free with ogjs_mark_clear(). */
int ogjs_mark(struct ogjs *r, struct ogjs_mark *ret_mark);
int ogjs_seek(struct ogjs *r, const struct ogjs_mark *mark);
void ogjs_mark_clear(struct ogjs_mark *mark);

/* Keys met before the context they need (SARIF "results" before "tool",
 * Trivy "Results" before "SchemaVersion"): remember where the value is,
 * skip it, and come back once the enclosing object is read. */
#define OGJS_DEFER_MAX 8

struct ogjs_defer {
	struct ogjs_mark marks[OGJS_DEFER_MAX];
	char keys[OGJS_DEFER_MAX][OGJS_KEY_MAX];
	size_t n;
};

int ogjs_defer_add(struct ogjs *r, struct ogjs_defer *d, const char *key);
/* Seek to each deferred value, call @fn(arg, key) to consume it, then
 * return to where the reader was.  Clears @d. */
int ogjs_defer_run(struct ogjs *r, struct ogjs_defer *d,
		   int (*fn)(void *arg, const char *key), void *arg);
void ogjs_defer_clear(struct ogjs_defer *d);

/* Bump allocator for cJSON trees; @max_bytes caps it (0 = 256 MiB). */
struct ogjs_arena *ogjs_arena_new(size_t max_bytes);
void ogjs_arena_reset(struct ogjs_arena *a);
struct ogjs_arena *ogjs_arena_free(struct ogjs_arena *a);
/* Copy a string into the arena (lives until reset); NULL on cap. */
char *ogjs_arena_strdup(struct ogjs_arena *a, const char *s);
size_t ogjs_arena_peak(const struct ogjs_arena *a);

#endif /* OGJS_H */
