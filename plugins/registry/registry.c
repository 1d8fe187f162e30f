/*
 * The "registry" collector: inspects the container images a team ships
 * in any OCI / Docker registry (v2 API) and reports per-image facts
 * (platforms, user, healthcheck, labels, age, size, signatures, SBOMs)
 * plus roll-ups across all images.  docs/facts-registry.md lists them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ogjs.h"
#include "reg.h"
#include "target.h"

#define REG_IMAGES_MAX		256	/* image references per run */
#define REG_MAX_TAGS_DEFAULT	5
#define REG_MAX_TAGS_LIMIT	100

enum tri { T_UNKNOWN = -1, T_NO = 0, T_YES = 1 };

struct ping {
	char *host;
	char *err;		/* NULL when the host speaks the v2 API */
};

struct image {
	char *name;		/* "registry/repo:tag" */
	char *digest;
	char *media_type;
	struct reg_strv platforms;
	char *user;
	enum tri nonroot, healthcheck, signed_, sbom, attested, provenance;
	unsigned kinds;		/* artifacts seen inside the index (BuildKit) */
	char *sig_via;		/* how and what: "referrers API: Sigstore bundle" */
	char *sbom_via;		/* likewise for the SBOM */
	char *label_source, *label_revision, *label_version;
	int64_t created;	/* newest platform, 0 = unknown */
	bool reproducible;	/* created is the epoch (SOURCE_DATE_EPOCH=0) */
	bool not_image;		/* an artifact, not a runnable image */
	int64_t size;		/* compressed: config + layers, largest platform */
	size_t layers;
};

struct rollup {
	size_t count, failed, not_images;
	size_t repos, repos_semver, repos_latest;
	size_t n_yes[6], n_known[6];	/* per enum roll_key */
	size_t multi, src, rev, ver;
	int64_t oldest;			/* created time of the oldest image */
	bool have_oldest;
};

enum roll_key { R_SIGNED, R_NONROOT, R_HEALTH, R_SBOM, R_ATTESTED, R_PROV };

struct state {
	struct og_ctx *ctx;
	const struct og_host *host;
	struct reg_client *client;
	const char *const *images;
	size_t n_images;
	struct reg_strv insecure;
	const char *const *tags;
	size_t n_tags;
	regex_t filter;
	bool have_filter;
	size_t max_tags;
	struct ping *pings;
	size_t n_pings;
	struct reg_strv plain;		/* hosts reached without TLS */
	struct reg_strv plain_named;	/* of those, named in insecure[] */
	struct rollup roll;
};

static const struct og_option options[] = {
	{ .key = "images", .type = OG_OPT_LIST, .flags = OG_OPTF_SUBJECT,
	  .help = "image references: host[:port]/name[:tag|@sha256:…]" },
	{ .key = "insecure", .type = OG_OPT_LIST,
	  .help = "registry hosts to reach over plain HTTP (loopback always is)" },
	{ .key = "tags", .type = OG_OPT_LIST,
	  .help = "tags to inspect for references without a tag" },
	{ .key = "tag_filter", .type = OG_OPT_STRING,
	  .help = "POSIX extended regex a tag must match to be inspected" },
	{ .key = "max_tags", .type = OG_OPT_NUMBER,
	  .help = "how many highest semver tags to inspect besides latest (5)" },
	{ .key = NULL },
};

/* Basic user:password for the registries of the images (and a token
 * service one of them names), from the variables or the Docker CLI's
 * config.json; over plain HTTP only to loopback or insecure[] hosts. */
static const struct og_credential credentials[] = {
	{ .name = REG_CREDENTIAL, .env = "OPSGRADE_REGISTRY_PASSWORD",
	  .user_env = "OPSGRADE_REGISTRY_USER", .scheme = "Basic",
	  .hosts_option = "images", .insecure_option = "insecure",
	  .flags = OG_CRED_DOCKER_CONFIG },
	{ .name = NULL },
};

static void
fail_image(struct state *s, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail_image(struct state *s, const char *what, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	s->host->log(s->ctx, OG_LOG_ERROR, "%s: %s", what, msg ? msg : "error");
	s->host->set_partial(s->ctx, "some images could not be inspected");
	s->roll.failed++;
	free(msg);
}

/* ---- HTTP helpers ---- */

static char *
base_url(struct state *s, const struct reg_ref *ref)
{
	const char *scheme = reg_scheme(ref->api_host, &s->insecure);

	if (strcmp(scheme, "http") == 0 &&
	    !reg_strv_contains(&s->plain, ref->api_host)) {
		reg_strv_push(&s->plain, ref->api_host);
		/* named with --insecure-registry: stated, loopback or not */
		if (reg_host_listed(ref->api_host, &s->insecure))
			reg_strv_push(&s->plain_named, ref->api_host);
	}
	return reg_asprintf("%s://%s", scheme, ref->api_host);
}

static void
call_init(struct state *s, struct reg_call *call, const struct reg_ref *ref,
	  const char *accept, char *url)
{
	memset(call, 0, sizeof(*call));
	call->url = url;
	call->accept = accept;
	call->host = ref->api_host;
	call->scope = reg_asprintf("repository:%s:pull", ref->repo);
}

/* Describe a failed call: transport error, auth refusal, or the status
 * with the registry's own error code. New string. */
static char *
call_error(const struct reg_call *call)
{
	const struct og_http_response *r = call->resp;
	cJSON *doc, *e;
	const cJSON *code, *msg;
	char *out;

	if (call->err)
		return reg_strdup(call->err);
	if (!r)
		return reg_asprintf("%s: request could not be sent", call->url);
	if (r->status == 0)
		return reg_asprintf("%s: %s", call->url,
				    r->error ? r->error : "no answer");
	doc = ogjs_parse_text(r->body, r->body_len, NULL, NULL);
	e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "errors"), 0);
	code = cJSON_GetObjectItemCaseSensitive(e, "code");
	msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	if (cJSON_IsString(code))
		out = reg_asprintf("%s: HTTP %ld %s%s%s", call->url, r->status,
				   code->valuestring,
				   cJSON_IsString(msg) ? ": " : "",
				   cJSON_IsString(msg) ? msg->valuestring : "");
	else
		out = reg_asprintf("%s: HTTP %ld", call->url, r->status);
	cJSON_Delete(doc);
	return out;
}

