/*
 * Manifests, indexes and image configs (OCI image-spec, Docker schema 2).
 * Every member is optional and type-checked: bad input becomes an error
 * naming the JSON path, never a crash or a made-up value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ogjs.h"
#include "reg.h"

static const struct {
	const char *type;
	enum reg_mtype mt;
} mtypes[] = {
	{ "application/vnd.oci.image.index.v1+json", REG_MT_OCI_INDEX },
	{ "application/vnd.oci.image.manifest.v1+json", REG_MT_OCI_MANIFEST },
	{ "application/vnd.docker.distribution.manifest.list.v2+json",
	  REG_MT_DOCKER_LIST },
	{ "application/vnd.docker.distribution.manifest.v2+json",
	  REG_MT_DOCKER_V2 },
	{ "application/vnd.docker.distribution.manifest.v1+json",
	  REG_MT_DOCKER_V1 },
	{ "application/vnd.docker.distribution.manifest.v1+prettyjws",
	  REG_MT_DOCKER_V1 },
};

enum reg_mtype
reg_mtype_of(const char *media_type)
{
	if (!media_type)
		return REG_MT_UNKNOWN;
	for (size_t i = 0; i < sizeof(mtypes) / sizeof(mtypes[0]); i++)
		if (strcasecmp(media_type, mtypes[i].type) == 0)
			return mtypes[i].mt;
	return REG_MT_UNKNOWN;
}

bool
reg_mtype_is_index(enum reg_mtype t)
{
	return t == REG_MT_OCI_INDEX || t == REG_MT_DOCKER_LIST;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
desc_clear(struct reg_desc *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->artifact_type);
	free(d->platform);
	free(d->predicate_type);
	memset(d, 0, sizeof(*d));
}

/* Fill @d from descriptor object @o; @path names it in errors. */
static int
desc_parse(const cJSON *o, const char *path, struct reg_desc *d, char **ret_err)
{
	const cJSON *size, *plat, *ann;
	const char *digest, *os, *arch, *variant, *reftype;

	if (!cJSON_IsObject(o)) {
		*ret_err = reg_asprintf("%s: not an object", path);
		return -EINVAL;
	}
	digest = jstr(o, "digest");
	if (!digest || !*digest) {
		*ret_err = reg_asprintf("%s.digest: missing", path);
		return -EINVAL;
	}
	if (strncmp(digest, "sha256:", 7) == 0 && !reg_digest_valid(digest)) {
		*ret_err = reg_asprintf("%s.digest: malformed \"%.80s\"", path,
					digest);
		return -EINVAL;
	}
	size = cJSON_GetObjectItemCaseSensitive(o, "size");
	if (size && (!cJSON_IsNumber(size) || size->valuedouble < 0)) {
		*ret_err = reg_asprintf("%s.size: not a non-negative number",
					path);
		return -EINVAL;
	}
	d->digest = reg_strdup(digest);
	d->media_type = reg_strdup(jstr(o, "mediaType"));
	d->artifact_type = reg_strdup(jstr(o, "artifactType"));
	d->size = size ? (int64_t)size->valuedouble : -1;
	plat = cJSON_GetObjectItemCaseSensitive(o, "platform");
	os = jstr(plat, "os");
	arch = jstr(plat, "architecture");
	variant = jstr(plat, "variant");
	if (os && arch)
		d->platform = variant && *variant
				      ? reg_asprintf("%s/%s/%s", os, arch, variant)
				      : reg_asprintf("%s/%s", os, arch);
	ann = cJSON_GetObjectItemCaseSensitive(o, "annotations");
	reftype = jstr(ann, "vnd.docker.reference.type");
	{
		const char *pt = jstr(ann, "in-toto.io/predicate-type");

		if (!pt)
			pt = jstr(ann, "dev.sigstore.bundle.predicateType");
		if (!pt)
			pt = jstr(ann, "predicateType");
		d->predicate_type = reg_strdup(pt);
	}
	/* BuildKit attestation manifests sit in the index as unknown/unknown */
	d->attestation = (reftype && (strcmp(reftype, "attestation-manifest") == 0 ||
				      strcmp(reftype, "builder") == 0)) ||
			 (d->platform && strcmp(d->platform, "unknown/unknown") == 0);
	return 0;
}

