/*
 * junit.xml: one testsuite per maturity area (a testcase per capability),
 * one "gates" suite, one "findings" suite.  Streamed with libxml2's
 * xmlTextWriter, so 100 k findings never become a DOM.  Counts are
 * computed in a first pass with the same classification functions the
 * writing pass uses, so the attributes always match the children.
 *
 * libxml2 escapes < & " but passes raw control bytes and invalid UTF-8;
 * every string goes through og_text_clean() first.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "core/util.h"
#include "render.h"
#include "rdoc.h"

#define ATTR_MAX	2048	/* bytes per attribute value */
#define BODY_MAX	65536	/* bytes per failure body */

enum verdict {
	V_NONE,		/* not written */
	V_PASS,
	V_SKIP,
	V_FAIL,
};

struct counts {
	long tests, failures, skipped;
};

struct jw {
	xmlTextWriterPtr w;
	struct og_out out;
	const struct og_rstyle *st;
	const cJSON *report, *assessment, *gates;
	const struct og_report *rep;	/* the findings */
	char timestamp[32];
	char hostname[256];
	int err;		/* first libxml2 failure */
	int suite_id;
	const char *area;	/* the area suite being written, else NULL */
};

static void
chk(struct jw *j, int rc)
{
	if (rc < 0 && !j->err)
		j->err = -EIO;
}

static void
attr(struct jw *j, const char *name, const char *value)
{
	char *owned;
	const char *c = og_text_clean_view(value ? value : "", ATTR_MAX, false, &owned);

	chk(j, xmlTextWriterWriteAttribute(j->w, BAD_CAST name, BAD_CAST c));
	free(owned);
}

static void
attr_long(struct jw *j, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	attr(j, name, buf);
}

static void
text(struct jw *j, const char *s)
{
	char *owned;
	const char *c = og_text_clean_view(s ? s : "", BODY_MAX, true, &owned);

	chk(j, xmlTextWriterWriteString(j->w, BAD_CAST c));
	free(owned);
}

static void
start(struct jw *j, const char *el)
{
	chk(j, xmlTextWriterStartElement(j->w, BAD_CAST el));
}

static void
end(struct jw *j)
{
	chk(j, xmlTextWriterEndElement(j->w));
}

static void
property(struct jw *j, const char *name, const char *value)
{
	if (!value)
		return;
	start(j, "property");
	attr(j, "name", name);
	attr(j, "value", value);
	end(j);
}

/* Does a gate name this capability among what it requires? */
static const char *
gate_requiring(const cJSON *gates, const char *cap)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, gates) {
		const char *id = og_rj_str(g, "id");
		const cJSON *exp = og_rj_item(g, "expected"), *e;
		const cJSON *list = cJSON_IsArray(exp) ? exp : NULL;

		if (!id || (strncmp(id, "required_capabilit", 18) != 0 &&
			    strncmp(id, "capability", 10) != 0))
			continue;
		if (cJSON_IsString(exp) && strcmp(exp->valuestring, cap) == 0)
			return id;
		cJSON_ArrayForEach(e, list)
			if (cJSON_IsString(e) && strcmp(e->valuestring, cap) == 0)
				return id;
		/* the engine's "required_capability.<id>", and
		 * "capability:<id>" style gate ids */
		if (strncmp(id, "required_capability.", 20) == 0 &&
		    strcmp(id + 20, cap) == 0)
			return id;
		if (strncmp(id, "capability", 10) == 0 && id[10] &&
		    strcmp(id + 11, cap) == 0)
			return id;
	}
	return NULL;
}

static enum verdict
cap_verdict(const struct jw *j, const cJSON *cap, const char **ret_gate)
{
	const char *status = og_rj_str(cap, "status");

	*ret_gate = NULL;
	if (status && strcmp(status, "met") == 0)
		return V_PASS;
	if (!status || strcmp(status, "missing") != 0)
		return V_SKIP;
	*ret_gate = gate_requiring(j->gates, og_rj_str(cap, "id") ? og_rj_str(cap, "id") : "");
	if (*ret_gate || j->st->junit_strict)
		return V_FAIL;
	return V_SKIP;
}

static enum verdict
finding_verdict(const struct jw *j, const struct og_model_finding *f)
{
	if (og_finding_rank(f) > j->st->junit_min_rank)
		return V_NONE;
	return f->suppressed ? V_SKIP : V_FAIL;
}

