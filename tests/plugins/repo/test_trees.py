#!/usr/bin/python3
"""repo collector on small hand-written trees, one per behaviour: what is
not the product (scope rules, .gitattributes, .gitignore, --exclude),
project kind and applicability, what CI really runs (Makefile targets,
package.json scripts, wrapper scripts, composite actions), and the
listing of a git checkout from its index.  Each tree has the shape of
the real repository where the collector was once wrong.

usage: test_trees.py PLUGIN_DIR SOURCE_ROOT
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repohelp import (check, expect, facts, finish, git, run,  # noqa: E402
                      setup, tree, val)

PLUGIN_DIR, SRC = sys.argv[1:3]
setup(PLUGIN_DIR)

WF_HEAD = "on: [push, pull_request]\npermissions: {contents: read}\njobs:\n"


def collect(files, status="ok", args=(), prepare=None):
    """facts of a tree made of FILES (after PREPARE(root), if given)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "co")
        os.makedirs(root)
        tree(root, files)
        if prepare:
            prepare(root)
        lines, _ = run(root, status, args)
    return facts(lines), lines


def workflow(run_lines, extra_steps=""):
    steps = "".join("      - run: %s\n" % l for l in run_lines)
    return (WF_HEAD + "  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            + "      - uses: actions/checkout@v4\n" + steps + extra_steps)


# ---- A: scope --------------------------------------------------------

def scope_defaults():
    f, _ = collect({
        "main.go": "package main\n",
        "go.mod": "module example.com/svc\n",
        "test/Dockerfile": "FROM alpine\n",
        "test/docker-compose.yml": "services: {db: {image: postgres}}\n",
        "examples/k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
        "examples/complete/main.tf": "module \"x\" {}\n",
        "vendor/github.com/x/Chart.yaml": "name: x\n",
        "docs/Dockerfile": "FROM nginx\n",
        ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/go\n",
        "tests/fixtures/prometheus.yml": "scrape_configs: []\n",
        "internal/testdata/migrations/001.sql": "create table t();\n",
        "third_party/otel/go.mod":
            "module x\nrequire go.opentelemetry.io/otel v1.0.0\n",
    })
    expect(f, "container.dockerfile.present", False)
    expect(f, "test.containers", True, "test/Dockerfile")
    expect(f, "container.compose", False)
    expect(f, "iac.kubernetes", False)
    expect(f, "iac.terraform", False)
    expect(f, "iac.helm", False)
    expect(f, "monitoring.prometheus", False)
    expect(f, "monitoring.opentelemetry", False)
    expect(f, "db.migrations", False)
    expect(f, "db.used", False)
    expect(f, "repo.scope.excluded.examples", 2, "examples/complete/main.tf")
    expect(f, "repo.scope.excluded.vendored", 2)
    expect(f, "repo.scope.excluded.dev-environment", 1,
           ".devcontainer/Dockerfile")
    expect(f, "repo.scope.excluded.test-fixtures", 2)
    expect(f, "repo.scope.excluded.tests", 2)
    expect(f, "repo.scope.excluded.documentation", 1, "docs/Dockerfile")
    expect(f, "repo.scope.excluded", 7)
    expect(f, "repo.scope.product_files", 2)
    expect(f, "repo.files.count", 12)
    expect(f, "repo.walk.mode", "filesystem")


def scope_attributes_and_excludes():
    f, _ = collect({
        ".gitattributes": "# ours\nlegacy/** linguist-vendored\n"
                          "vendor/ours/** -linguist-vendored\n"
                          "gen/*.yaml linguist-generated=true\n"
                          "examples/prod/** linguist-vendored=false\n",
        "legacy/docker-compose.yml": "services: {}\n",
        "vendor/ours/main.tf": "resource \"x\" \"y\" {}\n",
        "gen/rules.yaml": "groups:\n- rules:\n  - alert: X\n",
        "ops/alertmanager.yml": "route: {}\n",
        "keep/examples/Chart.yaml": "name: x\n",
    }, args=["--exclude", "ops/", "--exclude", "!keep/examples/"])
    expect(f, "container.compose", False)
    expect(f, "iac.terraform", True, "vendor/ours/main.tf")
    expect(f, "monitoring.alerting", False)
    expect(f, "iac.helm", True, "keep/examples/Chart.yaml")
    expect(f, "repo.scope.excluded.vendored", 1, "legacy/docker-compose.yml")
    expect(f, "repo.scope.excluded.generated", 1, "gen/rules.yaml")
    expect(f, "repo.scope.excluded.configured", 1, "ops/alertmanager.yml")


def scope_gitignore_without_git():
    f, _ = collect({
        ".gitignore": "build/\n*.log\n!keep.log\n",
        "build/Dockerfile": "FROM x\n",
        "src/.gitignore": "gen/\n",
        "src/gen/docker-compose.yml": "services: {}\n",
        "keep.log": "x\n",
        "drop.log": "x\n",
        "node_modules/a/Dockerfile": "FROM y\n",
    })
    expect(f, "container.dockerfile.present", False)
    expect(f, "container.compose", False)
    expect(f, "repo.scope.excluded.gitignored", 3)
    expect(f, "repo.scope.excluded.build-output", 1, "node_modules")


def git_index_listing():
    files = {
        "Dockerfile": "FROM alpine\nUSER 10001\nEXPOSE 8080\n",
        "deep/" + "d/" * 45 + "main.tf": "x\n",
        "a/b-c/x.yaml": "k: v\n",
        "a/b/Chart.yaml": "name: x\n",
        "merge/conflict.txt": "x\n",
    }
    for version in ("2", "4"):
        def prepare(root):
            git(root, "init", "-q")
            git(root, "add", "-A")
            git(root, "update-index", "--index-version", version)
            # not tracked, not ignored: not the project's (yet)
            tree(root, {"docker-compose.yml": "services: {}\n",
                        "untracked/Chart.yaml": "name: y\n"})
        f, _ = collect(files, prepare=prepare)
        expect(f, "repo.walk.mode", "git-index", ".git/index")
        expect(f, "container.compose", False)
        expect(f, "iac.helm", True, "a/b/Chart.yaml")
        expect(f, "iac.terraform", True, "deep/" + "d/" * 45 + "main.tf")
        expect(f, "repo.files.count", 5)
        expect(f, "container.dockerfile.nonroot", True, "Dockerfile:2")


def git_index_damaged():
    """a truncated or foreign .git/index: the tree is walked instead,
    never a crash or a made-up listing"""
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "co")
        os.makedirs(root)
        tree(root, {"Chart.yaml": "name: x\n", "a/b/c/Dockerfile": "FROM x\n"})
        git(root, "init", "-q")
        git(root, "add", "-A")
        index = os.path.join(root, ".git", "index")
        with open(index, "rb") as f:
            good = f.read()
        cuts = [0, 4, 11, 12, 30, 62, 70, 90, len(good) // 2, len(good) - 21]
        for cut in cuts + ["count", "version", "pathlen"]:
            data = bytearray(good)
            if cut == "count":
                data[8:12] = b"\xff\xff\xff\xff"
            elif cut == "version":
                data[4:8] = b"\x00\x00\x00\x09"
            elif cut == "pathlen":
                # an entry whose path has no terminating NUL before the end
                data = data[:12 + 62] + b"x" * 40
            else:
                data = data[:cut]
            with open(index, "wb") as f:
                f.write(data)
            lines, err = run(root)
            f = facts(lines)
            expect(f, "iac.helm", True, "Chart.yaml")
            assert f["repo.walk.mode"]["value"] in ("filesystem", "git-index")
            if cut in ("count", "version", "pathlen"):
                expect(f, "repo.walk.mode", "filesystem")
                assert "walking the tree instead" in err, err


def git_worktree_file():
    """a `.git` file (worktree, submodule) points at the git dir"""
    with tempfile.TemporaryDirectory() as tmp:
        main = os.path.join(tmp, "main")
        os.makedirs(main)
        tree(main, {"Chart.yaml": "name: x\n", "README.md": "x\n"})
        git(main, "init", "-q")
        git(main, "add", "-A")
        git(main, "commit", "-qm", "x")
        wt = os.path.join(tmp, "wt")
        git(main, "worktree", "add", "-q", wt)
        tree(wt, {"Dockerfile": "FROM x\n"})      # untracked
        lines, _ = run(wt)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index")
        expect(f, "iac.helm", True, "Chart.yaml")
        expect(f, "container.dockerfile.present", False)


def self_checkout():
    """opsgrade itself: nothing under tests/, data/example/ or examples/
    meets a capability, except testing facts from tests."""
    lines, _ = run(SRC)
    bad = []
    for l in lines:
        if "fact" not in l or not l["evidence"]:
            continue
        k, e = l["fact"], l["evidence"]
        if k.startswith("repo.scope."):
            continue        # the tallies name what they excluded
        if e.startswith("tests/") and (k.startswith("test.") or
                                       k == "ci.tests"):
            continue
        if e.startswith(("tests/", "data/example/", "examples/")):
            bad.append("%s=%s (%s)" % (k, json.dumps(l["value"]), e))
    assert not bad, "evidence outside the product:\n  " + "\n  ".join(bad)
    f = facts(lines)
    assert val(f, "repo.scope.excluded.examples") > 0
    assert val(f, "repo.scope.excluded.test-fixtures") > 0
    expect(f, "project.kind", "cli")


# ---- B: project kind -------------------------------------------------

KINDS = {
    "rust cli": ({"Cargo.toml": "[package]\nname = \"rg\"\nversion = \"1\"\n\n"
                                "[[bin]]\nname = \"rg\"\npath = \"crates/core/main.rs\"\n\n"
                                "[workspace]\nmembers = [\"crates/*\"]\n",
                  "crates/a/Cargo.toml": "[package]\nname = \"a\"\n",
                  "crates/b/Cargo.toml": "[package]\nname = \"b\"\n",
                  "crates/c/Cargo.toml": "[package]\nname = \"c\"\n"},
                 "cli", "Cargo.toml:5"),
    "npm library": ({"package.json": json.dumps({
                        "name": "escape", "version": "1.0.0",
                        "exports": "./index.js",
                        "devDependencies": {"ava": "1", "express": "4"}},
                        indent=1), "index.js": "x\n"},
                    "library", "package.json:4"),
    "node framework (no main, index.js)": (
        {"package.json": json.dumps({"name": "express", "version": "5.0.0",
                                     "dependencies": {"debug": "4"}}),
         "index.js": "x\n", "examples/web/Dockerfile": "FROM node\nEXPOSE 3000\n"},
        "library", "index.js"),
    "node service": ({"package.json": json.dumps({
                          "name": "shop", "private": True,
                          "dependencies": {"express": "4", "pg": "8"}},
                          indent=1),
                      "Dockerfile": "FROM node:20\nEXPOSE 3000\nCMD node .\n"},
                     "service", "Dockerfile:2"),
    "terraform module": ({"main.tf": "resource \"aws_vpc\" \"this\" {}\n",
                          "variables.tf": "", "outputs.tf": "",
                          ".releaserc.json": "{}",
                          "package.json": json.dumps({"private": True,
                              "devDependencies": {"semantic-release": "1"}}),
                          "examples/complete/main.tf": "module \"vpc\" {}\n",
                          "modules/flow/main.tf": ""},
                         "infrastructure", "main.tf"),
    "helm chart repo": ({"charts/a/Chart.yaml": "name: a\n",
                         "charts/a/templates/deploy.yaml":
                             "apiVersion: apps/v1\nkind: Deployment\n",
                         "charts/b/Chart.yaml": "name: b\n"},
                        "infrastructure", "charts/a/Chart.yaml"),
    "npm workspaces": ({"package.json": json.dumps({
                            "private": True, "workspaces": ["packages/*"]}),
                        "packages/a/package.json": "{}",
                        "packages/b/package.json": "{}"},
                       "monorepo", "package.json:1"),
    "go multi-module": ({"go.mod": "module example.com/contrib\n",
                         "instrumentation/a/go.mod": "module a\n",
                         "instrumentation/b/go.mod": "module b\n",
                         "instrumentation/c/go.mod": "module c\n",
                         "instrumentation/d/go.mod": "module d\n",
                         "instrumentation/e/go.mod": "module e\n",
                         "instrumentation/f/go.mod": "module f\n",
                         "instrumentation/g/go.mod": "module g\n",
                         "instrumentation/h/go.mod": "module h\n",
                         "instrumentation/i/go.mod": "module i\n",
                         "instrumentation/j/go.mod": "module j\n",
                         "tools/go.mod": "module tools\n"},
                        "monorepo", "instrumentation/a/go.mod"),
    "go service": ({"go.mod": "module example.com/am\n",
                    "cmd/am/main.go": "package main\n",
                    "Dockerfile": "FROM quay.io/prometheus/busybox\nEXPOSE 9093\n"},
                   "service", "Dockerfile:2"),
    "go cli": ({"go.mod": "module example.com/tool\n",
                "cmd/tool/main.go": "package main\n"},
               "cli", "cmd/tool/main.go"),
    "go library": ({"go.mod": "module example.com/lib\n", "lib.go": "package lib\n"},
                   "library", "go.mod:1"),
    "python library": ({"pyproject.toml": "[build-system]\nrequires = []\n\n"
                                          "[project]\nname = \"requests\"\n"},
                       "library", "pyproject.toml:4"),
    "python cli": ({"pyproject.toml": "[project]\nname = \"t\"\n\n"
                                      "[project.scripts]\nt = \"t:main\"\n"},
                   "cli", "pyproject.toml:4"),
    "spring app": ({"pom.xml": "<project>\n<build><plugins><plugin>\n"
                               "<artifactId>spring-boot-maven-plugin</artifactId>\n"
                               "</plugin></plugins></build>\n</project>\n",
                    "mvnw": "#!/bin/sh\n",
                    # Java packages named like examples are the product
                    "src/main/java/com/example/demo/k8s/deploy.yaml":
                        "apiVersion: v1\nkind: Service\n",
                    "src/test/java/org/x/samples/AppTests.java": "x\n"},
                   "service", "src/main/java/com/example/demo/k8s/deploy.yaml:1"),
    "shell tool": ({"package.json": json.dumps({"name": "nvm",
                                                "version": "0.40.0",
                                                "scripts": {"test": "make test"}}),
                    "nvm.sh": "nvm() { :; }\n", "install.sh": "x\n",
                    "test/fast/Unit": "x\n"},
                   "cli", "nvm.sh"),
}


def kinds():
    for name, (files, kind, evidence) in KINDS.items():
        f, _ = collect(files)
        try:
            expect(f, "project.kind", kind, evidence)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (name, e))


