#include "config.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess/assess.h"
#include "credential.h"
#include "history/history.h"
#include "history/lock.h"
#include "mail/mail.h"
#include "fanout.h"
#include "progress.h"
#include "pipeline.h"
#include "publish.h"
#include "render.h"
#include "report-json.h"
#include "subject.h"
#include "runner.h"
#include "secret.h"
#include "term.h"
#include "jsonget.h"
#include "util.h"


/* "opsgrade (pid 42)", "another process (pid 42, flock)" or "an unknown
 * process": the PID in the file is only a hint (another program may hold
 * the lock without writing one, or the PID may be stale). */
static char *
lock_holder_text(const char *path)
{
	long pid = og_lock_holder(path);
	char proc[64], comm[64] = "";
	FILE *f;

	if (pid <= 0)
		return og_strdup0("an unknown process");
	snprintf(proc, sizeof(proc), "/proc/%ld/comm", pid);
	f = fopen(proc, "re");
	if (!f)
		return og_strdup0("an unknown process");
	if (fgets(comm, sizeof(comm), f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	if (strcmp(comm, "opsgrade") == 0)
		return og_asprintf("another opsgrade run (pid %ld)", pid);
	return og_asprintf("another process (pid %ld, %s)", pid, comm[0] ? comm : "name unknown");
}

/* The plugin that declares --@flag, or NULL. */
const struct og_flag *
og_plugin_flag(const struct og_plugin_set *s, const char *flag, size_t len,
	       const char **ret_plugin)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct og_plugin_entry *e = &s->entries[i];

		if (e->state != OG_PLUGIN_LOADED)
			continue;
		for (const struct og_flag *f = e->desc.flags; f && f->flag; f++)
			if (strlen(f->flag) == len && !strncmp(f->flag, flag, len)) {
				*ret_plugin = e->desc.name;
				return f;
			}
	}
	return NULL;
}

/* The core option or plugin flag closest to the mistyped --@word (@len
 * bytes), or NULL. */
static const char *
suggest_flag(const struct og_plugin_set *s, enum og_command cmd, const char *word, size_t len)
{
	const char **names = NULL, *hint;
	char *w = og_asprintf("%.*s", (int)len, word);
	size_t n = 0;

	for (size_t i = 0; i < og_cli_n_options; i++) {
		if (!(og_cli_options[i].cmds & OG_CMD_BIT(cmd)))
			continue;
		names = og_xrealloc_array(names, n + 1, sizeof(*names));
		names[n++] = og_cli_options[i].name;
	}
	for (size_t i = 0; s && i < s->n; i++)
		for (const struct og_flag *f = s->entries[i].state == OG_PLUGIN_LOADED ?
					       s->entries[i].desc.flags : NULL; f && f->flag; f++) {
			names = og_xrealloc_array(names, n + 1, sizeof(*names));
			names[n++] = f->flag;
		}
	hint = og_cli_suggest(w, names, n);
	free(names);
	free(w);
	return hint;
}

/* "FLAG=VALUE" of a plugin's flag -> "collectors.NAME.OPTION=VALUE". */
static int
plugin_flag_assignment(const struct og_plugin_set *s, enum og_command cmd, const char *fv,
		       char **ret, char **ret_err)
{
	const char *eq = strchr(fv, '='), *plugin = NULL;
	const struct og_flag *f = og_plugin_flag(s, fv, (size_t)(eq - fv), &plugin);

	if (!f || !f->option) {
		const char *hint = suggest_flag(s, cmd, fv, (size_t)(eq - fv));

		*ret_err = og_asprintf("unknown option --%.*s (no core option, and no plugin found "
				       "declares it)%s%s%s", (int)(eq - fv), fv,
				       hint ? "; did you mean '--" : "", hint ? hint : "",
				       hint ? "'?" : "");
		return -EINVAL;
	}
	if (cmd != OG_CMD_REPORT && cmd != OG_CMD_COLLECT) {
		*ret_err = og_asprintf("--%.*s (a collector's option) does not apply to '%s'",
				       (int)(eq - fv), fv, og_command_name(cmd));
		return -EINVAL;
	}
	*ret = og_asprintf("collectors.%s.%s=%s", plugin, f->option, eq + 1);
	return 0;
}