/* Ping /v2/ once per host.  Returns NULL or the (borrowed) failure. */
static const char *
ping(struct state *s, const struct reg_ref *ref)
{
	struct reg_call call;
	struct ping *p;
	char *base;

	for (size_t i = 0; i < s->n_pings; i++)
		if (strcmp(s->pings[i].host, ref->api_host) == 0)
			return s->pings[i].err;
	s->pings = reg_xrealloc_array(s->pings, s->n_pings + 1, sizeof(*s->pings));
	p = &s->pings[s->n_pings++];
	p->host = reg_strdup(ref->api_host);
	p->err = NULL;
	base = base_url(s, ref);
	memset(&call, 0, sizeof(call));
	call.url = reg_asprintf("%s/v2/", base);
	call.host = ref->api_host;
	free(base);
	/* unauthenticated on purpose: the challenge tells how to log in */
	{
		struct og_http_request req = { .struct_size = sizeof(req),
					       .url = call.url, .no_cache = true };
		const struct og_http_request *reqs[1] = { &req };

		if (s->host->http_batch(s->ctx, reqs, 1, &call.resp) < 0)
			call.resp = NULL;
	}
	if (call.resp && call.resp->status == 401)
		reg_client_note_challenge(s->client, ref->api_host, call.resp);
	else if (!call.resp || call.resp->status != 200)
		p->err = call.resp && call.resp->status == 404
				 ? reg_asprintf("%s: not an OCI/Docker v2 registry "
						"(GET /v2/ answered 404)", call.url)
				 : call_error(&call);
	reg_call_clear(s->client, &call);
	return p->err;
}

/* ---- tags ---- */

static int
list_tags(struct state *s, const struct reg_ref *ref, struct reg_strv *ret)
{
	char *base = base_url(s, ref), *url, *next;
	int r = 0;

	url = reg_asprintf("%s/v2/%s/tags/list?n=1000", base, ref->repo);
	for (size_t page = 0; url; page++) {
		struct reg_call call;
		cJSON *doc = NULL;
		const cJSON *tags, *t;

		if (page == REG_TAG_PAGES_MAX || ret->n >= REG_TAGS_MAX) {
			s->host->log(s->ctx, OG_LOG_WARN,
				     "%s/%s: tag list cut at %zu tags",
				     ref->registry, ref->repo, ret->n);
			free(url);
			break;
		}
		call_init(s, &call, ref, "Accept: application/json", url);
		reg_client_run(s->client, &call, 1);
		if (!call.resp || call.resp->status != 200) {
			char *e = call_error(&call);

			fail_image(s, ref->repo, "listing tags: %s", e);
			free(e);
			reg_call_clear(s->client, &call);
			r = -EIO;
			break;
		}
		doc = ogjs_parse_text(call.resp->body, call.resp->body_len, NULL, NULL);
		tags = cJSON_GetObjectItemCaseSensitive(doc, "tags");
		if (!cJSON_IsObject(doc) || (!cJSON_IsArray(tags) && !cJSON_IsNull(tags))) {
			fail_image(s, ref->repo, "%s: tag list is not "
				   "{\"name\":…,\"tags\":[…]}", call.url);
			cJSON_Delete(doc);
			reg_call_clear(s->client, &call);
			r = -EINVAL;
			break;
		}
		cJSON_ArrayForEach(t, tags)
			if (cJSON_IsString(t) && reg_tag_valid(t->valuestring) &&
			    ret->n < REG_TAGS_MAX)
				reg_strv_push(ret, t->valuestring);
		next = reg_link_next(reg_header(call.resp, "link"), call.url);
		cJSON_Delete(doc);
		/* a next link must stay on the same registry and move on */
		if (next && (strncmp(next, base, strlen(base)) != 0 ||
			     next[strlen(base)] != '/')) {
			s->host->log(s->ctx, OG_LOG_WARN, "%s: ignoring tag page "
				     "link to another host", ref->repo);
			free(next);
			next = NULL;
		}
		if (next && strcmp(next, call.url) == 0) {
			free(next);
			next = NULL;
		}
		reg_call_clear(s->client, &call);
		url = next;
	}
	free(base);
	return r;
}

/* ---- manifests ---- */

/* Check a 200 answer's body against @want (may be NULL) and the
 * Docker-Content-Digest header.  On success *ret_digest is the digest. */