def java_packages_not_examples():
    f, _ = collect(KINDS["spring app"][0])
    expect(f, "iac.kubernetes", True,
           "src/main/java/com/example/demo/k8s/deploy.yaml:1")
    expect(f, "test.files.count", 1)


def kind_unknown():
    _, lines = collect({"README.md": "hello\n"})
    assert {"unknown": "project.kind", "reason":
            "no manifest, entry point, deployment or module layout decides "
            "what the project is"} in lines, lines


def applicability():
    f, _ = collect(KINDS["node service"][0])
    expect(f, "db.used", True, "package.json:6")
    expect(f, "db.engines", ["postgres"])
    expect(f, "project.deployable", True, "Dockerfile:2")
    expect(f, "project.builds_image", True, "Dockerfile")
    expect(f, "project.publishes_package", False)
    f, _ = collect(KINDS["npm library"][0])
    expect(f, "db.used", False)
    expect(f, "project.deployable", False)   # express only as devDependency
    expect(f, "project.builds_image", False)
    expect(f, "project.publishes_package", True, "package.json:2")
    f, _ = collect({"requirements.txt": "flask\n",
                    "docker-compose.yml": "services:\n  db:\n    image: "
                                          "docker.io/library/postgres:16\n"})
    expect(f, "db.used", True, "docker-compose.yml:3")
    f, _ = collect({"go.mod": "module x\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.0.0\n)\n"})
    expect(f, "db.engines", ["postgres"], "go.mod:3")


