/*
 * Dockerfiles: stages, final USER, HEALTHCHECK and base-image pinning.
 * Instructions are read as the builder does: case-insensitive keywords,
 * `\` (or the `# escape=` character) continues a line, comment lines
 * inside a continuation are dropped.  ARG defaults declared before the
 * first FROM are substituted into FROM so `FROM ${BASE}` is judged on
 * what it resolves to (Scorecard's false positive ossf/scorecard#4220).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "repo.h"
#include "repofiles.h"

#define MAX_ARGS	32
#define MAX_STAGES	64
#define MAX_IMAGE	512

struct dockerfile {
	unsigned stages;
	unsigned first_from_line, second_from_line, final_from_line;
	char final_image[MAX_IMAGE];
	/* final stage */
	char user[64];
	unsigned user_line;
	unsigned health_line;		/* 0: none in the final stage */
	unsigned expose_line;		/* first EXPOSE of the final stage */
	/* pinning, over all stages */
	unsigned pinned, unpinned;
	unsigned first_unpinned_line, first_pinned_line;
};

struct arg {
	char name[64];
	char value[MAX_IMAGE];
};

/* Any Dockerfile, the product's or a test's. */
static bool
any_dockerfile(const struct repo_file *f)
{
	return !f->is_dir && (f->kinds & RF_BIT(RF_DOCKERFILE));
}

/* A Dockerfile of the product: not a test's, a docs sample or a dev
 * container (those never reach the listing as product files). */
static bool
is_dockerfile(const struct repo_file *f)
{
	return repo_is_product(f) && any_dockerfile(f);
}

/* Substitute $NAME / ${NAME} / ${NAME:-default} from @args into @out. */
static void
substitute(const char *in, const struct arg *args, size_t n_args, char *out,
	   size_t size)
{
	size_t o = 0;

	while (*in && o + 1 < size) {
		const char *val = NULL;
		char name[64];
		size_t nl = 0;
		bool brace;

		if (*in != '$') {
			out[o++] = *in++;
			continue;
		}
		brace = in[1] == '{';
		in += brace ? 2 : 1;
		while ((isalnum((unsigned char)*in) || *in == '_') &&
		       nl + 1 < sizeof(name))
			name[nl++] = *in++;
		name[nl] = '\0';
		if (brace) {
			while (*in && *in != '}')
				in++;
			if (*in == '}')
				in++;
		}
		for (size_t i = 0; i < n_args; i++)
			if (!strcmp(args[i].name, name))
				val = args[i].value;
		if (!val || !*val)
			val = "$";	/* unresolved: keeps it unpinned */
		for (; *val && o + 1 < size; val++)
			out[o++] = *val;
	}
	out[o] = '\0';
}

static bool
is_root_user(const char *u)
{
	size_t n = strcspn(u, ":");

	return (n == 4 && !strncmp(u, "root", 4)) ||
	       (n == 1 && u[0] == '0');
}