static char *
verify_body(const struct reg_call *call, const char *want,
	    char ret_digest[REG_DIGEST_LEN + 1])
{
	const char *hdr = reg_header(call->resp, "docker-content-digest");

	reg_sha256_digest(call->resp->body, call->resp->body_len, ret_digest);
	if (want && strncmp(want, "sha256:", 7) == 0 &&
	    strcmp(want, ret_digest) != 0)
		return reg_asprintf("%s: content does not match its digest "
				    "(expected %s, got %s)", call->url, want,
				    ret_digest);
	if (hdr && strncmp(hdr, "sha256:", 7) == 0 &&
	    strncmp(hdr, ret_digest, REG_DIGEST_LEN) != 0)
		return reg_asprintf("%s: Docker-Content-Digest %.71s does not "
				    "match the bytes received (%s)", call->url,
				    hdr, ret_digest);
	return NULL;
}

/* One fetched, verified, parsed manifest. */
struct fetched {
	struct reg_manifest m;
	char digest[REG_DIGEST_LEN + 1];
	long status;
	char *err;
};

static void
fetched_clear(struct fetched *f)
{
	reg_manifest_clear(&f->m);
	free(f->err);
	memset(f, 0, sizeof(*f));
}

static void
fetched_from_call(struct reg_call *call, const char *want, struct fetched *f)
{
	char *perr = NULL;

	memset(f, 0, sizeof(*f));
	f->status = call->resp ? call->resp->status : 0;
	if (!call->resp || call->resp->status != 200) {
		f->err = call_error(call);
		return;
	}
	/* A signed schema 1 manifest is digested by the registry without
	 * its JWS signatures, so the bytes never match the header: say
	 * schema 1 rather than suggest tampering. */
	if (reg_mtype_of(reg_header(call->resp, "content-type")) ==
	    REG_MT_DOCKER_V1) {
		reg_manifest_parse(call->resp->body, call->resp->body_len,
				   reg_header(call->resp, "content-type"), &f->m,
				   &perr);
		f->err = reg_asprintf("%s: %s", call->url,
				      perr ? perr : "Docker schema 1 manifest");
		free(perr);
		return;
	}
	f->err = verify_body(call, want, f->digest);
	if (f->err)
		return;
	if (reg_manifest_parse(call->resp->body, call->resp->body_len,
			       reg_header(call->resp, "content-type"), &f->m,
			       &perr) < 0) {
		f->err = reg_asprintf("%s: %s", call->url, perr);
		free(perr);
	}
}

/* GET manifests @refs[0..n) of @ref's repository concurrently. */
static void
fetch_manifests(struct state *s, const struct reg_ref *ref,
		const char *const *refs, size_t n, struct fetched *out)
{
	struct reg_call *calls = reg_xcalloc(n, sizeof(*calls));
	char *base = base_url(s, ref);

	for (size_t i = 0; i < n; i++)
		call_init(s, &calls[i], ref, REG_ACCEPT_MANIFESTS,
			  reg_asprintf("%s/v2/%s/manifests/%s", base, ref->repo,
				       refs[i]));
	reg_client_run(s->client, calls, n);
	for (size_t i = 0; i < n; i++) {
		fetched_from_call(&calls[i],
				  strncmp(refs[i], "sha256:", 7) == 0 ? refs[i]
								       : NULL,
				  &out[i]);
		reg_call_clear(s->client, &calls[i]);
	}
	free(calls);
	free(base);
}

static bool
is_image_config(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.config.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.container.image.v1+json") == 0);
}

/* Fetch and verify the config blobs of @n manifests; fold them into @img. */
static char *
inspect_configs(struct state *s, const struct reg_ref *ref,
		struct fetched *mf, size_t n, struct image *img)
{
	struct reg_call *calls = reg_xcalloc(n, sizeof(*calls));
	char *base = base_url(s, ref), *err = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_image_config(mf[i].m.config.media_type)) {
			img->not_image = true;
			err = reg_asprintf("%s: not a container image (config "
					   "media type \"%.100s\")",
					   mf[i].digest,
					   mf[i].m.config.media_type
						   ? mf[i].m.config.media_type
						   : "");
			goto out;
		}
		call_init(s, &calls[i], ref, NULL,
			  reg_asprintf("%s/v2/%s/blobs/%s", base, ref->repo,
				       mf[i].m.config.digest));
		calls[i].follow = true;	/* blobs may live on a CDN */
	}
	reg_client_run(s->client, calls, n);
	img->nonroot = T_YES;
	img->healthcheck = T_YES;
	for (i = 0; i < n && !err; i++) {
		struct reg_config cfg;
		char digest[REG_DIGEST_LEN + 1], *perr = NULL;
		int64_t size = mf[i].m.config.size > 0 ? mf[i].m.config.size : 0;
		int64_t t;

		if (!calls[i].resp || calls[i].resp->status != 200) {
			err = call_error(&calls[i]);
			break;
		}
		err = verify_body(&calls[i], mf[i].m.config.digest, digest);
		if (err)
			break;
		if (reg_config_parse(calls[i].resp->body, calls[i].resp->body_len,
				     &cfg, &perr) < 0) {
			err = reg_asprintf("%s: %s", calls[i].url, perr);
			free(perr);
			break;
		}
		if (cfg.empty) {
			img->not_image = true;
			err = reg_asprintf("%s: not a container image: its config "
					   "is {} (no os, architecture or rootfs; "
					   "a BuildKit builder or cache artifact)",
					   mf[i].digest);
			reg_config_clear(&cfg);
			break;
		}
		if (reg_user_is_root(cfg.user))
			img->nonroot = T_NO;
		if (!cfg.healthcheck)
			img->healthcheck = T_NO;
		if (!img->user || reg_user_is_root(cfg.user)) {
			free(img->user);
			img->user = reg_strdup(cfg.user);
		}
#define TAKE(dst, a, b) do { if (!(dst)) (dst) = reg_strdup((a) ? (a) : (b)); } while (0)
		TAKE(img->label_source, cfg.label_source, mf[i].m.ann_source);
		TAKE(img->label_revision, cfg.label_revision, mf[i].m.ann_revision);
		TAKE(img->label_version, cfg.label_version, mf[i].m.ann_version);
#undef TAKE
		if (cfg.created && reg_parse_time(s->host, cfg.created, &t) == 0) {
			if (t > img->created)
				img->created = t;
			/* Bazel, ko and SOURCE_DATE_EPOCH=0 builds */
			if (t == 0)
				img->reproducible = true;
		}
		for (size_t l = 0; l < mf[i].m.n_layers; l++)
			size += mf[i].m.layers[l].size > 0 ? mf[i].m.layers[l].size : 0;
		if (size > img->size) {
			img->size = size;
			img->layers = mf[i].m.n_layers;
		}
		if (n == 1 && cfg.platform)
			reg_strv_push(&img->platforms, cfg.platform);
		reg_config_clear(&cfg);
	}