# ---- C: what CI runs -------------------------------------------------

def ci_tests_resolved():
    cases = [
        ({".github/workflows/ci.yml": workflow(["./mvnw -B verify"])},
         ".github/workflows/ci.yml:8"),
        ({".github/workflows/ci.yml": workflow(["./gradlew build --scan"])},
         ".github/workflows/ci.yml:8"),
        ({".github/workflows/ci.yml": workflow(["npm ci", "npm run test-ci"])},
         ".github/workflows/ci.yml:9"),
        ({".github/workflows/ci.yml": workflow(["make ci"]),
          "Makefile": "include Makefile.common\n\nci: lint unit\n\t@echo ok\n",
          "Makefile.common": "lint:\n\tgolangci-lint run\n\n"
                             "unit:\n\t$(GO) test ./...\n\t go test -race ./...\n"},
         "Makefile.common:6"),
        ({".github/workflows/ci.yml": workflow(["npm run ci"]),
          "package.json": json.dumps({"scripts": {
              "ci": "npm run lint && npm run cover", "lint": "eslint .",
              "cover": "c8 mocha"}}, indent=1)},
         "package.json:5"),
        ({".github/workflows/ci.yml": workflow(["./scripts/ci.sh"]),
          "scripts/ci.sh": "#!/bin/sh\nset -e\n# pytest is below\npython -m pytest -q\n"},
         "scripts/ci.sh:4"),
        ({".github/workflows/ci.yml": workflow(["nox -s tests"])},
         ".github/workflows/ci.yml:8"),
        # ripgrep: cargo or cross, chosen through the environment
        ({".github/workflows/ci.yml": workflow(
            ["${{ env.CARGO }} test --verbose --workspace"])},
         ".github/workflows/ci.yml:8"),
        # nvm: a make target named per matrix shell
        ({".github/workflows/ci.yml": workflow(
            ["make TEST_SUITE=fast test-${{ matrix.shell }}"])},
         ".github/workflows/ci.yml:8"),
        # a Helm chart repository: helm test after an install in kind
        ({".github/workflows/ci.yml": workflow(
            ["ct lint --config ct.yaml", "helm test \"$chart\" --logs"])},
         ".github/workflows/ci.yml:9"),
        ({".travis.yml": "language: node_js\nnode_js: [18, 20]\n"
                         "script:\n  - npm test\n"}, ".travis.yml:4"),
    ]
    for files, evidence in cases:
        f, _ = collect(files)
        try:
            expect(f, "ci.tests", True, evidence)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (sorted(files), e))