int
og_pipeline_setup(struct og_pipeline *p)
{
	const char **dirs = NULL, **cfg_dirs = NULL;
	size_t n_cfg, n;
	char *err = NULL;
	int r;

	p->lock_fd = -1;
	p->pub.lock_fd = -1;
	r = og_config_load(p->cli->config_path, &p->config, &err);
	if (r < 0) {
		og_log_error("%s", err);
		free(err);
		return EXIT_USAGE;
	}

	/* --plugin-dir first, then config plugin_dirs, then the env/default
	 * path inside og_loader_discover. */
	n_cfg = og_config_strv(p->config, "plugin_dirs", &cfg_dirs);
	n = p->cli->n_plugin_dirs + n_cfg;
	dirs = og_xcalloc(n + 1, sizeof(*dirs));
	for (size_t i = 0; i < p->cli->n_plugin_dirs; i++)
		dirs[i] = p->cli->plugin_dirs[i];
	for (size_t i = 0; i < n_cfg; i++)
		dirs[p->cli->n_plugin_dirs + i] = cfg_dirs[i];
	p->plugins = og_loader_discover(dirs, n);
	free(dirs);
	free(cfg_dirs);

	p->config_plugins = og_xcalloc(p->plugins->n + 1, sizeof(*p->config_plugins));
	for (size_t i = 0; i < p->plugins->n; i++) {
		const struct og_plugin_entry *e = &p->plugins->entries[i];

		if (e->state != OG_PLUGIN_LOADED)
			continue;
		/* a declared credential's variable never reaches a plugin */
		for (const struct og_credential *c = e->desc.credentials;
		     c && c->name; c++) {
			og_secret_protect_env_list(c->env);
			og_secret_protect_env_list(c->user_env);
		}
		p->config_plugins[p->n_config_plugins].name = e->desc.name;
		p->config_plugins[p->n_config_plugins].options = e->desc.options;
		p->n_config_plugins++;
	}
	og_config_register_plugins(p->config_plugins, p->n_config_plugins);
	og_config_register_section("report", og_render_options);

	r = og_config_validate(p->config,
			       p->cli->config_path ? p->cli->config_path
						   : "opsgrade.json",
			       p->config_plugins, p->n_config_plugins, &err);
	if (r < 0)
		goto bad;
	/* before --set and PATH: those are relative to the cwd */
	if ((r = og_subject_resolve_paths(p->config, p->cli->config_path,
					    p->config_plugins, p->n_config_plugins, &err)) < 0)
		goto bad;
	for (size_t i = 0; i < p->cli->n_sets; i++) {
		char *a = NULL;

		if (p->cli->sets[i][0] == '\x01') {
			r = plugin_flag_assignment(p->plugins, p->cli->cmd, p->cli->sets[i] + 1,
						   &a, &err);
			if (r < 0) {
				og_log_error("%s", err);
				free(err);
				fprintf(stderr, "Run 'opsgrade %s --help' for the options.\n",
					og_command_name(p->cli->cmd));
				return EXIT_USAGE;
			}
		}
		r = og_config_set_assignment(p->config, a ? a : p->cli->sets[i],
					     &err);
		free(a);
		if (r < 0)
			goto bad;
	}
	/* report/collect PATH goes to the collector that declares it takes
	 * it (OG_OPTF_POSITIONAL). */
	if ((p->cli->cmd == OG_CMD_REPORT || p->cli->cmd == OG_CMD_COLLECT) &&
	    p->cli->n_inputs > 0) {
		size_t takers = 0;

		if (p->cli->n_inputs > 1) {
			og_log_error("%s takes one PATH, got %zu",
				     og_command_name(p->cli->cmd), p->cli->n_inputs);
			return EXIT_USAGE;
		}
		for (size_t i = 0; i < p->n_config_plugins; i++) {
			char *key = og_subject_positional(p, i);

			if (!key)
				continue;
			takers++;
			r = og_config_set(p->config, key, p->cli->inputs[0], &err);
			free(key);
			if (r < 0)
				goto bad;
		}
		if (!takers)
			og_log_warn("PATH '%s' ignored: no collector found takes a PATH",
				    p->cli->inputs[0]);
	}
	r = og_config_validate(p->config, "command line", p->config_plugins,
			       p->n_config_plugins, &err);
	if (r < 0)
		goto bad;
	if ((r = og_subject_positional_scope(p)) != EXIT_OK)
		return r;
	if ((r = og_pipeline_validate(p)) != EXIT_OK)
		return r;
	for (size_t i = 0; i < p->plugins->n; i++) {
		const struct og_plugin_entry *e = &p->plugins->entries[i];

		if (e->state != OG_PLUGIN_LOADED && p->cli->cmd != OG_CMD_PLUGINS)
			og_log_warn("plugin '%s' %s, ignoring", e->path, e->message);
	}
	if (p->cli->lock && p->cli->cmd != OG_CMD_PLUGINS &&
	    p->cli->cmd != OG_CMD_HISTORY) {
		r = og_lock_acquire(p->cli->lock, &p->lock_fd);
		if (r == -EWOULDBLOCK) {
			char *who = lock_holder_text(p->cli->lock);

			og_log_error("%s holds the lock %s; try again later", who, p->cli->lock);
			free(who);
			return EXIT_LOCKED;
		}
		if (r < 0) {
			og_log_error("cannot open lock file %s: %s",
				     p->cli->lock, strerror(-r));
			return EXIT_OUTPUT;
		}
	}
	return EXIT_OK;
bad:
	og_log_error("%s", err);
	free(err);
	return EXIT_USAGE;
}

void
og_pipeline_clear(struct og_pipeline *p)
{
	og_publish_end(&p->pub);
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	free(p->config_plugins);
	cJSON_Delete(p->render_config);
	og_plugin_set_free(p->plugins);
	cJSON_Delete(p->config);
}

/* Opt-out collectors run unless disabled; opt-in ones only when their
 * section exists (a flag or the config named them). */
static bool
collector_selected(const struct og_pipeline *p, const struct og_plugin_entry *e)
{
	char *path = og_asprintf("collectors.%s", e->desc.name);
	const cJSON *sec = og_config_get(p->config, path);
	bool on;

	free(path);
	on = e->desc.opt_in ? sec != NULL : true;
	if (sec && cJSON_IsObject(sec)) {
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(sec, "enabled");

		if (en)
			on = cJSON_IsTrue(en) ||
			     (cJSON_IsString(en) && !strcmp(en->valuestring, "true"));
	}
	return on;
}


