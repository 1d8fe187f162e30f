/*
 * Package manifests: which libraries the project declares (test
 * frameworks, Sentry, OpenTelemetry, Prometheus clients, feature-flag
 * SDKs, release tooling).  JSON manifests are parsed with cJSON; the
 * others are read line by line and every plausible name on a line is
 * looked up in one table, restricted by ecosystem, so a name only counts
 * where it means that library.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "repo.h"

enum kind {
	K_NPM = 1 << 0,
	K_PY = 1 << 1,
	K_GO = 1 << 2,
	K_MAVEN = 1 << 3,
	K_GRADLE = 1 << 4,
	K_CARGO = 1 << 5,
	K_RUBY = 1 << 6,
	K_COMPOSER = 1 << 7,
	K_DOTNET = 1 << 8,
	K_JVM = K_MAVEN | K_GRADLE,
	K_ALL = 0x1ff,
};

static const struct {
	unsigned kind;
	const char *label;
} kind_labels[] = {
	{ K_NPM, "npm" }, { K_PY, "python" }, { K_GO, "go" },
	{ K_MAVEN, "maven" }, { K_GRADLE, "gradle" }, { K_CARGO, "cargo" },
	{ K_RUBY, "ruby" }, { K_COMPOSER, "composer" }, { K_DOTNET, "dotnet" },
};

enum target { T_SIG, T_TESTFW, T_FF, T_DB };

/* name: lowercase; a trailing '*' matches any suffix. */
static const struct lib {
	unsigned kinds;
	const char *name;
	enum target target;
	enum repo_sig sig;	/* T_SIG, and also set for T_TESTFW extras */
	const char *label;	/* T_TESTFW / T_FF item */
} libs[] = {
	/* test frameworks */
	{ K_NPM, "jest", T_TESTFW, SIG__COUNT, "jest" },
	{ K_NPM, "vitest", T_TESTFW, SIG__COUNT, "vitest" },
	{ K_NPM, "mocha", T_TESTFW, SIG__COUNT, "mocha" },
	{ K_NPM, "jasmine*", T_TESTFW, SIG__COUNT, "jasmine" },
	{ K_NPM, "ava", T_TESTFW, SIG__COUNT, "ava" },
	{ K_NPM, "karma", T_TESTFW, SIG__COUNT, "karma" },
	{ K_NPM, "@playwright/test", T_TESTFW, SIG_TEST_E2E, "playwright" },
	{ K_NPM | K_PY, "playwright", T_TESTFW, SIG_TEST_E2E, "playwright" },
	{ K_PY, "pytest-playwright", T_TESTFW, SIG_TEST_E2E, "playwright" },
	{ K_NPM, "cypress", T_TESTFW, SIG_TEST_E2E, "cypress" },
	{ K_NPM, "@testing-library/*", T_TESTFW, SIG__COUNT, "testing-library" },
	{ K_NPM, "msw", T_TESTFW, SIG__COUNT, "msw" },
	{ K_PY, "pytest", T_TESTFW, SIG__COUNT, "pytest" },
	{ K_PY, "nose2", T_TESTFW, SIG__COUNT, "nose2" },
	{ K_PY, "hypothesis", T_TESTFW, SIG__COUNT, "hypothesis" },
	{ K_GO, "github.com/stretchr/testify", T_TESTFW, SIG__COUNT, "testify" },
	{ K_GO, "github.com/onsi/ginkgo*", T_TESTFW, SIG__COUNT, "ginkgo" },
	{ K_JVM, "junit", T_TESTFW, SIG__COUNT, "junit" },
	{ K_JVM, "junit-jupiter*", T_TESTFW, SIG__COUNT, "junit" },
	{ K_JVM, "org.junit*", T_TESTFW, SIG__COUNT, "junit" },
	{ K_JVM, "testng", T_TESTFW, SIG__COUNT, "testng" },
	{ K_JVM, "org.testng", T_TESTFW, SIG__COUNT, "testng" },
	{ K_JVM, "mockito*", T_TESTFW, SIG__COUNT, "mockito" },
	{ K_JVM, "org.mockito", T_TESTFW, SIG__COUNT, "mockito" },
	{ K_RUBY, "rspec*", T_TESTFW, SIG__COUNT, "rspec" },
	{ K_RUBY, "minitest", T_TESTFW, SIG__COUNT, "minitest" },
	{ K_COMPOSER, "phpunit/phpunit", T_TESTFW, SIG__COUNT, "phpunit" },
	{ K_DOTNET, "xunit*", T_TESTFW, SIG__COUNT, "xunit" },
	{ K_DOTNET, "nunit*", T_TESTFW, SIG__COUNT, "nunit" },
	/* coverage, e2e and load tools */
	{ K_NPM, "nyc", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_NPM, "c8", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_NPM, "@vitest/coverage-*", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_PY, "pytest-cov", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_PY, "coverage", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_JVM, "jacoco*", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_JVM, "org.jacoco", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_DOTNET, "coverlet*", T_SIG, SIG_TEST_COVERAGE, NULL },
	{ K_PY | K_JVM, "selenium*", T_SIG, SIG_TEST_E2E, NULL },
	{ K_NPM, "artillery", T_SIG, SIG_TEST_LOAD, NULL },
	{ K_PY, "locust", T_SIG, SIG_TEST_LOAD, NULL },
	{ K_JVM, "gatling*", T_SIG, SIG_TEST_LOAD, NULL },
	{ K_JVM, "io.gatling*", T_SIG, SIG_TEST_LOAD, NULL },
	/* monitoring */
	{ K_NPM, "@sentry/*", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_PY, "sentry-sdk", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_GO, "github.com/getsentry/sentry-go", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_JVM, "io.sentry", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_JVM, "sentry*", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_RUBY, "sentry-*", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_CARGO, "sentry", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_COMPOSER, "sentry/*", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_DOTNET, "sentry*", T_SIG, SIG_MON_SENTRY, NULL },
	{ K_NPM, "@opentelemetry/*", T_SIG, SIG_MON_OTEL, NULL },
	{ K_PY | K_RUBY | K_CARGO, "opentelemetry*", T_SIG, SIG_MON_OTEL, NULL },
	{ K_GO, "go.opentelemetry.io/otel*", T_SIG, SIG_MON_OTEL, NULL },
	{ K_JVM, "io.opentelemetry*", T_SIG, SIG_MON_OTEL, NULL },
	{ K_DOTNET, "opentelemetry*", T_SIG, SIG_MON_OTEL, NULL },
	{ K_NPM, "prom-client", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_PY | K_RUBY, "prometheus-client", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_GO, "github.com/prometheus/client_golang", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_JVM, "micrometer-registry-prometheus", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_JVM, "io.prometheus*", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_DOTNET, "prometheus-net*", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_CARGO, "prometheus", T_SIG, SIG_MON_PROMETHEUS, NULL },
	{ K_NPM, "dd-trace", T_SIG, SIG_MON_DATADOG, NULL },
	{ K_PY | K_RUBY, "ddtrace", T_SIG, SIG_MON_DATADOG, NULL },
	{ K_GO, "gopkg.in/datadog/dd-trace-go*", T_SIG, SIG_MON_DATADOG, NULL },
	{ K_NPM | K_PY, "newrelic", T_SIG, SIG_MON_NEWRELIC, NULL },
	{ K_RUBY, "newrelic_rpm", T_SIG, SIG_MON_NEWRELIC, NULL },
	/* feature flags */
	{ K_ALL, "launchdarkly*", T_FF, SIG__COUNT, "launchdarkly" },
	{ K_NPM, "@launchdarkly/*", T_FF, SIG__COUNT, "launchdarkly" },
	{ K_GO, "github.com/launchdarkly/*", T_FF, SIG__COUNT, "launchdarkly" },
	{ K_JVM, "com.launchdarkly*", T_FF, SIG__COUNT, "launchdarkly" },
	{ K_ALL, "unleash*", T_FF, SIG__COUNT, "unleash" },
	{ K_NPM, "@unleash/*", T_FF, SIG__COUNT, "unleash" },
	{ K_GO, "github.com/unleash/*", T_FF, SIG__COUNT, "unleash" },
	{ K_JVM, "io.getunleash*", T_FF, SIG__COUNT, "unleash" },
	{ K_ALL, "flagsmith*", T_FF, SIG__COUNT, "flagsmith" },
	{ K_NPM, "@flagsmith/*", T_FF, SIG__COUNT, "flagsmith" },
	{ K_GO, "github.com/flagsmith/*", T_FF, SIG__COUNT, "flagsmith" },
	{ K_NPM, "@openfeature/*", T_FF, SIG__COUNT, "openfeature" },
	{ K_PY | K_RUBY | K_CARGO | K_DOTNET, "openfeature*", T_FF, SIG__COUNT, "openfeature" },
	{ K_GO, "github.com/open-feature/*", T_FF, SIG__COUNT, "openfeature" },
	{ K_JVM, "dev.openfeature*", T_FF, SIG__COUNT, "openfeature" },
	{ K_NPM, "@growthbook/*", T_FF, SIG__COUNT, "growthbook" },
	{ K_ALL, "growthbook*", T_FF, SIG__COUNT, "growthbook" },
	{ K_GO, "github.com/growthbook/*", T_FF, SIG__COUNT, "growthbook" },
	{ K_NPM, "@flipt-io/*", T_FF, SIG__COUNT, "flipt" },
	{ K_GO, "go.flipt.io/*", T_FF, SIG__COUNT, "flipt" },
	{ K_ALL, "configcat*", T_FF, SIG__COUNT, "configcat" },
	{ K_GO, "github.com/configcat/*", T_FF, SIG__COUNT, "configcat" },
	{ K_NPM, "@splitsoftware/*", T_FF, SIG__COUNT, "split" },
	{ K_PY | K_RUBY, "splitio*", T_FF, SIG__COUNT, "split" },
	/* databases: drivers and ORMs (label: engine) */
	{ K_NPM, "pg", T_DB, SIG_DB_USED, "postgres" },
	{ K_NPM, "postgres", T_DB, SIG_DB_USED, "postgres" },
	{ K_NPM, "mysql", T_DB, SIG_DB_USED, "mysql" },
	{ K_NPM, "mysql2", T_DB, SIG_DB_USED, "mysql" },
	{ K_NPM, "mongodb", T_DB, SIG_DB_USED, "mongodb" },
	{ K_NPM, "mongoose", T_DB, SIG_DB_USED, "mongodb" },
	{ K_NPM, "sqlite3", T_DB, SIG_DB_USED, "sqlite" },
	{ K_NPM, "better-sqlite3", T_DB, SIG_DB_USED, "sqlite" },
	{ K_NPM, "tedious", T_DB, SIG_DB_USED, "sqlserver" },
	{ K_NPM, "oracledb", T_DB, SIG_DB_USED, "oracle" },
	{ K_NPM, "sequelize", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "typeorm", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "@prisma/client", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "prisma", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "knex", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "drizzle-orm", T_DB, SIG_DB_USED, "orm" },
	{ K_NPM, "@mikro-orm/core", T_DB, SIG_DB_USED, "orm" },
	{ K_PY, "psycopg*", T_DB, SIG_DB_USED, "postgres" },
	{ K_PY, "asyncpg", T_DB, SIG_DB_USED, "postgres" },
	{ K_PY, "pymysql", T_DB, SIG_DB_USED, "mysql" },
	{ K_PY, "mysqlclient", T_DB, SIG_DB_USED, "mysql" },
	{ K_PY, "aiomysql", T_DB, SIG_DB_USED, "mysql" },
	{ K_PY, "pymongo", T_DB, SIG_DB_USED, "mongodb" },
	{ K_PY, "motor", T_DB, SIG_DB_USED, "mongodb" },
	{ K_PY, "sqlalchemy", T_DB, SIG_DB_USED, "orm" },
	{ K_PY, "sqlmodel", T_DB, SIG_DB_USED, "orm" },
	{ K_PY, "django", T_DB, SIG_DB_USED, "orm" },
	{ K_PY, "peewee", T_DB, SIG_DB_USED, "orm" },
	{ K_PY, "tortoise-orm", T_DB, SIG_DB_USED, "orm" },
	{ K_GO, "github.com/lib/pq", T_DB, SIG_DB_USED, "postgres" },
	{ K_GO, "github.com/jackc/pgx*", T_DB, SIG_DB_USED, "postgres" },
	{ K_GO, "github.com/go-sql-driver/mysql", T_DB, SIG_DB_USED, "mysql" },
	{ K_GO, "go.mongodb.org/mongo-driver*", T_DB, SIG_DB_USED, "mongodb" },
	{ K_GO, "github.com/mattn/go-sqlite3", T_DB, SIG_DB_USED, "sqlite" },
	{ K_GO, "modernc.org/sqlite", T_DB, SIG_DB_USED, "sqlite" },
	{ K_GO, "gorm.io/gorm", T_DB, SIG_DB_USED, "orm" },
	{ K_GO, "entgo.io/ent", T_DB, SIG_DB_USED, "orm" },
	{ K_GO, "github.com/jmoiron/sqlx", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "org.postgresql*", T_DB, SIG_DB_USED, "postgres" },
	{ K_JVM, "postgresql", T_DB, SIG_DB_USED, "postgres" },
	{ K_JVM, "mysql-connector*", T_DB, SIG_DB_USED, "mysql" },
	{ K_JVM, "com.mysql*", T_DB, SIG_DB_USED, "mysql" },
	{ K_JVM, "mariadb-java-client", T_DB, SIG_DB_USED, "mysql" },
	{ K_JVM, "h2", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "spring-boot-starter-data-jpa", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "spring-boot-starter-jdbc", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "spring-boot-starter-data-mongodb", T_DB, SIG_DB_USED, "mongodb" },
	{ K_JVM, "hibernate-core", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "flyway-core", T_DB, SIG_DB_USED, "orm" },
	{ K_JVM, "liquibase-core", T_DB, SIG_DB_USED, "orm" },
	{ K_RUBY, "pg", T_DB, SIG_DB_USED, "postgres" },
	{ K_RUBY, "mysql2", T_DB, SIG_DB_USED, "mysql" },
	{ K_RUBY, "sqlite3", T_DB, SIG_DB_USED, "sqlite" },
	{ K_RUBY, "activerecord", T_DB, SIG_DB_USED, "orm" },
	{ K_RUBY, "mongoid", T_DB, SIG_DB_USED, "mongodb" },
	{ K_RUBY, "sequel", T_DB, SIG_DB_USED, "orm" },
	{ K_CARGO, "sqlx", T_DB, SIG_DB_USED, "orm" },
	{ K_CARGO, "diesel", T_DB, SIG_DB_USED, "orm" },
	{ K_CARGO, "sea-orm", T_DB, SIG_DB_USED, "orm" },
	{ K_CARGO, "postgres", T_DB, SIG_DB_USED, "postgres" },
	{ K_CARGO, "tokio-postgres", T_DB, SIG_DB_USED, "postgres" },
	{ K_CARGO, "rusqlite", T_DB, SIG_DB_USED, "sqlite" },
	{ K_CARGO, "mongodb", T_DB, SIG_DB_USED, "mongodb" },
	{ K_COMPOSER, "doctrine/orm", T_DB, SIG_DB_USED, "orm" },
	{ K_COMPOSER, "illuminate/database", T_DB, SIG_DB_USED, "orm" },
	{ K_DOTNET, "npgsql*", T_DB, SIG_DB_USED, "postgres" },
	{ K_DOTNET, "microsoft.entityframeworkcore*", T_DB, SIG_DB_USED, "orm" },
	{ K_DOTNET, "mysql.data", T_DB, SIG_DB_USED, "mysql" },
	/* server frameworks: the product serves requests */
	{ K_NPM, "express", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "fastify", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "koa", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "@nestjs/core", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "@hapi/hapi", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "next", T_SIG, SIG_K_SERVER, NULL },
	{ K_NPM, "nuxt", T_SIG, SIG_K_SERVER, NULL },
	{ K_PY, "flask", T_SIG, SIG_K_SERVER, NULL },
	{ K_PY, "django", T_SIG, SIG_K_SERVER, NULL },
	{ K_PY, "fastapi", T_SIG, SIG_K_SERVER, NULL },
	{ K_PY, "gunicorn", T_SIG, SIG_K_SERVER, NULL },
	{ K_PY, "uvicorn", T_SIG, SIG_K_SERVER, NULL },
	{ K_GO, "github.com/gin-gonic/gin", T_SIG, SIG_K_SERVER, NULL },
	{ K_GO, "github.com/labstack/echo*", T_SIG, SIG_K_SERVER, NULL },
	{ K_GO, "github.com/go-chi/chi*", T_SIG, SIG_K_SERVER, NULL },
	{ K_GO, "github.com/gofiber/fiber*", T_SIG, SIG_K_SERVER, NULL },
	{ K_GO, "github.com/gorilla/mux", T_SIG, SIG_K_SERVER, NULL },
	{ K_JVM, "spring-boot-starter-web*", T_SIG, SIG_K_SERVER, NULL },
	{ K_JVM, "io.quarkus*", T_SIG, SIG_K_SERVER, NULL },
	{ K_JVM, "io.micronaut*", T_SIG, SIG_K_SERVER, NULL },
	{ K_JVM, "io.ktor*", T_SIG, SIG_K_SERVER, NULL },
	{ K_RUBY, "rails", T_SIG, SIG_K_SERVER, NULL },
	{ K_RUBY, "sinatra", T_SIG, SIG_K_SERVER, NULL },
	{ K_RUBY, "puma", T_SIG, SIG_K_SERVER, NULL },
	{ K_CARGO, "actix-web", T_SIG, SIG_K_SERVER, NULL },
	{ K_CARGO, "axum", T_SIG, SIG_K_SERVER, NULL },
	{ K_CARGO, "rocket", T_SIG, SIG_K_SERVER, NULL },
	{ K_COMPOSER, "laravel/framework", T_SIG, SIG_K_SERVER, NULL },
	{ K_COMPOSER, "symfony/framework-bundle", T_SIG, SIG_K_SERVER, NULL },
	{ K_DOTNET, "microsoft.aspnetcore*", T_SIG, SIG_K_SERVER, NULL },
	/* containers in tests */
	{ K_ALL, "testcontainers*", T_SIG, SIG_TEST_CONTAINERS, NULL },
	{ K_NPM, "@testcontainers/*", T_SIG, SIG_TEST_CONTAINERS, NULL },
	{ K_GO, "github.com/testcontainers/*", T_SIG, SIG_TEST_CONTAINERS, NULL },
	{ K_JVM, "org.testcontainers*", T_SIG, SIG_TEST_CONTAINERS, NULL },
	/* release tooling */
	{ K_NPM, "semantic-release", T_SIG, SIG_REL_SEMANTIC_RELEASE, NULL },
	{ K_NPM, "@semantic-release/*", T_SIG, SIG_REL_SEMANTIC_RELEASE, NULL },
	{ K_NPM, "release-please", T_SIG, SIG_REL_RELEASE_PLEASE, NULL },
	{ K_NPM, "@changesets/cli", T_SIG, SIG_REL_CHANGESETS, NULL },
};