def real_repo_regressions():
    """shapes met on real repositories (docs/notes: opentelemetry-go-
    contrib, requests, helm-charts, alertmanager)"""
    # a Go library monorepo with requirements.txt for its docs tooling,
    # and a server framework only in one instrumentation module
    files = dict(KINDS["go multi-module"][0])
    files["requirements.txt"] = "codespell\n"
    files["instrumentation/a/go.mod"] = ("module a\nrequire github.com/"
                                         "gin-gonic/gin v1.9.0\n")
    f, _ = collect(files)
    expect(f, "project.kind", "monorepo")
    assert "service" not in val(f, "project.kinds"), f["project.kinds"]
    # a library released to PyPI through a protected environment
    f, _ = collect({"pyproject.toml": "[project]\nname = \"requests\"\n",
                    ".github/workflows/publish.yml": WF_HEAD +
                    "  publish:\n    runs-on: ubuntu-latest\n"
                    "    environment: pypi\n    steps:\n"
                    "      - uses: pypa/gh-action-pypi-publish@release/v1\n"})
    expect(f, "project.kind", "library")
    expect(f, "ci.deploy_job", True, ".github/workflows/publish.yml:6")
    expect(f, "project.deployable", False)
    # a bot's environment is not a deployment
    f, _ = collect({".github/workflows/ci.yml": WF_HEAD +
                    "  automerge:\n    runs-on: ubuntu-latest\n"
                    "    environment: renovate-auto-merge\n    steps:\n"
                    "      - run: gh pr merge --auto\n"})
    expect(f, "ci.deploy_job", False)
    # Prometheus' shared actions: promu crossbuild, image publishing
    f, _ = collect({".github/workflows/ci.yml": workflow(
        [], "      - uses: prometheus/promci/build@v0.9.0\n"
            "      - uses: prometheus/promci/publish_main@v0.9.0\n")})
    expect(f, "ci.multi_platform", True, ".github/workflows/ci.yml:8")
    expect(f, "ci.container_build", True, ".github/workflows/ci.yml:9")


