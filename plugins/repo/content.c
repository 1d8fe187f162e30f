/*
 * Facts that need a look inside YAML/JSON/script files: Kubernetes
 * manifests, Prometheus rules, OpenTelemetry collector configs, OpenAPI
 * documents, Grafana dashboards, k6 scripts.  YAML is sniffed by its
 * top-level keys (lines starting in column 0), which is robust on Helm
 * templates and multi-document files that a strict parser rejects.
 * Reading is bounded by REPO_MAX_READ per file and the run's read budget.
 * Only product files count, except OpenAPI documents in documentation and
 * k6 load scripts in tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "repo.h"

enum topkey {
	TK_APIVERSION = 1 << 0,
	TK_KIND = 1 << 1,
	TK_GROUPS = 1 << 2,
	TK_OPENAPI = 1 << 3,
	TK_RECEIVERS = 1 << 4,
	TK_EXPORTERS = 1 << 5,
	TK_SERVICE = 1 << 6,
	TK_SCRAPE = 1 << 7,
	TK_CFN = 1 << 8,
	TK_DATASOURCES = 1 << 9,
	TK_PROVIDERS = 1 << 10,
};

static const struct {
	const char *key;
	unsigned bit;
} topkeys[] = {
	{ "apiVersion:", TK_APIVERSION }, { "kind:", TK_KIND },
	{ "groups:", TK_GROUPS }, { "openapi:", TK_OPENAPI },
	{ "swagger:", TK_OPENAPI }, { "receivers:", TK_RECEIVERS },
	{ "exporters:", TK_EXPORTERS }, { "service:", TK_SERVICE },
	{ "scrape_configs:", TK_SCRAPE },
	{ "AWSTemplateFormatVersion:", TK_CFN },
	{ "datasources:", TK_DATASOURCES }, { "providers:", TK_PROVIDERS },
};

struct sniff {
	unsigned keys;
	unsigned key_line[16];
	unsigned alert_line, record_line, loki_line;
	unsigned db_line;		/* first database image */
	const char *db_engine;
	bool prometheus_rule_kind;
};

static bool
is_yaml(const char *b)
{
	return repo_has_suffix(b, ".yml") || repo_has_suffix(b, ".yaml");
}

static void
sniff_yaml(char *buf, size_t len, struct sniff *s)
{
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;

	while ((line = repo_next_line(buf, len, &pos))) {
		const char *t = line + strspn(line, " \t-");

		lineno++;
		for (size_t i = 0; i < sizeof(topkeys) / sizeof(topkeys[0]); i++) {
			if (!repo_has_prefix(line, topkeys[i].key))
				continue;
			if (!(s->keys & topkeys[i].bit))
				s->key_line[__builtin_ctz(topkeys[i].bit)] = lineno;
			s->keys |= topkeys[i].bit;
		}
		if (repo_has_prefix(line, "kind:") && strstr(line, "PrometheusRule"))
			s->prometheus_rule_kind = true;
		if (!s->alert_line && repo_has_prefix(t, "alert:"))
			s->alert_line = lineno;
		if (!s->record_line && repo_has_prefix(t, "record:"))
			s->record_line = lineno;
		if (!s->loki_line && strstr(line, "grafana/loki"))
			s->loki_line = lineno;
		if (!s->db_line && repo_has_prefix(t, "image:") &&
		    (s->db_engine = repo_db_image(t + 6)))
			s->db_line = lineno;
	}
}

static unsigned
kl(const struct sniff *s, unsigned bit)
{
	return s->key_line[__builtin_ctz(bit)];
}

static void
judge_yaml(struct repo *r, const struct repo_file *f, const struct sniff *s)
{
	const char *p = f->path;
	bool gh = repo_has_prefix(p, ".github/");

	if ((s->keys & TK_OPENAPI) && repo_is_docs_or_product(f))
		repo_signal(r, SIG_DOCS_OPENAPI, p, kl(s, TK_OPENAPI));
	if (!repo_is_product(f))
		return;
	if (s->db_line)
		repo_kind_db(r, s->db_engine, p, s->db_line);

	if (!gh && (s->keys & (TK_APIVERSION | TK_KIND)) ==
		   (TK_APIVERSION | TK_KIND))
		repo_signal(r, SIG_IAC_KUBERNETES, p, kl(s, TK_APIVERSION));
	if (((s->keys & TK_GROUPS) || s->prometheus_rule_kind) &&
	    (s->alert_line || s->record_line)) {
		unsigned line = s->alert_line ? s->alert_line : s->record_line;

		repo_signal(r, SIG_MON_PROMETHEUS, p, line);
		if (s->alert_line)
			repo_signal(r, SIG_MON_ALERTING, p, s->alert_line);
	}
	if (s->keys & TK_SCRAPE)
		repo_signal(r, SIG_MON_PROMETHEUS, p, kl(s, TK_SCRAPE));
	if ((s->keys & (TK_RECEIVERS | TK_EXPORTERS | TK_SERVICE)) ==
	    (TK_RECEIVERS | TK_EXPORTERS | TK_SERVICE))
		repo_signal(r, SIG_MON_OTEL, p, kl(s, TK_RECEIVERS));
	if (s->keys & TK_CFN)
		repo_signal(r, SIG_IAC_CLOUDFORMATION, p, kl(s, TK_CFN));
	if (repo_strcasestr(p, "grafana") &&
	    (s->keys & (TK_DATASOURCES | TK_PROVIDERS)))
		repo_signal(r, SIG_MON_GRAFANA, p,
			    kl(s, s->keys & TK_DATASOURCES ? TK_DATASOURCES
							   : TK_PROVIDERS));
	if (s->loki_line)
		repo_signal(r, SIG_MON_LOKI, p, s->loki_line);
}

