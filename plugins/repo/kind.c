/*
 * What the project is — a service, a library, a command-line tool, an
 * infrastructure module or a monorepo — and the facts the assessment
 * needs to leave out what does not apply (a database in use, an image
 * built, a service deployed).  The kind is judged from the root's
 * manifests and from what the other analysers saw in product files only;
 * when nothing decides, it is unknown, never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "repo.h"

enum kind { KIND_MONOREPO, KIND_INFRA, KIND_SERVICE, KIND_CLI, KIND_LIB,
	    KIND__COUNT };

static const char *const kind_names[KIND__COUNT] = {
	"monorepo", "infrastructure", "service", "cli", "library",
};

struct judge {
	struct repo *r;
	bool npm_private_only;	/* the only app evidence is a private package.json */
	bool root_package;	/* the root is itself a package */
	bool workspace_marker;
};

void
repo_kind_db(struct repo *r, const char *engine, const char *path,
	     unsigned line)
{
	repo_signal(r, SIG_DB_USED, path, line);
	if (engine)
		repo_set_add(&r->db_engines, engine, path, line);
}

const char *
repo_db_image(const char *ref)
{
	static const struct {
		const char *name;
		const char *engine;
	} images[] = {
		{ "postgres", "postgres" }, { "postgresql", "postgres" },
		{ "postgis", "postgres" }, { "timescaledb", "postgres" },
		{ "cockroach", "postgres" }, { "mysql", "mysql" },
		{ "mariadb", "mysql" }, { "percona", "mysql" },
		{ "mongo", "mongodb" }, { "mongodb", "mongodb" },
		{ "mongodb-community-server", "mongodb" },
		{ "mssql", "sqlserver" }, { "oracle-xe", "oracle" },
		{ "oracle-free", "oracle" },
	};
	char name[128];
	const char *s = ref, *last;
	size_t n;

	s += strspn(s, " \t\"'");
	n = strcspn(s, " \t\"':@#");
	/* the repository's last path component, without tag or digest */
	for (last = s; memchr(last, '/', (size_t)(s + n - last));)
		last = (const char *)memchr(last, '/', (size_t)(s + n - last)) + 1;
	n = (size_t)(s + n - last);
	if (!n || n >= sizeof(name))
		return NULL;
	memcpy(name, last, n);
	name[n] = '\0';
	/* mcr.microsoft.com/mssql/server */
	if (!strcmp(name, "server") && strstr(s, "mssql/"))
		return "sqlserver";
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (!strcasecmp(name, images[i].name))
			return images[i].engine;
	return NULL;
}

static const struct repo_file *
root_file(const struct repo *r, const char *name)
{
	const struct repo_file *f = repo_find(r, name);

	return f && !f->is_dir && repo_is_product(f) ? f : NULL;
}

static char *
read_root(struct repo *r, const char *name, size_t *len)
{
	char *buf;

	if (!root_file(r, name) || repo_read(r, name, &buf, len) < 0)
		return NULL;
	return buf;
}

/* 1-based line of the first @needle in @buf, 0 when absent. */
static unsigned
line_with(const char *buf, const char *needle)
{
	const char *hit = strstr(buf, needle);

	return hit ? repo_line_of(buf, (size_t)(hit - buf)) : 0;
}

/* A line that starts with @prefix (a TOML table header, a key). */
static unsigned
line_starting(const char *buf, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, prefix, n))
			return repo_line_of(buf, (size_t)(p - buf));
	return 0;
}

