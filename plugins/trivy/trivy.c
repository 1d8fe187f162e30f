/*
 * trivy — reads Trivy JSON reports (SchemaVersion 2, the pre-v0.20 array
 * and `trivy k8s` cluster reports) into findings and facts.
 *
 * Each file is read twice with the streaming reader: a dry pass checks
 * the grammar and the document's shape (so a truncated or malformed file
 * emits nothing at all), then the real pass parses one vulnerability /
 * misconfiguration / secret / licence at a time into an arena.  Memory is
 * bounded by the largest single item, not by the file.
 *
 * Format facts: docs and ../shared/reference/formats.md §1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opsgrade/plugin.h>

#include "../common/ogjs.h"
#include "../common/overlap.h"
#include "../common/scan.h"
#include "../common/target.h"

#define TRIVY_ITEM_MAX_BYTES	((size_t)16 << 20)
#define TRIVY_ARTIFACTS_MAX	64

enum trivy_format {
	FMT_UNKNOWN = 0,
	FMT_LEGACY,		/* ≤ v0.19: top-level array of results */
	FMT_V2,			/* SchemaVersion 2 */
	FMT_K8S,		/* trivy k8s: ClusterName + resources */
};

enum item_kind {
	ITEM_VULN,
	ITEM_MISCONF,
	ITEM_SECRET,
	ITEM_LICENSE,
	ITEM_MODIFIED,		/* ExperimentalModifiedFindings */
};

/* What the real pass of a file adds up: put back as it was when the
 * file turns out broken (read_overlapped). */
struct trivy_tally {
	struct scan_counts vulns, misconfs, secrets, licenses;
	size_t vulns_fixable;		/* open vulns with a FixedVersion */
	size_t vulns_emitted;		/* before merging across targets */
	size_t misconf_passed;		/* PASS entries + MisconfSummary */
	bool image_scanned, fs_scanned, misconf_scanned, secret_scanned;
	bool license_scanned;
};

struct trivy_state {
	struct og_ctx *ctx;
	const struct og_host *host;
	struct scan_hold hold;		/* what the host hears, maybe later */
	struct scan_inputs in;
	struct ogjs_arena *arena;
	size_t files_ok, files_failed;
	int last_err;		/* why the last failed file failed */
	struct trivy_tally t;
	struct scan_seen vulns_seen;	/* distinct id + package + version */
	char *version;			/* Trivy.Version of the first report */
	char *created_at;		/* newest CreatedAt */
	char *artifacts[TRIVY_ARTIFACTS_MAX];
	size_t n_artifacts;
	char *evidence;			/* first report read */
};

/* One file being read. */
struct tfile {
	struct trivy_state *st;
	struct ogjs *r;
	const char *path;
	bool dry;			/* shape check only, emit nothing */
	struct scan_overlap *ov;	/* the dry pass beside this real one */
	enum trivy_format format;
	bool have_schema;
	double schema;
	char *artifact_name, *artifact_type, *cluster, *version, *created_at;
	/* current result / k8s resource */
	char *target, *class, *type, *resource;
	char *k8s_ns, *k8s_kind, *k8s_name;
	char *k8s_image, *k8s_target;	/* image of the resource, "image (resource)" */
	size_t item_errors;
	bool sev_warned;
};

/* ---- small helpers ---------------------------------------------------- */

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
}

static void
item_error(struct tfile *tf, const char *msg)
{
	scan_item_error(&tf->st->hold, tf->r, tf->path, &tf->item_errors,
			msg);
}

static int
read_string(struct tfile *tf, char **dst)
{
	return ogjs_string(tf->r, tf->st->arena, dst);
}

/* ---- conversion of one item ------------------------------------------ */

static enum og_severity
trivy_severity(struct tfile *tf, const char *s)
{
	enum og_severity sev;

	if (!s)
		return OG_SEV_UNKNOWN;
	if (scan_severity_word(s, &sev))
		return sev;
	if (!tf->sev_warned) {
		tf->sev_warned = true;
		scan_hold_log(&tf->st->hold, OG_LOG_WARN,
			      "%s: unknown severity \"%s\" read as unknown",
			      tf->path, s);
	}
	return OG_SEV_UNKNOWN;
}

/* Severity from VendorSeverity[SeveritySource] (ints 0..4). */
static enum og_severity
vendor_severity(struct scan_item *it, const cJSON *v, const char *source)
{
	const cJSON *vs = scan_obj(it, v, "VendorSeverity");
	double d;

	if (!vs || !source || !scan_num(it, vs, source, &d))
		return OG_SEV_UNKNOWN;
	switch ((int)d) {
	case 1: return OG_SEV_LOW;
	case 2: return OG_SEV_MEDIUM;
	case 3: return OG_SEV_HIGH;
	case 4: return OG_SEV_CRITICAL;
	default: return OG_SEV_UNKNOWN;
	}
}

static bool
cvss_score(struct scan_item *it, const cJSON *cvss, const char *source,
	   const char *field, double *ret)
{
	const cJSON *s;

	if (!source)
		return false;
	s = scan_obj(it, cvss, source);
	return s && scan_num(it, s, field, ret) && *ret > 0;
}

/* Best CVSS score: NVD v3 first, then the vendor's (SeveritySource), then
 * any v3, then v4.0, then v2.  -1 when none. */
static double
best_score(struct scan_item *it, const cJSON *v, const char *source)
{
	static const char *const fields[] = { "V3Score", "V40Score", "V2Score" };
	const cJSON *cvss = scan_obj(it, v, "CVSS"), *e;
	double d;
	size_t i;

	if (!cvss)
		return -1;
	for (i = 0; i < 3; i++) {
		if (cvss_score(it, cvss, "nvd", fields[i], &d) ||
		    cvss_score(it, cvss, source, fields[i], &d))
			return d;
		cJSON_ArrayForEach(e, cvss)
			if (cvss_score(it, cvss, e->string, fields[i], &d))
				return d;
	}
	return -1;
}