static enum verdict
gate_verdict(const cJSON *g)
{
	const char *s = og_rj_str(g, "status");

	return s && strcmp(s, "pass") == 0 ? V_PASS : V_FAIL;
}

static void
count(struct counts *c, enum verdict v)
{
	if (v == V_NONE)
		return;
	c->tests++;
	c->failures += v == V_FAIL;
	c->skipped += v == V_SKIP;
}

static bool
cap_in_area(const cJSON *cap, const char *area)
{
	const char *a = og_rj_str(cap, "area");

	return a && area && strcmp(a, area) == 0;
}

static struct counts
area_counts(const struct jw *j, const char *area)
{
	struct counts c = { 0 };
	const cJSON *cap;
	const char *gate;

	cJSON_ArrayForEach(cap, og_rj_arr(j->assessment, "capabilities"))
		if (cap_in_area(cap, area))
			count(&c, cap_verdict(j, cap, &gate));
	return c;
}

static struct counts
gates_counts(const struct jw *j)
{
	struct counts c = { 0 };
	const cJSON *g;

	cJSON_ArrayForEach(g, j->gates)
		count(&c, gate_verdict(g));
	return c;
}

static struct counts
findings_counts(const struct jw *j)
{
	struct counts c = { 0 };

	for (size_t i = 0; i < j->rep->n_findings; i++)
		count(&c, finding_verdict(j, j->rep->findings[i]));
	return c;
}

/* In an area's suite, one property per attested capability: stated by
 * the team, not observed (testcases cannot carry properties in the
 * schemas CI tools validate against). */
static void
attested_properties(struct jw *j)
{
	const cJSON *cap;

	if (!j->area)
		return;
	cJSON_ArrayForEach(cap, og_rj_arr(j->assessment, "capabilities")) {
		const cJSON *a = og_rj_obj(cap, "attestation");
		const char *src = og_rj_str(cap, "source");
		char *name, *value;

		if (!a || !src || strcmp(src, "attested") || !cap_in_area(cap, j->area))
			continue;
		name = og_asprintf("attested.%s", og_rj_str(cap, "id"));
		value = og_asprintf("%s by %s on %s%s%s", og_rj_str(a, "status"),
				    og_rj_str(a, "by"), og_rj_str(a, "date"),
				    og_rj_str(a, "evidence") ? "; evidence: " : "",
				    og_rj_str(a, "evidence") ? og_rj_str(a, "evidence") : "");
		property(j, name, value);
		free(name);
		free(value);
	}
}

static void
suite_start(struct jw *j, const char *name, const char *package, struct counts c)
{
	start(j, "testsuite");
	attr(j, "name", name);
	if (j->st->junit_schema_strict) {
		attr(j, "package", package);
		attr_long(j, "id", j->suite_id);
	}
	attr_long(j, "tests", c.tests);
	attr_long(j, "failures", c.failures);
	attr_long(j, "errors", 0);
	attr_long(j, "skipped", c.skipped);
	attr(j, "time", "0.000");
	attr(j, "timestamp", j->timestamp);
	attr(j, "hostname", j->hostname);
	j->suite_id++;

	start(j, "properties");
	property(j, "opsgrade.version", og_rj_str(j->report, "opsgrade_version"));
	property(j, "report.schema", og_rj_str(j->report, "schema"));
	property(j, "subject", og_rj_str(j->report, "subject"));
	property(j, "model.id", og_rj_str(og_rj_obj(j->assessment, "model"), "id"));
	property(j, "model.version", og_rj_str(og_rj_obj(j->assessment, "model"), "version"));
	attested_properties(j);
	end(j);
}

static void
suite_end(struct jw *j)
{
	if (j->st->junit_schema_strict) {
		start(j, "system-out");
		end(j);
		start(j, "system-err");
		end(j);
	}
	end(j);
}

static void
case_start(struct jw *j, const char *classname, const char *name, const char *file)
{
	start(j, "testcase");
	attr(j, "classname", classname);
	attr(j, "name", name);
	attr(j, "time", "0.000");
	if (file && !j->st->junit_schema_strict)
		attr(j, "file", file);
}

static void
skipped(struct jw *j, const char *message)
{
	start(j, "skipped");
	attr(j, "message", message);
	end(j);
}

static char *
dotless(const char *s)
{
	char *r = strdup(s);

	for (char *p = r; *p; p++)
		if (*p == '.')
			*p = '_';
	return r;
}