static void
npm_root(struct judge *j)
{
	struct repo *r = j->r;
	const char *path = "package.json";
	cJSON *root, *priv;
	size_t len;
	char *buf = read_root(r, path, &len);
	unsigned line;

	if (!buf)
		return;
	root = cJSON_Parse(buf);
	if (!cJSON_IsObject(root))
		goto cleanup;
	j->root_package = true;
	priv = cJSON_GetObjectItemCaseSensitive(root, "private");
	if ((line = line_with(buf, "\"workspaces\"")) &&
	    cJSON_GetObjectItemCaseSensitive(root, "workspaces")) {
		repo_signal(r, SIG_K_WORKSPACE, path, line);
		j->workspace_marker = true;
	}
	if (cJSON_GetObjectItemCaseSensitive(root, "bin"))
		repo_signal(r, SIG_K_CLI, path, line_with(buf, "\"bin\""));
	if (cJSON_IsTrue(priv)) {
		if (!j->workspace_marker &&
		    !cJSON_GetObjectItemCaseSensitive(root, "bin")) {
			if (!r->sig[SIG_K_APP].on)
				j->npm_private_only = true;
			repo_signal(r, SIG_K_APP, path,
				    line_with(buf, "\"private\""));
		}
		goto cleanup;
	}
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "name")) &&
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "version")))
		repo_signal(r, SIG_K_PUBLISH, path, line_with(buf, "\"name\""));
	/* a library exports code: main/exports/module, or Node's default
	 * index.js; a package of shell scripts (nvm) does neither */
	line = line_with(buf, "\"exports\"");
	if (!line)
		line = line_with(buf, "\"main\"");
	if (!line)
		line = line_with(buf, "\"module\"");
	if (line)
		repo_signal(r, SIG_K_LIB, path, line);
	else if (root_file(r, "index.js") || root_file(r, "index.mjs"))
		repo_signal(r, SIG_K_LIB, "index.js", 0);
cleanup:
	cJSON_Delete(root);
	free(buf);
}

static void
cargo_root(struct judge *j)
{
	struct repo *r = j->r;
	const char *path = "Cargo.toml";
	size_t len;
	char *buf = read_root(r, path, &len);
	unsigned pkg, line;

	if (!buf)
		return;
	pkg = line_starting(buf, "[package]");
	if ((line = line_starting(buf, "[workspace]")) && !pkg) {
		repo_signal(r, SIG_K_WORKSPACE, path, line);
		j->workspace_marker = true;
	}
	if (pkg) {
		j->root_package = true;
		if (!strstr(buf, "publish = false"))
			repo_signal(r, SIG_K_PUBLISH, path, pkg);
	}
	if ((line = line_starting(buf, "[[bin]]")))
		repo_signal(r, SIG_K_CLI, path, line);
	else if (pkg && root_file(r, "src/main.rs"))
		repo_signal(r, SIG_K_CLI, "src/main.rs", 0);
	if ((line = line_starting(buf, "[lib]")))
		repo_signal(r, SIG_K_LIB, path, line);
	else if (pkg && root_file(r, "src/lib.rs"))
		repo_signal(r, SIG_K_LIB, "src/lib.rs", 0);
	free(buf);
}

static void
python_root(struct judge *j)
{
	struct repo *r = j->r;
	size_t len;
	char *buf;
	unsigned line;

	if ((buf = read_root(r, "pyproject.toml", &len))) {
		unsigned pkg = line_starting(buf, "[project]");

		if (!pkg)
			pkg = line_starting(buf, "[tool.poetry]");
		if ((line = line_starting(buf, "[project.scripts]")) ||
		    (line = line_starting(buf, "[tool.poetry.scripts]")) ||
		    (line = line_starting(buf, "[project.gui-scripts]")))
			repo_signal(r, SIG_K_CLI, "pyproject.toml", line);
		if (pkg) {
			j->root_package = true;
			repo_signal(r, SIG_K_PUBLISH, "pyproject.toml", pkg);
			repo_signal(r, SIG_K_LIB, "pyproject.toml", pkg);
		}
		free(buf);
	}
	if ((buf = read_root(r, "setup.py", &len))) {
		j->root_package = true;
		repo_signal(r, SIG_K_PUBLISH, "setup.py", 0);
		repo_signal(r, SIG_K_LIB, "setup.py", 0);
		if ((line = line_with(buf, "console_scripts")))
			repo_signal(r, SIG_K_CLI, "setup.py", line);
		free(buf);
	}
	if ((buf = read_root(r, "setup.cfg", &len))) {
		if ((line = line_with(buf, "console_scripts")))
			repo_signal(r, SIG_K_CLI, "setup.cfg", line);
		free(buf);
	}
	if (root_file(r, "manage.py"))
		repo_signal(r, SIG_K_APP, "manage.py", 0);
}

