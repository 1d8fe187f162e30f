/*
 * The coverage collector: line coverage from Cobertura XML (coverage.py,
 * JaCoCo converters, gcovr, Istanbul's cobertura reporter) or lcov
 * tracefiles, as one fact the model's test_coverage KPI reads
 * (coverage.model.json beside this plugin).  Several files add up their
 * line counts, so a monorepo's per-package reports give one figure.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <opsgrade/plugin.h>

#include "scan.h"
#include "target.h"

#define COVERAGE_FILE_MAX	((size_t)256 << 20)
#define COVERAGE_FACT		"test.coverage.lines_percent"

/* What one report says: counts when it has them, else only a rate. */
struct lines {
	double covered, valid;
	bool counted;		/* covered/valid known; else @rate only */
	double rate;		/* 0..1 */
};

struct state {
	struct og_ctx *ctx;
	const struct og_host *host;
	struct scan_inputs in;
};

static int
fail(struct state *st, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct state *st, const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "%s: ", path);

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	st->host->log(st->ctx, OG_LOG_ERROR, "%s", msg);
	/* the reason the report shows for the failed collector */
	st->host->set_partial(st->ctx, msg);
	return -EINVAL;
}

static int
read_file(struct state *st, const char *path, char **ret_buf, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int r = 0;

	if (!f)
		return fail(st, path, "cannot read coverage report: %s", strerror(errno));
	do {
		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (!(nb = realloc(buf, cap))) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > COVERAGE_FILE_MAX) {
			r = fail(st, path, "larger than %zu MiB", COVERAGE_FILE_MAX >> 20);
			break;
		}
	} while (n > 0);
	if (!r && ferror(f))
		r = fail(st, path, "cannot read coverage report: %s", strerror(errno));
	fclose(f);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static bool
number(const xmlChar *s, double *ret)
{
	char *end;

	if (!s || !*s)
		return false;
	*ret = strtod((const char *)s, &end);
	return !*end && isfinite(*ret) && *ret >= 0;
}

static int
cobertura(struct state *st, const char *path, const char *buf, size_t len,
	  struct lines *ret)
{
	xmlDocPtr doc = xmlReadMemory(buf, (int)len, path, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR |
				      XML_PARSE_NOWARNING);
	xmlNodePtr root;
	xmlChar *lv = NULL, *lc = NULL, *lr = NULL;
	double v, c;
	int r = -EINVAL;

	if (!doc) {
		const xmlError *e = xmlGetLastError();

		return fail(st, path, "not well-formed XML (line %d)", e ? e->line : 0);
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, BAD_CAST "coverage")) {
		fail(st, path, "not a Cobertura report (root element is not <coverage>)");
		goto out;
	}
	lv = xmlGetProp(root, BAD_CAST "lines-valid");
	lc = xmlGetProp(root, BAD_CAST "lines-covered");
	lr = xmlGetProp(root, BAD_CAST "line-rate");
	if (number(lv, &v) && number(lc, &c) && v > 0 && c <= v) {
		*ret = (struct lines){ .covered = c, .valid = v, .counted = true };
		r = 0;
	} else if (number(lr, &v) && v <= 1) {
		*ret = (struct lines){ .rate = v };
		r = 0;
	} else {
		fail(st, path, "<coverage> has no usable line-rate or "
		     "lines-covered/lines-valid");
	}
out:
	xmlFree(lv);
	xmlFree(lc);
	xmlFree(lr);
	xmlFreeDoc(doc);
	return r;
}

static int
lcov(struct state *st, const char *path, const char *buf, struct lines *ret)
{
	double lf = 0, lh = 0;
	size_t lineno = 0, records = 0;

	for (const char *p = buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		lineno++;
		if (l > 3 && (!strncmp(p, "LF:", 3) || !strncmp(p, "LH:", 3))) {
			char *end;
			double v = strtod(p + 3, &end);

			if (end == p + 3 || v < 0 || !isfinite(v))
				return fail(st, path, "line %zu: bad %.2s count", lineno, p);
			if (p[1] == 'F')
				lf += v, records++;
			else
				lh += v;
		}
		p += l + (nl ? 1 : 0);
	}
	if (!records || lf <= 0 || lh > lf)
		return fail(st, path, "not an lcov tracefile with LF/LH line counts");
	*ret = (struct lines){ .covered = lh, .valid = lf, .counted = true };
	return 0;
}

