/*
 * Unit tests of the registry collector's internals: SHA-256, references,
 * auth challenges, Link headers, tokens, semver ordering, tag choice,
 * manifests and configs — our own fixtures plus the shared corpus
 * (OG_SHARED/corpus/registry, skipped when absent).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reg.h"
#include "mock-host.h"
#include "../check.h"

CHECK_COUNTERS;

static void
test_sha256(void)
{
	char d[REG_DIGEST_LEN + 1];
	char *big = malloc(1000000);

	reg_sha256_digest("", 0, d);
	CHECK_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	reg_sha256_digest("abc", 3, d);
	CHECK_STR(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the padding spills into a second block */
	reg_sha256_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	CHECK_STR(d, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', 1000000);
	reg_sha256_digest(big, 1000000, d);
	CHECK_STR(d, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(big);
	/* the 2-byte OCI empty descriptor blob */
	reg_sha256_digest("{}", 2, d);
	CHECK_STR(d, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	CHECK(reg_digest_check(d, "{}", 2) == 0);
	CHECK(reg_digest_check(d, "{ }", 3) == -EBADMSG);
	CHECK(reg_digest_check("sha512:abcd", "{}", 2) == -ENOTSUP);
	CHECK(reg_digest_check("sha256:ABCD", "{}", 2) == -EINVAL);
	CHECK(!reg_digest_valid("sha256:44136FA355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
}

static void
ref_ok(const char *s, const char *registry, const char *api, const char *repo,
       const char *tag, const char *digest)
{
	struct reg_ref r;
	const char *err = NULL;

	CHECK(reg_ref_parse(s, &r, &err) == 0);
	if (err) {
		fprintf(stderr, "  %s: %s\n", s, err);
		return;
	}
	CHECK_STR(r.registry, registry);
	CHECK_STR(r.api_host, api);
	CHECK_STR(r.repo, repo);
	CHECK(tag ? r.tag && strcmp(r.tag, tag) == 0 : !r.tag);
	CHECK(digest ? r.digest && strcmp(r.digest, digest) == 0 : !r.digest);
	reg_ref_clear(&r);
}

static void
test_refs(void)
{
	struct reg_ref r;
	const char *err = NULL;
	static const char *const bad[] = {
		"", "UPPER/case", "localhost:5000/app:", "app:bad tag",
		"app@sha256:123", "a//b", "-lead", "x/y:.dot", NULL,
	};
	struct reg_strv insecure = { 0 };

	ref_ok("nginx", "docker.io", "registry-1.docker.io", "library/nginx",
	       NULL, NULL);
	ref_ok("nginx:1.25", "docker.io", "registry-1.docker.io",
	       "library/nginx", "1.25", NULL);
	ref_ok("acme/api", "docker.io", "registry-1.docker.io", "acme/api",
	       NULL, NULL);
	ref_ok("ghcr.io/acme/api", "ghcr.io", "ghcr.io", "acme/api", NULL, NULL);
	ref_ok("localhost:5000/app:1.4", "localhost:5000", "localhost:5000",
	       "app", "1.4", NULL);
	ref_ok("localhost/app", "localhost", "localhost", "app", NULL, NULL);
	ref_ok("[::1]:5000/a/b/c:v1@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
	       "[::1]:5000", "[::1]:5000", "a/b/c", "v1",
	       "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	ref_ok("index.docker.io/library/redis", "docker.io",
	       "registry-1.docker.io", "library/redis", NULL, NULL);
	ref_ok("reg.example:443/a__b/c-d.e", "reg.example:443", "reg.example:443",
	       "a__b/c-d.e", NULL, NULL);
	for (size_t i = 0; bad[i]; i++) {
		err = NULL;
		CHECK(reg_ref_parse(bad[i], &r, &err) == -EINVAL);
		CHECK(err != NULL);
	}
	CHECK(reg_host_is_loopback("localhost:5000"));
	CHECK(reg_host_is_loopback("127.0.0.1"));
	CHECK(reg_host_is_loopback("[::1]:5000"));
	CHECK(!reg_host_is_loopback("127.0.0.2:5000"));
	CHECK(!reg_host_is_loopback("localhost.evil.example"));
	reg_strv_push(&insecure, "reg.lan");
	CHECK_STR(reg_scheme("reg.lan:5000", &insecure), "http");
	CHECK_STR(reg_scheme("reg.lan", &insecure), "http");
	CHECK_STR(reg_scheme("other.lan", &insecure), "https");
	CHECK_STR(reg_scheme("[::1]:1", NULL), "http");
	reg_strv_clear(&insecure);
	CHECK(reg_tag_is_artifact("sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.sig"));
	CHECK(reg_tag_is_artifact("sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
	CHECK(!reg_tag_is_artifact("sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.foo"));
	CHECK(!reg_tag_is_artifact("sha256-short.sig"));
}

static void
test_challenges(void)
{
	struct reg_challenge c;

	CHECK(reg_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
				  "service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"",
				  &c) == 0);
	CHECK(c.scheme == REG_AUTH_BEARER);
	CHECK_STR(c.realm, "https://auth.docker.io/token");
	CHECK_STR(c.service, "registry.docker.io");
	CHECK_STR(c.scope, "repository:samalba/my-app:pull,push");
	reg_challenge_clear(&c);
	CHECK(reg_challenge_parse("bearer  realm = \"http://127.0.0.1:1/t?x=1\" , "
				  "service=\"a \\\"q\\\" b\"", &c) == 0);
	CHECK(c.scheme == REG_AUTH_BEARER && !c.scope);
	CHECK_STR(c.realm, "http://127.0.0.1:1/t?x=1");
	CHECK_STR(c.service, "a \"q\" b");
	reg_challenge_clear(&c);
	CHECK(reg_challenge_parse("Basic realm=\"Registry Realm\"", &c) == 0);
	CHECK(c.scheme == REG_AUTH_BASIC);
	CHECK_STR(c.realm, "Registry Realm");
	reg_challenge_clear(&c);
	CHECK(reg_challenge_parse("Basic", &c) == 0 && c.scheme == REG_AUTH_BASIC);
	reg_challenge_clear(&c);
	CHECK(reg_challenge_parse("Negotiate abc", &c) == 0 &&
	      c.scheme == REG_AUTH_OTHER);
	reg_challenge_clear(&c);
	/* no realm, non-http realm, unterminated quote */
	CHECK(reg_challenge_parse("Bearer service=\"x\"", &c) == -EINVAL);
	CHECK(reg_challenge_parse("Bearer realm=\"file:///etc/passwd\"", &c) == -EINVAL);
	CHECK(reg_challenge_parse("Bearer realm=\"https://x", &c) == -EINVAL);
	CHECK(reg_challenge_parse("", &c) == -EINVAL);
	CHECK(reg_challenge_parse(NULL, &c) == -EINVAL);
}

static void
test_links(void)
{
	char *u;

	u = reg_link_next("</v2/_catalog?last=x&n=2>; rel=\"next\"",
			  "http://127.0.0.1:5000/v2/_catalog?n=2");
	CHECK_STR(u, "http://127.0.0.1:5000/v2/_catalog?last=x&n=2");
	free(u);
	u = reg_link_next("<https://r.example/v2/a/tags/list?n=1&last=b>; rel=next",
			  "https://r.example/v2/a/tags/list?n=1");
	CHECK_STR(u, "https://r.example/v2/a/tags/list?n=1&last=b");
	free(u);
	u = reg_link_next("</p1>; rel=\"prev\", </p3>; rel=\"next last\"",
			  "https://h:1/p2");
	CHECK_STR(u, "https://h:1/p3");
	free(u);
	CHECK(reg_link_next("</p1>; rel=\"prev\"", "https://h/") == NULL);
	CHECK(reg_link_next("<ftp://x/y>; rel=\"next\"", "https://h/") == NULL);
	CHECK(reg_link_next("garbage", "https://h/") == NULL);
	CHECK(reg_link_next(NULL, "https://h/") == NULL);
}

static void
test_tokens(void)
{
	char *t = NULL;
	long e = 0;
	const char *j1 = "{\"token\":\"abc\",\"expires_in\":300}";
	const char *j2 = "{\"access_token\":\"def\",\"issued_at\":\"2026-01-01T00:00:00Z\"}";
	const char *j3 = "{\"token\":\"\",\"access_token\":\"ghi\"}";
	const char *j4 = "{\"token\":\"a\\r\\nX-Evil: 1\"}";

	CHECK(reg_token_parse(j1, strlen(j1), &t, &e) == 0 && e == 300);
	CHECK_STR(t, "abc");
	free(t);
	CHECK(reg_token_parse(j2, strlen(j2), &t, &e) == 0 && e == 60);
	CHECK_STR(t, "def");
	free(t);
	CHECK(reg_token_parse(j3, strlen(j3), &t, &e) == 0);
	CHECK_STR(t, "ghi");
	free(t);
	CHECK(reg_token_parse(j4, strlen(j4), &t, &e) == -EINVAL);
	CHECK(reg_token_parse("{}", 2, &t, &e) == -EINVAL);
	CHECK(reg_token_parse("<html>", 6, &t, &e) == -EINVAL);
}

static int
vcmp(const char *a, const char *b)
{
	struct reg_semver x, y;

	if (!reg_semver_parse(a, &x) || !reg_semver_parse(b, &y))
		return 99;
	return reg_semver_cmp(&x, &y);
}

static void
test_semver(void)
{
	static const char *const order[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1",
		"1.2", "v1.10.0", "2.0.0",
	};
	static const char *const no[] = {
		"latest", "1", "01.2.3", "1.2.3.4", "v", "1.2.3-", "main",
		"20240101", "1.2.x", "sha256-abc", NULL,
	};
	struct reg_semver v;

	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		CHECK(vcmp(order[i], order[i + 1]) == -1);
		CHECK(vcmp(order[i + 1], order[i]) == 1);
	}
	CHECK(vcmp("1.2.3", "v1.2.3") == 0);
	CHECK(vcmp("1.2.3+build.5", "1.2.3") == 0);
	CHECK(vcmp("1.2.3_build.5", "1.2.3") == 0);
	for (size_t i = 0; no[i]; i++)
		CHECK(!reg_semver_parse(no[i], &v));
	CHECK(reg_semver_parse("1.2", &v) && !v.full);
	CHECK(reg_semver_parse("1.2.3", &v) && v.full);
}

static void
test_select(void)
{
	static const char *const tags[] = {
		"0.9.0", "latest", "1.10.0", "1.2.0", "1.9.9", "v2.0.0-rc1",
		"feature-x", "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.sig",
		"1.2", "0.1.0", "1.0.0",
	};
	static const char *const plain[] = { "main", "dev", "b", "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" };
	static const char *const pre[] = { "1.0.0-rc1", "1.0.0-rc2" };
	struct reg_strv out = { 0 };
	regex_t re;

	reg_tags_select(tags, 11, NULL, 3, &out);
	CHECK(out.n == 4);
	CHECK_STR(out.v[0], "latest");
	CHECK_STR(out.v[1], "1.10.0");
	CHECK_STR(out.v[2], "1.9.9");
	CHECK_STR(out.v[3], "1.2");	/* 1.2 == 1.2.0; "1.2" sorts first */
	reg_strv_clear(&out);
	CHECK(regcomp(&re, "^0\\.", REG_EXTENDED | REG_NOSUB) == 0);
	reg_tags_select(tags, 11, &re, 5, &out);
	CHECK(out.n == 2);
	CHECK_STR(out.v[0], "0.9.0");
	CHECK_STR(out.v[1], "0.1.0");
	regfree(&re);
	reg_strv_clear(&out);
	reg_tags_select(plain, 4, NULL, 2, &out);
	CHECK(out.n == 2);
	CHECK_STR(out.v[0], "dev");
	CHECK_STR(out.v[1], "main");
	reg_strv_clear(&out);
	reg_tags_select(pre, 2, NULL, 5, &out);
	CHECK(out.n == 2);
	CHECK_STR(out.v[0], "1.0.0-rc2");
	reg_strv_clear(&out);
	reg_tags_select(tags, 11, NULL, 0, &out);
	CHECK(out.n == 1);
	reg_strv_clear(&out);
}

static void
test_manifests(void)
{
	struct reg_manifest m;
	struct reg_config c;
	char *err = NULL;
	const char *s;

	s = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":null}";
	CHECK(reg_manifest_parse(s, strlen(s), "application/json", &m, &err) == 0);
	CHECK(m.type == REG_MT_OCI_MANIFEST && m.n_layers == 0);
	reg_manifest_clear(&m);
	/* header wins over the body's absence; the body may not contradict */
	s = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
	CHECK(reg_manifest_parse(s, strlen(s), "application/vnd.oci.image.manifest.v1+json; charset=x",
				 &m, &err) == -EINVAL);
	CHECK(err && strstr(err, "contradicts"));
	free(err);
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == 0);
	CHECK(m.type == REG_MT_OCI_INDEX && m.n_manifests == 0);
	reg_manifest_clear(&m);
	s = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"sha256:zz\"}}";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == -EINVAL);
	CHECK(err && strstr(err, "$.config.digest"));
	free(err);
	s = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":-1}]}";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == -EINVAL);
	CHECK(err && strstr(err, "$.manifests[0].size"));
	free(err);
	s = "[1,2]";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == -EINVAL);
	free(err);
	s = "{\"schemaVersion\":3}";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == -EINVAL);
	free(err);
	s = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == -EINVAL);
	CHECK(err && strstr(err, "not JSON"));
	free(err);

	s = "{\"config\":{\"User\":\"nova\",\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]},"
	    "\"Labels\":{\"org.opencontainers.image.source\":\"https://x\"}},"
	    "\"created\":\"2026-01-01T00:00:00Z\",\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}";
	CHECK(reg_config_parse(s, strlen(s), &c, &err) == 0);
	CHECK_STR(c.user, "nova");
	CHECK(c.healthcheck);
	CHECK_STR(c.label_source, "https://x");
	CHECK_STR(c.platform, "linux/arm/v7");
	reg_config_clear(&c);
	s = "{\"config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}";
	CHECK(reg_config_parse(s, strlen(s), &c, &err) == 0);
	CHECK(!c.healthcheck && strcmp(c.user, "") == 0);
	reg_config_clear(&c);
	s = "{\"config\":{\"User\":5}}";
	CHECK(reg_config_parse(s, strlen(s), &c, &err) == -EINVAL);
	free(err);
	/* BuildKit builder artifact: the image config type, content {} */
	s = "{}";
	CHECK(reg_config_parse(s, strlen(s), &c, &err) == 0 && c.empty);
	reg_config_clear(&c);
	s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{}}";
	CHECK(reg_config_parse(s, strlen(s), &c, &err) == 0 && !c.empty);
	reg_config_clear(&c);
	CHECK(reg_user_is_root(""));
	CHECK(reg_user_is_root("root"));
	CHECK(reg_user_is_root("0"));
	CHECK(reg_user_is_root("0:0"));
	CHECK(reg_user_is_root("root:wheel"));
	CHECK(reg_user_is_root(":1000"));
	CHECK(!reg_user_is_root("1000"));
	CHECK(!reg_user_is_root("nobody"));
	CHECK(!reg_user_is_root("rooty"));
	CHECK(!reg_user_is_root("1000:0"));

	CHECK(reg_artifact_kind("application/vnd.dev.sigstore.bundle.v0.3+json") ==
	      REG_ART_SIGNATURE);
	CHECK(reg_artifact_kind("application/vnd.dev.cosign.artifact.sig.v1+json") ==
	      REG_ART_SIGNATURE);
	CHECK(reg_artifact_kind("application/vnd.cncf.notary.signature") ==
	      REG_ART_SIGNATURE);
	CHECK(reg_artifact_kind("application/spdx+json") == REG_ART_SBOM);
	CHECK(reg_artifact_kind("application/vnd.cyclonedx+json") == REG_ART_SBOM);
	CHECK(reg_artifact_kind("application/vnd.in-toto+json") ==
	      REG_ART_ATTESTATION);
	CHECK(reg_artifact_kind("application/vnd.oci.image.config.v1+json") == 0);
	CHECK(reg_artifact_kind(NULL) == 0);
	/* real producers' types, each named; look-alikes are no evidence */
	{
		static const struct {
			const char *type, *name;
			unsigned kind;
		} real[] = {
			{ "application/vnd.dev.sigstore.bundle.v0.3+json",
			  "Sigstore bundle", REG_ART_SIGNATURE },
			{ "application/vnd.dev.sigstore.bundle+json;version=0.1",
			  "Sigstore bundle", REG_ART_SIGNATURE },
			{ "application/vnd.dev.cosign.simplesigning.v1+json",
			  "cosign simple signing", REG_ART_SIGNATURE },
			{ "application/vnd.cncf.notary.signature",
			  "Notary v2 signature", REG_ART_SIGNATURE },
			{ "text/spdx", "SPDX SBOM", REG_ART_SBOM },
			{ "text/spdx+json", "SPDX SBOM", REG_ART_SBOM },
			{ "application/spdx+json", "SPDX SBOM", REG_ART_SBOM },
			{ "application/vnd.cyclonedx+xml", "CycloneDX SBOM",
			  REG_ART_SBOM },
			{ "application/vnd.syft+json", "Syft SBOM", REG_ART_SBOM },
			{ "application/vnd.dsse.envelope.v1+json",
			  "in-toto (DSSE) attestation", REG_ART_ATTESTATION },
			{ "application/vnd.in-toto+json", "in-toto attestation",
			  REG_ART_ATTESTATION },
			{ "application/example.signature", NULL, 0 },
			{ "application/example.sbom", NULL, 0 },
			{ "application/vnd.acme.signature-policy+json", NULL, 0 },
			{ "application/vnd.acme.sbom-report", NULL, 0 },
		};

		for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
			CHECK(reg_artifact_kind(real[i].type) == real[i].kind);
			if (real[i].name)
				CHECK_STR(reg_artifact_name(real[i].type),
					  real[i].name);
			else
				CHECK(reg_artifact_name(real[i].type) == NULL);
		}
	}
	CHECK(reg_predicate_kind("https://slsa.dev/provenance/v1") ==
	      (REG_ART_PROVENANCE | REG_ART_ATTESTATION));
	CHECK(reg_predicate_kind("https://spdx.dev/Document") ==
	      (REG_ART_SBOM | REG_ART_ATTESTATION));
	CHECK(reg_predicate_kind("https://cyclonedx.org/bom") ==
	      (REG_ART_SBOM | REG_ART_ATTESTATION));
	CHECK(reg_predicate_kind("https://sigstore.dev/cosign/sign/v1") ==
	      REG_ART_SIGNATURE);
	CHECK(reg_predicate_kind("https://example.com/vuln") ==
	      REG_ART_ATTESTATION);
	{
		/* a Sigstore bundle of an SBOM attestation is no image signature */
		struct reg_desc d = { 0 };

		d.artifact_type = "application/vnd.dev.sigstore.bundle.v0.3+json";
		CHECK(reg_desc_kind(&d) == REG_ART_SIGNATURE);
		d.predicate_type = "https://sigstore.dev/cosign/sign/v1";
		CHECK(reg_desc_kind(&d) == REG_ART_SIGNATURE);
		d.predicate_type = "https://spdx.dev/Document";
		CHECK(reg_desc_kind(&d) == (REG_ART_SBOM | REG_ART_ATTESTATION));
	}
	s = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
	    "{\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
	    "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	    "{\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
	    "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
	    "\"annotations\":{\"dev.sigstore.bundle.predicateType\":\"https://slsa.dev/provenance/v1\","
	    "\"vnd.docker.reference.type\":\"attestation-manifest\"}}]}";
	CHECK(reg_manifest_parse(s, strlen(s), NULL, &m, &err) == 0);
	CHECK(m.manifests[0].attestation && m.manifests[1].attestation);
	CHECK(reg_referrers_kinds(&m) == (REG_ART_PROVENANCE | REG_ART_ATTESTATION));
	reg_manifest_clear(&m);
}