static void
layer_of(struct scan_item *it, const cJSON *obj, struct og_location *loc)
{
	const cJSON *l = scan_obj(it, obj, "Layer");
	const char *s;

	if (!l)
		return;
	s = scan_str(it, l, "Digest");
	if (!s || !*s)
		s = scan_str(it, l, "DiffID");
	loc->layer = s && *s ? s : NULL;
}

/* Where the current result lives: the artifact (image, repo, k8s
 * resource) and the file inside it. */
/*
 * trivy k8s: an image's results (os-pkgs first, then its lang-pkgs and
 * secrets) sit under the workload; the os-pkgs Target names the image
 * ("gcr.io/…/redis-follower:v2 (debian 10.10)").  The image reference
 * is what a reader acts on, so such findings are located at
 * "IMAGE (CLUSTER/NS/KIND/NAME)"; config findings stay at the workload.
 */
static const char *
k8s_target(struct tfile *tf)
{
	char buf[2048];
	const char *paren;
	size_t len;

	if (!tf->class || strcmp(tf->class, "config") == 0)
		return tf->resource;
	if (strcmp(tf->class, "os-pkgs") == 0 && tf->target && *tf->target) {
		paren = strstr(tf->target, " (");
		len = paren ? (size_t)(paren - tf->target) : strlen(tf->target);
		if (!tf->k8s_image || strlen(tf->k8s_image) != len ||
		    strncmp(tf->k8s_image, tf->target, len) != 0) {
			snprintf(buf, sizeof(buf), "%.*s", (int)len,
				 tf->target);
			set_str(&tf->k8s_image, buf);
			snprintf(buf, sizeof(buf), "%s (%s)", tf->k8s_image,
				 tf->resource);
			set_str(&tf->k8s_target, buf);
		}
	}
	return tf->k8s_target ? tf->k8s_target : tf->resource;
}

static void
base_location(struct tfile *tf, struct og_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (tf->resource)
		loc->target = k8s_target(tf);
	else if (tf->artifact_name && *tf->artifact_name)
		loc->target = tf->artifact_name;
	else
		loc->target = tf->target;
	if (tf->target && loc->target != tf->target &&
	    !(tf->class && strcmp(tf->class, "os-pkgs") == 0))
		loc->file = tf->target;
}

static void
emit(struct tfile *tf, struct og_finding *f, struct scan_counts *c)
{
	int ret;

	f->struct_size = sizeof(*f);
	f->tool = "Trivy";
	ret = scan_hold_finding(&tf->st->hold, f);
	if (ret < 0) {
		item_error(tf, "the host refused the finding");
		return;
	}
	if (!c)
		return;		/* a duplicate of a counted finding */
	scan_count(c, f);
	if (c == &tf->st->t.vulns && !f->suppressed && f->fixed_version)
		tf->st->t.vulns_fixable++;
}

static int
convert_vuln(struct tfile *tf, const cJSON *v, const char *suppression)
{
	struct trivy_state *st = tf->st;
	struct og_finding f = { 0 };
	struct og_location loc;
	struct scan_item it = { { 0 } };
	struct scan_tags tags;
	const cJSON *cwes, *e;
	const char *source, *pkgpath, *parts[3];

	scan_tags_reset(&tags);
	f.kind = OG_FINDING_VULNERABILITY;
	f.id = scan_str(&it, v, "VulnerabilityID");
	f.package = scan_str(&it, v, "PkgName");
	f.installed_version = scan_str(&it, v, "InstalledVersion");
	f.fixed_version = scan_str(&it, v, "FixedVersion");
	f.status_detail = scan_str(&it, v, "Status");
	f.title = scan_str(&it, v, "Title");
	f.url = scan_str(&it, v, "PrimaryURL");
	f.published = scan_str(&it, v, "PublishedDate");
	source = scan_str(&it, v, "SeveritySource");
	f.severity = trivy_severity(tf, scan_str(&it, v, "Severity"));
	if (!cJSON_HasObjectItem(v, "Severity"))
		f.severity = vendor_severity(&it, v, source);
	f.score = best_score(&it, v, source);
	cwes = scan_arr(&it, v, "CweIDs");
	cJSON_ArrayForEach(e, cwes)
		if (cJSON_IsString(e))
			scan_tags_add_cwe(&tags, e->valuestring);
	f.tags = tags.n ? tags.v : NULL;
	pkgpath = scan_str(&it, v, "PkgPath");
	base_location(tf, &loc);
	if (pkgpath && *pkgpath)
		loc.file = pkgpath;
	layer_of(&it, v, &loc);
	if (it.err[0]) {
		item_error(tf, it.err);
		return 0;
	}
	if (!f.id || !*f.id) {
		item_error(tf, "VulnerabilityID missing");
		return 0;
	}
	f.locations = &loc;
	f.n_locations = 1;
	if (f.fixed_version && !*f.fixed_version)
		f.fixed_version = NULL;
	if (suppression) {
		f.suppressed = true;
		f.suppression = suppression;
	} else if (f.status_detail &&
		   strcmp(f.status_detail, "not_affected") == 0) {
		f.suppressed = true;
		f.suppression = "Trivy: not_affected";
	}
	/* fingerprint stays NULL: the core derives it from kind, id,
	 * package and installed version, so one CVE in one package version
	 * across several images is one finding with several locations.  The
	 * facts count it once too. */
	parts[0] = f.id;
	parts[1] = f.package;
	parts[2] = f.installed_version;
	emit(tf, &f, scan_seen_add(&st->vulns_seen, parts, 3) ? &st->t.vulns :
		     NULL);
	st->t.vulns_emitted++;
	return 0;
}