static unsigned
manifest_kind(const struct repo_file *f)
{
	const char *b = f->base;

	if (f->is_dir)
		return 0;
	if (!strcmp(b, "package.json"))
		return K_NPM;
	if ((repo_has_prefix(b, "requirements") && repo_has_suffix(b, ".txt")) ||
	    !strcmp(b, "pyproject.toml") || !strcmp(b, "Pipfile") ||
	    !strcmp(b, "setup.py") || !strcmp(b, "setup.cfg"))
		return K_PY;
	if (!strcmp(b, "go.mod"))
		return K_GO;
	if (!strcmp(b, "pom.xml"))
		return K_MAVEN;
	if (!strcmp(b, "build.gradle") || !strcmp(b, "build.gradle.kts"))
		return K_GRADLE;
	if (!strcmp(b, "Cargo.toml"))
		return K_CARGO;
	if (!strcmp(b, "Gemfile"))
		return K_RUBY;
	if (!strcmp(b, "composer.json"))
		return K_COMPOSER;
	if (repo_has_suffix(b, ".csproj"))
		return K_DOTNET;
	return 0;
}

static bool
name_matches(const char *pattern, const char *name)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return !strncmp(pattern, name, n - 1);
	return !strcmp(pattern, name);
}

static bool
test_related(const struct lib *l)
{
	return l->target == T_TESTFW || l->sig == SIG_TEST_COVERAGE ||
	       l->sig == SIG_TEST_E2E || l->sig == SIG_TEST_LOAD ||
	       l->sig == SIG_TEST_CONTAINERS ||
	       l->sig == SIG_REL_SEMANTIC_RELEASE ||
	       l->sig == SIG_REL_RELEASE_PLEASE || l->sig == SIG_REL_CHANGESETS;
}

