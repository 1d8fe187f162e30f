#include <errno.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

CHECK_COUNTERS;

static void
add(struct og_model *m, struct og_model_fact *f, const char *key, const char *src)
{
	f->key = (char *)key;
	f->source = (char *)(src ? src : "repo");
	f->observed_at = 1700000000;
	if (og_model_add_fact(m, f) < 0) {
		fprintf(stderr, "cannot add fact %s\n", key);
		exit(2);
	}
}

void
t_fact_bool(struct og_model *m, const char *key, bool v, const char *src)
{
	struct og_model_fact f = { .type = OG_VALUE_BOOL, .b = v };
	add(m, &f, key, src);
}

void
t_fact_num(struct og_model *m, const char *key, double v, const char *src)
{
	struct og_model_fact f = { .type = OG_VALUE_NUMBER, .num = v };
	add(m, &f, key, src);
}

void
t_fact_str(struct og_model *m, const char *key, const char *v, const char *src)
{
	struct og_model_fact f = { .type = OG_VALUE_STRING, .str = (char *)v };
	add(m, &f, key, src);
}

void
t_fact_list(struct og_model *m, const char *key, const char *const *v, size_t n,
	    const char *src)
{
	struct og_model_fact f = { .type = OG_VALUE_LIST, .list = (char **)v, .n_list = n };
	add(m, &f, key, src);
}

void
t_fact_unknown(struct og_model *m, const char *key, const char *reason,
	       const char *src)
{
	struct og_model_fact f = { .type = OG_VALUE_UNKNOWN, .str = (char *)reason };
	add(m, &f, key, src);
}

void
t_subject_fact(struct og_model *m, const char *subject, const char *key,
	       const struct og_model_fact *v, enum og_rollup rule)
{
	struct og_model_fact f = *v;

	f.subject = (char *)subject;
	f.subject_kind = (char *)"repository";
	f.rollup = rule;
	add(m, &f, key, "github");
}

void
t_event(struct og_model *m, const char *type, const char *time,
	const char *const *attrs)
{
	t_subject_event(m, NULL, type, time, attrs);
}

void
t_subject_event(struct og_model *m, const char *subject, const char *type,
		const char *time, const char *const *attrs)
{
	struct og_model_event e = { .type = (char *)type, .source = (char *)"github",
				    .subject = (char *)subject };
	struct og_model_attr a[16];
	static unsigned seq;
	char id[32];

	if (og_parse_time(time, &e.time) < 0) {
		fprintf(stderr, "bad time %s\n", time);
		exit(2);
	}
	snprintf(id, sizeof(id), "e%u", seq++);
	e.id = id;
	for (size_t i = 0; attrs && attrs[i]; i++) {
		const char *eq = strchr(attrs[i], '=');

		a[i].key = og_asprintf("%.*s", (int)(eq - attrs[i]), attrs[i]);
		a[i].value = og_strdup0(eq + 1);
		e.n_attrs++;
	}
	e.attrs = a;
	if (og_model_add_event(m, &e) < 0) {
		fprintf(stderr, "cannot add event\n");
		exit(2);
	}
	for (size_t i = 0; i < e.n_attrs; i++) {
		free(a[i].key);
		free(a[i].value);
	}
}

void
t_finding(struct og_model *m, const char *id, enum og_severity sev,
	  const char *published, bool suppressed)
{
	struct og_finding f = {
		.kind = OG_FINDING_VULNERABILITY, .id = id, .severity = sev,
		.score = -1, .package = "pkg", .installed_version = "1.0",
		.published = published,
	};

	if (suppressed) {
		f.suppressed = true;
		f.suppression = "VEX: not_affected";
	}
	if (og_model_add_finding(m, &f, "trivy") < 0) {
		fprintf(stderr, "cannot add finding\n");
		exit(2);
	}
}

char *
t_tmpfile(const char *text)
{
	char *path = og_strdup0("/tmp/og-assess-test-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror("tmpfile");
		exit(2);
	}
	close(fd);
	return path;
}

char *
t_join(const cJSON *arr)
{
	char *s = og_strdup0("");
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		char *t = og_asprintf("%s%s%s", s, *s ? "," : "",
				      cJSON_IsString(it) ? it->valuestring : "?");
		free(s);
		s = t;
	}
	return s;
}

const cJSON *
t_get(const cJSON *o, const char *path)
{
	char *copy = og_strdup0(path), *save = NULL;

	for (char *tok = strtok_r(copy, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
		if (*tok == '[')
			o = cJSON_GetArrayItem(o, atoi(tok + 1));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, tok);
	}
	free(copy);
	return o;
}