static cJSON *
new_document(const char *subject)
{
	cJSON *doc = cJSON_CreateObject();
	char now[32];

	og_format_time(og_now(), now, sizeof(now));
	cJSON_AddStringToObject(doc, "schema", OG_REPORT_SCHEMA);
	cJSON_AddStringToObject(doc, "generated_at", now);
	cJSON_AddStringToObject(doc, "opsgrade_version", OG_VERSION);
	cJSON_AddStringToObject(doc, "subject", subject);
	return doc;
}

static cJSON *
collector_json(const struct og_run_result *r, const cJSON *config)
{
	const struct og_plugin_entry *e = r->entry;
	cJSON *o = cJSON_CreateObject(), *counts;
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	cJSON_AddStringToObject(o, "name", e->desc.name);
	cJSON_AddStringToObject(o, "version", e->desc.version ? e->desc.version : "");
	cJSON_AddStringToObject(o, "path", e->path);
	cJSON_AddStringToObject(o, "status", og_run_status_name(r->status));
	if (r->message)
		cJSON_AddStringToObject(o, "message", r->message);
	else
		cJSON_AddNullToObject(o, "message");
	/* Wall time varies run to run; reproducible mode leaves it out
	 * rather than invent a figure. */
	if (sde && *sde)
		cJSON_AddNullToObject(o, "duration_ms");
	else
		cJSON_AddNumberToObject(o, "duration_ms", (double)r->duration_ms);
	counts = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(counts, "facts", (double)r->n_facts);
	cJSON_AddNumberToObject(counts, "findings", (double)r->n_findings);
	cJSON_AddNumberToObject(counts, "events", (double)r->n_events);
	cJSON_AddItemToObject(o, "log", r->log ? cJSON_Duplicate(r->log, 1)
					       : cJSON_CreateArray());
	if (r->log_dropped)
		cJSON_AddNumberToObject(o, "log_dropped", (double)r->log_dropped);
	/* what it examined: the history compares like targets only */
	cJSON_AddItemToObject(o, "targets", r->targets ? cJSON_Duplicate(r->targets, 1)
						       : cJSON_CreateNull());
	/* what it may ask the broker for, and where that goes (an audit) */
	cJSON_AddItemToObject(o, "credentials", og_plugin_credentials_json(e, config));
	return o;
}

static int
cmp_collector(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(cJSON_GetObjectItemCaseSensitive(x, "name")->valuestring,
		      cJSON_GetObjectItemCaseSensitive(y, "name")->valuestring);
}

/* Rebuild doc.collectors sorted by name (deterministic output). */
static void
sort_collectors(cJSON *doc)
{
	cJSON *a = cJSON_DetachItemFromObjectCaseSensitive(doc, "collectors");
	cJSON **items, *it, *sorted = cJSON_CreateArray();
	size_t n = 0;

	items = og_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*items));
	while ((it = cJSON_DetachItemFromArray(a, 0)))
		items[n++] = it;
	qsort(items, n, sizeof(*items), cmp_collector);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(sorted, items[i]);
	free(items);
	cJSON_Delete(a);
	cJSON_AddItemToObject(doc, "collectors", sorted);
}

static int
ensure_dir(const char *dir)
{
	char *copy = og_strdup0(dir);
	int r = 0;

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			r = -errno;
		*p = '/';
	}
	if (r == 0 && mkdir(copy, 0755) < 0 && errno != EEXIST)
		r = -errno;
	free(copy);
	return r;
}

static const struct {
	const char *format;
	const char *file;
	int (*render)(const struct og_report *, const cJSON *, const char *, char **);
} renderers[] = {
	{ "json", "report.json", og_render_json },
	{ "junit", "junit.xml", og_render_junit },
	{ "png", "summary.png", og_render_png },
	{ "pdf", "report.pdf", og_render_pdf },
	{ "html", "report.html", og_render_html },
};


static bool
format_wanted(const cJSON *config, const char *format)
{
	const char **fmts = NULL;
	size_t n = og_config_strv(config, "formats", &fmts);
	bool on = og_config_get(config, "formats") == NULL;	/* default: all */

	for (size_t i = 0; i < n; i++)
		on |= strcmp(fmts[i], format) == 0;
	free(fmts);
	return on;
}

/* The mail carries the PNG summary inline and the PDF (when the PDF
 * was asked for): the renderers' files, which only the CLI knows. */
static int
send_mail(struct og_pipeline *p, const struct og_report *rep, const char *outdir)
{
	const cJSON *doc = rep->doc;
	char *image = og_asprintf("%s/summary.png", outdir);
	char *pdf = format_wanted(p->config, "pdf") ? og_asprintf("%s/report.pdf", outdir)
						     : NULL;
	char *name = og_mail_attachment_name(doc, "pdf"), *err = NULL;
	struct og_mail_files files = {
		.image = image, .image_type = "image/png",
		.attachment = pdf, .attachment_name = name,
		.attachment_type = "application/pdf",
	};
	int r = og_mail_send(rep, p->config, &files, og_render_mail_summary, &err);

	if (r < 0) {
		og_log_error("%s", err);
		free(err);
	}
	free(image);
	free(pdf);
	free(name);
	return r;
}

/* collect and merge -o: the model alone, to -o or OUTDIR/report.json. */
static int
write_model_only(struct og_pipeline *p, const struct og_report *rep,
		 const char *outdir, int code)
{
	char *path, *err = NULL;
	int r;

	if (p->cli->out) {
		path = og_strdup0(p->cli->out);
	} else if (p->cli->cmd == OG_CMD_COLLECT && !og_config_str(p->config, "output_dir", NULL)) {
		/* collect makes one file: put it where the user is */
		path = og_strdup0("report.json");
	} else {
		r = ensure_dir(outdir);
		if (r < 0) {
			og_log_error("cannot create '%s': %s", outdir, strerror(-r));
			return EXIT_OUTPUT;
		}
		path = og_asprintf("%s/report.json", outdir);
	}
	r = og_report_write(rep, path, &err);
	if (r < 0) {
		og_log_error("%s", err);
		free(err);
		code = EXIT_OUTPUT;
	} else {
		og_log_info("wrote %s", path);
	}
	free(path);
	return code;
}