/* Look up one declared name (any case; Python's `_` is `-`). */
static void
declared(struct repo *r, unsigned kind, const char *raw, const char *path,
	 unsigned line)
{
	char name[160];
	size_t n = 0;

	for (; raw[n] && n + 1 < sizeof(name); n++) {
		char c = (char)tolower((unsigned char)raw[n]);

		name[n] = kind == K_PY && c == '_' ? '-' : c;
	}
	name[n] = '\0';
	if (!n)
		return;
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		const struct lib *l = &libs[i];

		if (!(l->kinds & kind) || !name_matches(l->name, name))
			continue;
		/* dev/test-only declarations say how the project is tested
		 * and released, not what the product runs */
		if (r->dev_scope && !test_related(l))
			continue;
		/* a sub-package's server framework (otelgin in a repository
		 * of instrumentation libraries) says nothing of the root */
		if (l->sig == SIG_K_SERVER && strchr(path, '/'))
			continue;
		if (l->target == T_DB)
			repo_kind_db(r, l->label, path, line);
		else if (l->target == T_TESTFW)
			repo_set_add(&r->test_frameworks, l->label, path, line);
		else if (l->target == T_FF)
			repo_set_add(&r->ff_libs, l->label, path, line);
		if (l->sig != SIG__COUNT)
			repo_signal(r, l->sig, path, line);
	}
}