static int
convert_misconf(struct tfile *tf, const cJSON *m, const char *suppression)
{
	struct og_finding f = { 0 };
	struct og_location loc;
	struct scan_item it = { { 0 } };
	const cJSON *cause;
	const char *status, *message, *parts[5];
	char lineb[16], fp[65];

	f.kind = OG_FINDING_MISCONFIGURATION;
	f.id = scan_str(&it, m, "ID");
	if (!f.id || !*f.id)
		f.id = scan_str(&it, m, "AVDID");
	f.title = scan_str(&it, m, "Title");
	f.url = scan_str(&it, m, "PrimaryURL");
	f.severity = trivy_severity(tf, scan_str(&it, m, "Severity"));
	f.score = -1;
	status = scan_str(&it, m, "Status");
	message = scan_str(&it, m, "Message");
	base_location(tf, &loc);
	if (!loc.file)
		loc.file = tf->target;
	cause = scan_obj(&it, m, "CauseMetadata");
	loc.line = scan_u32(&it, cause, "StartLine");
	layer_of(&it, m, &loc);
	if (it.err[0]) {
		item_error(tf, it.err);
		return 0;
	}
	if (!f.id || !*f.id) {
		item_error(tf, "ID missing");
		return 0;
	}
	/* PASS is evidence that a check ran, not a finding. */
	if (status && strcmp(status, "PASS") == 0) {
		tf->st->t.misconf_passed++;
		return 0;
	}
	f.status_detail = status;
	if (suppression) {
		f.suppressed = true;
		f.suppression = suppression;
	} else if (status && strcmp(status, "EXCEPTION") == 0) {
		f.suppressed = true;
		f.suppression = "Trivy: exception";
	}
	/* One check can fail several times in one file (one per container),
	 * so the message is part of the identity. */
	snprintf(lineb, sizeof(lineb), "%u", loc.line);
	parts[0] = "misconfiguration";
	parts[1] = f.id;
	parts[2] = loc.file;
	parts[3] = lineb;
	parts[4] = message;
	og_fingerprint_hex(parts, 5, fp);
	f.fingerprint = fp;
	f.locations = &loc;
	f.n_locations = 1;
	emit(tf, &f, &tf->st->t.misconfs);
	return 0;
}

static int
convert_secret(struct tfile *tf, const cJSON *s, const char *suppression)
{
	struct og_finding f = { 0 };
	struct og_location loc;
	struct scan_item it = { { 0 } };

	/* Never read Match or Code: they hold (redacted) secret text. */
	f.kind = OG_FINDING_SECRET;
	f.id = scan_str(&it, s, "RuleID");
	f.title = scan_str(&it, s, "Title");
	f.severity = trivy_severity(tf, scan_str(&it, s, "Severity"));
	f.score = -1;
	base_location(tf, &loc);
	if (!loc.file)
		loc.file = tf->target;
	loc.line = scan_u32(&it, s, "StartLine");
	layer_of(&it, s, &loc);
	if (it.err[0]) {
		item_error(tf, it.err);
		return 0;
	}
	if (!f.id || !*f.id) {
		item_error(tf, "RuleID missing");
		return 0;
	}
	if (suppression) {
		f.suppressed = true;
		f.suppression = suppression;
	}
	f.locations = &loc;
	f.n_locations = 1;
	emit(tf, &f, &tf->st->t.secrets);
	return 0;
}

static int
convert_license(struct tfile *tf, const cJSON *l, const char *suppression)
{
	struct og_finding f = { 0 };
	struct og_location loc;
	struct scan_item it = { { 0 } };
	const char *file, *category, *parts[4];
	char title[256], fp[65];

	f.kind = OG_FINDING_LICENSE;
	f.id = scan_str(&it, l, "Name");
	f.package = scan_str(&it, l, "PkgName");
	f.severity = trivy_severity(tf, scan_str(&it, l, "Severity"));
	f.score = -1;
	category = scan_str(&it, l, "Category");
	file = scan_str(&it, l, "FilePath");
	f.url = scan_str(&it, l, "Link");
	base_location(tf, &loc);
	if (file && *file)
		loc.file = file;
	if (it.err[0]) {
		item_error(tf, it.err);
		return 0;
	}
	if (!f.id || !*f.id) {
		item_error(tf, "Name missing");
		return 0;
	}
	if (f.url && !*f.url)
		f.url = NULL;
	if (f.package && !*f.package)
		f.package = NULL;
	snprintf(title, sizeof(title), "License %s%s%s%s", f.id,
		 category ? " (" : "", category ? category : "",
		 category ? ")" : "");
	f.title = title;
	f.status_detail = category;
	if (suppression) {
		f.suppressed = true;
		f.suppression = suppression;
	}
	/* The same licence in different packages is a different finding. */
	parts[0] = "license";
	parts[1] = f.id;
	parts[2] = f.package;
	parts[3] = f.package ? NULL : loc.file;
	og_fingerprint_hex(parts, 4, fp);
	f.fingerprint = fp;
	f.locations = &loc;
	f.n_locations = 1;
	emit(tf, &f, &tf->st->t.licenses);
	return 0;
}

/* ExperimentalModifiedFindings: {Type, Status, Statement, Source,
 * Finding}: a VEX statement or ignore rule hid the finding. */