def travis_recognised():
    f, _ = collect({".travis.yml": "language: python\npython:\n  - 3.11\n"
                                   "  - 3.12\ncache: pip\nscript: tox\n"})
    expect(f, "ci.present", True, ".travis.yml")
    expect(f, "ci.provider", "travis-ci")
    expect(f, "ci.pr_trigger", True)
    expect(f, "ci.matrix", True, ".travis.yml:2")
    expect(f, "ci.cache", True, ".travis.yml:5")


def root_test_js():
    f, _ = collect({"package.json": json.dumps({
                        "name": "x", "version": "1.0.0",
                        "scripts": {"test": "mocha"},
                        "devDependencies": {"mocha": "10"}}),
                    "index.js": "x\n", "test.js": "x\n"})
    expect(f, "test.present", True, "test.js")
    expect(f, "test.frameworks", ["mocha"])


def manifest_lines():
    f, _ = collect({"pyproject.toml": "[project]\nname = \"demo\"\n"
                                      "requires-python = \">=3.9\"\n"
                                      "# \"sentry-sdk>=1\",\n"
                                      "dependencies = []\n\n"
                                      "[project.optional-dependencies]\n"
                                      "test = [\n  \"pytest>=7\",\n]\n",
                    "pom.xml": "<project>\n<dependencies>\n"
                               "<!-- <dependency><artifactId>sentry</artifactId></dependency> -->\n"
                               "<dependency><artifactId>junit</artifactId></dependency>\n"
                               "</dependencies>\n</project>\n"})
    expect(f, "monitoring.sentry", False)
    expect(f, "test.frameworks", ["junit", "pytest"])
    with tempfile.TemporaryDirectory() as tmp:
        tree(tmp, {"pyproject.toml": "[project]\nname = \"demo\"\n"
                                     "requires-python = \">=3.9\"\n"
                                     "dependencies = [\"pytest\"]\n"})
        lines, _ = run(tmp)
    expect(facts(lines), "test.frameworks", ["pytest"], "pyproject.toml:4")