static void
test_time(void)
{
	const struct og_host *h = &og_mock_host;
	int64_t t;

	CHECK(reg_parse_time(h, "1970-01-01T00:00:00Z", &t) == 0 && t == 0);
	CHECK(reg_parse_time(h, "2016-09-23T23:20:45.78976459Z", &t) == 0 &&
	      t == 1474672845);
	CHECK(reg_parse_time(h, "2026-01-01T02:00:00+02:00", &t) == 0 &&
	      t == 1767225600);
	CHECK(reg_parse_time(h, "2026-01-01", &t) == 0 && t == 1767225600);
	CHECK(reg_parse_time(h, "2026-13-01T00:00:00Z", &t) == -EINVAL);
	CHECK(reg_parse_time(h, "2026-01-01T00:00:00", &t) == -EINVAL);
	CHECK(reg_parse_time(h, "yesterday", &t) == -EINVAL);
}


/* ---- client.c against a scripted host (the shared mock host of
 * tests/plugins/mock-host.c, with a registry behaviour scripted here) ---- */

#define MOCK_MAX 32
static struct {
	char url[512];
	char authz[256];	/* our own Authorization header, if any */
	char auth[64];		/* host-held credential name, if any */
} seen[MOCK_MAX];
static size_t n_seen;
static int mock_mode;	/* which registry behaviour to play */