static int
desc_array(const cJSON *arr, const char *name, struct reg_desc **ret,
	   size_t *ret_n, char **ret_err)
{
	size_t n, i = 0;
	const cJSON *it;
	struct reg_desc *d;
	int r = 0;

	if (!arr || cJSON_IsNull(arr)) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (!cJSON_IsArray(arr)) {
		*ret_err = reg_asprintf("$.%s: not an array", name);
		return -EINVAL;
	}
	n = (size_t)cJSON_GetArraySize(arr);
	d = reg_xcalloc(n, sizeof(*d));
	cJSON_ArrayForEach(it, arr) {
		char path[64];

		snprintf(path, sizeof(path), "$.%s[%zu]", name, i);
		r = desc_parse(it, path, &d[i], ret_err);
		if (r < 0)
			break;
		i++;
	}
	if (r < 0) {
		for (size_t j = 0; j < n; j++)
			desc_clear(&d[j]);
		free(d);
		return r;
	}
	*ret = d;
	*ret_n = n;
	return 0;
}

void
reg_manifest_clear(struct reg_manifest *m)
{
	free(m->media_type);
	free(m->artifact_type);
	desc_clear(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		desc_clear(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->n_manifests; i++)
		desc_clear(&m->manifests[i]);
	free(m->manifests);
	free(m->subject);
	free(m->ann_source);
	free(m->ann_revision);
	free(m->ann_version);
	free(m->ann_created);
	memset(m, 0, sizeof(*m));
}

int
reg_manifest_parse(const char *body, size_t len, const char *content_type,
		   struct reg_manifest *ret, char **ret_err)
{
	struct reg_manifest m = { 0 };
	cJSON *doc = NULL;
	const cJSON *sv, *ann, *cfg, *subj;
	char *ct = reg_media_type(content_type);
	size_t off = 0;
	const char *body_type;
	int r = -EINVAL;

	*ret_err = NULL;
	if (len > REG_MANIFEST_MAX) {
		*ret_err = reg_asprintf("manifest is %zu bytes, over the 4 MiB limit",
					len);
		r = -EFBIG;
		goto out;
	}
	doc = ogjs_parse_text(body, len, NULL, &off);
	if (!doc) {
		*ret_err = reg_asprintf("not JSON (error at byte %zu)", off);
		goto out;
	}
	if (!cJSON_IsObject(doc)) {
		*ret_err = reg_strdup("$: not an object");
		goto out;
	}
	body_type = jstr(doc, "mediaType");
	sv = cJSON_GetObjectItemCaseSensitive(doc, "schemaVersion");
	if (!cJSON_IsNumber(sv)) {
		*ret_err = reg_strdup("$.schemaVersion: missing");
		goto out;
	}
	if (sv->valueint == 1) {
		m.type = REG_MT_DOCKER_V1;
	} else if (sv->valueint != 2) {
		*ret_err = reg_asprintf("$.schemaVersion: %d is not supported",
					sv->valueint);
		goto out;
	} else {
		/* the header decides; fall back to the body, then to shape */
		m.type = reg_mtype_of(ct && *ct && strcmp(ct, "application/json")
					 ? ct : body_type);
		if (m.type == REG_MT_UNKNOWN && !body_type &&
		    (!ct || !strcmp(ct, "application/json") || !*ct))
			m.type = cJSON_HasObjectItem(doc, "manifests")
					 ? REG_MT_OCI_INDEX
					 : REG_MT_OCI_MANIFEST;
	}
	if (m.type == REG_MT_UNKNOWN) {
		*ret_err = reg_asprintf("unsupported media type \"%.100s\"",
					ct && *ct ? ct : body_type);
		r = -ENOTSUP;
		goto out;
	}
	if (m.type == REG_MT_DOCKER_V1) {
		*ret_err = reg_strdup("Docker schema 1 manifest (deprecated "
				      "since 2017, no content-addressed config; "
				      "a signed one is digested by the registry "
				      "without its JWS signatures) is not "
				      "supported");
		r = -ENOTSUP;
		goto out;
	}
	if (body_type && reg_mtype_of(body_type) != REG_MT_UNKNOWN &&
	    reg_mtype_of(body_type) != m.type) {
		*ret_err = reg_asprintf("$.mediaType \"%.100s\" contradicts "
					"Content-Type \"%.100s\"",
					body_type, ct);
		goto out;
	}
	m.media_type = reg_strdup(mtypes[0].type);
	for (size_t i = 0; i < sizeof(mtypes) / sizeof(mtypes[0]); i++)
		if (mtypes[i].mt == m.type) {
			free(m.media_type);
			m.media_type = reg_strdup(mtypes[i].type);
			break;
		}
	if (reg_mtype_is_index(m.type)) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc,
								    "manifests");
		if (!cJSON_IsArray(arr)) {
			*ret_err = reg_strdup("$.manifests: missing or not an array");
			goto out;
		}
		r = desc_array(arr, "manifests", &m.manifests, &m.n_manifests,
			       ret_err);
		if (r < 0)
			goto out;
	} else {
		cfg = cJSON_GetObjectItemCaseSensitive(doc, "config");
		if (!cfg) {
			*ret_err = reg_strdup("$.config: missing");
			r = -EINVAL;
			goto out;
		}
		r = desc_parse(cfg, "$.config", &m.config, ret_err);
		if (r < 0)
			goto out;
		r = desc_array(cJSON_GetObjectItemCaseSensitive(doc, "layers"),
			       "layers", &m.layers, &m.n_layers, ret_err);
		if (r < 0)
			goto out;
		r = -EINVAL;
	}
	m.artifact_type = reg_strdup(jstr(doc, "artifactType"));
	if (!m.artifact_type && m.config.media_type)
		m.artifact_type = reg_strdup(m.config.media_type);
	subj = cJSON_GetObjectItemCaseSensitive(doc, "subject");
	if (subj)
		m.subject = reg_strdup(jstr(subj, "digest"));
	ann = cJSON_GetObjectItemCaseSensitive(doc, "annotations");
	m.ann_source = reg_strdup(jstr(ann, "org.opencontainers.image.source"));
	m.ann_revision = reg_strdup(jstr(ann, "org.opencontainers.image.revision"));
	m.ann_version = reg_strdup(jstr(ann, "org.opencontainers.image.version"));
	m.ann_created = reg_strdup(jstr(ann, "org.opencontainers.image.created"));
	*ret = m;
	memset(&m, 0, sizeof(m));
	r = 0;