/* Handle one logical instruction starting at @line. */
static void
instruction(struct dockerfile *d, char *text, unsigned line,
	    struct arg *args, size_t *n_args, char stage_names[][64])
{
	char *kw = text + strspn(text, " \t");
	char *rest = kw + strcspn(kw, " \t");
	char *tok, *save = NULL;

	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	if (!strcasecmp(kw, "ARG") && !d->stages && *n_args < MAX_ARGS) {
		struct arg *a = &args[*n_args];
		char *eq = strchr(rest, '=');
		size_t nl = eq ? (size_t)(eq - rest) : strcspn(rest, " \t");

		if (nl >= sizeof(a->name))
			return;
		memcpy(a->name, rest, nl);
		a->name[nl] = '\0';
		snprintf(a->value, sizeof(a->value), "%s", eq ? eq + 1 : "");
		a->value[strcspn(a->value, " \t\"")] = '\0';
		(*n_args)++;
	} else if (!strcasecmp(kw, "FROM")) {
		char image[MAX_IMAGE] = "";
		char *as = NULL;
		bool internal = false;

		for (tok = strtok_r(rest, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (!strncmp(tok, "--", 2))
				continue;
			if (!*image)
				substitute(tok, args, *n_args, image,
					   sizeof(image));
			else if (!strcasecmp(tok, "AS"))
				as = strtok_r(NULL, " \t", &save);
		}
		d->stages++;
		if (d->stages == 1)
			d->first_from_line = line;
		if (d->stages == 2)
			d->second_from_line = line;
		d->final_from_line = line;
		snprintf(d->final_image, sizeof(d->final_image), "%s", image);
		d->user[0] = '\0';
		d->user_line = 0;
		d->health_line = 0;
		d->expose_line = 0;
		for (unsigned i = 0; i + 1 < d->stages && i < MAX_STAGES; i++)
			if (!strcasecmp(stage_names[i], image))
				internal = true;
		if (d->stages <= MAX_STAGES)
			snprintf(stage_names[d->stages - 1], 64, "%s",
				 as ? as : "");
		if (internal || !strcasecmp(image, "scratch") || !*image)
			return;
		if (strstr(image, "@sha256:") && !strchr(image, '$')) {
			d->pinned++;
			if (!d->first_pinned_line)
				d->first_pinned_line = line;
		} else {
			d->unpinned++;
			if (!d->first_unpinned_line)
				d->first_unpinned_line = line;
		}
	} else if (!strcasecmp(kw, "USER") && d->stages) {
		snprintf(d->user, sizeof(d->user), "%s", rest);
		d->user[strcspn(d->user, " \t")] = '\0';
		d->user_line = line;
	} else if (!strcasecmp(kw, "EXPOSE") && d->stages) {
		if (!d->expose_line)
			d->expose_line = line;
	} else if (!strcasecmp(kw, "HEALTHCHECK") && d->stages) {
		d->health_line = strncasecmp(rest, "NONE", 4) ? line : 0;
	}
}

static void
parse(char *buf, size_t len, struct dockerfile *d)
{
	struct arg args[MAX_ARGS];
	char stage_names[MAX_STAGES][64];
	size_t n_args = 0, pos = 0, cap = 256, used = 0;
	char *logical = repo_xrealloc(NULL, cap, 1);
	unsigned lineno = 0, start = 0;
	char escape = '\\';
	bool directives = true;
	char *line;

	while ((line = repo_next_line(buf, len, &pos))) {
		const char *s = line + strspn(line, " \t");
		size_t l = strlen(line);
		bool cont;

		lineno++;
		/* parser directives: only leading `# key=value` comments */
		if (directives && s[0] == '#') {
			const char *p = s + 1 + strspn(s + 1, " \t");

			if (!strncasecmp(p, "escape=", 7) && p[7])
				escape = p[7];
			continue;
		}
		directives = false;
		if (s[0] == '#' || (!*s && !used))
			continue;
		while (l && isspace((unsigned char)line[l - 1]))
			l--;
		cont = l && line[l - 1] == escape;
		if (cont)
			l--;
		if (!used)
			start = lineno;
		if (used + l + 2 > cap) {
			cap = (used + l + 2) * 2;
			logical = repo_xrealloc(logical, cap, 1);
		}
		memcpy(logical + used, line, l);
		used += l;
		logical[used++] = ' ';
		logical[used] = '\0';
		if (!cont) {
			instruction(d, logical, start, args, &n_args,
				    stage_names);
			used = 0;
		}
	}
	if (used)
		instruction(d, logical, start, args, &n_args, stage_names);
	free(logical);
}

static const struct repo_file *
primary(const struct repo *r)
{
	const struct repo_file *f = repo_find(r, "Dockerfile");

	if (f && !is_dockerfile(f))
		f = NULL;
	if (!f)
		f = repo_find(r, "Containerfile");
	if (f && !is_dockerfile(f))
		f = NULL;
	for (size_t i = 0; !f && i < r->n_files; i++)
		if (is_dockerfile(&r->files[i]))
			f = &r->files[i];
	return f && !f->is_dir ? f : NULL;
}

/* Base images whose default user is not root: distroless `:nonroot`
 * tags (uid 65532), Chainguard images (nonroot by default, except the
 * `-dev` variants, which run as root so a shell can install things). */
static bool
nonroot_base(const char *image)
{
	if (strstr(image, "nonroot"))
		return true;
	return repo_has_prefix(image, "cgr.dev/chainguard/") &&
	       !strstr(image, "-dev");
}

static void
emit_primary(struct repo *r, const char *path, const struct dockerfile *d)
{
	char *ev;
	bool nonroot;
	unsigned line;

	ev = repo_evidence(path, d->stages >= 2 ? d->second_from_line
						: d->first_from_line);
	repo_emit_bool(r, "container.dockerfile.multistage", d->stages >= 2, ev);
	free(ev);

	if (d->user_line) {
		nonroot = !is_root_user(d->user);
		line = d->user_line;
	} else {
		nonroot = nonroot_base(d->final_image);
		line = d->final_from_line;
	}
	if (d->expose_line) {
		ev = repo_evidence(path, d->expose_line);
		repo_signal(r, SIG_K_DEPLOY, ev, 0);
		free(ev);
	}
	ev = repo_evidence(path, line);
	repo_emit_bool(r, "container.dockerfile.nonroot", nonroot, ev);
	free(ev);

	ev = d->health_line ? repo_evidence(path, d->health_line) : NULL;
	repo_emit_bool(r, "container.dockerfile.healthcheck", d->health_line,
		       ev);
	free(ev);
}

static void
emit_dockerignore(struct repo *r, const char *primary_path)
{
	const char *slash = strrchr(primary_path, '/');
	char *near = NULL;
	const struct repo_file *f = repo_find(r, ".dockerignore");

	if (!f && slash) {
		size_t n = (size_t)(slash - primary_path);

		near = repo_xrealloc(NULL, n + 15, 1);
		snprintf(near, n + 15, "%.*s/.dockerignore", (int)n,
			 primary_path);
		f = repo_find(r, near);
	}
	repo_emit_bool(r, "container.dockerignore", f != NULL,
		       f ? f->path : NULL);
	free(near);
}

void
repo_dockerfiles(struct repo *r)
{
	const struct repo_file *prim = primary(r);
	unsigned count = 0, pinned = 0, unpinned = 0;
	char *pinned_ev = NULL, *unpinned_ev = NULL, *ev;

	for (size_t i = 0; i < r->n_files; i++)
		if (r->files[i].scope == SCOPE_TEST &&
		    any_dockerfile(&r->files[i]))
			repo_signal(r, SIG_TEST_CONTAINERS, r->files[i].path, 0);

	repo_emit_bool(r, "container.dockerfile.present", prim != NULL,
		       prim ? prim->path : NULL);
	if (!prim)
		return;
	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];
		struct dockerfile d = { 0 };
		char *buf;
		size_t len;
		int rc;