/* The output directory locked for this run (report, render), from
 * before collection on: a second run into it exits 75 at once, or
 * waits with --wait.  EXIT_OK, EXIT_LOCKED or EXIT_OUTPUT. */
static int
lock_output(struct og_pipeline *p)
{
	const char *names[sizeof(renderers) / sizeof(renderers[0])];
	char *err = NULL;
	int r;

	if (p->pub.outdir)
		return EXIT_OK;
	for (size_t k = 0; k < sizeof(renderers) / sizeof(renderers[0]); k++)
		names[k] = renderers[k].file;
	r = og_publish_lock(&p->pub, og_config_str(p->config, "output_dir",
						   OG_DEFAULT_OUTPUT_DIR),
			    p->cli->wait, names,
			    sizeof(renderers) / sizeof(renderers[0]), &err);
	if (r < 0) {
		og_log_error("%s", err);
		free(err);
		return r == -EWOULDBLOCK ? EXIT_LOCKED : EXIT_OUTPUT;
	}
	return EXIT_OK;
}

struct render_job {
	int (*render)(const struct og_report *, const cJSON *, const char *, char **);
	const struct og_report *rep;
	const cJSON *config;
	char *path;
};

static int
render_one(void *arg, char **ret_err)
{
	struct render_job *j = arg;

	return j->render(j->rep, j->config, j->path, ret_err);
}

#define N_RENDERERS (sizeof(renderers) / sizeof(renderers[0]))

/* report and render: every wanted format into OUTDIR, each in its own
 * process at once (og_fanout_run).  One failing renderer does not stop
 * the others. */
static int
render_all(struct og_pipeline *p, const struct og_report *rep, const char *outdir,
	   int code)
{
	const char *names[N_RENDERERS];
	struct render_job rj[N_RENDERERS];
	struct og_fanout_job jobs[N_RENDERERS];
	size_t idx[N_RENDERERS];
	struct og_publish *pub = &p->pub;
	size_t n = 0, nj = 0;
	char *err = NULL;
	bool failed = false;
	int r;

	(void)outdir;
	if ((r = lock_output(p)) != EXIT_OK)
		return r;
	if (og_publish_stage(pub, &err) < 0) {
		og_log_error("%s", err);
		free(err);
		return EXIT_OUTPUT;
	}
	for (size_t k = 0; k < N_RENDERERS; k++) {
		if (!format_wanted(p->config, renderers[k].format))
			continue;
		rj[nj] = (struct render_job){
			.render = renderers[k].render, .rep = rep,
			.config = p->render_config ? p->render_config : p->config,
			.path = og_publish_path(pub, renderers[k].file),
		};
		jobs[nj] = (struct og_fanout_job){ .run = render_one, .arg = &rj[nj] };
		idx[nj++] = k;
	}
	og_publish_on_fatal_signal(og_fanout_kill_children);
	/* The renderers fork with the parent's heap shared copy-on-write;
	 * its free chunks, consolidated here once, would otherwise be
	 * walked (and the pages copied) by the first large malloc in every
	 * process.  The free pages go back to the system too. */
	if (nj > 1)
		malloc_trim(0);
	og_fanout_run(jobs, nj);
	og_publish_on_fatal_signal(NULL);
	/* reported in the formats' order, whichever finished first */
	for (size_t i = 0; i < nj; i++) {
		if (jobs[i].result < 0) {
			og_log_error("%s", jobs[i].err ? jobs[i].err : rj[i].path);
			failed = true;
		} else {
			names[n++] = renderers[idx[i]].file;
		}
		free(jobs[i].err);
		free(rj[i].path);
	}
	/* All or nothing: a failed renderer leaves the previous run's files
	 * as a consistent set. */
	if (failed) {
		og_log_error("nothing published in '%s': the previous files stay",
			     outdir);
		code = EXIT_OUTPUT;
	} else if (og_publish_commit(pub, names, n, &err) < 0) {
		og_log_error("%s", err);
		free(err);
		code = EXIT_OUTPUT;
	} else {
		for (size_t i = 0; i < n; i++)
			og_log_info("wrote %s/%s", outdir, names[i]);
	}
	/* the lock stays until the run ends: mail attaches these files */
	og_publish_unstage(pub);
	return code;
}

/* --quiet prints nothing on success, but a failed gate is news: one line
 * on stderr, so cron mails it (unless --quiet-gates). */