static void
write_area(struct jw *j, const cJSON *area)
{
	const char *aid = og_rj_str(area, "id");
	const char *aname = og_rj_str(area, "name");
	char *dl = dotless(aid ? aid : "unknown");
	char *classname = og_asprintf("opsgrade.maturity.%s", dl);
	const cJSON *cap;

	j->area = aid;
	suite_start(j, aname ? aname : (aid ? aid : "area"), classname, area_counts(j, aid));
	j->area = NULL;
	cJSON_ArrayForEach(cap, og_rj_arr(j->assessment, "capabilities")) {
		const char *id = og_rj_str(cap, "id"), *title = og_rj_str(cap, "title");
		const char *gate, *cur = og_rj_str(cap, "current");
		enum verdict v;
		char *name, *msg;

		if (!cap_in_area(cap, aid))
			continue;
		v = cap_verdict(j, cap, &gate);
		name = og_asprintf("%s: %s", id ? id : "?", title ? title : "");
		case_start(j, classname, name, NULL);
		if (v == V_FAIL) {
			const cJSON *gap = og_json_find_id(og_rj_arr(j->assessment, "gaps"), id);
			const char *sol = og_rj_str(og_rj_obj(gap, "solution"), "text");

			msg = gate ? og_asprintf("missing: %s (required by gate %s)", title ? title : id, gate)
				   : og_asprintf("missing: %s", title ? title : id);
			start(j, "failure");
			attr(j, "message", msg);
			attr(j, "type", "capability");
			free(msg);
			msg = og_asprintf("%s\ncurrent: %s\n%s%s", title ? title : id,
					  cur ? cur : "not found",
					  sol ? "solution: " : "", sol ? sol : "");
			text(j, msg);
			end(j);
		} else if (v == V_SKIP) {
			const char *status = og_rj_str(cap, "status");
			const char *hint = og_rj_str(cap, "observe_hint");

			/* a gap and a blind spot must read differently on a CI page */
			if (status && strcmp(status, "missing") == 0)
				msg = og_asprintf("not met: %s (informational; no gate requires it)",
						  cur ? cur : "not found");
			else if (status && strcmp(status, "not_applicable") == 0)
				msg = og_asprintf("not applicable: %s",
						  og_rj_str(cap, "applicability") ? og_rj_str(cap, "applicability")
										 : "does not apply to this project");
			else
				msg = og_asprintf("not observed: %s", hint ? hint : "could not be observed by the collectors that ran");
			skipped(j, msg);
		} else {
			msg = NULL;
		}
		free(msg);
		free(name);
		end(j);
	}
	suite_end(j);
	free(dl);
	free(classname);
}

static void
write_gates(struct jw *j)
{
	const cJSON *g;

	suite_start(j, "gates", "opsgrade.gates", gates_counts(j));
	cJSON_ArrayForEach(g, j->gates) {
		const char *id = og_rj_str(g, "id"), *desc = og_rj_str(g, "description");
		char *name = og_asprintf("%s: %s", id ? id : "?", desc ? desc : "");
		/* the gate's line as every output prints it, then what passes it */
		char *body = og_asprintf("%s%s%s", og_rj_gate_text(g), og_rj_gate_fix(g) ? "\n" : "",
					 og_rj_gate_fix(g) ? og_rj_gate_fix(g) : "");

		case_start(j, "opsgrade.gates", name, NULL);
		if (gate_verdict(g) == V_FAIL) {
			start(j, "failure");
			attr(j, "message", og_rj_gate_text(g));
			attr(j, "type", "gate");
			text(j, body);
			end(j);
		}
		end(j);
		free(body);
		free(name);
	}
	suite_end(j);
}

/*
 * Jenkins (and the dorny/mikepenz GitHub reporters that follow its
 * convention) split a class name at its last dot into package and class,
 * so an image tag or a file name there would be cut in two
 * ("ghcr.io/acme/hep:1.4 (debian 12" / "5)/xz-utils").  The class is
 * therefore "opsgrade.findings.<source>" with no dot of our making after
 * it; where the finding is goes into the test name (and the file
 * attribute, for annotations).
 */

/* A text built piece by piece, its storage kept from one finding to
 * the next (100 k findings: no allocation and no printf each). */