static int
convert_modified(struct tfile *tf, const cJSON *m)
{
	struct scan_item it = { { 0 } };
	const char *type, *status, *source;
	const cJSON *finding;
	char reason[160];

	type = scan_str(&it, m, "Type");
	status = scan_str(&it, m, "Status");
	source = scan_str(&it, m, "Source");
	finding = scan_obj(&it, m, "Finding");
	if (it.err[0]) {
		item_error(tf, it.err);
		return 0;
	}
	if (!type || !finding) {
		item_error(tf, "Type or Finding missing");
		return 0;
	}
	snprintf(reason, sizeof(reason), "%s: %s",
		 source && strcasestr(source, "vex") ? "VEX" :
		 source && *source ? source : "ignored",
		 status && *status ? status : "ignored");
	if (strcmp(type, "vulnerability") == 0)
		return convert_vuln(tf, finding, reason);
	if (strcmp(type, "misconfiguration") == 0)
		return convert_misconf(tf, finding, reason);
	if (strcmp(type, "secret") == 0)
		return convert_secret(tf, finding, reason);
	if (strcmp(type, "license") == 0)
		return convert_license(tf, finding, reason);
	item_error(tf, "unknown modified finding Type");
	return 0;
}

struct item_ctx {
	struct tfile *tf;
	enum item_kind kind;
};

static int
convert_item(void *arg, cJSON *j)
{
	struct item_ctx *c = arg;

	if (c->tf->ov && scan_overlap_check(c->tf->ov) < 0)
		return -ECANCELED;	/* the file is broken: stop */
	switch (c->kind) {
	case ITEM_VULN: return convert_vuln(c->tf, j, NULL);
	case ITEM_MISCONF: return convert_misconf(c->tf, j, NULL);
	case ITEM_SECRET: return convert_secret(c->tf, j, NULL);
	case ITEM_LICENSE: return convert_license(c->tf, j, NULL);
	case ITEM_MODIFIED: return convert_modified(c->tf, j);
	}
	return 0;
}

/* What the converters above read of an item; the rest (Description,
 * References, CVSS vectors, DataSource, Code of a secret …) is skipped,
 * not built.  A key added to a converter must be added here. */
static const struct ogjs_keep keep_cvss_source[] = {
	{ "V3Score", NULL }, { "V40Score", NULL }, { "V2Score", NULL },
	{ NULL, NULL },
};
static const struct ogjs_keep keep_cvss[] = {
	{ "*", keep_cvss_source }, { NULL, NULL },
};
static const struct ogjs_keep keep_layer[] = {
	{ "Digest", NULL }, { "DiffID", NULL }, { NULL, NULL },
};
static const struct ogjs_keep keep_cause[] = {
	{ "StartLine", NULL }, { NULL, NULL },
};

#define KEEP_ITEM_KEYS							\
	{ "VulnerabilityID", NULL }, { "PkgName", NULL },		\
	{ "InstalledVersion", NULL }, { "FixedVersion", NULL },		\
	{ "Status", NULL }, { "Title", NULL }, { "PrimaryURL", NULL },	\
	{ "PublishedDate", NULL }, { "SeveritySource", NULL },		\
	{ "Severity", NULL }, { "VendorSeverity", NULL },		\
	{ "CVSS", keep_cvss }, { "CweIDs", NULL }, { "PkgPath", NULL },	\
	{ "Layer", keep_layer }, { "ID", NULL }, { "AVDID", NULL },	\
	{ "Message", NULL }, { "CauseMetadata", keep_cause },		\
	{ "RuleID", NULL }, { "StartLine", NULL }, { "Name", NULL },	\
	{ "Category", NULL }, { "FilePath", NULL }, { "Link", NULL }

/* ExperimentalModifiedFindings wrap one item in Finding. */
static const struct ogjs_keep keep_finding[] = {
	KEEP_ITEM_KEYS, { NULL, NULL },
};
static const struct ogjs_keep keep_item[] = {
	KEEP_ITEM_KEYS, { "Type", NULL }, { "Source", NULL },
	{ "Finding", keep_finding }, { NULL, NULL },
};

/* Stream an array of items, converting each (or, dry, checking that each
 * is an object). */
static int
read_items(struct tfile *tf, enum item_kind kind)
{
	struct item_ctx c = { .tf = tf, .kind = kind };

	return ogjs_each_object(tf->r, tf->st->arena, tf->dry, "an object",
				keep_item, convert_item, &c);
}

/* ---- results ----------------------------------------------------------- */

static int
read_misconf_summary(struct tfile *tf)
{
	struct scan_item it = { { 0 } };
	double ok = 0;
	cJSON *j;
	int ret;

	ret = ogjs_value(tf->r, tf->st->arena, &j);
	if (ret < 0)
		return ret;
	if (!cJSON_IsObject(j) && !cJSON_IsNull(j))
		ret = ogjs_fail(tf->r, "expected an object");
	else if (scan_num(&it, j, "Successes", &ok) && !tf->dry && ok > 0)
		tf->st->t.misconf_passed += (size_t)ok;
	if (ret == 0 && it.err[0])
		ret = ogjs_fail(tf->r, "%s", it.err);
	ogjs_arena_reset(tf->st->arena);
	tf->st->t.misconf_scanned = tf->st->t.misconf_scanned || !tf->dry;
	return ret;
}

static int
result_key(void *arg, const char *key)
{
	struct tfile *tf = arg;
	struct trivy_state *st = tf->st;
	static const struct {
		const char *key;
		enum item_kind kind;
	} arrays[] = {
		{ "Vulnerabilities", ITEM_VULN },
		{ "Misconfigurations", ITEM_MISCONF },
		{ "Secrets", ITEM_SECRET },
		{ "Licenses", ITEM_LICENSE },
		{ "ExperimentalModifiedFindings", ITEM_MODIFIED },
	};
	size_t i;

	if (strcmp(key, "Target") == 0)
		return read_string(tf, &tf->target);
	if (strcmp(key, "Class") == 0)
		return read_string(tf, &tf->class);
	if (strcmp(key, "Type") == 0)
		return read_string(tf, &tf->type);
	if (strcmp(key, "MisconfSummary") == 0)
		return read_misconf_summary(tf);
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		if (strcmp(key, arrays[i].key) != 0)
			continue;
		if (!tf->dry) {
			st->t.misconf_scanned |= arrays[i].kind == ITEM_MISCONF;
			st->t.secret_scanned |= arrays[i].kind == ITEM_SECRET;
			st->t.license_scanned |= arrays[i].kind == ITEM_LICENSE;
		}
		return read_items(tf, arrays[i].kind);
	}
	return ogjs_skip(tf->r);
}

