/*
 * OCI digests: the plugin checks every manifest and blob it reads against
 * its digest.  SHA-256 itself is the one in plugins/common (plugins may
 * not link libopsgrade or pull in libcrypto just for this).
 */
#include <errno.h>
#include <string.h>

#include "reg.h"
#include "scan.h"

void
reg_sha256(const void *data, size_t len, unsigned char out[32])
{
	struct og_sha256 s;

	og_sha256_init(&s);
	og_sha256_update(&s, data, len);
	og_sha256_final(&s, out);
}

void
reg_sha256_digest(const void *data, size_t len, char out[REG_DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	size_t i;

	reg_sha256(data, len, md);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	out[REG_DIGEST_LEN] = '\0';
}

int
reg_digest_check(const char *digest, const void *data, size_t len)
{
	char got[REG_DIGEST_LEN + 1];

	if (!digest || strncmp(digest, "sha256:", 7) != 0)
		return -ENOTSUP;
	if (!reg_digest_valid(digest))
		return -EINVAL;
	reg_sha256_digest(data, len, got);
	return strcmp(got, digest) == 0 ? 0 : -EBADMSG;
}

bool
reg_digest_valid(const char *digest)
{
	size_t i;

	if (!digest || strncmp(digest, "sha256:", 7) != 0 ||
	    strlen(digest) != REG_DIGEST_LEN)
		return false;
	for (i = 7; i < REG_DIGEST_LEN; i++)
		if (!((digest[i] >= '0' && digest[i] <= '9') ||
		      (digest[i] >= 'a' && digest[i] <= 'f')))
			return false;
	return true;
}