out:
	for (i = 0; i < n; i++)
		if (calls[i].url)
			reg_call_clear(s->client, &calls[i]);
	free(calls);
	free(base);
	return err;
}

/* ---- signatures, SBOMs, attestations ---- */

/* The first way a signature / SBOM was found, with its kind:
 * "referrers API: Sigstore bundle". */
static void
note_via(char **via, const char *how, const struct reg_desc *d, size_t n,
	 unsigned kind)
{
	const char *what;

	if (*via)
		return;
	what = reg_descs_name(d, n, kind);
	*via = what ? reg_asprintf("%s: %s", how, what) : reg_strdup(how);
}

/* Kinds of a referrers list (or referrers-tag index), noting how. */
static unsigned
referrers_found(struct image *img, const struct reg_manifest *m,
		const char *how)
{
	unsigned k = reg_referrers_kinds(m);

	if (k & REG_ART_SIGNATURE)
		note_via(&img->sig_via, how, m->manifests, m->n_manifests,
			 REG_ART_SIGNATURE);
	if (k & REG_ART_SBOM)
		note_via(&img->sbom_via, how, m->manifests, m->n_manifests,
			 REG_ART_SBOM);
	return k;
}

static void
inspect_artifacts(struct state *s, const struct reg_ref *ref, struct image *img)
{
	static const char *const suffix[] = { ".sig", ".att", ".sbom" };
	const char *tags[5];
	char *owned[4];
	struct fetched f[4];
	struct reg_call call;
	char *base = base_url(s, ref);
	const char *hex = img->digest + 7;
	unsigned kinds = img->kinds;
	bool unknown = false;
	size_t i;

	for (i = 0; i < 3; i++)
		tags[i] = owned[i] = reg_asprintf("sha256-%s%s", hex, suffix[i]);
	tags[3] = owned[3] = reg_asprintf("sha256-%s", hex);
	fetch_manifests(s, ref, tags, 3, f);
	for (i = 0; i < 3; i++) {
		if (f[i].status == 200 && !f[i].err) {
			unsigned k = i == 0 ? REG_ART_SIGNATURE
				   : i == 1 ? REG_ART_ATTESTATION : REG_ART_SBOM;

			/* an attestation may carry an SBOM or SLSA predicate */
			k |= reg_layers_kinds(&f[i].m);
			if (i == 1)
				k &= ~(unsigned)REG_ART_SIGNATURE;
			kinds |= k;
			if (k & REG_ART_SIGNATURE)
				note_via(&img->sig_via, "cosign tag",
					 f[i].m.layers, f[i].m.n_layers,
					 REG_ART_SIGNATURE);
			if (k & REG_ART_SBOM)
				note_via(&img->sbom_via, "cosign tag",
					 f[i].m.layers, f[i].m.n_layers,
					 REG_ART_SBOM);
		} else if (f[i].status != 404) {
			s->host->log(s->ctx, OG_LOG_WARN, "%s: %s", img->name,
				     f[i].err ? f[i].err : "unexpected answer");
			unknown = true;
		}
		fetched_clear(&f[i]);
	}
	/* OCI 1.1 referrers API; on 404 the referrers tag schema */
	call_init(s, &call, ref, "Accept: application/vnd.oci.image.index.v1+json",
		  reg_asprintf("%s/v2/%s/referrers/%s", base, ref->repo,
			       img->digest));
	reg_client_run(s->client, &call, 1);
	fetched_from_call(&call, NULL, &f[0]);
	if (f[0].status == 200 && !f[0].err) {
		kinds |= referrers_found(img, &f[0].m, "referrers API");
	} else if (f[0].status == 404 || f[0].status == 400 ||
		   f[0].status == 405 || f[0].status == 501) {
		/* no referrers API (404 per spec; some answer 400/405/501) */
		fetched_clear(&f[0]);
		fetch_manifests(s, ref, &tags[3], 1, &f[0]);
		if (f[0].status == 200 && !f[0].err &&
		    reg_mtype_is_index(f[0].m.type)) {
			kinds |= referrers_found(img, &f[0].m, "referrers tag");
		} else if (f[0].status != 404) {
			s->host->log(s->ctx, OG_LOG_WARN, "%s: referrers tag: %s",
				     img->name, f[0].err ? f[0].err : "not an index");
			unknown = true;
		}
	} else {
		s->host->log(s->ctx, OG_LOG_WARN, "%s: referrers: %s", img->name,
			     f[0].err ? f[0].err : "unexpected answer");
		unknown = true;
	}
	fetched_clear(&f[0]);
	reg_call_clear(s->client, &call);
	img->signed_ = kinds & REG_ART_SIGNATURE ? T_YES : unknown ? T_UNKNOWN : T_NO;
	img->sbom = kinds & REG_ART_SBOM ? T_YES : unknown ? T_UNKNOWN : T_NO;
	img->attested = kinds & REG_ART_ATTESTATION ? T_YES
			: unknown ? T_UNKNOWN : T_NO;
	img->provenance = kinds & REG_ART_PROVENANCE ? T_YES
			  : unknown ? T_UNKNOWN : T_NO;
	for (i = 0; i < 4; i++)
		free(owned[i]);
	free(base);
}