static bool
is_item_key(const char *key)
{
	return strcmp(key, "Vulnerabilities") == 0 ||
	       strcmp(key, "Misconfigurations") == 0 ||
	       strcmp(key, "Secrets") == 0 || strcmp(key, "Licenses") == 0 ||
	       strcmp(key, "ExperimentalModifiedFindings") == 0;
}

static void
note_class(struct tfile *tf)
{
	struct trivy_state *st = tf->st;

	if (tf->dry || !tf->class)
		return;
	if (strcmp(tf->class, "config") == 0)
		st->t.misconf_scanned = true;
	else if (strcmp(tf->class, "secret") == 0)
		st->t.secret_scanned = true;
	else if (strcmp(tf->class, "license") == 0 ||
		 strcmp(tf->class, "license-file") == 0)
		st->t.license_scanned = true;
	else if (strcmp(tf->class, "os-pkgs") == 0 &&
		 tf->format != FMT_V2)
		st->t.image_scanned = true;	/* legacy / k8s images */
}

static int
read_result(struct tfile *tf)
{
	struct ogjs_defer d = { .n = 0 };
	const char *key;
	int ret;

	ret = ogjs_expect(tf->r, '{', "a result object");
	if (ret < 0 || (ret = ogjs_enter_object(tf->r)) < 0)
		return ret;
	set_str(&tf->target, NULL);
	set_str(&tf->class, NULL);
	set_str(&tf->type, NULL);
	while ((ret = ogjs_next_key(tf->r, &key)) == 1) {
		/* Items need Target and Class first (Trivy writes them first;
		 * other writers may not). */
		if (is_item_key(key) && !tf->target)
			ret = ogjs_defer_add(tf->r, &d, key);
		else
			ret = result_key(tf, key);
		if (ret < 0)
			break;
	}
	if (ret >= 0) {
		note_class(tf);
		ret = ogjs_defer_run(tf->r, &d, result_key, tf);
	}
	ogjs_defer_clear(&d);
	return ret;
}

static int
read_results(struct tfile *tf)
{
	int ret;

	if (ogjs_peek(tf->r) == 'z')
		return ogjs_skip(tf->r);
	ret = ogjs_expect(tf->r, '[', "an array of results");
	if (ret < 0 || (ret = ogjs_enter_array(tf->r)) < 0)
		return ret;
	while ((ret = ogjs_next_elem(tf->r)) == 1)
		if ((ret = read_result(tf)) < 0)
			return ret;
	return ret;
}

/* ---- trivy k8s --------------------------------------------------------- */

static int
resource_key(void *arg, const char *key)
{
	struct tfile *tf = arg;
	char buf[1024];

	if (strcmp(key, "Namespace") == 0)
		return read_string(tf, &tf->k8s_ns);
	if (strcmp(key, "Kind") == 0)
		return read_string(tf, &tf->k8s_kind);
	if (strcmp(key, "Name") == 0)
		return read_string(tf, &tf->k8s_name);
	if (strcmp(key, "Results") != 0)
		return ogjs_skip(tf->r);
	set_str(&tf->k8s_image, NULL);
	set_str(&tf->k8s_target, NULL);
	snprintf(buf, sizeof(buf), "%s%s%s/%s/%s",
		 tf->cluster && *tf->cluster ? tf->cluster : "",
		 tf->cluster && *tf->cluster ? "/" : "",
		 tf->k8s_ns && *tf->k8s_ns ? tf->k8s_ns : "-",
		 tf->k8s_kind ? tf->k8s_kind : "-",
		 tf->k8s_name ? tf->k8s_name : "-");
	set_str(&tf->resource, buf);
	return read_results(tf);
}

static int
read_resources(struct tfile *tf)
{
	struct ogjs_defer d = { .n = 0 };
	const char *key;
	int ret;

	ret = ogjs_expect(tf->r, '[', "an array of resources");
	if (ret < 0 || (ret = ogjs_enter_array(tf->r)) < 0)
		return ret;
	while ((ret = ogjs_next_elem(tf->r)) == 1) {
		ret = ogjs_expect(tf->r, '{', "a resource object");
		if (ret < 0 || (ret = ogjs_enter_object(tf->r)) < 0)
			break;
		set_str(&tf->k8s_ns, NULL);
		set_str(&tf->k8s_kind, NULL);
		set_str(&tf->k8s_name, NULL);
		while ((ret = ogjs_next_key(tf->r, &key)) == 1) {
			if (strcmp(key, "Results") == 0 && !tf->k8s_name)
				ret = ogjs_defer_add(tf->r, &d, key);
			else
				ret = resource_key(tf, key);
			if (ret < 0)
				break;
		}
		if (ret >= 0)
			ret = ogjs_defer_run(tf->r, &d, resource_key, tf);
		ogjs_defer_clear(&d);
		if (ret < 0)
			break;
	}
	set_str(&tf->k8s_ns, NULL);
	set_str(&tf->k8s_kind, NULL);
	set_str(&tf->k8s_name, NULL);
	set_str(&tf->resource, NULL);
	set_str(&tf->k8s_image, NULL);
	set_str(&tf->k8s_target, NULL);
	return ret;
}

/* ---- top level --------------------------------------------------------- */