static unsigned
line_of_key(const char *buf, const char *key)
{
	size_t n = strlen(key) + 3;
	char *quoted = repo_xrealloc(NULL, n, 1);
	const char *hit;

	snprintf(quoted, n, "\"%s\"", key);
	/* the key, not the same text as a value ("test": "jest") */
	for (hit = strstr(buf, quoted); hit; hit = strstr(hit + 1, quoted)) {
		const char *after = hit + n - 1;

		after += strspn(after, " \t\r\n");
		if (*after == ':')
			break;
	}
	free(quoted);
	return hit ? repo_line_of(buf, (size_t)(hit - buf)) : 0;
}

static void
json_manifest(struct repo *r, unsigned kind, const char *path, const char *buf)
{
	static const char *const npm_sections[] = {
		"dependencies", "devDependencies", "peerDependencies",
		"optionalDependencies", NULL,
	};
	static const char *const composer_sections[] = {
		"require", "require-dev", NULL,
	};
	const char *const *sections = kind == K_NPM ? npm_sections
						    : composer_sections;
	cJSON *root = cJSON_Parse(buf);
	const cJSON *it;

	if (!cJSON_IsObject(root)) {
		r->host->log(r->ctx, OG_LOG_WARN, "%s: not a JSON object",
			     path);
		cJSON_Delete(root);
		return;
	}
	for (size_t s = 0; sections[s]; s++) {
		bool outer = r->dev_scope;

		/* devDependencies / require-dev: tooling, not the product */
		if (!strcmp(sections[s], "devDependencies") ||
		    !strcmp(sections[s], "require-dev"))
			r->dev_scope = true;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root,
								sections[s]))
			declared(r, kind, it->string, path,
				 line_of_key(buf, it->string));
		r->dev_scope = outer;
	}
	if (kind == K_NPM) {
		const cJSON *jest = cJSON_GetObjectItemCaseSensitive(root, "jest");

		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root,
								"scripts"))
			if (cJSON_IsString(it) &&
			    (strstr(it->valuestring, "--coverage") ||
			     repo_has_prefix(it->valuestring, "nyc ") ||
			     repo_has_prefix(it->valuestring, "c8 ")))
				repo_signal(r, SIG_TEST_COVERAGE, path,
					    line_of_key(buf, it->string));
		if (cJSON_GetObjectItemCaseSensitive(jest, "collectCoverage") ||
		    cJSON_GetObjectItemCaseSensitive(jest, "coverageThreshold"))
			repo_signal(r, SIG_TEST_COVERAGE, path,
				    line_of_key(buf, "jest"));
		if (cJSON_GetObjectItemCaseSensitive(root, "renovate"))
			repo_signal(r, SIG_DEPS_RENOVATE, path,
				    line_of_key(buf, "renovate"));
		if (cJSON_GetObjectItemCaseSensitive(root, "release"))
			repo_signal(r, SIG_REL_SEMANTIC_RELEASE, path,
				    line_of_key(buf, "release"));
	}
	cJSON_Delete(root);
}