static const char *const hdr_bearer[] = {
	"www-authenticate: Bearer realm=\"https://auth.test/token\",service=\"svc\"",
	NULL,
};
static const char *const hdr_basic[] = {
	"www-authenticate: Basic realm=\"r\"", NULL,
};

/* The host holds a credential for reg.test, or none. */
static void
set_secret(struct og_ctx *ctx, bool on)
{
	ctx->n_secrets = 0;
	if (on)
		og_mock_add_secret(ctx, "registry.login");
}

static struct og_http_response *
mock_answer(struct og_ctx *ctx, const struct og_http_request *q)
{
	(void)ctx;
	static const char token[] = "{\"token\":\"T0KEN\",\"expires_in\":120}";
	const char *authz = NULL;
	bool token_url = strncmp(q->url, "https://auth.test/", 18) == 0;
	long status;

	for (const char *const *h = q->headers; h && *h; h++)
		if (strncmp(*h, "Authorization:", 14) == 0)
			authz = *h;
	if (n_seen < MOCK_MAX) {
		snprintf(seen[n_seen].url, sizeof(seen[0].url), "%s", q->url);
		snprintf(seen[n_seen].authz, sizeof(seen[0].authz), "%s",
			 authz ? authz : "");
		snprintf(seen[n_seen].auth, sizeof(seen[0].auth), "%s",
			 q->auth ? q->auth : "");
		n_seen++;
	}
	if (token_url) {
		status = mock_mode == 3 ? 401 : 200;
		return og_mock_response(status, token, strlen(token), NULL);
	}
	if (mock_mode == 0 || mock_mode == 3) {		/* Bearer */
		status = authz && strcmp(authz, "Authorization: Bearer T0KEN") == 0
				 ? 200 : 401;
		return og_mock_response(status, "", 0,
					status == 401 ? hdr_bearer : NULL);
	}
	if (mock_mode == 1)				/* endless 401 */
		return og_mock_response(401, "", 0, hdr_bearer);
	/* Basic */
	status = q->auth ? 200 : 401;	/* the host attaches it */
	return og_mock_response(status, "", 0, status == 401 ? hdr_basic : NULL);
}