		if (!is_dockerfile(f))
			continue;
		count++;
		rc = repo_read(r, f->path, &buf, &len);
		if (rc < 0) {
			r->host->log(r->ctx, OG_LOG_WARN, "%s: not read: %s",
				     f->path, strerror(-rc));
			continue;
		}
		parse(buf, len, &d);
		free(buf);
		if (f == prim)
			emit_primary(r, f->path, &d);
		pinned += d.pinned;
		unpinned += d.unpinned;
		if (d.first_pinned_line)
			repo_keep_first(&pinned_ev, f->path,
					d.first_pinned_line);
		if (d.first_unpinned_line)
			repo_keep_first(&unpinned_ev, f->path,
					d.first_unpinned_line);
	}
	ev = repo_evidence(prim->path, 0);
	repo_emit_number(r, "container.dockerfile.count", count, ev);
	free(ev);
	if (pinned + unpinned) {
		repo_emit_bool(r, "container.dockerfile.base_pinned", !unpinned,
			       unpinned ? unpinned_ev : pinned_ev);
		repo_emit_number(r, "container.base_images.pinned", pinned,
				 pinned_ev);
		repo_emit_number(r, "container.base_images.unpinned", unpinned,
				 unpinned_ev);
	}
	emit_dockerignore(r, prim->path);
	free(pinned_ev);
	free(unpinned_ev);
}