out:
	reg_manifest_clear(&m);
	cJSON_Delete(doc);
	free(ct);
	return r;
}

void
reg_config_clear(struct reg_config *c)
{
	free(c->user);
	free(c->created);
	free(c->platform);
	free(c->label_source);
	free(c->label_revision);
	free(c->label_version);
	memset(c, 0, sizeof(*c));
}

int
reg_config_parse(const char *body, size_t len, struct reg_config *ret,
		 char **ret_err)
{
	struct reg_config c = { 0 };
	cJSON *doc;
	const cJSON *cfg, *hc, *labels, *test, *hist;
	const char *os, *arch, *variant, *user;
	int r = -EINVAL;

	*ret_err = NULL;
	if (len > REG_CONFIG_MAX) {
		*ret_err = reg_asprintf("config is %zu bytes, over the limit", len);
		return -EFBIG;
	}
	doc = ogjs_parse_text(body, len, NULL, NULL);
	if (!cJSON_IsObject(doc)) {
		*ret_err = reg_strdup("config blob is not a JSON object");
		goto out;
	}
	cfg = cJSON_GetObjectItemCaseSensitive(doc, "config");
	if (cfg && !cJSON_IsObject(cfg) && !cJSON_IsNull(cfg)) {
		*ret_err = reg_strdup("$.config: not an object");
		goto out;
	}
	user = jstr(cfg, "User");
	if (cJSON_GetObjectItemCaseSensitive(cfg, "User") && !user) {
		*ret_err = reg_strdup("$.config.User: not a string");
		goto out;
	}
	c.user = reg_strdup(user ? user : "");
	hc = cJSON_GetObjectItemCaseSensitive(cfg, "Healthcheck");
	test = cJSON_GetObjectItemCaseSensitive(hc, "Test");
	/* ["NONE"] disables an inherited check */
	c.healthcheck = cJSON_IsArray(test) && cJSON_GetArraySize(test) > 0 &&
			!(cJSON_IsString(cJSON_GetArrayItem(test, 0)) &&
			  strcmp(cJSON_GetArrayItem(test, 0)->valuestring,
				 "NONE") == 0);
	labels = cJSON_GetObjectItemCaseSensitive(cfg, "Labels");
	c.label_source = reg_strdup(jstr(labels, "org.opencontainers.image.source"));
	c.label_revision = reg_strdup(jstr(labels,
					   "org.opencontainers.image.revision"));
	c.label_version = reg_strdup(jstr(labels,
					  "org.opencontainers.image.version"));
	c.created = reg_strdup(jstr(doc, "created"));
	os = jstr(doc, "os");
	arch = jstr(doc, "architecture");
	/* BuildKit builder/cache artifacts carry the image config media type
	 * with a config of {}: no platform, no layers, nothing to run. */
	c.empty = !os && !arch && !cfg &&
		  !cJSON_GetObjectItemCaseSensitive(doc, "rootfs");
	variant = jstr(doc, "variant");
	if (os && arch)
		c.platform = variant && *variant
				     ? reg_asprintf("%s/%s/%s", os, arch, variant)
				     : reg_asprintf("%s/%s", os, arch);
	hist = cJSON_GetObjectItemCaseSensitive(doc, "history");
	c.n_history = cJSON_IsArray(hist) ? (size_t)cJSON_GetArraySize(hist) : 0;
	*ret = c;
	memset(&c, 0, sizeof(c));
	r = 0;
out:
	reg_config_clear(&c);
	cJSON_Delete(doc);
	return r;
}