def indirect_and_tools():
    f, _ = collect({"go.mod": "module x\n\nrequire (\n"
                              "\tgithub.com/spf13/cobra v1.8.0\n"
                              "\tgo.opentelemetry.io/otel v1.20.0 // indirect\n)\n",
                    "tools/go.mod": "module tools\nrequire github.com/prometheus/"
                                    "client_golang v1.0.0\n",
                    "package.json": json.dumps({"name": "x", "version": "1",
                        "devDependencies": {"@sentry/node": "7"}})})
    expect(f, "monitoring.opentelemetry", False)
    expect(f, "monitoring.prometheus", False)
    expect(f, "monitoring.sentry", False)


def actions_and_builds():
    f, _ = collect({
        ".github/workflows/ci.yml": workflow(
            ["ko build ./cmd/app", "promu crossbuild", "make image"],
            "      - uses: golang/govulncheck-action@v1\n"
            "      - uses: ./.github/actions/scan\n"
            "      - uses: github/codeql-action/upload-sarif@v3\n"),
        ".github/actions/scan/action.yml":
            "name: scan\nruns:\n  using: composite\n  steps:\n"
            "    - uses: aquasecurity/trivy-action@0.20.0\n"
            "    - run: gitleaks detect\n      shell: bash\n",
        "Makefile": "image:\n\tdocker buildx build --platform linux/amd64 -t x .\n",
    })
    expect(f, "security.scan.govulncheck" if False else "security.scan.trivy",
           True, ".github/actions/scan/action.yml:5")
    assert "govulncheck" in val(f, "security.scan.tools"), f["security.scan.tools"]
    expect(f, "security.secret_scan", True, ".github/actions/scan/action.yml:6")
    expect(f, "ci.container_build", True, ".github/workflows/ci.yml:8")
    expect(f, "ci.multi_platform", True, ".github/workflows/ci.yml:9")
    expect(f, "security.sast.codeql", False)
    f, _ = collect({".github/workflows/ci.yml": workflow(["make image"]),
                    "Makefile": "image:\n\tdocker build -t x .\n"})
    expect(f, "ci.container_build", True, "Makefile:2")