/* strchr() finds the terminating NUL too: without the `c &&` a name
 * ran on past the end of its line into the next one. */
static bool
name_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("_.@/-", c));
}

/* Every plausible package name on a line: the leading word (requirements,
 * go.mod, TOML keys), each quoted string's leading word and its
 * ':'-separated parts (Gradle coordinates), and XML element text. */
static void
line_names(struct repo *r, unsigned kind, char *line, const char *path,
	   unsigned lineno)
{
	char *p = line + strspn(line, " \t");
	char word[160];
	size_t n = 0;

	if (*p == '#' || !strncmp(p, "//", 2) || !strncmp(p, "<!--", 4))
		return;
	/* go.mod: a dependency of a dependency is not the product's */
	if (kind == K_GO && strstr(p, "// indirect"))
		return;
	while (name_char(p[n]) && n + 1 < sizeof(word)) {
		word[n] = p[n];
		n++;
	}
	word[n] = '\0';
	if (kind == K_GO && !strcmp(word, "require")) {
		p += n + strspn(p + n, " \t(");
		for (n = 0; name_char(p[n]) && n + 1 < sizeof(word); n++)
			word[n] = p[n];
		word[n] = '\0';
	}
	declared(r, kind, word, path, lineno);
	for (p = line; *p; p++) {
		char quote = *p;

		if (quote != '"' && quote != '\'' && quote != '>')
			continue;
		p++;
		for (;;) {
			for (n = 0; name_char(p[n]) && n + 1 < sizeof(word); n++)
				word[n] = p[n];
			word[n] = '\0';
			declared(r, kind, word, path, lineno);
			p += n;
			if (*p != ':' || quote == '>')
				break;
			p++;
		}
		if (!*p)
			break;
	}
}