bool
reg_user_is_root(const char *user)
{
	size_t n;

	if (!user || !*user)
		return true;
	n = strcspn(user, ":");
	return (n == 4 && strncmp(user, "root", 4) == 0) ||
	       (n == 1 && user[0] == '0') || n == 0;
}

static bool
contains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

/*
 * The artifact and layer media types that real signers and SBOM tools
 * push (cosign, Sigstore bundles, notation, Syft/Trivy/BuildKit SBOMs,
 * in-toto/DSSE attestations).  A type merely containing "signature" or
 * "sbom" (application/example.signature) is no evidence of either.
 * Matched as prefixes, case-insensitively (versions and +json/+xml vary).
 */
static const struct {
	const char *prefix;
	unsigned kind;
	const char *name;
} known_artifacts[] = {
	{ "application/vnd.dev.sigstore.bundle", REG_ART_SIGNATURE,
	  "Sigstore bundle" },
	{ "application/vnd.dev.cosign.artifact.sig", REG_ART_SIGNATURE,
	  "cosign signature" },
	{ "application/vnd.dev.cosign.simplesigning", REG_ART_SIGNATURE,
	  "cosign simple signing" },
	{ "application/vnd.cncf.notary.signature", REG_ART_SIGNATURE,
	  "Notary v2 signature" },
	{ "application/vnd.cncf.notary.v2.signature", REG_ART_SIGNATURE,
	  "Notary v2 signature" },
	{ "application/spdx", REG_ART_SBOM, "SPDX SBOM" },
	{ "text/spdx", REG_ART_SBOM, "SPDX SBOM" },
	{ "application/vnd.spdx", REG_ART_SBOM, "SPDX SBOM" },
	{ "application/vnd.cyclonedx", REG_ART_SBOM, "CycloneDX SBOM" },
	{ "application/vnd.syft", REG_ART_SBOM, "Syft SBOM" },
	{ "application/vnd.dev.cosign.artifact.sbom", REG_ART_SBOM,
	  "cosign SBOM" },
	{ "application/vnd.in-toto", REG_ART_ATTESTATION,
	  "in-toto attestation" },
	{ "application/vnd.dsse.envelope", REG_ART_ATTESTATION,
	  "in-toto (DSSE) attestation" },
	{ "application/vnd.dev.cosign.attestation", REG_ART_ATTESTATION,
	  "cosign attestation" },
};