static void
quiet_gate_line(const struct og_pipeline *p, const cJSON *doc)
{
	const cJSON *g, *gates = cJSON_GetObjectItemCaseSensitive(doc, "gates");
	const cJSON *subject = cJSON_GetObjectItemCaseSensitive(doc, "subject");
	int failed = 0;

	cJSON_ArrayForEach(g, gates) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(g, "status");

		failed += cJSON_IsString(st) && strcmp(st->valuestring, "fail") == 0;
	}
	fprintf(stderr, "opsgrade %s: %s: %d policy gate%s failed:", og_command_name(p->cli->cmd),
		cJSON_IsString(subject) ? subject->valuestring : "report", failed,
		failed == 1 ? "" : "s");
	cJSON_ArrayForEach(g, gates) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(g, "status");
		const cJSON *desc = cJSON_GetObjectItemCaseSensitive(g, "description");
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(g, "actual_text");

		if (!cJSON_IsString(st) || strcmp(st->valuestring, "fail") != 0)
			continue;
		/* worded as in every report (core/assess/gates.c) */
		fprintf(stderr, " %s", cJSON_IsString(desc) ? desc->valuestring : "gate");
		if (cJSON_IsString(act))
			fprintf(stderr, " (%s)", act->valuestring);
		failed--;
		fputs(failed ? ";" : "", stderr);
	}
	fputs("\n", stderr);
}

/*
 * Whether render --from must assess again: the document has no
 * assessment, or this run sets assessment or gates (a config file,
 * --model, --fail-on, --set assessment.* / gates.*).
 */
static bool
reassessing(const struct og_pipeline *p, const cJSON *doc)
{
	return !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "assessment")) ||
	       og_config_get(p->config, "assessment") || og_config_get(p->config, "gates");
}

/* "opsgrade-default 2026.11-2 (sha256:…)": the model a stored assessment
 * was made with, or NULL when the report does not record one. */
static char *
model_text(const cJSON *assessment)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(assessment, "model");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "id"));
	const char *ver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "version"));
	const char *dg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "digest"));

	if (!id)
		return NULL;
	return og_asprintf("%s %s (%s)", id, ver ? ver : "", dg ? dg : "no digest recorded");
}

/* Re-assessing a stored report with another maturity model changes its
 * figures for a reason the reader cannot see: say so, naming both. */
static void
model_changed(const struct og_pipeline *p, const char *was, const cJSON *assessment)
{
	char *now;

	if (!was)
		return;
	now = model_text(assessment);
	if (now && strcmp(was, now))
		og_log_warn("%s was assessed with maturity model %s; this run uses %s, "
			    "so its figures may differ", p->cli->from, was, now);
	free(now);
}

/* A re-assessment without gate settings of its own (say --model alone)
 * judges the report by the policy it was made under, stored in
 * doc.policy, rather than silently dropping the gates. */
static void
keep_policy(struct og_pipeline *p, const cJSON *doc)
{
	const cJSON *pol = cJSON_GetObjectItemCaseSensitive(doc, "policy");

	if (!cJSON_IsObject(pol) || og_config_get(p->config, "gates"))
		return;
	cJSON_AddItemToObject(p->config, "gates", cJSON_Duplicate(pol, 1));
	og_log_info("keeping the policy gates stored in %s", p->cli->from);
}

/*
 * doc.render: the "report" settings the files were rendered with
 * (branding, paper, fonts, JUnit options), so render --from needs no
 * config to reproduce them.  This run's settings override stored ones
 * key by key; p->render_config is what the renderers then read.
 */
static void
store_render_settings(struct og_pipeline *p, cJSON *doc)
{
	const cJSON *stored = cJSON_GetObjectItemCaseSensitive(doc, "render");
	const cJSON *mine = og_config_get(p->config, "report"), *it;
	cJSON *merged = cJSON_IsObject(stored) ? cJSON_Duplicate(stored, 1)
					       : cJSON_CreateObject();

	cJSON_ArrayForEach(it, mine) {
		cJSON_DeleteItemFromObjectCaseSensitive(merged, it->string);
		cJSON_AddItemToObject(merged, it->string, cJSON_Duplicate(it, 1));
	}
	if (p->cli->cmd == OG_CMD_COLLECT) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "render");
		cJSON_Delete(merged);
		return;
	}
	cJSON_Delete(p->render_config);
	p->render_config = cJSON_Duplicate(p->config, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(p->render_config, "report");
	cJSON_AddItemToObject(p->render_config, "report", cJSON_Duplicate(merged, 1));
	/* in place: report.json keeps its member order, byte for byte */
	if (stored)
		cJSON_ReplaceItemInObjectCaseSensitive(doc, "render", merged);
	else
		cJSON_AddItemToObject(doc, "render", merged);
}

/* collect, and merge -o, only write the document. */
static bool
only_written(const struct og_pipeline *p)
{
	return p->cli->cmd != OG_CMD_RENDER && !og_cli_delivers(p->cli);
}

/*
 * Assess, render and (for report) deliver @doc built over @m.  Returns
 * the exit code contribution of gates/output.
 */
