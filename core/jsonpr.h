/*
 * Streaming JSON printer whose output is byte for byte what cJSON_Print
 * gives for the same tree (tabs, "key":<tab>value, arrays on one line
 * with ", ", cJSON's number format), so report.json can be written
 * from a tree, from the model, or from both, without ever building the
 * whole text (or the whole tree) in memory.  Output goes through a
 * buffer to a file descriptor; the first write error sticks.
 */
#ifndef OG_JSONPR_H
#define OG_JSONPR_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define OG_JP_DEPTH_MAX 1000

struct og_jp {
	int fd;
	int err;		/* first -errno, sticky */
	char *buf;
	size_t len, cap;
	bool mem;		/* into buf, growing (og_jp_init_mem) */
	unsigned depth;
	/* per depth: 0 nothing yet, 1 in an object, 2 in an array; bit 2
	 * set once the container has a member */
	unsigned char level[OG_JP_DEPTH_MAX + 1];
};

void og_jp_init(struct og_jp *p, int fd);
int og_jp_finish(struct og_jp *p);	/* flush, free; 0 or -errno */
/* Into memory (p->buf, p->len; @buf of @cap bytes to reuse, or NULL):
 * elements of the array open in @at, as @at would print them there
 * (@later: not the first of the elements to come).  og_jp_splice puts
 * the text (and the error, if any) into @at. */
void og_jp_init_mem(struct og_jp *p, const struct og_jp *at, bool later,
		    char *buf, size_t cap);
void og_jp_splice(struct og_jp *p, const char *s, size_t n, int err);

void og_jp_open(struct og_jp *p, char c);	/* '{' or '[' */
void og_jp_close(struct og_jp *p);
void og_jp_key(struct og_jp *p, const char *k);
void og_jp_str(struct og_jp *p, const char *s);	/* NULL -> null */
void og_jp_num(struct og_jp *p, double d);
void og_jp_bool(struct og_jp *p, bool b);
void og_jp_null(struct og_jp *p);
/* A whole cJSON value, as cJSON_Print would print it at this depth. */
void og_jp_cjson(struct og_jp *p, const cJSON *v);
void og_jp_raw(struct og_jp *p, const char *s, size_t n);
/* @s quoted and escaped as cJSON prints a string, with nothing before it
 * (no separator, no indentation): for compact text built with og_jp_raw
 * around it (history snapshots). */
void og_jp_string(struct og_jp *p, const char *s);

/*
 * Elements 0..@n-1 of the array open in @p, each printed by @fn: on
 * threads when there are many (core/jsonpr-each.c), formatted in chunks
 * side by side and written in order, so the text is what one loop
 * would print.  @fn must be safe to call from several threads at once.
 */
typedef void og_jp_elem_fn(struct og_jp *p, const void *ctx, size_t i);
void og_jp_each(struct og_jp *p, size_t n, og_jp_elem_fn *fn, const void *ctx);
/* the same with @per elements a chunk and @threads formatters (tests) */
void og_jp_each_in(struct og_jp *p, size_t n, og_jp_elem_fn *fn,
		   const void *ctx, size_t per, unsigned threads);

#endif