static size_t
known_index(const char *type)
{
	size_t i, n = sizeof(known_artifacts) / sizeof(known_artifacts[0]);

	for (i = 0; type && i < n; i++)
		if (strncasecmp(type, known_artifacts[i].prefix,
				strlen(known_artifacts[i].prefix)) == 0)
			break;
	return i;
}

unsigned
reg_artifact_kind(const char *type)
{
	size_t i = known_index(type);
	unsigned k = 0;

	if (!type)
		return 0;
	if (i < sizeof(known_artifacts) / sizeof(known_artifacts[0]))
		k = known_artifacts[i].kind;
	/* SLSA provenance media types (application/vnd.in-toto.provenance…) */
	if ((k & REG_ART_ATTESTATION) &&
	    (contains(type, "provenance") || contains(type, "slsa")))
		k |= REG_ART_PROVENANCE;
	return k;
}

const char *
reg_artifact_name(const char *type)
{
	size_t i = known_index(type);

	return i < sizeof(known_artifacts) / sizeof(known_artifacts[0])
		       ? known_artifacts[i].name : NULL;
}

unsigned
reg_predicate_kind(const char *predicate)
{
	if (!predicate || !*predicate)
		return 0;
	if (contains(predicate, "sigstore.dev/cosign/sign"))
		return REG_ART_SIGNATURE;
	if (contains(predicate, "slsa.dev/provenance"))
		return REG_ART_PROVENANCE | REG_ART_ATTESTATION;
	if (contains(predicate, "spdx") || contains(predicate, "cyclonedx"))
		return REG_ART_SBOM | REG_ART_ATTESTATION;
	return REG_ART_ATTESTATION;
}

unsigned
reg_desc_kind(const struct reg_desc *d)
{
	unsigned k = reg_artifact_kind(d->artifact_type ? d->artifact_type
							: d->media_type);
	unsigned pk = reg_predicate_kind(d->predicate_type);

	/* a bundle or envelope carrying a predicate is what the predicate says */
	if (pk && !(pk & REG_ART_SIGNATURE))
		k &= ~(unsigned)REG_ART_SIGNATURE;
	return k | pk;
}

unsigned
reg_referrers_kinds(const struct reg_manifest *index)
{
	unsigned k = 0;

	for (size_t i = 0; i < index->n_manifests; i++)
		k |= reg_desc_kind(&index->manifests[i]);
	return k;
}

const char *
reg_descs_name(const struct reg_desc *d, size_t n, unsigned kind)
{
	for (size_t i = 0; i < n; i++)
		if (reg_desc_kind(&d[i]) & kind)
			return reg_artifact_name(d[i].artifact_type
						 ? d[i].artifact_type
						 : d[i].media_type);
	return NULL;
}

unsigned
reg_layers_kinds(const struct reg_manifest *m)
{
	unsigned k = 0;

	for (size_t i = 0; i < m->n_layers; i++)
		k |= reg_desc_kind(&m->layers[i]);
	return k;
}
