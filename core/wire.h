/*
 * The plugin -> host pipe: length-prefixed frames.
 *
 * Every record the collector child sends is one frame:
 *
 *	byte 0     OG_WIRE_MAGIC (a byte no JSON text starts with, so
 *	           anything else on the pipe is named garbage at once)
 *	byte 1     the frame type (enum og_wire_type)
 *	bytes 2-5  payload length, unsigned 32-bit little-endian
 *	payload
 *
 * Findings, which are nearly all of a large scan, travel as OG_WIRE_FINDING
 * in the compact binary form below, decoded by the parent straight into
 * the model: no JSON text is written, escaped, parsed or looked up by
 * key.  The rare records (facts, events, logs, partial, done) stay JSON
 * objects (OG_WIRE_JSON), one per frame.
 *
 * Finding payload, in order (varint = unsigned LEB128, at most 10 bytes;
 * str = varint 0 for NULL, else length + 1 and the bytes, no NUL):
 *	u8 kind, u8 severity, u8 flags (1 suppressed, 2 score present),
 *	[8 bytes score, IEEE 754 binary64 little-endian, if flag 2],
 *	str fingerprint, id, title, package, installed_version,
 *	    fixed_version, status_detail, url, published, suppression, tool,
 *	varint n_tags, str tag * n_tags,
 *	varint n_locations, (str target, file, layer, varint line, column)
 *	    * n_locations.
 * The parent trusts none of it: every length is checked against the
 * frame, strings must not contain NUL, invalid UTF-8 is replaced (and
 * counted) as in JSON records, ranges are checked by the model.
 */
#ifndef OG_WIRE_H
#define OG_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <opsgrade/plugin.h>

#include "model.h"

#define OG_WIRE_MAGIC	0xa7u
#define OG_WIRE_HEAD	6u

enum og_wire_type {
	OG_WIRE_JSON = 'J',
	OG_WIRE_FINDING = 'F',
};

/* ---- child side ------------------------------------------------------ */

/* Frames are appended to one buffer the host flushes with one write. */
struct og_wire_buf {
	unsigned char *buf;
	size_t len, cap;
};

void og_wire_buf_clear(struct og_wire_buf *b);

/* Append a frame of @type around the @n bytes at @payload. */
void og_wire_put_frame(struct og_wire_buf *b, enum og_wire_type type,
		       const void *payload, size_t n);

/* Append @f (already checked by the host: id set, ranges valid,
 * location_size usable) as an OG_WIRE_FINDING frame with fingerprint
 * @fp.  Strings are cleaned as the JSON writer cleans them. */
void og_wire_put_finding(struct og_wire_buf *b, const struct og_finding *f,
			 const char *fp);

/* ---- parent side ----------------------------------------------------- */

/* The payload length of the frame whose 6 header bytes are at @head, or
 * -1 when they are not a frame header (garbage). */
int64_t og_wire_frame_len(const unsigned char *head, enum og_wire_type *ret_type);

/*
 * Decode an OG_WIRE_FINDING payload and add it to @m from collector
 * @source.  *ret_fixed gets how many invalid UTF-8 sequences were
 * replaced.  0, or -EINVAL with *ret_err (malloc'd) saying what is wrong
 * (a malformed frame), or the model's error.
 */
int og_wire_add_finding(struct og_model *m, const unsigned char *p, size_t n,
			const char *source, size_t *ret_fixed, char **ret_err);

#endif /* OG_WIRE_H */