static int
read_schema(struct tfile *tf)
{
	cJSON *j;
	int ret;

	ret = ogjs_value(tf->r, tf->st->arena, &j);
	if (ret < 0)
		return ret;
	if (!cJSON_IsNumber(j))
		ret = ogjs_fail(tf->r, "SchemaVersion: expected a number");
	else if (j->valuedouble != 2)
		ret = ogjs_fail(tf->r, "unsupported SchemaVersion %g "
				"(this reader knows 2)", j->valuedouble);
	tf->have_schema = true;
	tf->schema = cJSON_IsNumber(j) ? j->valuedouble : 0;
	ogjs_arena_reset(tf->st->arena);
	return ret;
}

static int
read_trivy_meta(struct tfile *tf)
{
	struct scan_item it = { { 0 } };
	const char *v;
	cJSON *j;
	int ret;

	ret = ogjs_value(tf->r, tf->st->arena, &j);
	if (ret < 0)
		return ret;
	v = scan_str(&it, j, "Version");
	if (it.err[0])
		ret = ogjs_fail(tf->r, "%s", it.err);
	else if (v && *v)
		set_str(&tf->version, v);
	ogjs_arena_reset(tf->st->arena);
	return ret;
}

static int
top_key(void *arg, const char *key)
{
	struct tfile *tf = arg;
	if (strcmp(key, "SchemaVersion") == 0)
		return read_schema(tf);
	if (strcmp(key, "ClusterName") == 0)
		return read_string(tf, &tf->cluster);
	if (strcmp(key, "ArtifactName") == 0)
		return read_string(tf, &tf->artifact_name);
	if (strcmp(key, "ArtifactType") == 0)
		return read_string(tf, &tf->artifact_type);
	if (strcmp(key, "CreatedAt") == 0)
		return read_string(tf, &tf->created_at);
	if (strcmp(key, "Trivy") == 0)
		return read_trivy_meta(tf);
	if (strcmp(key, "Results") == 0) {
		tf->format = tf->cluster && !tf->have_schema ? FMT_K8S :
			     FMT_V2;
		return read_results(tf);
	}
	if (tf->cluster && (strcmp(key, "Vulnerabilities") == 0 ||
			    strcmp(key, "Misconfigurations") == 0 ||
			    strcmp(key, "Resources") == 0)) {
		tf->format = FMT_K8S;
		return read_resources(tf);
	}
	return ogjs_skip(tf->r);
}

static bool
is_body_key(const char *key)
{
	return strcmp(key, "Results") == 0 ||
	       strcmp(key, "Vulnerabilities") == 0 ||
	       strcmp(key, "Misconfigurations") == 0 ||
	       strcmp(key, "Resources") == 0;
}

static int
read_top_object(struct tfile *tf)
{
	struct ogjs_defer d = { .n = 0 };
	const char *key;
	int ret;

	ret = ogjs_enter_object(tf->r);
	while (ret >= 0 && (ret = ogjs_next_key(tf->r, &key)) == 1) {
		/* The body is read once we know what document this is
		 * (SchemaVersion or ClusterName) and what was scanned. */
		if (is_body_key(key) &&
		    ((!tf->have_schema && !tf->cluster) ||
		     (!tf->artifact_name && !tf->cluster)))
			ret = ogjs_defer_add(tf->r, &d, key);
		else
			ret = top_key(tf, key);
	}
	if (ret >= 0 && !tf->have_schema && !tf->cluster)
		ret = ogjs_fail(tf->r, "not a Trivy report: no SchemaVersion "
				"(nor ClusterName of a k8s report)");
	if (ret >= 0)
		ret = ogjs_defer_run(tf->r, &d, top_key, tf);
	ogjs_defer_clear(&d);
	return ret;
}

static int
read_document(struct tfile *tf)
{
	int t, ret;

	t = ogjs_peek(tf->r);
	if (t < 0)
		return t;
	if (t == '[') {
		tf->format = FMT_LEGACY;
		ret = read_results(tf);
	} else if (t == '{') {
		ret = read_top_object(tf);
	} else {
		return ogjs_fail(tf->r, "not a Trivy report: expected an "
				 "object or an array");
	}
	if (ret >= 0)
		ret = ogjs_expect_end(tf->r);
	return ret;
}

static void
tfile_clear(struct tfile *tf)
{
	set_str(&tf->artifact_name, NULL);
	set_str(&tf->artifact_type, NULL);
	set_str(&tf->cluster, NULL);
	set_str(&tf->version, NULL);
	set_str(&tf->created_at, NULL);
	set_str(&tf->target, NULL);
	set_str(&tf->class, NULL);
	set_str(&tf->type, NULL);
	set_str(&tf->resource, NULL);
	set_str(&tf->k8s_ns, NULL);
	set_str(&tf->k8s_kind, NULL);
	set_str(&tf->k8s_name, NULL);
	set_str(&tf->k8s_image, NULL);
	set_str(&tf->k8s_target, NULL);
	tf->have_schema = false;
	tf->format = FMT_UNKNOWN;
}