static int
run_one(struct reg_client *c, const char *url, struct reg_call *call)
{
	memset(call, 0, sizeof(*call));
	call->url = reg_strdup(url);
	call->host = "reg.test";
	call->scope = reg_strdup("repository:x/y:pull");
	call->accept = REG_ACCEPT_MANIFESTS;
	return reg_client_run(c, call, 1);
}

static void
test_client(void)
{
	static struct og_ctx ctx;
	struct reg_client *c;
	struct reg_call call;

	og_mock_init(&ctx);
	ctx.out = NULL;		/* logs are not what is tested here */
	ctx.now = 1000;
	ctx.http_answer = mock_answer;

	/* Bearer: 401, token with service + scope, retry with the token;
	 * the next call reuses it; another host never sees it */
	mock_mode = 0;
	set_secret(&ctx, true);
	n_seen = 0;
	c = reg_client_new(&ctx, &og_mock_host);
	CHECK(run_one(c, "https://reg.test/v2/x/y/manifests/1", &call) == 0);
	CHECK(call.resp && call.resp->status == 200 && !call.err);
	CHECK(n_seen == 3);
	CHECK_STR(seen[1].url, "https://auth.test/token?service=svc&scope=repository%3Ax%2Fy%3Apull");
	CHECK_STR(seen[1].auth, "secret:registry.login");
	CHECK_STR(seen[2].authz, "Authorization: Bearer T0KEN");
	reg_call_clear(c, &call);
	CHECK(run_one(c, "https://reg.test/v2/x/y/blobs/z", &call) == 0);
	CHECK(n_seen == 4 && call.resp->status == 200);
	reg_call_clear(c, &call);
	run_one(c, "https://cdn.test/v2/x/y/blobs/z", &call);
	CHECK(n_seen >= 5 && seen[4].authz[0] == '\0');
	reg_call_clear(c, &call);
	reg_client_free(c);

	/* endless 401: one token fetch, one retry, then a clear error */
	mock_mode = 1;
	n_seen = 0;
	c = reg_client_new(&ctx, &og_mock_host);
	run_one(c, "https://reg.test/v2/x/y/manifests/1", &call);
	CHECK(n_seen == 3);
	CHECK(call.err && strstr(call.err, "again after authenticating"));
	CHECK(call.err && !strstr(call.err, "T0KEN"));
	reg_call_clear(c, &call);
	reg_client_free(c);

	/* Basic without a configured credential: no retry */
	mock_mode = 2;
	set_secret(&ctx, false);
	n_seen = 0;
	c = reg_client_new(&ctx, &og_mock_host);
	run_one(c, "https://reg.test/v2/x/y/manifests/1", &call);
	CHECK(n_seen == 1 && call.err && strstr(call.err, "none is configured"));
	reg_call_clear(c, &call);
	reg_client_free(c);
	/* ... and with one: the host attaches it on the retry */
	set_secret(&ctx, true);
	n_seen = 0;
	c = reg_client_new(&ctx, &og_mock_host);
	run_one(c, "https://reg.test/v2/x/y/manifests/1", &call);
	CHECK(n_seen == 2 && !call.err && call.resp->status == 200);
	CHECK_STR(seen[1].auth, "secret:registry.login");
	reg_call_clear(c, &call);
	reg_client_free(c);

	/* token endpoint refuses: error names it; the ping's challenge does
	 * not make every later call ask again (negative cache) */
	mock_mode = 3;
	n_seen = 0;
	c = reg_client_new(&ctx, &og_mock_host);
	{
		struct og_http_response ping = { .struct_size = sizeof(ping),
						 .status = 401,
						 .headers = hdr_bearer };

		reg_client_note_challenge(c, "reg.test", &ping);
	}
	run_one(c, "https://reg.test/v2/x/y/manifests/1", &call);
	CHECK(call.err && strstr(call.err, "refused the configured credentials"));
	reg_call_clear(c, &call);
	n_seen = 0;
	run_one(c, "https://reg.test/v2/x/y/manifests/2", &call);
	CHECK(n_seen == 2);	/* request, token after the 401; no prefetch */
	reg_call_clear(c, &call);
	reg_client_free(c);
}