def nonroot_bases():
    for base, want in [("gcr.io/distroless/static-debian12:nonroot", True),
                       ("cgr.dev/chainguard/static:latest", True),
                       ("cgr.dev/chainguard/python:latest-dev", False),
                       ("gcr.io/distroless/static-debian12", False)]:
        f, _ = collect({"Dockerfile": "FROM golang AS build\nRUN make\n"
                                      "FROM %s\nCOPY --from=build /x /x\n" % base})
        expect(f, "container.dockerfile.nonroot", want, "Dockerfile:3")


def deploy_heuristics():
    kind_job = (WF_HEAD + "  e2e:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: helm/kind-action@v1\n"
                "      - run: kubectl apply -f deploy/\n"
                "      - run: helm install x ./chart\n")
    secrets_job = (WF_HEAD + "  integration:\n    runs-on: ubuntu-latest\n"
                   "    environment: integration-tests\n    steps:\n"
                   "      - run: go test -tags integration ./...\n")
    f, _ = collect({".github/workflows/e2e.yml": kind_job,
                    ".github/workflows/it.yml": secrets_job})
    expect(f, "ci.deploy_job", False)
    assert val(f, "ci.environments") == ["integration-tests"]
    prod = (WF_HEAD + "  release:\n    runs-on: ubuntu-latest\n"
            "    environment: production\n    steps:\n      - run: ./release.sh\n")
    f, _ = collect({".github/workflows/cd.yml": prod})
    expect(f, "ci.deploy_job", True, ".github/workflows/cd.yml:6")


check("scope: tests, examples, vendored, fixtures, docs, dev container", scope_defaults)
check("scope: .gitattributes linguist-* and --exclude", scope_attributes_and_excludes)
check("scope: .gitignore and build output without git", scope_gitignore_without_git)
check("git index v2 and v4: tracked files only, depth 46", git_index_listing)
check("git index damaged: walked instead", git_index_damaged)
check("git worktree: .git file", git_worktree_file)
check("opsgrade's own checkout: no evidence from tests/examples", self_checkout)
check("project kind of fifteen shapes", kinds)
check("project kind unknown when nothing decides", kind_unknown)
check("Java packages named example/samples are the product", java_packages_not_examples)
check("applicability: db.used, deployable, builds_image, publishes", applicability)
check("ci.tests through mvnw, gradlew, npm scripts, make, scripts, nox, travis", ci_tests_resolved)
check("shapes from real repositories", real_repo_regressions)
check("Travis CI recognised", travis_recognised)
check("root test.js with mocha", root_test_js)
check("manifest lines stay on their line; comments are not deps", manifest_lines)
check("go.mod // indirect, tools/go.mod, devDependencies", indirect_and_tools)
check("uses: actions, composite actions, ko, promu, Makefile builds", actions_and_builds)
check("non-root distroless and Chainguard bases", nonroot_bases)
check("deploy jobs: kind clusters and test environments are not deploys", deploy_heuristics)
finish()