static void
note_file(struct trivy_state *st, struct tfile *tf)
{
	const char *t = tf->artifact_type;
	size_t i;

	if (t && (strcmp(t, "container_image") == 0 || strcmp(t, "vm") == 0))
		st->t.image_scanned = true;
	if (t && (strcmp(t, "filesystem") == 0 ||
		  strcmp(t, "repository") == 0))
		st->t.fs_scanned = true;
	if (tf->format == FMT_K8S)
		st->t.image_scanned = true;
	if (!st->version && tf->version)
		st->version = strdup(tf->version);
	if (tf->created_at && (!st->created_at ||
			       strcmp(tf->created_at, st->created_at) > 0))
		set_str(&st->created_at, tf->created_at);
	if (!st->evidence)
		st->evidence = strdup(tf->path);
	/* what was scanned, not the file that says so: next week's report of
	 * the same image is the same target; a cluster report is its cluster */
	if (tf->format == FMT_K8S && tf->cluster && *tf->cluster)
		target_declare(st->ctx, st->host, "cluster", tf->cluster);
	else if (t && !strcmp(t, "container_image") && tf->artifact_name)
		target_declare_image(st->ctx, st->host, tf->artifact_name);
	else if (tf->artifact_name && *tf->artifact_name)
		target_declare(st->ctx, st->host, t && *t ? t : "artifact",
			       tf->artifact_name);
	else
		target_declare_path(st->ctx, st->host, "report", tf->path);
	if (tf->artifact_name && *tf->artifact_name &&
	    st->n_artifacts < TRIVY_ARTIFACTS_MAX) {
		for (i = 0; i < st->n_artifacts; i++)
			if (strcmp(st->artifacts[i], tf->artifact_name) == 0)
				return;
		st->artifacts[st->n_artifacts] = strdup(tf->artifact_name);
		if (st->artifacts[st->n_artifacts])
			st->n_artifacts++;
	}
}

/* The dry pass, then the real one: for a file that cannot be read by
 * two readers at once (a pipe: which then fails to rewind). */
static int
read_in_turn(struct tfile *tf)
{
	int ret;

	tf->dry = true;
	ret = read_document(tf);
	if (ret < 0)
		return ret;
	tfile_clear(tf);
	ret = ogjs_rewind(tf->r);
	tf->dry = false;
	if (ret >= 0)
		ret = read_document(tf);
	return ret;
}

/* The dry pass on its thread: its own reader and arena, and a copy of
 * the state that only the real pass changes. */
struct dry_job {
	struct trivy_state st;
	struct tfile tf;
};

static int
dry_pass(void *arg)
{
	struct dry_job *dj = arg;

	return read_document(&dj->tf);
}

/* Both passes at once (overlap.h).  When the dry pass fails, the real
 * pass's findings and logs were held and are dropped, and its counts
 * are taken back: *ret_bad is then the dry pass's reader, whose error
 * names the problem. */
static int
read_overlapped(struct tfile *tf, struct dry_job *dj,
		const struct ogjs **ret_bad)
{
	struct trivy_state *st = tf->st;
	struct trivy_tally saved = st->t;
	size_t mark = scan_seen_mark(&st->vulns_seen);
	struct scan_overlap ov;
	int ret, v;

	scan_overlap_start(&ov, &st->hold, dry_pass, dj);
	tf->ov = &ov;
	ret = read_document(tf);
	tf->ov = NULL;
	v = scan_overlap_finish(&ov);
	if (v >= 0)
		return ret;
	st->t = saved;
	scan_seen_retract(&st->vulns_seen, mark);
	*ret_bad = dj->tf.r;
	return v;
}

static void
read_file(struct trivy_state *st, const char *path)
{
	struct tfile tf = { .st = st, .path = path };
	struct ogjs_limits lim = { .max_value_bytes = TRIVY_ITEM_MAX_BYTES };
	struct dry_job *dj = NULL;
	const struct ogjs *bad = NULL;
	int ret;

	ret = ogjs_open(path, NULL, &lim, &tf.r);
	bad = tf.r;
	if (ret < 0)
		goto failed;
	dj = calloc(1, sizeof(*dj));
	if (dj) {
		dj->st = *st;
		dj->st.arena = ogjs_arena_new(TRIVY_ITEM_MAX_BYTES * 8);
		dj->tf = (struct tfile){ .st = &dj->st, .path = path,
					 .dry = true };
	}
	if (dj && dj->st.arena && ogjs_open_twin(tf.r, &dj->tf.r) == 0)
		ret = read_overlapped(&tf, dj, &bad);
	else
		ret = read_in_turn(&tf);
	if (ret < 0)
		goto failed;
	note_file(st, &tf);
	st->files_ok++;
	scan_item_errors_done(st->ctx, st->host, tf.r, path, tf.item_errors);
	goto cleanup;
failed:
	st->files_failed++;
	st->last_err = ret;
	scan_file_failed(st->ctx, st->host, bad, path, ret, "report");
cleanup:
	tfile_clear(&tf);
	ogjs_free(tf.r);
	ogjs_arena_reset(st->arena);
	if (dj) {
		tfile_clear(&dj->tf);
		ogjs_free(dj->tf.r);
		ogjs_arena_free(dj->st.arena);
		free(dj);
	}
}

/* ---- facts --------------------------------------------------------------- */

static void
fact_counts(struct trivy_state *st, const char *prefix,
	    const struct scan_counts *c, bool per_severity)
{
	char key[96];
	int s;

	for (s = OG_SEV_UNKNOWN; per_severity && s <= OG_SEV_CRITICAL; s++) {
		if (s == OG_SEV_INFO)
			continue;	/* Trivy has no "info" rating */
		snprintf(key, sizeof(key), "trivy.%s.%s", prefix,
			 scan_severity_key((enum og_severity)s));
		st->host->fact_number(st->ctx, key, (double)c->open[s], NULL,
				      st->evidence);
	}
	snprintf(key, sizeof(key), "trivy.%s.open", prefix);
	st->host->fact_number(st->ctx, key, (double)scan_counts_open(c), NULL,
			      st->evidence);
	snprintf(key, sizeof(key), "trivy.%s.suppressed", prefix);
	st->host->fact_number(st->ctx, key, (double)c->suppressed, NULL,
			      st->evidence);
}

static void
fact_seen(struct trivy_state *st, const char *key, bool seen,
	  const char *why_unknown)
{
	if (seen)
		st->host->fact_bool(st->ctx, key, true, st->evidence);
	else
		st->host->fact_unknown(st->ctx, key, why_unknown);
}