static int
finish_report(struct og_pipeline *p, cJSON *doc, struct og_model *m)
{
	const char *outdir = og_config_str(p->config, "output_dir",
					   OG_DEFAULT_OUTPUT_DIR);
	struct og_report rep;
	char *err = NULL;
	int r, code = EXIT_OK;

	/* The findings are read from the model by everything below, never
	 * from a tree in @doc (a loaded report.json's is dropped here). */
	og_report_init(&rep, doc, m);

	/* collect writes only the model.  render --from keeps the stored
	 * assessment and gates unless this run brings its own assessment
	 * or gate settings (--config, --model, --set, --fail-on): then it
	 * re-assesses, and says so.  report and merge always assess. */
	if (p->cli->cmd == OG_CMD_RENDER && !reassessing(p, doc)) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(doc, "gates");

		if (og_gates_failed(g))
			code = EXIT_GATE;
		og_log_info("rendering the stored assessment of %s", p->cli->from);
	} else {
		cJSON *assessment = NULL, *gates = NULL;
		char *was_model = NULL;

		if (p->cli->cmd == OG_CMD_RENDER &&
		    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "assessment"))) {
			og_log_info("re-assessing %s with this run's assessment and gate "
				    "settings", p->cli->from);
			was_model = model_text(cJSON_GetObjectItemCaseSensitive(doc, "assessment"));
			keep_policy(p, doc);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "assessment");
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "gates");
		if (p->cli->cmd == OG_CMD_COLLECT) {
			cJSON_AddNullToObject(doc, "assessment");
			cJSON_AddArrayToObject(doc, "gates");
		} else {
			size_t n_frag;
			const char **frag = og_plugin_set_fragments(p->plugins,
								    &n_frag);

			r = og_assess_ex(m, p->config,
					 cJSON_GetObjectItemCaseSensitive(doc, "collectors"),
					 frag, n_frag, og_now(), &assessment, &gates,
					 &err);
			free(frag);
			if (r < 0) {
				og_log_error("%s", err);
				free(err);
				free(was_model);
				return EXIT_USAGE;
			}
			model_changed(p, was_model, assessment);
			free(was_model);
			cJSON_AddItemToObject(doc, "assessment", assessment);
			cJSON_AddItemToObject(doc, "gates", gates);
			/* the gate settings, so a re-assessment keeps the policy */
			cJSON_DeleteItemFromObjectCaseSensitive(doc, "policy");
			cJSON_AddItemToObject(doc, "policy", og_config_get(p->config, "gates")
				? cJSON_Duplicate(og_config_get(p->config, "gates"), 1)
				: cJSON_CreateNull());
			if (og_gates_failed(gates))
				code = EXIT_GATE;
		}
	}
	store_render_settings(p, doc);
	/* report["run"]: a stored one (render --from) is kept; recording
	 * the history adds what did not run although it ran last time. */
	if (p->cli->cmd != OG_CMD_RENDER ||
	    !cJSON_GetObjectItemCaseSensitive(doc, "run"))
		og_history_run_state(doc, NULL);
	if (!cJSON_GetObjectItemCaseSensitive(doc, "history"))
		cJSON_AddNullToObject(doc, "history");
	/* History before rendering: the renderers draw report["history"]. */
	if (og_cli_delivers(p->cli) &&
	    og_history_record(&rep, p->config, &err) < 0) {
		og_log_error("%s", err);
		free(err);
		err = NULL;
		code = EXIT_OUTPUT;
	}

	if (only_written(p)) {
		code = write_model_only(p, &rep, outdir, code);
	} else {
		r = render_all(p, &rep, outdir, code);
		if (og_cli_delivers(p->cli) && code != EXIT_OUTPUT &&
		    (r == EXIT_OUTPUT || r == EXIT_LOCKED))
			og_history_forget(doc, p->config);
		code = r;
	}
	if (p->cli->quiet && !p->cli->quiet_gates && code == EXIT_GATE)
		quiet_gate_line(p, doc);
	/* render --from prints what the report printed: the same summary */
	if ((og_cli_delivers(p->cli) || p->cli->cmd == OG_CMD_RENDER) && !p->cli->quiet) {
		FILE *term = og_term_stream(stdout);

		og_render_run_note(&rep, term ? term : stdout);
		og_render_summary(cJSON_GetObjectItemCaseSensitive(doc, "assessment"),
					cJSON_GetObjectItemCaseSensitive(doc, "gates"),
					term ? term : stdout);
		if (term)
			fclose(term);
	}
	/* Mail last, once every file is written (it attaches the final
	 * report.pdf); a failed send leaves the files and exits 4. */
	if (og_cli_delivers(p->cli) && code != EXIT_OUTPUT &&
	    og_config_get(p->config, "mail.to") && !og_mail_wanted(doc, p->config))
		og_log_info("mail not sent: %s (--mail-on %s)",
			    !strcmp(og_config_str(p->config, "mail.on", "always"), "failure")
			    ? "no gate failed and the report is complete"
			    : "nothing changed since the last mailed report",
			    og_config_str(p->config, "mail.on", "always"));
	if (og_cli_delivers(p->cli) && code != EXIT_OUTPUT &&
	    og_mail_wanted(doc, p->config)) {
		if (send_mail(p, &rep, outdir) < 0)
			code = EXIT_OUTPUT;
		else if ((r = og_history_mark_mailed(doc, p->config)) < 0)
			og_log_warn("history: cannot remember the mailed report: %s", strerror(-r));
	}
	return code;
}

/*
 * The report document and the model are a run's biggest structures
 * (millions of small allocations for a large scan), and main() exits
 * right after the run: freeing them one by one was 18 % of the CPU of
 * `render --from` a 100 k-finding report, and the exit gives the pages
 * back at once.  Optimised builds leave them to the exit; builds for
 * checking (no optimisation, or a sanitizer) and OG_FREE_AT_EXIT=1 free
 * them, so leak checkers still see every other leak.
 */
static void
drop_run(cJSON *doc, struct og_model *m)
{
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
	const char *e = getenv("OG_FREE_AT_EXIT");

	if (!e || !*e || strcmp(e, "0") == 0)
		return;
#endif
	cJSON_Delete(doc);
	og_model_free(m);
}