static void
text_manifest(struct repo *r, unsigned kind, const char *path, char *buf,
	      size_t len)
{
	size_t pos = 0;
	unsigned lineno = 0;
	char *line;

	while ((line = repo_next_line(buf, len, &pos))) {
		lineno++;
		if (kind == K_PY && repo_has_prefix(line, "[tool.coverage"))
			repo_signal(r, SIG_TEST_COVERAGE, path, lineno);
		line_names(r, kind, line, path, lineno);
	}
}

static void
add_kind_label(struct repo *r, unsigned kind, const char *path)
{
	for (size_t i = 0; i < sizeof(kind_labels) / sizeof(kind_labels[0]); i++)
		if (kind_labels[i].kind == kind)
			repo_set_add(&r->manifests, kind_labels[i].label, path,
				     0);
}

/* tools/, internal/tools/, _tools/: modules that pin developer tools */
static bool
dev_tools_dir(const struct repo_file *f)
{
	size_t dir = (size_t)(f->base - f->path);

	if (!dir)
		return false;
	return (dir == 6 && !strncmp(f->path, "tools/", 6)) ||
	       (dir == 7 && !strncmp(f->path, "_tools/", 7)) ||
	       repo_has_suffix(f->path, "/tools/go.mod") ||
	       (dir == 15 && !strncmp(f->path, "internal/tools/", 15));
}