/* BuildKit stores SBOM and provenance as attestation manifests inside
 * the index (vnd.docker.reference.type = attestation-manifest). */
static void
inspect_index_attestations(struct state *s, const struct reg_ref *ref,
			   const struct reg_manifest *index, struct image *img)
{
	const char *refs[REG_PLATFORMS_MAX];
	struct fetched f[REG_PLATFORMS_MAX];
	size_t n = 0;

	for (size_t i = 0; i < index->n_manifests && n < REG_PLATFORMS_MAX; i++)
		if (index->manifests[i].attestation &&
		    reg_digest_valid(index->manifests[i].digest))
			refs[n++] = index->manifests[i].digest;
	if (n == 0)
		return;
	fetch_manifests(s, ref, refs, n, f);
	for (size_t i = 0; i < n; i++) {
		if (!f[i].err) {
			unsigned k = reg_layers_kinds(&f[i].m) &
				     ~(unsigned)REG_ART_SIGNATURE;

			img->kinds |= k;
			if (k & REG_ART_SBOM)
				note_via(&img->sbom_via, "BuildKit attestation",
					 f[i].m.layers, f[i].m.n_layers,
					 REG_ART_SBOM);
		} else
			s->host->log(s->ctx, OG_LOG_WARN, "%s: attestation: %s",
				     img->name, f[i].err);
		fetched_clear(&f[i]);
	}
}

/* ---- one image ---- */

static void
image_clear(struct image *img)
{
	free(img->name);
	free(img->digest);
	free(img->media_type);
	reg_strv_clear(&img->platforms);
	free(img->user);
	free(img->sig_via);
	free(img->sbom_via);
	free(img->label_source);
	free(img->label_revision);
	free(img->label_version);
	memset(img, 0, sizeof(*img));
}

/* Returns NULL or the reason the image could not be inspected. */
static char *
inspect(struct state *s, const struct reg_ref *ref, const char *reference,
	struct image *img)
{
	struct fetched top, *child = NULL;
	const char *child_refs[REG_PLATFORMS_MAX];
	size_t n = 0;
	char *err = NULL;

	fetch_manifests(s, ref, &reference, 1, &top);
	if (top.err) {
		err = top.err;
		top.err = NULL;
		goto out;
	}
	img->digest = reg_strdup(top.digest);
	img->media_type = reg_strdup(top.m.media_type);
	if (reg_mtype_is_index(top.m.type)) {
		for (size_t i = 0; i < top.m.n_manifests; i++) {
			const struct reg_desc *d = &top.m.manifests[i];

			if (d->attestation || reg_mtype_is_index(reg_mtype_of(d->media_type)))
				continue;
			if (d->platform)
				reg_strv_push(&img->platforms, d->platform);
			if (n < REG_PLATFORMS_MAX)
				child_refs[n++] = d->digest;
		}
		if (n == 0) {
			err = reg_asprintf("%s: index lists no image manifests",
					   img->name);
			goto out;
		}
		child = reg_xcalloc(n, sizeof(*child));
		fetch_manifests(s, ref, child_refs, n, child);
		for (size_t i = 0; i < n && !err; i++) {
			if (child[i].err) {
				err = child[i].err;
				child[i].err = NULL;
			} else if (reg_mtype_is_index(child[i].m.type)) {
				err = reg_asprintf("%s: nested index is not "
						   "supported", child_refs[i]);
			}
		}
		if (err)
			goto out;
		err = inspect_configs(s, ref, child, n, img);
		if (!err)
			inspect_index_attestations(s, ref, &top.m, img);
		/* labels may sit on the index as annotations only */
		if (!img->label_source)
			img->label_source = reg_strdup(top.m.ann_source);
		if (!img->label_revision)
			img->label_revision = reg_strdup(top.m.ann_revision);
		if (!img->label_version)
			img->label_version = reg_strdup(top.m.ann_version);
	} else {
		err = inspect_configs(s, ref, &top, 1, img);
	}
	if (err)
		goto out;
	inspect_artifacts(s, ref, img);
out:
	for (size_t i = 0; child && i < n; i++)
		fetched_clear(&child[i]);
	free(child);
	fetched_clear(&top);
	return err;
}

/* ---- facts ---- */

