/*
 * Internals of the registry collector: reference parsing, digests,
 * auth challenges, manifests, tag ordering and the HTTP client on top of
 * the host's http_batch.  Everything here is hidden (-fvisibility=hidden);
 * the unit tests link these sources directly.
 */
#ifndef REG_H
#define REG_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <opsgrade/plugin.h>

#define REG_DIGEST_LEN		71	/* "sha256:" + 64 hex */
#define REG_MANIFEST_MAX	((size_t)4 << 20)	/* spec: 4 MiB */
#define REG_CONFIG_MAX		((size_t)8 << 20)
#define REG_TAGS_MAX		100000	/* tag list cap per repository */
#define REG_CREDENTIAL		"registry.login"	/* its declared credential */
#define REG_TAG_PAGES_MAX	200
#define REG_PLATFORMS_MAX	16	/* per index; the rest are counted */
#define REG_TOKEN_MAX		16384

/* ---- util.c ---- */
void *reg_xmalloc(size_t n);
void *reg_xcalloc(size_t n, size_t size);
void *reg_xrealloc_array(void *p, size_t n, size_t size);
char *reg_strdup(const char *s);		/* NULL-safe */
char *reg_strndup(const char *s, size_t n);
char *reg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct reg_strv {
	char **v;
	size_t n, cap;
};
void reg_strv_push(struct reg_strv *sv, const char *s);
void reg_strv_push_take(struct reg_strv *sv, char *s);
bool reg_strv_contains(const struct reg_strv *sv, const char *s);
void reg_strv_clear(struct reg_strv *sv);

/* RFC 3339 ("2021-01-01T00:00:00.123Z", "+02:00" offsets) through
 * host->parse_time.  0, -EINVAL, or -ENOTSUP when the host has none. */
int reg_parse_time(const struct og_host *host, const char *s, int64_t *ret_t);
/* Header value from a response (names are lowercase there), or NULL. */
const char *reg_header(const struct og_http_response *r, const char *name);
/* Media type without parameters, lowercased, into a new string. */
char *reg_media_type(const char *content_type);
/* Percent-encode for a query value. */
char *reg_url_escape(const char *s);

/* ---- digest.c ---- */
void reg_sha256(const void *data, size_t len, unsigned char out[32]);
void reg_sha256_digest(const void *data, size_t len,
		       char out[REG_DIGEST_LEN + 1]);
bool reg_digest_valid(const char *digest);
/* 0 match, -EBADMSG mismatch, -ENOTSUP other algorithm, -EINVAL bad. */
int reg_digest_check(const char *digest, const void *data, size_t len);

/* ---- ref.c ---- */
struct reg_ref {
	char *registry;		/* as written: "localhost:5000", "docker.io" */
	char *api_host;		/* what to contact: "registry-1.docker.io" */
	char *repo;		/* "library/nginx" */
	char *tag;		/* NULL when none given */
	char *digest;		/* NULL when none given */
};
/* Parse "[host[:port]/]name[:tag][@sha256:…]" as Docker does.
 * Returns 0 or -EINVAL with a reason in *ret_err (static string). */
int reg_ref_parse(const char *s, struct reg_ref *ret, const char **ret_err);
void reg_ref_clear(struct reg_ref *r);
bool reg_tag_valid(const char *tag);
bool reg_repo_valid(const char *repo);
/* Host without port or brackets, new string. */
char *reg_host_name(const char *hostport);
bool reg_host_is_loopback(const char *hostport);
/* "http" for loopback and @insecure hosts (host or host:port), else "https". */
const char *reg_scheme(const char *hostport, const struct reg_strv *insecure);
/* @hostport, or its host name, is in @list (e.g. the insecure hosts). */
bool reg_host_listed(const char *hostport, const struct reg_strv *list);
/* Cosign / referrers-tag artifacts: "sha256-<64 hex>[.sig|.att|.sbom]". */
bool reg_tag_is_artifact(const char *tag);

/* ---- auth.c ---- */
enum reg_auth_scheme {
	REG_AUTH_NONE = 0,
	REG_AUTH_BASIC,
	REG_AUTH_BEARER,
	REG_AUTH_OTHER,
};
struct reg_challenge {
	enum reg_auth_scheme scheme;
	char *realm, *service, *scope;
};
/* Parse a WWW-Authenticate value.  0 or -EINVAL (malformed). */
int reg_challenge_parse(const char *value, struct reg_challenge *ret);
void reg_challenge_clear(struct reg_challenge *c);
/* The rel="next" target of a Link header resolved against @base_url
 * (absolute, or NULL when there is none or it leaves http(s)). */
char *reg_link_next(const char *link, const char *base_url);
/* "token" or "access_token" from a token endpoint body; *ret_expires_in
 * defaults to 60 s.  0, -EINVAL (no token / not JSON), -EFBIG. */
int reg_token_parse(const char *body, size_t len, char **ret_token,
		    long *ret_expires_in);

/* ---- semver.c ---- */
struct reg_semver {
	uint64_t num[3];
	const char *pre;	/* prerelease, points into the tag; NULL if none */
	size_t pre_len;
	bool full;		/* MAJOR.MINOR.PATCH (not just MAJOR.MINOR) */
};
/* Accepts [v]MAJOR.MINOR[.PATCH][-pre][+build]. */
bool reg_semver_parse(const char *tag, struct reg_semver *ret);
int reg_semver_cmp(const struct reg_semver *a, const struct reg_semver *b);
/* Pick what to inspect from a tag list: "latest" when present plus the
 * @max highest semver release tags (prereleases only when there is no
 * release), after @filter (may be NULL); when no tag is
 * semver or latest, the last @max tags in lexical order.  Artifact tags
 * never count.  Appends to @ret in a stable order (latest first). */
