/*
 * The one fingerprint format of opsgrade: lowercase hex SHA-256 (64
 * digits) of a finding's identifying parts joined with NUL bytes.  The
 * core derives it for findings that bring none (core/model.c), and the
 * scanner plugins build theirs the same way, so every fingerprint in a
 * report, a history snapshot or a merge looks alike.
 */
#ifndef OG_FINGERPRINT_H
#define OG_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#define OG_FINGERPRINT_LEN	64

/* Hex SHA-256 of the parts joined with NUL bytes (NULL parts are
 * empty); @out has room for OG_FINGERPRINT_LEN + 1 bytes. */
void og_fingerprint_hex(const char *const *parts, size_t n,
			char out[OG_FINGERPRINT_LEN + 1]);

struct og_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

void og_sha256_init(struct og_sha256 *s);
void og_sha256_update(struct og_sha256 *s, const void *data, size_t n);
void og_sha256_final(struct og_sha256 *s, unsigned char out[32]);

#endif