static void
fact_tri(struct state *s, const char *key, enum tri v, const char *evidence,
	 const char *why)
{
	if (v == T_UNKNOWN)
		s->host->fact_unknown(s->ctx, key, why);
	else
		s->host->fact_bool(s->ctx, key, v == T_YES, evidence);
}

static void
emit_image(struct state *s, const struct image *img, const char *evidence)
{
	char key[1400];
	int64_t now = s->host->now(s->ctx);
	const char *const *plats = (const char *const *)img->platforms.v;

#define K(suffix) (snprintf(key, sizeof(key), "registry.image.%s.%s", \
			    img->name, suffix), key)
	s->host->fact_string(s->ctx, K("digest"), img->digest, evidence);
	s->host->fact_string(s->ctx, K("media_type"), img->media_type, evidence);
	s->host->fact_list(s->ctx, K("platforms"), plats, img->platforms.n,
			   evidence);
	s->host->fact_bool(s->ctx, K("multi_platform"), img->platforms.n > 1,
			   evidence);
	s->host->fact_string(s->ctx, K("user"), img->user ? img->user : "",
			     evidence);
	fact_tri(s, K("nonroot"), img->nonroot, evidence, "config not read");
	fact_tri(s, K("healthcheck"), img->healthcheck, evidence,
		 "config not read");
	if (img->label_source)
		s->host->fact_string(s->ctx, K("labels.source"), img->label_source,
				     evidence);
	if (img->label_revision)
		s->host->fact_string(s->ctx, K("labels.revision"),
				     img->label_revision, evidence);
	if (img->label_version)
		s->host->fact_string(s->ctx, K("labels.version"),
				     img->label_version, evidence);
	if (img->created > 0) {
		char when[32];
		time_t t = (time_t)img->created;
		struct tm tm;

		if (!gmtime_r(&t, &tm) ||
		    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
			snprintf(when, sizeof(when), "(out of range)");
		s->host->fact_string(s->ctx, K("created"), when, evidence);
		s->host->fact_number(s->ctx, K("age_days"),
				     (double)((now - img->created) / 86400), "days",
				     evidence);
	} else if (img->reproducible) {
		s->host->fact_string(s->ctx, K("created"),
				     "1970-01-01T00:00:00Z", evidence);
		s->host->fact_unknown(s->ctx, K("age_days"),
				      "built reproducibly: \"created\" is "
				      "1970-01-01 (Bazel, ko, SOURCE_DATE_EPOCH), "
				      "so the age is unknown");
	} else {
		s->host->fact_unknown(s->ctx, K("age_days"),
				      "image config has no valid \"created\"");
	}
	s->host->fact_number(s->ctx, K("size_bytes"), (double)img->size, "bytes",
			     evidence);
	s->host->fact_number(s->ctx, K("layers"), (double)img->layers, NULL,
			     evidence);
	fact_tri(s, K("signed"), img->signed_, evidence,
		 "signature lookups failed");
	if (img->sig_via)
		s->host->fact_string(s->ctx, K("signature"), img->sig_via, evidence);
	fact_tri(s, K("sbom"), img->sbom, evidence, "referrer lookups failed");
	if (img->sbom_via)
		s->host->fact_string(s->ctx, K("sbom_via"), img->sbom_via,
				     evidence);
	fact_tri(s, K("attestation"), img->attested, evidence,
		 "referrer lookups failed");
	fact_tri(s, K("provenance"), img->provenance, evidence,
		 "referrer lookups failed");
#undef K
}

static void
roll_tri(struct rollup *r, enum roll_key k, enum tri v)
{
	if (v == T_UNKNOWN)
		return;
	r->n_known[k]++;
	if (v == T_YES)
		r->n_yes[k]++;
}

static void
roll_image(struct state *s, const struct image *img)
{
	struct rollup *r = &s->roll;

	r->count++;
	roll_tri(r, R_SIGNED, img->signed_);
	roll_tri(r, R_NONROOT, img->nonroot);
	roll_tri(r, R_HEALTH, img->healthcheck);
	roll_tri(r, R_SBOM, img->sbom);
	roll_tri(r, R_ATTESTED, img->attested);
	roll_tri(r, R_PROV, img->provenance);
	r->multi += img->platforms.n > 1;
	r->src += img->label_source != NULL;
	r->rev += img->label_revision != NULL;
	r->ver += img->label_version != NULL;
	if (img->created > 0 && (!r->have_oldest || img->created < r->oldest)) {
		r->oldest = img->created;
		r->have_oldest = true;
	}
}

/* "all" over the images: false as soon as one is known false, unknown
 * when some are unknown and none is false. */
static void
emit_all(struct state *s, const char *key, size_t yes, size_t known,
	 const char *why)
{
	struct rollup *r = &s->roll;

	char *msg;

	if (r->count == 0) {
		s->host->fact_unknown(s->ctx, key, "no image could be inspected");
	} else if (yes < known) {
		s->host->fact_bool(s->ctx, key, false, NULL);
	} else if (r->failed > 0) {
		/* a whole is unknown while a part is */
		msg = reg_asprintf("%zu of the named images could not be "
				   "inspected", r->failed);
		s->host->fact_unknown(s->ctx, key, msg);
		free(msg);
	} else if (known < r->count) {
		s->host->fact_unknown(s->ctx, key, why);
	} else {
		s->host->fact_bool(s->ctx, key, true, NULL);
	}
}