void reg_tags_select(const char *const *tags, size_t n, const regex_t *filter,
		     size_t max, struct reg_strv *ret);

/* ---- manifest.c ---- */
enum reg_mtype {
	REG_MT_UNKNOWN = 0,
	REG_MT_OCI_INDEX,
	REG_MT_OCI_MANIFEST,
	REG_MT_DOCKER_LIST,
	REG_MT_DOCKER_V2,
	REG_MT_DOCKER_V1,
};
#define REG_ACCEPT_MANIFESTS                                              \
	"Accept: application/vnd.oci.image.index.v1+json, "               \
	"application/vnd.oci.image.manifest.v1+json, "                    \
	"application/vnd.docker.distribution.manifest.list.v2+json, "     \
	"application/vnd.docker.distribution.manifest.v2+json"

enum reg_mtype reg_mtype_of(const char *media_type);
bool reg_mtype_is_index(enum reg_mtype t);

struct reg_desc {
	char *media_type;
	char *digest;
	char *artifact_type;
	int64_t size;
	char *platform;		/* "os/arch[/variant]" or NULL */
	bool attestation;	/* BuildKit attestation / unknown platform */
	char *predicate_type;	/* in-toto predicate from annotations */
};

struct reg_manifest {
	enum reg_mtype type;
	char *media_type;
	char *artifact_type;	/* artifactType, else config media type */
	struct reg_desc config;
	struct reg_desc *layers;
	size_t n_layers;
	struct reg_desc *manifests;
	size_t n_manifests;
	char *subject;		/* subject digest or NULL */
	char *ann_source, *ann_revision, *ann_version, *ann_created;
};

/* Parse a manifest or index.  @content_type may be NULL (then the body's
 * mediaType decides).  On error *ret_err is a new string. */
int reg_manifest_parse(const char *body, size_t len, const char *content_type,
		       struct reg_manifest *ret, char **ret_err);
void reg_manifest_clear(struct reg_manifest *m);

struct reg_config {
	char *user;		/* "" when unset */
	bool healthcheck;	/* Healthcheck present and not NONE */
	char *created;
	char *platform;		/* os/arch[/variant] */
	char *label_source, *label_revision, *label_version;
	size_t n_history;
	bool empty;		/* "{}": no os, architecture, config, rootfs */
};
int reg_config_parse(const char *body, size_t len, struct reg_config *ret,
		     char **ret_err);
void reg_config_clear(struct reg_config *c);
/* Empty user, "root", "0", "root:…", "0:…" run as root. */
bool reg_user_is_root(const char *user);

enum {
	REG_ART_SIGNATURE = 1,
	REG_ART_SBOM = 2,
	REG_ART_ATTESTATION = 4,
	REG_ART_PROVENANCE = 8,
};
/* Classify an artifactType / layer media type. */
unsigned reg_artifact_kind(const char *type);
/* Human name of a known artifact/layer media type ("Sigstore bundle",
 * "CycloneDX SBOM"), NULL when unknown. */
const char *reg_artifact_name(const char *type);
/* Name of the first of @n descriptors whose kind has @kind. */
const char *reg_descs_name(const struct reg_desc *d, size_t n, unsigned kind);
/* Classify an in-toto predicate type (SLSA, SPDX, CycloneDX, cosign). */
unsigned reg_predicate_kind(const char *predicate);
/* Kind of one descriptor: its artifactType or media type, refined by its
 * predicate annotation (a Sigstore bundle of an SBOM is no signature). */
unsigned reg_desc_kind(const struct reg_desc *d);
/* Union of the kinds of an index's descriptors (referrers list). */
unsigned reg_referrers_kinds(const struct reg_manifest *index);
/* Union of the kinds of a manifest's layers (.att tags, BuildKit
 * attestation manifests). */
unsigned reg_layers_kinds(const struct reg_manifest *m);

/* ---- client.c ---- */
struct reg_client;

struct reg_call {
	/* in */
	const char *method;	/* NULL = GET */
	char *url;		/* owned by the call */
	const char *accept;	/* full "Accept: …" header or NULL */
	const char *host;	/* registry host:port, for auth */
	char *scope;		/* "repository:x/y:pull", owned; may be NULL */
	bool follow;		/* follow redirects (blobs) */
	/* out */
	struct og_http_response *resp;
	char *err;		/* auth / transport failure text, owned */
};

struct reg_client *reg_client_new(struct og_ctx *ctx, const struct og_host *host);
void reg_client_free(struct reg_client *c);
/* Run @calls; handles 401 challenges (Basic via the host's "registry:HOST"
 * credential, Bearer via the realm) with one retry, so a 401 loop ends
 * with an error.  Returns <0 only when nothing could be sent. */
int reg_client_run(struct reg_client *c, struct reg_call *calls, size_t n);
void reg_call_clear(struct reg_client *c, struct reg_call *call);
/* Remember a challenge seen on the /v2/ ping of @host. */
void reg_client_note_challenge(struct reg_client *c, const char *host,
			       const struct og_http_response *r);

#endif