static int
read_report(struct state *st, const char *path, struct lines *ret)
{
	char *buf = NULL;
	const char *p;
	size_t len = 0;
	int r = read_file(st, path, &buf, &len);

	if (r < 0)
		return r;
	for (p = buf; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	if (*p == '<' || !strncmp(p, "\xEF\xBB\xBF<", 4))
		r = cobertura(st, path, buf, len, ret);
	else
		r = lcov(st, path, buf, ret);
	free(buf);
	return r;
}

static int
coverage_init(struct og_ctx *ctx, const struct og_host *host, void **ret_state)
{
	struct state *st = calloc(1, sizeof(*st));
	int r;

	if (!st)
		return -ENOMEM;
	st->ctx = ctx;
	st->host = host;
	if ((r = scan_inputs_load(ctx, host, "reports", &st->in)) < 0) {
		free(st);
		return r;
	}
	*ret_state = st;
	return 0;
}

static int
coverage_collect(struct og_ctx *ctx, void *state)
{
	struct state *st = state;
	struct lines sum = { .counted = true }, one;
	struct og_fact f = OG_FACT_INIT;
	char evidence[1024] = "";
	const char *base;
	size_t n_ok = 0;
	int r;

	if (st->in.n_missing)
		return -ENOENT;	/* already logged, naming the pattern */
	for (size_t i = 0; i < st->in.n; i++) {
		if ((r = read_report(st, st->in.paths[i], &one)) < 0)
			return r;
		target_declare_path(ctx, st->host, "file", st->in.paths[i]);
		if (!one.counted && st->in.n > 1)
			return fail(st, st->in.paths[i], "has only a line-rate, no line "
				    "counts: it cannot be added to the other reports");
		if (one.counted) {
			sum.covered += one.covered;
			sum.valid += one.valid;
		} else {
			sum = one;
		}
		/* the file's name: a local path means nothing to the reader */
		base = strrchr(st->in.paths[i], '/');
		snprintf(evidence + strlen(evidence), sizeof(evidence) - strlen(evidence),
			 "%s%s", n_ok++ ? ", " : "line rate in ",
			 base ? base + 1 : st->in.paths[i]);
	}
	if (!n_ok) {
		st->host->log(ctx, OG_LOG_ERROR, "no coverage report given "
			      "(--coverage FILE: Cobertura XML or lcov)");
		return -ENOENT;
	}
	f.key = COVERAGE_FACT;
	f.type = OG_FACT_NUMBER;
	f.number = sum.counted ? 100.0 * sum.covered / sum.valid : 100.0 * sum.rate;
	f.unit = "%";
	f.evidence = evidence;
	return st->host->fact(ctx, &f);
}

static void
coverage_fini(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	scan_inputs_clear(&st->in);
	free(st);
}

static const struct og_option coverage_options[] = {
	{ .key = "reports", .type = OG_OPT_LIST, .flags = OG_OPTF_PATH,
	  .help = "Cobertura XML or lcov coverage reports (files or glob patterns); "
		  "line counts add up" },
	{ .key = NULL },
};

static const struct og_flag coverage_flags[] = {
	{ .flag = "coverage", .option = "reports", .arg = "FILE",
	  .help = "Cobertura XML or lcov coverage report (repeatable)" },
	{ .flag = NULL },
};

OG_PLUGIN_DEFINE(
	.name = "coverage",
	.version = "1.0",
	.summary = "Line coverage from Cobertura XML or lcov reports",
	.init = coverage_init,
	.collect = coverage_collect,
	.fini = coverage_fini,
	.options = coverage_options,
	.flags = coverage_flags,
	.opt_in = true)