/* ---- shared corpus ---- */

static char *
slurp(const char *dir, const char *name, size_t *ret_len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/corpus/registry/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void
test_corpus(const char *dir)
{
	size_t len, len2;
	char *b, *b2, *err = NULL, d[REG_DIGEST_LEN + 1];
	struct reg_manifest m, a;
	struct reg_config c;

	b = slurp(dir, "oci-index-multiarch.regclient-v2.json", &len);
	if (!b) {
		fprintf(stderr, "corpus not found under %s: skipping corpus tests\n",
			dir);
		return;
	}
	/* the index, its amd64 manifest and that manifest's config chain up
	 * by digest, byte for byte */
	CHECK(reg_manifest_parse(b, len, "application/vnd.oci.image.index.v1+json",
				 &m, &err) == 0);
	CHECK(m.n_manifests == 3);
	CHECK_STR(m.manifests[2].platform, "linux/arm/v7");
	reg_sha256_digest(b, len, d);
	CHECK_STR(d, "sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");
	b2 = slurp(dir, "oci-manifest-linux-amd64.regclient-v2.json", &len2);
	CHECK(b2 && reg_digest_check(m.manifests[0].digest, b2, len2) == 0);
	CHECK(b2 && (size_t)m.manifests[0].size == len2);
	reg_manifest_clear(&m);
	free(b);
	CHECK(reg_manifest_parse(b2, len2, NULL, &m, &err) == 0);
	CHECK(m.type == REG_MT_OCI_MANIFEST && m.n_layers == 3);
	free(b2);
	b = slurp(dir, "oci-config-linux-amd64.regclient-v2.json", &len);
	CHECK(b && reg_digest_check(m.config.digest, b, len) == 0);
	CHECK(b && reg_config_parse(b, len, &c, &err) == 0);
	CHECK_STR(c.platform, "linux/amd64");
	CHECK(reg_user_is_root(c.user) && !c.healthcheck && !c.label_source);
	CHECK(c.n_history == 9);
	reg_config_clear(&c);
	reg_manifest_clear(&m);
	free(b);

	/* referrers tag schema: the fallback index lists both artifacts */
	b = slurp(dir, "oci-referrers-tag-fallback-index.regclient-v2.json", &len);
	CHECK(b && reg_manifest_parse(b, len, NULL, &m, &err) == 0);
	/* regclient's test artifacts are application/example.signature and
	 * application/example.sbom: listed, but no signature or SBOM */
	CHECK(m.n_manifests == 2 && reg_referrers_kinds(&m) == 0);
	b2 = slurp(dir, "oci-artifact-sbom-with-subject.regclient-a1.json", &len2);
	CHECK(b2 && reg_digest_check(m.manifests[0].digest, b2, len2) == 0);
	CHECK(b2 && reg_manifest_parse(b2, len2, NULL, &a, &err) == 0);
	CHECK_STR(a.subject, "sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");
	CHECK_STR(a.artifact_type, "application/example.sbom");
	CHECK(reg_artifact_kind(a.artifact_type) == 0);
	reg_manifest_clear(&a);
	free(b2);
	b2 = slurp(dir, "oci-artifact-signature-with-subject.regclient-a2.json", &len2);
	CHECK(b2 && reg_digest_check(m.manifests[1].digest, b2, len2) == 0);
	free(b2);
	reg_manifest_clear(&m);
	free(b);

	b = slurp(dir, "docker-manifest-list-v2.containers-image.json", &len);
	CHECK(b && reg_manifest_parse(b, len, NULL, &m, &err) == 0);
	CHECK(m.type == REG_MT_DOCKER_LIST && m.n_manifests == 5);
	CHECK_STR(m.manifests[3].platform, "linux/arm/armv7");
	CHECK(reg_mtype_of(m.manifests[0].media_type) == REG_MT_DOCKER_V1);
	reg_manifest_clear(&m);
	free(b);
	b = slurp(dir, "docker-manifest-v2s2.containers-image.json", &len);
	CHECK(b && reg_manifest_parse(b, len,
				      "application/vnd.docker.distribution.manifest.v2+json",
				      &m, &err) == 0);
	CHECK(m.type == REG_MT_DOCKER_V2 && m.n_layers == 3 &&
	      m.layers[2].size == 73109);
	CHECK_STR(m.config.media_type, "application/vnd.docker.container.image.v1+json");
	reg_manifest_clear(&m);
	free(b);
	b = slurp(dir, "oci-index.containers-image.json", &len);
	CHECK(b && reg_manifest_parse(b, len, NULL, &m, &err) == 0);
	CHECK(m.n_manifests == 2 && !m.manifests[1].attestation);
	reg_manifest_clear(&m);
	free(b);
	b = slurp(dir, "oci-manifest.containers-image.json", &len);
	CHECK(b && reg_manifest_parse(b, len, NULL, &m, &err) == 0);
	CHECK(m.n_layers == 3);
	reg_manifest_clear(&m);
	free(b);
	/* an artifact with an empty config digest is refused with its path */
	b = slurp(dir, "oci-artifact.containers-image.json", &len);
	CHECK(b && reg_manifest_parse(b, len, NULL, &m, &err) == -EINVAL);
	CHECK(err && strstr(err, "$.config.digest"));
	free(err);
	free(b);
	b = slurp(dir, "docker-config-httpd.containers-image.json", &len);
	CHECK(b && reg_config_parse(b, len, &c, &err) == 0);
	CHECK(reg_user_is_root(c.user) && !c.healthcheck);
	CHECK_STR(c.created, "2016-09-23T23:20:45.78976459Z");
	reg_config_clear(&c);
	free(b);
}

int
main(void)
{
	const char *shared = getenv("OG_SHARED");

	test_sha256();
	test_refs();
	test_challenges();
	test_links();
	test_tokens();
	test_semver();
	test_select();
	test_manifests();
	test_time();
	test_client();
	test_corpus(shared ? shared : "../shared");
	return check_done();
}