static void
emit_rollup(struct state *s)
{
	struct rollup *r = &s->roll;
	static const struct {
		const char *key;
		enum roll_key k;
	} tri_keys[] = {
		{ "registry.images.all_signed", R_SIGNED },
		{ "registry.images.all_nonroot", R_NONROOT },
		{ "registry.images.all_healthcheck", R_HEALTH },
		{ "registry.images.sbom_attached", R_SBOM },
		{ "registry.images.attested", R_ATTESTED },
		{ "registry.images.provenance_attached", R_PROV },
	};

	s->host->fact_number(s->ctx, "registry.images.count", (double)r->count,
			     NULL, NULL);
	s->host->fact_number(s->ctx, "registry.images.failed", (double)r->failed,
			     NULL, NULL);
	s->host->fact_number(s->ctx, "registry.images.not_images",
			     (double)r->not_images, NULL, NULL);
	for (size_t i = 0; i < sizeof(tri_keys) / sizeof(tri_keys[0]); i++)
		emit_all(s, tri_keys[i].key, r->n_yes[tri_keys[i].k],
			 r->n_known[tri_keys[i].k],
			 "some lookups failed");
	emit_all(s, "registry.images.multi_platform", r->multi, r->count, NULL);
	emit_all(s, "registry.images.labels.source", r->src, r->count, NULL);
	emit_all(s, "registry.images.labels.revision", r->rev, r->count, NULL);
	emit_all(s, "registry.images.labels.version", r->ver, r->count, NULL);
	if (r->n_known[R_SIGNED] > 0)
		s->host->fact_number(s->ctx, "registry.images.signed_ratio",
				     (double)r->n_yes[R_SIGNED] /
					     (double)r->n_known[R_SIGNED],
				     NULL, NULL);
	if (r->have_oldest)
		s->host->fact_number(s->ctx, "registry.images.max_age_days",
				     (double)((s->host->now(s->ctx) - r->oldest) /
					      86400),
				     "days", NULL);
	if (r->repos > 0) {
		s->host->fact_number(s->ctx, "registry.repositories.count",
				     (double)r->repos, NULL, NULL);
		s->host->fact_bool(s->ctx, "registry.repositories.semver_tags",
				   r->repos_semver == r->repos, NULL);
		s->host->fact_bool(s->ctx, "registry.repositories.latest_tag",
				   r->repos_latest > 0, NULL);
	}
	s->host->fact_list(s->ctx, "registry.insecure_hosts",
			   (const char *const *)s->plain_named.v, s->plain_named.n,
			   NULL);
	s->host->fact_list(s->ctx, "registry.plain_http_hosts",
			   (const char *const *)s->plain.v, s->plain.n, NULL);
}

/* Repository-level facts from the full tag list. */
static void
emit_repo(struct state *s, const struct reg_ref *ref, const struct reg_strv *tags,
	  const char *evidence)
{
	struct reg_strv semver = { 0 };
	struct reg_semver v;
	bool latest = false;
	char key[1400];

	for (size_t i = 0; i < tags->n; i++) {
		if (strcmp(tags->v[i], "latest") == 0)
			latest = true;
		else if (reg_semver_parse(tags->v[i], &v))
			reg_strv_push(&semver, tags->v[i]);
	}
	s->roll.repos++;
	s->roll.repos_semver += semver.n > 0;
	s->roll.repos_latest += latest;
#define K(suffix) (snprintf(key, sizeof(key), "registry.repo.%s/%s.%s", \
			    ref->registry, ref->repo, suffix), key)
	s->host->fact_number(s->ctx, K("tags.count"), (double)tags->n, NULL,
			     evidence);
	s->host->fact_number(s->ctx, K("tags.semver"), (double)semver.n, NULL,
			     evidence);
	s->host->fact_bool(s->ctx, K("tags.latest"), latest, evidence);
#undef K
	reg_strv_clear(&semver);
}

static void
collect_one(struct state *s, const char *spec)
{
	struct reg_ref ref = { 0 };
	struct reg_strv todo = { 0 };
	const char *perr = NULL, *pingerr;
	char *base = NULL;

	if (reg_ref_parse(spec, &ref, &perr) < 0) {
		fail_image(s, spec, "not an image reference: %s", perr);
		return;
	}
	pingerr = ping(s, &ref);
	if (pingerr) {
		fail_image(s, spec, "%s", pingerr);
		goto out;
	}
	base = base_url(s, &ref);
	if (ref.digest) {
		reg_strv_push(&todo, ref.digest);
	} else if (ref.tag) {
		reg_strv_push(&todo, ref.tag);
	} else if (s->n_tags > 0) {
		for (size_t i = 0; i < s->n_tags; i++)
			reg_strv_push(&todo, s->tags[i]);
	} else {
		struct reg_strv all = { 0 };
		char *ev = reg_asprintf("%s/v2/%s/tags/list", base, ref.repo);

		if (list_tags(s, &ref, &all) == 0) {
			emit_repo(s, &ref, &all, ev);
			reg_tags_select((const char *const *)all.v, all.n,
					s->have_filter ? &s->filter : NULL,
					s->max_tags, &todo);
			if (todo.n == 0)
				s->host->log(s->ctx, OG_LOG_WARN,
					     "%s: no tag to inspect", spec);
		}
		reg_strv_clear(&all);
		free(ev);
	}
	for (size_t i = 0; i < todo.n; i++) {
		struct image img = { 0 };
		const char *t = todo.v[i];
		char *err, *ev;

		img.name = reg_asprintf("%s/%s%s%s", ref.registry, ref.repo,
					strncmp(t, "sha256:", 7) ? ":" : "@", t);
		ev = reg_asprintf("%s/v2/%s/manifests/%s", base, ref.repo, t);
		err = inspect(s, &ref, t, &img);
		if (err && img.not_image) {
			/* named, but nothing to run: neither an image nor a
			 * failure of one */
			s->host->log(s->ctx, OG_LOG_WARN, "%s: %s; skipped",
				     img.name, err);
			s->roll.not_images++;
			free(err);
		} else if (err) {
			fail_image(s, img.name, "%s", err);
			free(err);
		} else {
			emit_image(s, &img, ev);
			roll_image(s, &img);
		}
		free(ev);
		image_clear(&img);
	}
out:
	free(base);
	reg_strv_clear(&todo);
	reg_ref_clear(&ref);
}