static void
jvm_root(struct judge *j)
{
	static const char *const builds[] = {
		"pom.xml", "build.gradle", "build.gradle.kts", NULL,
	};
	struct repo *r = j->r;

	for (size_t i = 0; builds[i]; i++) {
		size_t len;
		char *buf = read_root(r, builds[i], &len);
		unsigned line;

		if (!buf)
			continue;
		j->root_package = true;
		if ((line = line_with(buf, "spring-boot-maven-plugin")) ||
		    (line = line_with(buf, "org.springframework.boot")) ||
		    (line = line_with(buf, "<packaging>war</packaging>")))
			repo_signal(r, SIG_K_APP, builds[i], line);
		else if ((line = line_with(buf, "java-library")) ||
			 (line = line_with(buf, "<packaging>jar</packaging>")))
			repo_signal(r, SIG_K_LIB, builds[i], line);
		if ((line = line_with(buf, "<distributionManagement>")) ||
		    (line = line_with(buf, "maven-publish")))
			repo_signal(r, SIG_K_PUBLISH, builds[i], line);
		if ((line = line_with(buf, "jib-maven-plugin")) ||
		    (line = line_with(buf, "com.google.cloud.tools.jib")))
			repo_signal(r, SIG_K_IMAGE, builds[i], line);
		free(buf);
	}
}

static void
go_root(struct judge *j)
{
	struct repo *r = j->r;
	size_t len;
	char *buf;

	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];

		/* cmd/NAME/main.go: Go's layout for the binaries a module builds */
		if (!f->is_dir && repo_is_product(f) && !strcmp(f->base, "main.go") &&
		    (repo_has_prefix(f->path, "cmd/") || f->base == f->path))
			repo_signal(r, SIG_K_CLI, f->path, 0);
	}
	if ((buf = read_root(r, "go.mod", &len))) {
		j->root_package = true;
		repo_signal(r, SIG_K_PUBLISH, "go.mod", 1);
		if (!r->sig[SIG_K_CLI].on)
			repo_signal(r, SIG_K_LIB, "go.mod", 1);
		free(buf);
	}
	if (root_file(r, "go.work")) {
		repo_signal(r, SIG_K_WORKSPACE, "go.work", 0);
		j->workspace_marker = true;
	}
}

static void
other_roots(struct judge *j)
{
	static const char *const workspaces[] = {
		"lerna.json", "pnpm-workspace.yaml", "nx.json", "turbo.json",
		"rush.json", NULL,
	};
	static const char *const deploys[] = {
		"Procfile", "fly.toml", "serverless.yml", "serverless.yaml",
		"render.yaml", "vercel.json", "netlify.toml", "app.json", NULL,
	};
	struct repo *r = j->r;

	/* Python requirements and no package of any kind at the root:
	 * something that is run, not installed (called after the others) */
	if (!j->root_package && root_file(r, "requirements.txt"))
		repo_signal(r, SIG_K_APP, "requirements.txt", 0);
	for (size_t i = 0; workspaces[i]; i++)
		if (root_file(r, workspaces[i])) {
			repo_signal(r, SIG_K_WORKSPACE, workspaces[i], 0);
			j->workspace_marker = true;
		}
	for (size_t i = 0; deploys[i]; i++)
		if (root_file(r, deploys[i]))
			repo_signal(r, SIG_K_DEPLOY, deploys[i], 0);
	if (root_file(r, ".ko.yaml"))
		repo_signal(r, SIG_K_IMAGE, ".ko.yaml", 0);
	if (root_file(r, "docker-bake.hcl"))
		repo_signal(r, SIG_K_IMAGE, "docker-bake.hcl", 0);
	if (root_file(r, "Gemfile") && !r->sig[SIG_K_LIB].on) {
		bool gemspec = false;

		for (size_t i = 0; i < r->n_files; i++)
			if (r->files[i].base == r->files[i].path &&
			    repo_has_suffix(r->files[i].path, ".gemspec")) {
				gemspec = true;
				repo_signal(r, SIG_K_LIB, r->files[i].path, 0);
				repo_signal(r, SIG_K_PUBLISH, r->files[i].path, 0);
			}
		if (!gemspec)
			repo_signal(r, SIG_K_APP, "Gemfile", 0);
	}
}

