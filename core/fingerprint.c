/*
 * SHA-256 (FIPS 180-4) and the one fingerprint format (fingerprint.h).
 * Self-contained (libc only): compiled into libopsgrade and into the
 * plugins' static helper library, like hash.c and jsonin.c.
 */
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static inline uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * The rounds written out, eight at a time with the working variables
 * renamed instead of moved, and the message schedule kept as sixteen
 * words computed as the rounds need them: a finding's fingerprint is
 * one or two blocks, and the rolled loop with its 64-word schedule cost
 * a third more.  Same function, same digest (FIPS 180-4 §6.2.2).
 */
#define S0(x)	(ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define S1(x)	(ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define s0(x)	(ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define s1(x)	(ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g)	((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c)	(((a) & (b)) | ((c) & ((a) | (b))))
#define W(i)	w[(i) & 15]
#define SCHED(i)							\
	(W(i) += s1(W((i) - 2)) + W((i) - 7) + s0(W((i) - 15)))
#define ROUND(a, b, c, d, e, f, g, h, i, wi)				\
	do {								\
		uint32_t t1_ = (h) + S1(e) + CH(e, f, g) + K[i] + (wi);	\
		(d) += t1_;						\
		(h) = t1_ + S0(a) + MAJ(a, b, c);			\
	} while (0)
#define ROUNDS8(i, X)							\
	do {								\
		ROUND(a, b, c, d, e, f, g, h, (i) + 0, X((i) + 0));	\
		ROUND(h, a, b, c, d, e, f, g, (i) + 1, X((i) + 1));	\
		ROUND(g, h, a, b, c, d, e, f, (i) + 2, X((i) + 2));	\
		ROUND(f, g, h, a, b, c, d, e, (i) + 3, X((i) + 3));	\
		ROUND(e, f, g, h, a, b, c, d, (i) + 4, X((i) + 4));	\
		ROUND(d, e, f, g, h, a, b, c, (i) + 5, X((i) + 5));	\
		ROUND(c, d, e, f, g, h, a, b, (i) + 6, X((i) + 6));	\
		ROUND(b, c, d, e, f, g, h, a, (i) + 7, X((i) + 7));	\
	} while (0)

static void
sha256_block(uint32_t st[8], const unsigned char *p)
{
	uint32_t w[16], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	a = st[0]; b = st[1]; c = st[2]; d = st[3];
	e = st[4]; f = st[5]; g = st[6]; h = st[7];
	ROUNDS8(0, W);
	ROUNDS8(8, W);
	ROUNDS8(16, SCHED);
	ROUNDS8(24, SCHED);
	ROUNDS8(32, SCHED);
	ROUNDS8(40, SCHED);
	ROUNDS8(48, SCHED);
	ROUNDS8(56, SCHED);
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

void
og_sha256_init(struct og_sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

void
og_sha256_update(struct og_sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	while (n) {
		size_t k = 64 - s->fill < n ? 64 - s->fill : n;

		memcpy(s->buf + s->fill, p, k);
		s->fill += k;
		p += k;
		n -= k;
		if (s->fill == 64) {
			sha256_block(s->h, s->buf);
			s->fill = 0;
		}
	}
}

void
og_sha256_final(struct og_sha256 *s, unsigned char out[32])
{
	static const unsigned char zeros[64];
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, lenb[8];
	int i;

	og_sha256_update(s, &pad, 1);
	/* zeros up to 56 bytes into a block, in one call */
	og_sha256_update(s, zeros, s->fill <= 56 ? 56 - s->fill : 120 - s->fill);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	og_sha256_update(s, lenb, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

/* Up to this many bytes of parts are joined in one buffer and hashed
 * block by block, without the streaming interface's copies (a finding's
 * parts are a few dozen bytes); longer ones stream. */
#define JOINED_MAX	1024

static void
to_hex(const unsigned char d[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/* SHA-256 of @len bytes at @m, which has room for the padding (up to 72
 * bytes more). */
static void
sha256_padded(unsigned char *m, size_t len, unsigned char d[32])
{
	uint32_t st[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	uint64_t bits = (uint64_t)len * 8;
	size_t total = (len + 1 + 8 + 63) & ~(size_t)63, i;

	m[len] = 0x80;
	memset(m + len + 1, 0, total - len - 1 - 8);
	for (i = 0; i < 8; i++)
		m[total - 8 + i] = (unsigned char)(bits >> (56 - 8 * i));
	for (i = 0; i < total; i += 64)
		sha256_block(st, m + i);
	for (i = 0; i < 8; i++) {
		d[4 * i] = (unsigned char)(st[i] >> 24);
		d[4 * i + 1] = (unsigned char)(st[i] >> 16);
		d[4 * i + 2] = (unsigned char)(st[i] >> 8);
		d[4 * i + 3] = (unsigned char)st[i];
	}
}

void
og_fingerprint_hex(const char *const *parts, size_t n, char out[65])
{
	unsigned char m[JOINED_MAX + 72], d[32];
	struct og_sha256 s;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		size_t k = parts[i] ? strlen(parts[i]) : 0;

		if (len + (i > 0) + k > JOINED_MAX)
			break;
		if (i)
			m[len++] = '\0';
		memcpy(m + len, parts[i] ? parts[i] : "", k);
		len += k;
	}
	if (i == n) {
		sha256_padded(m, len, d);
		to_hex(d, out);
		return;
	}
	og_sha256_init(&s);
	for (i = 0; i < n; i++) {
		if (i)
			og_sha256_update(&s, "", 1);
		if (parts[i])
			og_sha256_update(&s, parts[i], strlen(parts[i]));
	}
	og_sha256_final(&s, d);
	to_hex(d, out);
}
