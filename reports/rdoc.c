#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "core/value.h"
#include "rdoc.h"

#define SCALE_MAX	4.0

const char *const og_sev_names[OG_SEV_COUNT] = {
	"critical", "high", "medium", "low", "info", "unknown",
};

void
og_rerr(char **ret_err, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!ret_err || *ret_err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	*ret_err = s;
}

const cJSON *
og_rj_item(const cJSON *o, const char *key)
{
	if (!cJSON_IsObject(o))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

const char *
og_rj_str(const cJSON *o, const char *key)
{
	const cJSON *it = og_rj_item(o, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

bool
og_rj_num(const cJSON *o, const char *key, double *ret)
{
	const cJSON *it = og_rj_item(o, key);

	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return false;
	*ret = it->valuedouble;
	return true;
}

const cJSON *
og_rj_arr(const cJSON *o, const char *key)
{
	const cJSON *it = og_rj_item(o, key);

	return cJSON_IsArray(it) ? it : NULL;
}

const cJSON *
og_rj_obj(const cJSON *o, const char *key)
{
	const cJSON *it = og_rj_item(o, key);

	return cJSON_IsObject(it) ? it : NULL;
}

int
og_rj_count(const cJSON *arr)
{
	return cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
}

int
og_sev_rank(const char *s)
{
	for (int i = 0; s && i < OG_SEV_COUNT; i++)
		if (strcmp(s, og_sev_names[i]) == 0)
			return i;
	return OG_SEV_COUNT - 1;
}

int
og_finding_rank(const struct og_model_finding *f)
{
	return f->severity >= OG_SEV_INFO && f->severity <= OG_SEV_CRITICAL
	       ? OG_SEV_CRITICAL - (int)f->severity : OG_SEV_COUNT - 1;
}

char *
og_finding_where(const struct og_model_finding *f)
{
	const struct og_model_location *loc = f->n_locations ? &f->locations[0] : NULL;

	if (f->package)
		return og_strdup0(f->package);
	if (!loc)
		return NULL;
	if (loc->file && loc->line)
		return og_asprintf("%s:%u", loc->file, (unsigned)loc->line);
	return og_strdup0(loc->file ? loc->file : loc->target);
}

struct og_rgb
og_sev_color(int rank)
{
	static const struct og_rgb c[OG_SEV_COUNT] = {
		{ 0.55, 0.07, 0.10 },	/* critical: dark red */
		{ 0.85, 0.30, 0.22 },	/* high */
		{ 0.93, 0.62, 0.15 },	/* medium */
		{ 0.36, 0.62, 0.80 },	/* low */
		{ 0.60, 0.60, 0.60 },
		{ 0.75, 0.75, 0.75 },
	};

	if (rank < 0 || rank >= OG_SEV_COUNT)
		rank = OG_SEV_COUNT - 1;
	return c[rank];
}

struct og_rgb
og_status_color(const char *status)
{
	if (status && (strcmp(status, "good") == 0 || strcmp(status, "pass") == 0 ||
		       strcmp(status, "ok") == 0 || strcmp(status, "met") == 0))
		return (struct og_rgb){ 0.18, 0.49, 0.20 };
	if (status && (strcmp(status, "needs improvement") == 0 ||
		       strcmp(status, "partial") == 0))
		return (struct og_rgb){ 0.85, 0.55, 0.00 };
	if (status && (strcmp(status, "fail") == 0 || strcmp(status, "failed") == 0 ||
		       strcmp(status, "missing") == 0))
		return (struct og_rgb){ 0.78, 0.16, 0.16 };
	return (struct og_rgb){ 0.55, 0.55, 0.55 };
}

const char *
og_area_name(const cJSON *assessment, const char *area_id)
{
	const char *n = og_rj_str(og_json_find_id(og_rj_arr(assessment, "areas"), area_id),
				  "name");

	return n ? n : area_id;
}

const char *
og_cap_title(const cJSON *assessment, const char *cap_id)
{
	const char *t = og_rj_str(og_json_find_id(og_rj_arr(assessment, "capabilities"),
						cap_id), "title");

	return t ? t : cap_id;
}

static int
parse_hex_color(const char *s, struct og_rgb *ret)
{
	unsigned v;
	int n = 0;

	if (!s || strlen(s) != 7 || s[0] != '#' ||
	    sscanf(s + 1, "%6x%n", &v, &n) != 1 || n != 6)
		return -EINVAL;
	ret->r = ((v >> 16) & 0xff) / 255.0;
	ret->g = ((v >> 8) & 0xff) / 255.0;
	ret->b = (v & 0xff) / 255.0;
	return 0;
}

int
og_rstyle_load(const cJSON *config, struct og_rstyle *ret, char **ret_err)
{
	struct og_rstyle st = { 0 };
	const cJSON *sec = config, *it;
	const char *s;
	int r = -EINVAL;

	if (og_rj_obj(config, "report"))
		sec = og_rj_obj(config, "report");

	st.accent = (struct og_rgb){ 0.05, 0.36, 0.55 };
	strcpy(st.accent_hex, "#0D5C8C");
	st.scale = 1.0;
	st.junit_min_rank = 1;	/* high */

	s = og_rj_str(sec, "organisation");
	if (s && *s)
		st.organisation = og_text_clean(s, 200, false);
	s = og_rj_str(sec, "logo");
	if (s && *s)
		st.logo = strdup(s);
	s = og_rj_str(sec, "accent");
	if (s) {
		if (parse_hex_color(s, &st.accent) < 0) {
			og_rerr(ret_err, "config report.accent: expected \"#RRGGBB\", got \"%s\"", s);
			goto out;
		}
		snprintf(st.accent_hex, sizeof(st.accent_hex), "%s", s);
	}
	s = og_rj_str(sec, "paper");
	if (s) {
		if (strcasecmp(s, "letter") == 0) {
			st.letter = true;
		} else if (strcasecmp(s, "a4") != 0) {
			og_rerr(ret_err, "config report.paper: expected \"a4\" or \"letter\", got \"%s\"", s);
			goto out;
		}
	}
	s = og_rj_str(sec, "font");
	st.font = strdup(s && *s ? s : "DejaVu Sans");
	it = og_rj_item(sec, "scale");
	if (it && !cJSON_IsNull(it)) {
		if (og_value_number(it, &st.scale) < 0 || st.scale < 1.0 || st.scale > SCALE_MAX) {
			og_rerr(ret_err, "config report.scale: expected a number from 1 to %g", SCALE_MAX);
			goto out;
		}
	}
	it = og_rj_item(sec, "junit_strict");
	if (it && !cJSON_IsNull(it) && og_value_bool(it, &st.junit_strict) < 0) {
		og_rerr(ret_err, "config report.junit_strict: expected true or false");
		goto out;
	}
	s = og_rj_str(sec, "junit_min_severity");
	if (s) {
		st.junit_min_rank = og_sev_rank(s);
		if (strcmp(og_sev_names[st.junit_min_rank], s) != 0) {
			og_rerr(ret_err, "config report.junit_min_severity: unknown severity \"%s\"", s);
			goto out;
		}
	}
	s = og_rj_str(sec, "junit_schema");
	if (s) {
		if (strcmp(s, "strict") == 0) {
			st.junit_schema_strict = true;
		} else if (strcmp(s, "default") != 0) {
			og_rerr(ret_err, "config report.junit_schema: expected \"default\" or \"strict\", got \"%s\"", s);
			goto out;
		}
	}

	*ret = st;
	memset(&st, 0, sizeof(st));
	r = 0;
out:
	og_rstyle_clear(&st);
	return r;
}

int
og_render_setup(const cJSON *report, const cJSON *config, const char *path,
		struct og_rstyle *ret_st, char **ret_err)
{
	if (!cJSON_IsObject(report)) {
		og_rerr(ret_err, "%s: the report document is not a JSON object", path);
		return -EINVAL;
	}
	return og_rstyle_load(config, ret_st, ret_err);
}

void
og_rstyle_clear(struct og_rstyle *st)
{
	free(st->organisation);
	free(st->logo);
	free(st->font);
	memset(st, 0, sizeof(*st));
}

/* Decode one UTF-8 sequence; returns its length, or 0 when invalid. */
static size_t
utf8_decode(const unsigned char *p, unsigned *ret_cp)
{
	unsigned cp;
	size_t n;

	if (p[0] < 0x80) {
		*ret_cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		n = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		n = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/* Characters XML 1.0 cannot hold, C0/C1 controls, bidi overrides. */
static bool
cp_dropped(unsigned cp, bool keep_newlines)
{
	if (cp == '\n' || cp == '\t')
		return !keep_newlines;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return true;
	return cp == 0xfffe || cp == 0xffff;
}

char *
og_text_clean(const char *s, size_t max, bool keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, o = 0;
	char *out;

	if (!s)
		return NULL;
	if (max < 8)
		max = 8;
	len = strlen(s);
	/* worst case: every byte becomes U+FFFD (3 bytes) */
	out = og_xmalloc((len < max ? len : max) * 3 + 8);
	while (*p) {
		unsigned cp;
		bool bad = false;
		size_t n;

		if (*p == 0x1b) {
			/* ANSI CSI "ESC [ params final" or a two-byte escape */
			p++;
			if (*p == '[') {
				p++;
				while (*p && (*p < 0x40 || *p > 0x7e))
					p++;
			}
			if (*p)
				p++;
			continue;
		}
		n = utf8_decode(p, &cp);
		if (n == 0) {
			cp = 0xfffd;
			n = 1;
			bad = true;
		}
		if (cp_dropped(cp, keep_newlines)) {
			if (cp == '\n' || cp == '\t')
				out[o++] = ' ';
			p += n;
			continue;
		}
		if (o + 4 > max) {
			memcpy(out + o, "\xe2\x80\xa6", 3);	/* … */
			o += 3;
			break;
		}
		if (bad) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return out;
}

const char *
og_text_clean_view(const char *s, size_t max, bool keep_newlines, char **ret_owned)
{
	const unsigned char *p = (const unsigned char *)s;

	*ret_owned = NULL;
	if (!s)
		return NULL;
	/* printable ASCII (most of what scanners write) that fits is what
	 * og_text_clean would copy unchanged */
	for (; *p; p++)
		if ((*p < 0x20 || *p >= 0x7f) &&
		    !(keep_newlines && (*p == '\n' || *p == '\t')))
			break;
	if (!*p && (size_t)(p - (const unsigned char *)s) + 3 <= (max < 8 ? 8 : max))
		return s;
	*ret_owned = og_text_clean(s, max, keep_newlines);
	return *ret_owned;
}

void
og_fmt_date(const char *rfc3339, bool long_form, char *buf, size_t size)
{
	static const char *const months[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};
	int y, m, d;

	if (!rfc3339 || sscanf(rfc3339, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31) {
		snprintf(buf, size, "unknown date");
		return;
	}
	if (long_form)
		snprintf(buf, size, "%d %s %04d", d, months[m - 1], y);
	else
		snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

void
og_fmt_snapshot_label(const cJSON *snap, char *buf, size_t size)
{
	size_t n;

	og_fmt_date(og_rj_str(snap, "at"), false, buf, size);
	n = strlen(buf);
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(snap, "complete")) && n + 1 < size)
		memcpy(buf + n, "*", 2);
}

const char *
og_trend_note(const cJSON *snaps)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, snaps) {
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "complete")))
			return "* incomplete run: a collector failed, was partial or did not run, "
			       "so that point rests on less evidence than the others.";
	}
	return NULL;
}

void
og_fmt_value(bool have, double v, const char *unit, char *buf, size_t size)
{
	char num[64];

	if (!have) {
		snprintf(buf, size, "not measured");
		return;
	}
	if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
		snprintf(num, sizeof(num), "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(num, sizeof(num), "%.0f", v);
	else
		snprintf(num, sizeof(num), "%.1f", v);
	if (!unit || !*unit)
		snprintf(buf, size, "%s", num);
	else if (unit[0] == '%' || unit[0] == '/')
		snprintf(buf, size, "%s%s", num, unit);
	else
		snprintf(buf, size, "%s %s", num, unit);
}

/* @o's stored "display", or (for a report.json written before
 * "display" existed) its number @num_key formatted with @unit. */
static const char *
stored_display(const cJSON *o, const char *num_key, const char *unit,
	       char *buf, size_t size)
{
	const char *s = og_rj_str(o, "display");
	double v = 0;
	bool have;

	if (s)
		return s;
	have = og_rj_num(o, num_key, &v);
	og_fmt_value(have, v, unit, buf, size);
	return buf;
}

const char *
og_rj_kpi_display(const cJSON *kpi, char *buf, size_t size)
{
	return stored_display(kpi, "value", og_rj_str(kpi, "unit"), buf, size);
}

const char *
og_rj_area_display(const cJSON *area, char *buf, size_t size)
{
	return stored_display(area, "completeness", "%", buf, size);
}

const char *
og_rj_kpi_status(const cJSON *kpi)
{
	const char *s = og_rj_str(kpi, "status");

	return s ? s : "not measured";
}

int
og_out_open(struct og_out *o, const char *path)
{
	o->fd = -1;
	o->tmp = NULL;
	o->err = 0;
	return og_open_tmp(path, &o->fd, &o->tmp);
}

void
og_out_write(struct og_out *o, const void *p, size_t n)
{
	const char *c = p;

	while (!o->err && n > 0) {
		ssize_t w = write(o->fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = -errno;
			break;
		}
		c += w;
		n -= (size_t)w;
	}
}

int
og_out_finish(struct og_out *o, const char *path, bool ok)
{
	int r = o->err;

	if (o->fd >= 0) {
		if (!r && ok && fsync(o->fd) < 0)
			r = -errno;
		if (close(o->fd) < 0 && !r)
			r = -errno;
		o->fd = -1;
	}
	if (!ok && !r)
		r = -EIO;
	if (o->tmp) {
		if (!r)
			r = og_commit_tmp(o->tmp, path);
		if (r < 0)
			unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return r;
}

void
og_rj_severity_counts(const cJSON *report, double counts[OG_SEV_COUNT],
		      bool *ret_have)
{
	const cJSON *sec = og_rj_obj(og_rj_obj(report, "assessment"), "security");
	const cJSON *open = og_rj_obj(sec, "open");
	const cJSON *scanned = cJSON_GetObjectItemCaseSensitive(sec, "scanned");

	memset(counts, 0, sizeof(double) * OG_SEV_COUNT);
	*ret_have = true;
	if (cJSON_IsFalse(scanned)) {
		*ret_have = false;	/* no scanner ran: zeros would be invented */
		return;
	}
	/* The assessment's counts are the only ones: no renderer counts the
	 * findings list itself, so every output shows the same numbers. */
	if (!open) {
		*ret_have = false;
		return;
	}
	for (int i = 0; i < OG_SEV_COUNT; i++)
		og_rj_num(open, og_sev_names[i], &counts[i]);
}

const char *
og_rj_coverage_line(const cJSON *as, char *buf, size_t size)
{
	const cJSON *pl = og_rj_obj(as, "possible_level");
	double cov, lv = 1, up, k = 0;
	int n;

	*buf = '\0';
	if (!og_rj_num(og_rj_obj(as, "coverage"), "percent", &cov))
		return buf;
	og_rj_num(as, "level", &lv);
	n = snprintf(buf, size, "Confirmed on %.1f%% coverage", cov);
	if (og_rj_num(pl, "level", &up) && up > lv && n >= 0 && (size_t)n < size) {
		og_rj_num(pl, "unobserved", &k);
		snprintf(buf + n, size - (size_t)n, "; up to Level %.0f once %.0f unobserved "
			 "capabilit%s confirmed or attested", up, k, k == 1 ? "y is" : "ies are");
	}
	return buf;
}

const char *
og_evidence_for_reader(const char *ev)
{
	size_t key;

	if (!ev)
		return NULL;
	key = strspn(ev, "abcdefghijklmnopqrstuvwxyz0123456789_.-");
	if (key > 0 && strchr(ev, '.') && strchr(ev, '.') < ev + key && strncmp(ev + key, ": ", 2) == 0)
		ev += key + 2;
	if (ev[0] == '/' && !strchr(ev, ' ') && strrchr(ev, '/')[1])
		ev = strrchr(ev, '/') + 1;
	return ev;
}

char *
og_decision_action_text(const cJSON *a, bool with_hint)
{
	const char *kind = og_rj_str(a, "kind"), *title = og_rj_str(a, "title");
	const char *hint = with_hint ? og_rj_str(a, "hint") : NULL;

	if (kind && strcmp(kind, "confirm") == 0)
		return og_asprintf("Confirm whether it is in place: %s%s%s%s", title ? title : "",
				   hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
	return og_strdup0(title ? title : "");
}

char *
og_decision_horizon_text(const cJSON *h)
{
	const char *name = og_rj_str(h, "name"), *effort = og_rj_str(h, "effort");

	if (og_rj_count(og_rj_arr(h, "actions")) == 0)
		return og_asprintf("%s: nothing planned", name ? name : "");
	return og_asprintf("%s: about %s of work", name ? name : "", effort ? effort : "unknown");
}

void
og_decision_walk(const cJSON *as, int per, void (*emit)(void *, bool, const char *), void *ctx)
{
	const cJSON *h, *a;
	char *t;

	cJSON_ArrayForEach(h, og_rj_arr(og_rj_obj(as, "decision"), "horizons")) {
		int n = 0, all = og_rj_count(og_rj_arr(h, "actions"));

		t = og_decision_horizon_text(h);
		emit(ctx, true, t);
		free(t);
		cJSON_ArrayForEach(a, og_rj_arr(h, "actions")) {
			char *what;

			if (n++ == per)
				break;
			what = og_decision_action_text(a, false);
			t = og_asprintf("%s (%s; %s)", what, og_rj_str(a, "effort") ?
					og_rj_str(a, "effort") : "effort not estimated",
					og_rj_str(a, "why") ? og_rj_str(a, "why") : "");
			emit(ctx, false, t);
			free(t);
			free(what);
		}
		if (all > per) {
			t = og_asprintf("and %d more (see the report's decision page)", all - per);
			emit(ctx, false, t);
			free(t);
		}
	}
	if ((t = og_decision_later_text(og_rj_obj(as, "decision"))))
		emit(ctx, true, t);
	free(t);
}

char *
og_cost_note(const cJSON *opt)
{
	const char *alt = og_rj_str(opt, "alternative_to"), *noted = og_rj_str(opt, "noted");

	if (alt)
		return og_asprintf("alternative to %s: not in the total; noted %s", alt,
				   noted ? noted : "?");
	return og_asprintf("noted %s", noted ? noted : "?");
}

char *
og_cost_total_text(const cJSON *costs)
{
	double v;

	if (!og_rj_num(costs, "monthly_total_usd", &v))
		return NULL;
	return og_asprintf("Estimated monthly total (the cheapest option for each need): $%.0f", v);
}

char *
og_decision_later_text(const cJSON *dec)
{
	double later;

	if (!og_rj_num(dec, "later", &later) || later <= 0)
		return NULL;
	return og_asprintf("%.0f more action%s after this quarter: see the roadmap.", later,
			   later == 1 ? "" : "s");
}

bool
og_phase_span(const cJSON *ph, double *ret_from, double *ret_to)
{
	const cJSON *it;
	bool any = false;

	cJSON_ArrayForEach(it, og_rj_arr(ph, "items")) {
		double f, t;

		if (!og_rj_num(it, "from_week", &f) || !og_rj_num(it, "to_week", &t))
			return false;
		*ret_from = any && *ret_from < f ? *ret_from : f;
		*ret_to = any && *ret_to > t ? *ret_to : t;
		any = true;
	}
	return any;
}

char *
og_top_action_text(const cJSON *as, int k)
{
	const cJSON *id;
	double pr = 0;

	cJSON_ArrayForEach(id, og_rj_arr(as, "top_actions")) {
		const cJSON *g = cJSON_IsString(id) ?
			og_json_find_id(og_rj_arr(as, "gaps"), id->valuestring) : NULL;
		const char *area;

		if (!g || k-- > 0)
			continue;
		area = og_area_name(as, og_rj_str(g, "area"));
		og_rj_num(g, "priority", &pr);
		return og_asprintf("%s (%s; priority %.0f, effort %s)",
				   og_rj_str(g, "title") ? og_rj_str(g, "title") : id->valuestring,
				   area ? area : "no area", pr,
				   og_rj_str(g, "effort") ? og_rj_str(g, "effort") : "not estimated");
	}
	return NULL;
}

bool
og_rj_gate_failed(const cJSON *g)
{
	const char *st = og_rj_str(g, "status");

	return !st || strcmp(st, "pass") != 0;
}

int
og_rj_gates_failed(const cJSON *gates)
{
	const cJSON *g;
	int n = 0;

	cJSON_ArrayForEach(g, gates)
		n += og_rj_gate_failed(g);
	return n;
}

const char *
og_rj_gates_verdict(const cJSON *as, const cJSON *gates, char *buf, size_t size)
{
	const char *t = og_rj_str(og_rj_obj(og_rj_obj(as, "decision"), "gates"), "text");
	int total = og_rj_count(gates), failed = og_rj_gates_failed(gates);

	if (t)
		return t;
	if (total == 0)
		snprintf(buf, size, "No policy gates are configured.");
	else
		snprintf(buf, size, "Policy gates: %d of %d passed, %d failed", total - failed,
			 total, failed);
	return buf;
}

const char *
og_rj_gate_text(const cJSON *g)
{
	const char *t = og_rj_str(g, "text");

	if (!t)
		t = og_rj_str(g, "description");
	return t ? t : "a policy gate";
}

const char *
og_rj_gate_fix(const cJSON *g)
{
	return og_rj_gate_failed(g) ? og_rj_str(og_rj_obj(g, "fix"), "text") : NULL;
}

void
og_cap_row(const cJSON *as, const char *id, const char *status, struct og_cap_row *ret)
{
	const cJSON *cap = og_json_find_id(og_rj_arr(as, "capabilities"), id);
	const cJSON *att = og_rj_obj(cap, "attestation");
	const char *src = og_rj_str(cap, "source"), *note;
	bool met = !strcmp(status, "met"), missing = !strcmp(status, "missing");
	bool na = !strcmp(status, "not_applicable");
	bool attested = src && !strcmp(src, "attested");
	const char *label = met ? "Implemented" : missing ? "Missing" :
			    na ? "Not applicable" : "Not observed";

	ret->title = og_cap_title(as, id);
	ret->status = status;
	ret->label = og_asprintf("%s%s", label, attested ? " (attested)" : "");
	if (attested && !na) {
		ret->note = og_asprintf("attested by %s on %s%s%s",
					og_rj_str(att, "by") ? og_rj_str(att, "by") : "?",
					og_rj_str(att, "date") ? og_rj_str(att, "date") : "?",
					og_rj_str(att, "evidence") ? ": " : "",
					og_rj_str(att, "evidence") ? og_rj_str(att, "evidence") : "");
		return;
	}
	if (met) {
		const cJSON *e = cJSON_GetArrayItem(og_rj_arr(cap, "evidence"), 0);

		note = og_evidence_for_reader(cJSON_IsString(e) ? e->valuestring : NULL);
	} else {
		note = og_rj_str(cap, missing ? "current" : na ? "applicability" : "observe_hint");
	}
	/* decided on facts of a collector that crashed or was partial (an
	 * unknown one's hint already names the failure) */
	if ((met || missing) && og_rj_str(cap, "collector_problem"))
		ret->note = og_asprintf("%s%s%s", note ? note : "", note ? " — " : "",
					og_rj_str(cap, "collector_problem"));
	else
		ret->note = og_strdup0(note ? note : "");
}

void
og_cap_row_fini(struct og_cap_row *row)
{
	free(row->label);
	free(row->note);
	memset(row, 0, sizeof(*row));
}