struct sb {
	char *s;
	size_t len, cap;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = og_xrealloc_array(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_put(struct sb *b, const char *s)
{
	if (s)
		sb_add(b, s, strlen(s));
}

static void
sb_putu(struct sb *b, unsigned v)
{
	char d[16];
	int n = 0;

	do {
		d[15 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(b, d + 16 - n, (size_t)n);
}

static const char *
sb_reset(struct sb *b)
{
	sb_add(b, "", 0);
	b->len = 0;
	return b->s;
}

/* "opsgrade.findings.<source with '_' for '.'>"; *ret_file the first
 * location's file. */
static void
finding_classname(struct sb *b, const struct og_model_finding *f, const char **ret_file)
{
	size_t at;

	*ret_file = f->n_locations ? f->locations[0].file : NULL;
	sb_put(b, "opsgrade.findings.");
	at = b->len;
	sb_put(b, f->n_sources ? f->sources[0] : "unknown");
	for (char *p = b->s + at; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* "target/package", else the file(:line), else the target, else the kind. */
static void
finding_where(struct sb *b, const struct og_model_finding *f)
{
	const struct og_model_location *loc = f->n_locations ? &f->locations[0] : NULL;
	const char *target = loc ? loc->target : NULL, *file = loc ? loc->file : NULL;

	if (f->package) {
		if (target) {
			sb_put(b, target);
			sb_put(b, "/");
		}
		sb_put(b, f->package);
	} else if (file) {
		sb_put(b, file);
		if (loc->line) {
			sb_put(b, ":");
			sb_putu(b, loc->line);
		}
	} else {
		sb_put(b, target ? target : og_finding_kind_name(f->kind));
	}
}

static void
finding_body(struct sb *b, const struct og_model_finding *f)
{
	sb_put(b, f->id ? f->id : "?");
	sb_put(b, " ");
	sb_put(b, f->title);
	sb_put(b, "\n");
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct og_model_location *loc = &f->locations[i];

		if (b->len > BODY_MAX)
			break;
		sb_put(b, "at ");
		sb_put(b, loc->target);
		if (loc->file) {
			sb_put(b, loc->target ? " " : "");
			sb_put(b, loc->file);
		}
		if (loc->line) {
			sb_put(b, ":");
			sb_putu(b, loc->line);
		}
		sb_put(b, "\n");
	}
	if (f->installed_version) {
		sb_put(b, "installed: ");
		sb_put(b, f->installed_version);
		sb_put(b, "\n");
	}
	if (f->url) {
		sb_put(b, f->url);
		sb_put(b, "\n");
	}
	for (size_t i = 0; i < f->n_tools; i++) {
		sb_put(b, "tool: ");
		sb_put(b, f->tools[i]);
		sb_put(b, "\n");
	}
}

static void
write_findings(struct jw *j)
{
	struct sb cls = { 0 }, name = { 0 }, msg = { 0 };

	suite_start(j, "findings", "opsgrade.findings", findings_counts(j));
	for (size_t i = 0; i < j->rep->n_findings; i++) {
		const struct og_model_finding *f = j->rep->findings[i];
		enum verdict v = finding_verdict(j, f);
		const char *sev = og_severity_name(f->severity), *fix = f->fixed_version;
		const char *file;

		if (v == V_NONE)
			continue;
		finding_classname(&cls, f, &file);
		sb_put(&name, f->id ? f->id : "?");
		sb_put(&name, " ");
		if (f->title) {
			sb_put(&name, f->title);
			sb_put(&name, " ");
		}
		sb_put(&name, "(");
		finding_where(&name, f);
		sb_put(&name, ")");
		case_start(j, sb_reset(&cls), sb_reset(&name), file);
		if (v == V_SKIP) {
			sb_put(&msg, "suppressed: ");
			sb_put(&msg, f->suppression ? f->suppression : "no reason given");
			skipped(j, sb_reset(&msg));
		} else {
			sb_put(&msg, sev);
			if (fix && *fix) {
				sb_put(&msg, "; fixed in ");
				sb_put(&msg, fix);
			} else {
				sb_put(&msg, "; no fix available");
			}
			start(j, "failure");
			attr(j, "message", sb_reset(&msg));
			attr(j, "type", sev);
			finding_body(&msg, f);
			text(j, sb_reset(&msg));
			end(j);
		}
		end(j);
	}
	suite_end(j);
	free(cls.s);
	free(name.s);
	free(msg.s);
}

static int
out_write_cb(void *ctx, const char *buf, int len)
{
	struct og_out *o = ctx;

	og_out_write(o, buf, (size_t)len);
	return o->err ? -1 : len;
}

static void
set_timestamp(struct jw *j)
{
	const char *gen = og_rj_str(j->report, "generated_at");
	int64_t t;

	/* The report's own time keeps the file reproducible; the run's clock
	 * (SOURCE_DATE_EPOCH aware) only when the document has none. */
	if (!gen || og_parse_time(gen, &t) < 0)
		t = og_now();
	og_format_time(t, j->timestamp, sizeof(j->timestamp));
	if (j->st->junit_schema_strict) {
		/* the Ant XSD pattern has no zone designator */
		char *z = strchr(j->timestamp, 'Z');

		if (z)
			*z = '\0';
	}
}

int
og_render_junit(const struct og_report *rep, const cJSON *config, const char *path,
		char **ret_err)
{
	const cJSON *report = rep->doc;
	struct og_rstyle st = { 0 };
	struct jw j = { .out = { .fd = -1 } };
	xmlOutputBufferPtr ob;
	struct counts total = { 0 }, c;
	const cJSON *area;
	double ms, sum_ms = 0;
	char buf[64];
	int r;

	r = og_render_setup(report, config, path, &st, ret_err);
	if (r < 0)
		return r;
	j.st = &st;
	j.report = report;
	j.rep = rep;
	j.assessment = og_rj_obj(report, "assessment");
	j.gates = og_rj_arr(report, "gates");
	set_timestamp(&j);
	if (gethostname(j.hostname, sizeof(j.hostname) - 1) < 0 || !j.hostname[0])
		strcpy(j.hostname, "localhost");

	r = og_out_open(&j.out, path);
	if (r < 0) {
		og_rerr(ret_err, "%s: cannot create a temporary file: %s", path, strerror(-r));
		goto out;
	}
	ob = xmlOutputBufferCreateIO(out_write_cb, NULL, &j.out, NULL);
	j.w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!j.w) {
		if (ob)
			xmlOutputBufferClose(ob);
		r = -ENOMEM;
		og_rerr(ret_err, "%s: cannot create the XML writer", path);
		goto out;
	}
	chk(&j, xmlTextWriterSetIndent(j.w, 1));
	chk(&j, xmlTextWriterSetIndentString(j.w, BAD_CAST "  "));
	chk(&j, xmlTextWriterStartDocument(j.w, "1.0", "UTF-8", NULL));

	cJSON_ArrayForEach(area, og_rj_arr(j.assessment, "areas")) {
		c = area_counts(&j, og_rj_str(area, "id"));
		total.tests += c.tests;
		total.failures += c.failures;
		total.skipped += c.skipped;
	}
	c = gates_counts(&j);
	total.tests += c.tests;
	total.failures += c.failures;
	total.skipped += c.skipped;
	c = findings_counts(&j);
	total.tests += c.tests;
	total.failures += c.failures;
	total.skipped += c.skipped;
	cJSON_ArrayForEach(area, og_rj_arr(report, "collectors"))
		if (og_rj_num(area, "duration_ms", &ms) && ms > 0)
			sum_ms += ms;

	start(&j, "testsuites");
	if (!st.junit_schema_strict) {
		/* the Ant XSD allows no attributes on <testsuites> */
		attr(&j, "name", "opsgrade");
		attr_long(&j, "tests", total.tests);
		attr_long(&j, "failures", total.failures);
		attr_long(&j, "errors", 0);
		attr_long(&j, "skipped", total.skipped);
		snprintf(buf, sizeof(buf), "%.3f", sum_ms / 1000.0);
		attr(&j, "time", buf);
		attr(&j, "timestamp", j.timestamp);
	}
	cJSON_ArrayForEach(area, og_rj_arr(j.assessment, "areas"))
		write_area(&j, area);
	write_gates(&j);
	write_findings(&j);
	end(&j);
	chk(&j, xmlTextWriterEndDocument(j.w));
	chk(&j, xmlTextWriterFlush(j.w));
	xmlFreeTextWriter(j.w);	/* closes the output buffer, not the fd */
	j.w = NULL;

	r = og_out_finish(&j.out, path, j.err == 0);
	if (r < 0)
		og_rerr(ret_err, "%s: write failed: %s", path, strerror(-r));
out:
	if (j.out.tmp)
		og_out_finish(&j.out, path, false);
	og_rstyle_clear(&st);
	return r;
}