/* C and C++ builds: what meson or CMake is asked to build. */
static void
native_builds(struct repo *r, const struct repo_file *f)
{
	static const struct {
		const char *file, *needle;
		enum repo_sig sig;
	} calls[] = {
		{ "meson.build", "executable(", SIG_K_CLI },
		{ "meson.build", "library(", SIG_K_LIB },
		{ "CMakeLists.txt", "add_executable(", SIG_K_CLI },
		{ "CMakeLists.txt", "add_library(", SIG_K_LIB },
	};
	size_t len;
	char *buf;

	if (strcmp(f->base, "meson.build") && strcmp(f->base, "CMakeLists.txt"))
		return;
	if (repo_read(r, f->path, &buf, &len) < 0)
		return;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const char *hit;

		if (strcmp(f->base, calls[i].file) || r->sig[calls[i].sig].on)
			continue;
		/* a call, not a longer name ending the same way */
		for (hit = strstr(buf, calls[i].needle); hit;
		     hit = strstr(hit + 1, calls[i].needle))
			if (hit == buf || !(hit[-1] == '_' ||
					    (hit[-1] >= 'a' && hit[-1] <= 'z')))
				break;
		if (hit)
			repo_signal(r, calls[i].sig, f->path,
				    repo_line_of(buf, (size_t)(hit - buf)));
	}
	free(buf);
}

/* Infrastructure code in the product: a Terraform root module, Helm
 * charts, Ansible; and scripts at the root (a shell tool). */
static void
layout(struct judge *j, const char **root_script)
{
	struct repo *r = j->r;

	*root_script = NULL;
	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];

		if (f->is_dir || !repo_is_product(f))
			continue;
		native_builds(r, f);
		if ((f->base == f->path && repo_has_suffix(f->base, ".tf")) ||
		    !strcmp(f->base, "Chart.yaml") || !strcmp(f->base, "galaxy.yml"))
			repo_signal(r, SIG_K_INFRA, f->path, 0);
		if (f->base == f->path && repo_has_suffix(f->base, ".sh") &&
		    !repo_has_prefix(f->base, "install") &&
		    !repo_has_prefix(f->base, "build") &&
		    !repo_has_prefix(f->base, "setup") && !*root_script)
			*root_script = f->path;
	}
	if (r->sig[SIG_IAC_ANSIBLE].on)
		repo_signal(r, SIG_K_INFRA, r->sig[SIG_IAC_ANSIBLE].evidence, 0);
}

static const char *
ev(const struct repo *r, enum repo_sig s)
{
	return r->sig[s].evidence;
}

/* Evidence of the deciding signal of each kind, NULL when no evidence. */
static void
judge_kinds(struct judge *j, const char *root_script,
	    const char *kinds[KIND__COUNT])
{
	struct repo *r = j->r;
	const struct repo_signal *s = r->sig;
	bool app_code = s[SIG_K_CLI].on || s[SIG_K_SERVER].on ||
			(s[SIG_K_LIB].on) ||
			(s[SIG_K_APP].on && !j->npm_private_only);

	memset(kinds, 0, sizeof(*kinds) * KIND__COUNT);
	if (j->workspace_marker && !s[SIG_K_CLI].on)
		kinds[KIND_MONOREPO] = ev(r, SIG_K_WORKSPACE);
	else if (r->sub_packages >= (j->root_package ? 10u : 2u) &&
		 !s[SIG_K_CLI].on && !s[SIG_K_APP].on && !s[SIG_K_DEPLOY].on)
		kinds[KIND_MONOREPO] = r->sub_package_ev;
	if (s[SIG_K_INFRA].on && !app_code)
		kinds[KIND_INFRA] = ev(r, SIG_K_INFRA);
	if (s[SIG_K_DEPLOY].on)
		kinds[KIND_SERVICE] = ev(r, SIG_K_DEPLOY);
	else if (s[SIG_K_APP].on && (s[SIG_K_SERVER].on || !s[SIG_K_CLI].on) &&
		 !(j->npm_private_only && s[SIG_K_INFRA].on))
		kinds[KIND_SERVICE] = s[SIG_K_SERVER].on ? ev(r, SIG_K_SERVER)
							 : ev(r, SIG_K_APP);
	if (s[SIG_K_CLI].on)
		kinds[KIND_CLI] = ev(r, SIG_K_CLI);
	else if (root_script && !s[SIG_K_LIB].on && !s[SIG_K_APP].on &&
		 !kinds[KIND_INFRA])
		kinds[KIND_CLI] = root_script;
	if (s[SIG_K_LIB].on)
		kinds[KIND_LIB] = ev(r, SIG_K_LIB);
}