int
og_pipeline_collect_and_report(struct og_pipeline *p)
{
	const struct og_plugin_entry **run = NULL;
	struct og_run_result *results = NULL;
	struct og_model *m = og_model_new();
	cJSON *doc, *collectors;
	char *subject = og_subject_default(p);
	size_t n = 0;
	long jobs = (long)og_config_num(p->config, "jobs", 0);
	struct og_progress progress;
	bool incomplete = false;
	int code;

	if (jobs <= 0)
		jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
	if (p->cli->cmd == OG_CMD_REPORT && (code = lock_output(p)) != EXIT_OK) {
		og_model_free(m);
		free(subject);
		return code;
	}
	doc = new_document(subject);
	collectors = cJSON_AddArrayToObject(doc, "collectors");
	run = og_xcalloc(p->plugins->n + 1, sizeof(*run));
	for (size_t i = 0; i < p->plugins->n; i++) {
		const struct og_plugin_entry *e = &p->plugins->entries[i];

		if (e->state != OG_PLUGIN_LOADED)
			continue;
		if (collector_selected(p, e)) {
			run[n++] = e;
		} else {
			struct og_run_result skip = {
				.entry = e, .status = OG_RUN_SKIPPED,
				.message = og_strdup0(e->desc.opt_in
					? "not configured (this collector is opt-in)"
					: "disabled in config"),
			};

			cJSON_AddItemToArray(collectors, collector_json(&skip, p->config));
			og_run_result_clear(&skip);
		}
	}
	results = og_xcalloc(n + 1, sizeof(*results));
	og_progress_init(&progress, p->cli->quiet);
	og_run_collectors_progress(run, n, p->config, (int)jobs, m, results, &progress.hook);
	og_progress_end(&progress);
	for (size_t i = 0; i < n; i++) {
		if (results[i].status == OG_RUN_FAILED ||
		    results[i].status == OG_RUN_PARTIAL) {
			incomplete = true;
			og_log_warn("collector '%s' %s: %s", run[i]->desc.name,
				    og_run_status_name(results[i].status),
				    results[i].message ? results[i].message : "");
		}
		cJSON_AddItemToArray(collectors, collector_json(&results[i], p->config));
		og_run_result_clear(&results[i]);
	}
	sort_collectors(doc);
	og_report_add_model(doc);
	code = finish_report(p, doc, m);
	/* A failed gate (1) outranks an incomplete run (3) for CI. */
	if (code == EXIT_OK && incomplete)
		code = EXIT_INCOMPLETE;
	drop_run(doc, m);
	free(results);
	free(run);
	free(subject);
	return code;
}

int
og_pipeline_render_from(struct og_pipeline *p)
{
	struct og_model *m = NULL;
	cJSON *doc = NULL;
	char *err = NULL;
	int code;

	if (!p->cli->from) {
		og_log_error("render needs --from report.json");
		return EXIT_USAGE;
	}
	if ((code = lock_output(p)) != EXIT_OK)
		return code;
	if (og_report_load(p->cli->from, &doc, &m, &err) < 0) {
		og_log_error("%s", err);
		free(err);
		return EXIT_USAGE;
	}
	code = finish_report(p, doc, m);
	drop_run(doc, m);
	return code;
}

static int
status_rank(const cJSON *c)
{
	static const char *const order[] = { "skipped", "ok", "partial", "failed" };
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(c, "status");

	for (int i = 0; i < 4; i++)
		if (cJSON_IsString(s) && !strcmp(s->valuestring, order[i]))
			return i;
	return 3;
}

static void
add_number(cJSON *dst, const cJSON *src, const char *key)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(dst, key);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(src, key);

	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		cJSON_SetNumberValue((cJSON *)a, a->valuedouble + b->valuedouble);
}

/* The shards' log lines, one after the other. */
static void
merge_log(cJSON *dst, const cJSON *src)
{
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(src, "log"), *it;
	cJSON *to = cJSON_GetObjectItemCaseSensitive(dst, "log");

	if (!cJSON_IsArray(from))
		return;
	if (!cJSON_IsArray(to))
		to = cJSON_AddArrayToObject(dst, "log");
	cJSON_ArrayForEach(it, from)
		cJSON_AddItemToArray(to, cJSON_Duplicate(it, 1));
	if (!cJSON_GetObjectItemCaseSensitive(dst, "log_dropped") &&
	    (it = cJSON_GetObjectItemCaseSensitive(src, "log_dropped")))
		cJSON_AddItemToObject(dst, "log_dropped", cJSON_Duplicate(it, 1));
	else
		add_number(dst, src, "log_dropped");
}

/*
 * One entry per collector across shards: the worst status of the shards
 * that ran it (a skip counts only when no shard ran it), counts and
 * durations summed, so a failure in any shard stays visible.
 */
/* The shards' targets together (sorted, each once): the merged run
 * examined every shard's, and the history compares it as one. */
static void
merge_targets(cJSON *cur, const cJSON *c)
{
	cJSON *dst = cJSON_GetObjectItemCaseSensitive(cur, "targets");
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(c, "targets"), *t;

	if (!cJSON_IsArray(src))
		return;
	if (!cJSON_IsArray(dst)) {
		cJSON_DeleteItemFromObjectCaseSensitive(cur, "targets");
		cJSON_AddItemToObject(cur, "targets", cJSON_Duplicate(src, 1));
		return;
	}
	cJSON_ArrayForEach(t, src)
		if (cJSON_IsString(t))
			og_jset_add(dst, t->valuestring);
}