static void
emit_facts(struct trivy_state *st)
{
	const struct og_host *h = st->host;
	size_t open = scan_counts_open(&st->t.vulns);

	if (!st->files_ok) {
		h->fact_unknown(st->ctx, "trivy.scan.present",
				"no Trivy report could be read");
		return;
	}
	h->fact_bool(st->ctx, "trivy.scan.present", true, st->evidence);
	h->fact_number(st->ctx, "trivy.reports.count", (double)st->files_ok,
		       NULL, st->evidence);
	h->fact_bool(st->ctx, "trivy.image.scanned", st->t.image_scanned,
		     st->evidence);
	h->fact_bool(st->ctx, "trivy.fs.scanned", st->t.fs_scanned,
		     st->evidence);
	/* These scanners leave no trace when they find nothing. */
	fact_seen(st, "trivy.misconfig.scanned", st->t.misconf_scanned,
		  "no misconfiguration results in the Trivy reports");
	fact_seen(st, "trivy.secret.scanned", st->t.secret_scanned,
		  "no secret results in the Trivy reports (none found, or "
		  "the scanner was off)");
	fact_seen(st, "trivy.license.scanned", st->t.license_scanned,
		  "no licence results in the Trivy reports");
	/* Counts only for scanners that left a trace: a 0 would claim
	 * they looked. */
	fact_counts(st, "vulns", &st->t.vulns, true);
	if (st->t.misconf_scanned)
		fact_counts(st, "misconfigs", &st->t.misconfs, true);
	if (st->t.secret_scanned)
		fact_counts(st, "secrets", &st->t.secrets, false);
	if (st->t.license_scanned)
		fact_counts(st, "licenses", &st->t.licenses, false);
	if (st->t.misconf_scanned)
		h->fact_number(st->ctx, "trivy.misconfigs.passed",
			       (double)st->t.misconf_passed, NULL,
			       st->evidence);
	if (open)
		h->fact_number(st->ctx, "trivy.vulns.fixable_ratio",
			       (double)st->t.vulns_fixable / (double)open,
			       "ratio", st->evidence);
	else
		h->fact_unknown(st->ctx, "trivy.vulns.fixable_ratio",
				"no open vulnerabilities");
	h->fact_number(st->ctx, "trivy.vulns.occurrences",
		       (double)st->t.vulns_emitted, NULL, st->evidence);
	h->fact_number(st->ctx, "trivy.vulns.fixable",
		       (double)st->t.vulns_fixable, NULL, st->evidence);
	if (st->version)
		h->fact_string(st->ctx, "trivy.version", st->version,
			       st->evidence);
	if (st->created_at)
		h->fact_string(st->ctx, "trivy.scan.created_at",
			       st->created_at, st->evidence);
	if (st->n_artifacts)
		h->fact_list(st->ctx, "trivy.artifacts",
			     (const char *const *)st->artifacts,
			     st->n_artifacts, st->evidence);
}

/* ---- plugin ---------------------------------------------------------------- */

static int
trivy_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct trivy_state *st = calloc(1, sizeof(*st));
	int ret;

	if (!st)
		return -ENOMEM;
	st->ctx = ctx;
	st->host = host;
	scan_hold_init(&st->hold, ctx, host);
	st->arena = ogjs_arena_new(TRIVY_ITEM_MAX_BYTES * 8);
	if (!st->arena) {
		free(st);
		return -ENOMEM;
	}
	ret = scan_inputs_load(ctx, host, "reports", &st->in);
	if (ret < 0) {
		ogjs_arena_free(st->arena);
		free(st);
		return ret;
	}
	*ret_state = st;
	return 0;
}

static int
trivy_collect(struct og_ctx *ctx, void *state)
{
	struct trivy_state *st = state;
	size_t i;

	(void)ctx;
	if (!st->in.n && !st->in.n_missing) {
		st->host->log(st->ctx, OG_LOG_WARN,
			      "no reports configured (collectors.trivy.reports "
			      "or --trivy FILE)");
		st->host->fact_unknown(st->ctx, "trivy.scan.present",
				       "no Trivy report configured");
		return 0;
	}
	if (st->in.n_missing)
		st->host->set_partial(st->ctx, "a report pattern matched no file");
	for (i = 0; i < st->in.n; i++)
		read_file(st, st->in.paths[i]);
	emit_facts(st);
	if (!st->files_ok)
		return st->last_err < 0 ? st->last_err : -ENOENT;
	return 0;
}

static void
trivy_fini(void *state)
{
	struct trivy_state *st = state;
	size_t i;

	if (!st)
		return;
	scan_inputs_clear(&st->in);
	scan_seen_clear(&st->vulns_seen);
	scan_hold_free(&st->hold);
	ogjs_arena_free(st->arena);
	free(st->version);
	free(st->created_at);
	free(st->evidence);
	for (i = 0; i < st->n_artifacts; i++)
		free(st->artifacts[i]);
	free(st);
}

static const struct og_option trivy_options[] = {
	{ .key = "reports", .type = OG_OPT_LIST, .flags = OG_OPTF_PATH,
	  .help = "Trivy JSON reports (files or glob patterns)" },
	{ .key = NULL },
};

/* Command-line shorthands (shown in --help). */
static const struct og_flag trivy_flags[] = {
	{ "trivy", "reports", "FILE", "Trivy JSON report (repeatable, globs)" },
	{ 0 },
};

OG_PLUGIN_DEFINE(.name = "trivy", .version = "1.0",
		 .summary = "Trivy JSON reports: vulnerabilities, "
			    "misconfigurations, secrets, licences",
		 .init = trivy_init, .collect = trivy_collect,
		 .fini = trivy_fini, .options = trivy_options,
		 .flags = trivy_flags, .opt_in = true)