void
repo_kind(struct repo *r)
{
	struct judge j = { .r = r };
	struct repo_set all = { 0 };
	const char *kinds[KIND__COUNT];
	const char *root_script;
	int chosen = -1;

	npm_root(&j);
	cargo_root(&j);
	python_root(&j);
	jvm_root(&j);
	go_root(&j);
	other_roots(&j);
	layout(&j, &root_script);
	if (r->sig[SIG_REL_GORELEASER].on)
		repo_signal(r, SIG_K_PUBLISH, ev(r, SIG_REL_GORELEASER), 0);
	if (r->sig[SIG_DB_MIGRATIONS].on)
		repo_kind_db(r, NULL, r->sig[SIG_DB_MIGRATIONS].evidence, 0);
	/* an image built from the product, and a deploy of it */
	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];

		if (!f->is_dir && repo_is_product(f) &&
		    (!strcmp(f->base, "Dockerfile") ||
		     !strcmp(f->base, "Containerfile") ||
		     repo_has_prefix(f->base, "Dockerfile."))) {
			repo_signal(r, SIG_K_IMAGE, f->path, 0);
			break;
		}
	}
	if (r->sig[SIG_CI_CONTAINER_BUILD].on)
		repo_signal(r, SIG_K_IMAGE, ev(r, SIG_CI_CONTAINER_BUILD), 0);
	/* a package's release job (PyPI, npm, Pages) is not a service */
	if (r->sig[SIG_CI_DEPLOY].on &&
	    (r->sig[SIG_K_IMAGE].on ||
	     !(r->sig[SIG_K_LIB].on || r->sig[SIG_K_CLI].on ||
	       r->sig[SIG_K_INFRA].on || r->sig[SIG_K_PUBLISH].on)))
		repo_signal(r, SIG_K_DEPLOY, ev(r, SIG_CI_DEPLOY), 0);
	/* manifests that run what this repository builds, or an app */
	if ((r->sig[SIG_K_IMAGE].on || r->sig[SIG_K_APP].on) &&
	    r->sig[SIG_IAC_KUBERNETES].on)
		repo_signal(r, SIG_K_DEPLOY, ev(r, SIG_IAC_KUBERNETES), 0);

	judge_kinds(&j, root_script, kinds);
	for (int k = 0; k < KIND__COUNT; k++) {
		if (!kinds[k])
			continue;
		if (chosen < 0)
			chosen = k;
		repo_set_add(&all, kind_names[k], kinds[k], 0);
	}
	if (chosen >= 0) {
		repo_emit_string(r, "project.kind", kind_names[chosen],
				 kinds[chosen]);
		repo_emit_set(r, "project.kinds", &all);
	} else {
		int rc = r->host->fact_unknown(r->ctx, "project.kind",
					       "no manifest, entry point, "
					       "deployment or module layout "
					       "decides what the project is");

		if (rc < 0)
			r->host->log(r->ctx, OG_LOG_WARN,
				     "could not emit project.kind");
	}
	repo_set_free(&all);
	repo_emit_signal(r, "project.deployable", SIG_K_DEPLOY);
	repo_emit_signal(r, "project.builds_image", SIG_K_IMAGE);
	repo_emit_signal(r, "project.publishes_package", SIG_K_PUBLISH);
	repo_emit_signal(r, "db.used", SIG_DB_USED);
	repo_emit_set(r, "db.engines", &r->db_engines);
}