/* ---- plugin entry points ---- */

static void
registry_fini(void *data)
{
	struct state *s = data;

	if (!s)
		return;
	reg_client_free(s->client);
	reg_strv_clear(&s->insecure);
	if (s->have_filter)
		regfree(&s->filter);
	for (size_t i = 0; i < s->n_pings; i++) {
		free(s->pings[i].host);
		free(s->pings[i].err);
	}
	free(s->pings);
	reg_strv_clear(&s->plain);
	reg_strv_clear(&s->plain_named);
	free(s);
}

static int
registry_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct state *s = reg_xcalloc(1, sizeof(*s));
	const char *v;
	const char *const *list;
	size_t n = 0;
	double d;
	int r = 0, got;

	s->ctx = ctx;
	s->host = host;
	if (!OG_HOST_HAS(host, http_batch) || !OG_HOST_HAS(host, http_free)) {
		host->log(ctx, OG_LOG_ERROR, "host offers no HTTP service");
		r = -ENOTSUP;
		goto out;
	}
	s->images = host->config_get_list(ctx, "images", &s->n_images);
	if (s->n_images > REG_IMAGES_MAX) {
		host->log(ctx, OG_LOG_ERROR,
			  "collectors.registry.images: %zu references, at most %d",
			  s->n_images, REG_IMAGES_MAX);
		r = -E2BIG;
		goto out;
	}
	list = host->config_get_list(ctx, "insecure", &n);
	for (size_t i = 0; list && i < n; i++)
		reg_strv_push(&s->insecure, list[i]);
	s->tags = host->config_get_list(ctx, "tags", &s->n_tags);
	for (size_t i = 0; s->tags && i < s->n_tags; i++)
		if (!reg_tag_valid(s->tags[i])) {
			host->log(ctx, OG_LOG_ERROR,
				  "collectors.registry.tags[%zu]: \"%s\" is not a "
				  "valid tag", i, s->tags[i]);
			r = -EINVAL;
			goto out;
		}
	v = host->config_get(ctx, "tag_filter");
	if (v && *v) {
		if (regcomp(&s->filter, v, REG_EXTENDED | REG_NOSUB) != 0) {
			host->log(ctx, OG_LOG_ERROR,
				  "collectors.registry.tag_filter: \"%s\" is not a "
				  "valid extended regular expression", v);
			r = -EINVAL;
			goto out;
		}
		s->have_filter = true;
	}
	s->max_tags = REG_MAX_TAGS_DEFAULT;
	got = host->config_number(ctx, "max_tags", &d);
	if (got != -ENOENT) {
		if (got < 0 || d < 0 || d > REG_MAX_TAGS_LIMIT || d != (size_t)d) {
			host->log(ctx, OG_LOG_ERROR,
				  "collectors.registry.max_tags: \"%s\" is not a "
				  "whole number from 0 to %d",
				  host->config_get(ctx, "max_tags"), REG_MAX_TAGS_LIMIT);
			r = -EINVAL;
			goto out;
		}
		s->max_tags = (size_t)d;
	}
	s->client = reg_client_new(ctx, host);
out:
	if (r < 0) {
		registry_fini(s);
		return r;
	}
	*ret_state = s;
	return 0;
}

static int
registry_collect(struct og_ctx *ctx, void *data)
{
	struct state *s = data;

	if (s->n_images == 0) {
		s->host->log(ctx, OG_LOG_WARN,
			     "no images configured (collectors.registry.images "
			     "or --registry REF)");
		s->host->fact_unknown(ctx, "registry.images.count",
				      "no images configured");
		return 0;
	}
	for (size_t i = 0; i < s->n_images; i++)
		target_declare_image(ctx, s->host, s->images[i]);
	for (size_t i = 0; i < s->n_images; i++)
		collect_one(s, s->images[i]);
	emit_rollup(s);
	/* every image failed: the collector saw nothing at all */
	return s->roll.count == 0 && s->roll.failed > 0 ? -EIO : 0;
}

/* Command-line shorthands (shown in --help). */
static const struct og_flag registry_flags[] = {
	{ "registry", "images", "REF", "container image to inspect (repeatable)" },
	{ "insecure-registry", "insecure", "HOST", "allow plain HTTP to HOST" },
	{ 0 },
};

OG_PLUGIN_DEFINE(.name = "registry", .version = "1.0",
		 .summary = "Container images in OCI / Docker v2 registries: "
			    "platforms, user, healthcheck, labels, signatures, SBOMs",
		 .init = registry_init, .collect = registry_collect,
		 .fini = registry_fini, .options = options, .flags = registry_flags,
		 .credentials = credentials, .opt_in = true)