static void
merge_collector(cJSON *collectors, const cJSON *c)
{
	const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
	cJSON *cur;

	cJSON_ArrayForEach(cur, collectors) {
		const cJSON *counts_src, *m;
		cJSON *counts_dst;

		if (strcmp(cJSON_GetObjectItemCaseSensitive(cur, "name")->valuestring,
			   name) != 0)
			continue;
		if (status_rank(c) > status_rank(cur)) {
			cJSON_ReplaceItemInObjectCaseSensitive(
				cur, "status",
				cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "status"), 1));
			m = cJSON_GetObjectItemCaseSensitive(c, "message");
			cJSON_ReplaceItemInObjectCaseSensitive(
				cur, "message", m ? cJSON_Duplicate(m, 1) : cJSON_CreateNull());
		}
		add_number(cur, c, "duration_ms");
		counts_src = cJSON_GetObjectItemCaseSensitive(c, "counts");
		counts_dst = cJSON_GetObjectItemCaseSensitive(cur, "counts");
		add_number(counts_dst, counts_src, "facts");
		add_number(counts_dst, counts_src, "findings");
		add_number(counts_dst, counts_src, "events");
		merge_log(cur, c);
		merge_targets(cur, c);
		return;
	}
	cJSON_AddItemToArray(collectors, cJSON_Duplicate(c, 1));
}

/*
 * Shards of one subject merge; reports of different subjects do only
 * when --subject names what the combination is (else the merged report
 * would speak of one of them with the other's evidence).
 */
static bool
merge_subject_ok(const struct og_pipeline *p, const cJSON *d, const char *file,
		 char **first, const char **first_file)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(d, "subject");
	const char *name = cJSON_IsString(s) ? s->valuestring : "";

	if (!*first_file) {
		*first = og_strdup0(name);
		*first_file = file;
		return true;
	}
	if (!strcmp(*first, name) || og_config_str(p->config, "subject", NULL))
		return true;
	og_log_error("merge: %s is about '%s' but %s is about '%s'; give --subject NAME "
		     "to name the combined subject", file, name, *first_file, *first);
	return false;
}

/* What a merge has gathered from the shards taken so far. */
struct merge {
	struct og_pipeline *p;
	struct og_model *m;
	cJSON *doc, *collectors;
	const char *subject, *first_file;
	char *first;
};

/* Shard @i, loaded: into the merge (og_report_load_each). */
static int
merge_one(void *arg, size_t i, cJSON *d, struct og_model *part)
{
	struct merge *x = arg;
	const char *file = x->p->cli->inputs[i];
	cJSON *c;
	int r;

	if (!merge_subject_ok(x->p, d, file, &x->first, &x->first_file)) {
		og_model_free(part);
		cJSON_Delete(d);
		return EXIT_USAGE;
	}
	/* moved, not copied: a million findings over 20 shards */
	if ((r = og_model_merge_move(x->m, part)) < 0) {
		og_log_error("merge: %s: %s", file, strerror(-r));
		cJSON_Delete(d);
		return EXIT_USAGE;
	}
	if (!x->subject) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(d, "subject");

		if (cJSON_IsString(s))
			x->subject = og_config_str(x->p->config, "subject", NULL);
		if (!x->subject && cJSON_IsString(s)) {
			x->doc = new_document(s->valuestring);
			x->subject = "";
		}
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(d, "collectors"))
		if (cJSON_IsObject(c) &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "name")))
			merge_collector(x->collectors, c);
	cJSON_Delete(d);
	return 0;
}

int
og_pipeline_merge(struct og_pipeline *p)
{
	struct merge x = { .p = p };
	char *err = NULL;
	int code = EXIT_OK, r;

	if (p->cli->n_inputs < 1) {
		og_log_error("merge needs the report.json files to merge");
		return EXIT_USAGE;
	}
	/* like report: hold the output dir for the history and the mail */
	if (og_cli_delivers(p->cli) && (code = lock_output(p)) != EXIT_OK)
		return code;
	x.m = og_model_new();
	x.collectors = cJSON_CreateArray();
	/* the shards load side by side, one a core; they are taken in
	 * order, so the result is the same as one after the other */
	r = og_report_load_each((const char *const *)p->cli->inputs,
				p->cli->n_inputs, 0, merge_one, &x, &err);
	if (r < 0) {
		og_log_error("%s", err);
		free(err);
		code = EXIT_USAGE;
	} else if (r > 0) {
		code = r;
	}
	if (code == EXIT_OK) {
		if (!x.doc)
			x.doc = new_document(x.subject ? x.subject : "merged");
		cJSON_AddItemToObject(x.doc, "collectors", x.collectors);
		x.collectors = NULL;
		sort_collectors(x.doc);
		og_report_add_model(x.doc);
		code = finish_report(p, x.doc, x.m);
	}
	cJSON_Delete(x.collectors);
	drop_run(x.doc, x.m);
	free(x.first);
	return code;
}

int
og_pipeline_history(struct og_pipeline *p)
{
	/* No subject configured but a directory given: list it all; neither
	 * given: every subject with history, latest level and date. */
	bool one = og_config_str(p->config, "subject", NULL) ||
		   og_config_str(p->config, "history.dir", NULL);
	char *subject = og_config_str(p->config, "subject", NULL) ? og_subject_default(p) : NULL;
	cJSON *listing = NULL;
	int r = one ? og_history_list(p->config, subject, &listing)
		    : og_history_subjects(p->config, &listing);
	FILE *term = og_term_stream(stdout);

	if (r == 0)
		r = og_render_history(listing, p->cli->json,
				      term ? term : stdout);
	if (term && fclose(term) != 0 && r == 0)
		r = -EIO;
	cJSON_Delete(listing);
	free(subject);
	return r < 0 ? EXIT_OUTPUT : EXIT_OK;
}