/* Names that say what a file is, without reading it. */
static void
by_name(struct repo *r, const struct repo_file *f)
{
	const char *b = f->base;

	if ((repo_has_prefix(b, "openapi.") || repo_has_prefix(b, "swagger.")) &&
	    (is_yaml(b) || repo_has_suffix(b, ".json")) &&
	    repo_is_docs_or_product(f))
		repo_signal(r, SIG_DOCS_OPENAPI, f->path, 0);
	if (!repo_is_product(f))
		return;
	if (repo_has_suffix(b, ".tf")) {
		r->tf_files++;
		repo_signal(r, SIG_IAC_TERRAFORM, f->path, 0);
	}
	if (!strcmp(b, "Chart.yaml"))
		repo_signal(r, SIG_IAC_HELM, f->path, 0);
	if (!strcmp(b, "kustomization.yaml") || !strcmp(b, "kustomization.yml"))
		repo_signal(r, SIG_IAC_KUSTOMIZE, f->path, 0);
	if (!strcmp(b, "Pulumi.yaml") || !strcmp(b, "Pulumi.yml"))
		repo_signal(r, SIG_IAC_PULUMI, f->path, 0);
	if (!strcmp(b, "ansible.cfg") ||
	    (repo_has_prefix(b, "playbook") && is_yaml(b)))
		repo_signal(r, SIG_IAC_ANSIBLE, f->path, 0);
	if (is_yaml(b) && (repo_has_prefix(b, "loki") ||
			   repo_has_prefix(b, "promtail")))
		repo_signal(r, SIG_MON_LOKI, f->path, 0);
	if (is_yaml(b) && repo_has_prefix(b, "alertmanager"))
		repo_signal(r, SIG_MON_ALERTING, f->path, 0);
	if (is_yaml(b) && repo_has_prefix(b, "otel") && strstr(b, "collector"))
		repo_signal(r, SIG_MON_OTEL, f->path, 0);
}

static void
sniff_json(struct repo *r, const struct repo_file *f, const char *buf)
{
	const char *hit;

	/* OpenAPI declares its version in the first key by convention */
	if ((hit = strstr(buf, "\"openapi\"")) || (hit = strstr(buf, "\"swagger\"")))
		if (hit - buf < 512 && repo_is_docs_or_product(f))
			repo_signal(r, SIG_DOCS_OPENAPI, f->path,
				    repo_line_of(buf, (size_t)(hit - buf)));
	if (!repo_is_product(f))
		return;
	if (strstr(buf, "\"panels\"") && (hit = strstr(buf, "\"schemaVersion\"")))
		repo_signal(r, SIG_MON_GRAFANA, f->path,
			    repo_line_of(buf, (size_t)(hit - buf)));
}

static void
sniff_script(struct repo *r, const struct repo_file *f, const char *buf)
{
	const char *hit = strstr(buf, "'k6/http'");

	if (!hit)
		hit = strstr(buf, "\"k6/http\"");
	if (hit)
		repo_signal(r, SIG_TEST_LOAD, f->path,
			    repo_line_of(buf, (size_t)(hit - buf)));
}

static bool
worth_reading(const struct repo_file *f)
{
	const char *b = f->base;

	/* an empty file says nothing (the index knows tracked sizes) */
	if (f->is_dir || !f->size || f->size > REPO_MAX_READ)
		return false;
	if (is_yaml(b))
		return true;
	if (repo_has_suffix(b, ".json"))
		return strcmp(b, "package-lock.json") && strcmp(b, "composer.lock") &&
		       strcmp(b, "package.json") && strcmp(b, "tsconfig.json");
	/* k6 scripts: only where load tests live, not every source file */
	return (repo_has_suffix(b, ".js") || repo_has_suffix(b, ".ts")) &&
	       (repo_strcasestr(f->path, "k6") || repo_strcasestr(f->path, "load") ||
		repo_strcasestr(f->path, "perf") || repo_strcasestr(f->path, "stress"));
}

void
repo_content(struct repo *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];
		char *buf;
		size_t len;

		if (f->is_dir)
			continue;
		by_name(r, f);
		if (!worth_reading(f))
			continue;
		if (repo_read(r, f->path, &buf, &len) < 0)
			continue;
		if (is_yaml(f->base)) {
			struct sniff s = { 0 };

			sniff_yaml(buf, len, &s);
			judge_yaml(r, f, &s);
		} else if (repo_has_suffix(f->base, ".json")) {
			sniff_json(r, f, buf);
		} else {
			sniff_script(r, f, buf);
		}
		free(buf);
	}
}