/* A manifest that makes its directory a package of its own. */
static bool
is_package(const struct repo_file *f)
{
	return !strcmp(f->base, "package.json") || !strcmp(f->base, "go.mod") ||
	       !strcmp(f->base, "Cargo.toml") ||
	       !strcmp(f->base, "pyproject.toml") ||
	       !strcmp(f->base, "setup.py") || !strcmp(f->base, "pom.xml") ||
	       !strcmp(f->base, "build.gradle") ||
	       !strcmp(f->base, "build.gradle.kts") ||
	       repo_has_suffix(f->base, ".csproj");
}

void
repo_manifests(struct repo *r)
{
	bool go_mod = false, go_tests = false, cargo = false, tests_dir = false;
	const char *go_ev = NULL, *cargo_ev = NULL;

	for (size_t i = 0; i < r->n_files; i++) {
		const struct repo_file *f = &r->files[i];
		unsigned kind = manifest_kind(f);
		char *buf;
		size_t len;
		int rc;

		if (repo_has_suffix(f->base, "_test.go") && !f->is_dir)
			go_tests = true;
		if (f->is_dir && !strcmp(f->base, "tests"))
			tests_dir = true;
		if (!kind || f->scope == SCOPE_DOCS)
			continue;
		/* tests' manifests and a tools module (tools/go.mod) declare
		 * how the project is built and tested, not what it runs */
		r->dev_scope = f->scope == SCOPE_TEST || dev_tools_dir(f);
		if (!r->dev_scope) {
			add_kind_label(r, kind, f->path);
			if (f->base != f->path && is_package(f)) {
				r->sub_packages++;
				if (!r->sub_package_ev)
					r->sub_package_ev = repo_xstrdup(f->path);
			}
		}
		if (kind == K_GO && !go_mod) {
			go_mod = true;
			go_ev = f->path;
		}
		if (kind == K_CARGO && !cargo) {
			cargo = true;
			cargo_ev = f->path;
		}
		rc = repo_read(r, f->path, &buf, &len);
		if (rc < 0) {
			r->host->log(r->ctx, OG_LOG_WARN, "%s: not read: %s",
				     f->path, strerror(-rc));
			continue;
		}
		if (kind == K_NPM || kind == K_COMPOSER)
			json_manifest(r, kind, f->path, buf);
		else
			text_manifest(r, kind, f->path, buf, len);
		free(buf);
	}
	r->dev_scope = false;
	/* Go and Rust test with the toolchain, not a declared library. */
	if (go_mod && go_tests)
		repo_set_add(&r->test_frameworks, "go-test", go_ev, 0);
	if (cargo && tests_dir)
		repo_set_add(&r->test_frameworks, "cargo-test", cargo_ev, 0);
}
