#!/usr/bin/python3
"""repo collector on git checkouts made by the real git: only what version
control tracks is listed (untracked build output and ignored files are
not), sparse checkouts with and without a sparse index, submodules,
worktrees, deep paths, symlinks, a split index, a corrupt index or a
missing shared index (the tree is walked instead, and the report says why), a bare repository, and an
index crafted with paths that would leave the checkout.

usage: test_git.py PLUGIN_DIR SOURCE_ROOT
"""
import hashlib
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repohelp import (check, expect, facts, finish, git, run,  # noqa: E402
                      setup, tree, val)

PLUGIN_DIR, SRC = sys.argv[1:3]
setup(PLUGIN_DIR)


def committed(tmp, files, name="co"):
    """A repository in TMP/NAME with FILES added and committed."""
    root = os.path.join(tmp, name)
    os.makedirs(root)
    tree(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    return root


def untracked_and_ignored():
    """build output and ignored files in a git checkout are not listed,
    though the same names would be in a tracked directory"""
    with tempfile.TemporaryDirectory() as tmp:
        root = committed(tmp, {".gitignore": "out/\n*.log\n",
                               "src/main.c": "int main;\n",
                               "charts/x/Chart.yaml": "name: x\n"})
        tree(root, {"out/Dockerfile": "FROM x\n",           # ignored
                    "build/deploy/Chart.yaml": "name: y\n",  # untracked
                    "node_modules/m/package.json": "{}\n",
                    "x.log": "x\n",
                    "Dockerfile": "FROM scratch\n"})          # untracked
        lines, _ = run(root)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index", ".git/index")
        expect(f, "repo.files.count", 3)
        expect(f, "container.dockerfile.present", False)
        expect(f, "iac.helm", True, "charts/x/Chart.yaml")
        expect(f, "repo.walk.complete", True)
        assert "repo.scope.excluded.build-output" not in f, f


def sparse(index):
    """a cone-mode sparse checkout lists what is checked out, and counts
    what is not (skip-worktree entries or sparse directory entries)"""
    def fn():
        with tempfile.TemporaryDirectory() as tmp:
            src = committed(tmp, {"README.md": "x\n",
                                  "app/Dockerfile": "FROM x\nUSER 1000\n",
                                  "infra/main.tf": "x\n",
                                  "infra/deep/er/Chart.yaml": "name: x\n"},
                            "src")
            root = os.path.join(tmp, "co")
            git(tmp, "clone", "-q", "--no-checkout", src, root)
            git(root, "sparse-checkout", "init", "--cone",
                "--sparse-index" if index else "--no-sparse-index")
            git(root, "sparse-checkout", "set", "app")
            git(root, "checkout", "-q", "main")
            with open(os.path.join(root, ".git", "index"), "rb") as fh:
                has_dirs = b"sdir" in fh.read()
            assert has_dirs == index, "git wrote no sparse index" \
                if index else "git wrote a sparse index"
            lines, err = run(root)
            f = facts(lines)
            expect(f, "repo.walk.mode", "git-index")
            expect(f, "container.dockerfile.present", True, "app/Dockerfile")
            expect(f, "container.dockerfile.nonroot", True, "app/Dockerfile:2")
            expect(f, "iac.terraform", False)
            expect(f, "iac.helm", False)
            expect(f, "repo.files.count", 2)        # README.md, app/Dockerfile
            # a sparse index holds "infra/" as one entry; a full one the files
            expect(f, "repo.walk.not_checked_out", 1 if index else 2,
                   "infra/" if index else "infra/deep/er/Chart.yaml")
            assert "walking the tree" not in err, err
    return fn


def submodule():
    """a submodule is another project: tallied as vendored, its files
    (even checked out) never listed"""
    with tempfile.TemporaryDirectory() as tmp:
        sub = committed(tmp, {"Chart.yaml": "name: sub\n",
                              "Dockerfile": "FROM x\n"}, "sub")
        root = committed(tmp, {"README.md": "x\n"})
        git(root, "submodule", "add", "-q", sub, "libs/sub")
        git(root, "commit", "-qm", "sub")
        assert os.path.exists(os.path.join(root, "libs/sub/Chart.yaml"))
        lines, _ = run(root)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index")
        expect(f, "iac.helm", False)
        expect(f, "container.dockerfile.present", False)
        expect(f, "repo.scope.excluded.vendored", 1, "libs/sub")
        expect(f, "repo.files.count", 3)    # README.md .gitmodules libs/sub
        # the submodule's own checkout, inspected itself (.git is a file)
        lines, _ = run(os.path.join(root, "libs/sub"))
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index", ".git/index")
        expect(f, "iac.helm", True, "Chart.yaml")


def worktree_deep_v4():
    """a linked worktree (.git is a file) with an index in version 4
    (prefix-compressed paths) and a path 150 directories deep: all
    listed, nothing partial"""
    with tempfile.TemporaryDirectory() as tmp:
        deep = "/".join("d%d" % i for i in range(150)) + "/main.tf"
        root = committed(tmp, {"Chart.yaml": "name: x\n", deep: "x\n",
                               "a/b-c/x.txt": "x\n", "a/b/y.txt": "y\n"})
        wt = os.path.join(tmp, "wt")
        git(root, "worktree", "add", "-q", wt)
        git(wt, "update-index", "--index-version", "4")
        tree(wt, {"Dockerfile": "FROM x\n"})      # untracked
        lines, _ = run(wt)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index")
        expect(f, "repo.walk.complete", True)
        expect(f, "iac.terraform", True, deep)
        expect(f, "container.dockerfile.present", False)
        expect(f, "repo.files.count", 4)


def symlinks():
    """tracked symlinks are not followed; a tracked directory swapped for
    a link (here to an untracked directory, inside the checkout so the
    plugin's sandbox would allow it) is not read through"""
    with tempfile.TemporaryDirectory() as tmp:
        root = committed(tmp, {"docker/Dockerfile": "FROM x\n",
                               "README.md": "x\n"})
        os.symlink("README.md", os.path.join(root, "Dockerfile"))
        git(root, "add", "Dockerfile")
        git(root, "commit", "-qm", "link")
        tree(root, {"elsewhere/Dockerfile": "FROM x\nUSER 1000\n" +
                    "#" * 5000})
        os.remove(os.path.join(root, "docker/Dockerfile"))
        os.rmdir(os.path.join(root, "docker"))
        os.symlink("elsewhere", os.path.join(root, "docker"))
        lines, err = run(root)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index")
        expect(f, "repo.files.count", 2)    # the link is not a file
        expect(f, "repo.read.bytes", 0)
        assert f.get("container.dockerfile.nonroot", {}).get("value") \
            is not True, f["container.dockerfile.nonroot"]
        assert "docker/Dockerfile: not read" in err, err


def index_entry(path, mode=0o100644):
    e = struct.pack(">10I", 0, 0, 0, 0, 0, 0, mode, 0, 0, 0)
    e += hashlib.sha1(b"x").digest() + struct.pack(">H", min(len(path), 0xFFF))
    e += path
    return e + b"\0" * (8 - len(e) % 8)


def hostile_paths():
    """an index crafted with paths git refuses (.., .git, absolute, empty
    components): never listed or read, counted, and said"""
    with tempfile.TemporaryDirectory() as tmp:
        secret = os.path.join(tmp, "escape")
        tree(secret, {"Chart.yaml": "name: stolen\n"})
        root = os.path.join(tmp, "co")
        tree(root, {"ok/Chart.yaml": "name: x\n",
                    ".git/x/Chart.yaml": "name: git\n"})
        git(root, "init", "-q")
        paths = sorted([b"../escape/Chart.yaml", b".git/x/Chart.yaml",
                        b".GIT/x/Dockerfile", b"/etc/passwd",
                        b"a//Chart.yaml", b"./Chart.yaml", b"ok/../x",
                        b"ok/Chart.yaml", b"line\nbreak/Chart.yaml"])
        body = b"DIRC" + struct.pack(">II", 2, len(paths))
        body += b"".join(index_entry(p) for p in paths)
        body += hashlib.sha1(body).digest()
        with open(os.path.join(root, ".git", "index"), "wb") as fh:
            fh.write(body)
        lines, err = run(root)
        f = facts(lines)
        expect(f, "repo.walk.mode", "git-index")
        expect(f, "repo.walk.unsafe_paths", 7)
        expect(f, "iac.helm", True)
        assert val(f, "repo.files.count") == 2, f["repo.files.count"]
        for l in lines:
            if l.get("evidence") == ".git/index":
                continue
            text = repr(l)
            assert "escape" not in text and ".git/" not in text, l
        assert "could leave the checkout" in err, err


def split_index():
    """a split index (core.splitIndex, in versions 2 and 4) is read over
    its shared index: entries deleted, replaced and added since the
    shared index was written all count as git says"""
    for version in ("2", "4"):
        with tempfile.TemporaryDirectory() as tmp:
            files = {"src/f%02d.c" % i: "x\n" for i in range(40)}
            files.update({"Dockerfile": "FROM x\n",
                          "charts/x/Chart.yaml": "name: x\n",
                          "z/last.txt": "x\n"})
            root = committed(tmp, files)
            git(root, "config", "core.splitIndex", "true")
            git(root, "update-index", "--index-version", version)
            git(root, "update-index", "--split-index")
            git(root, "rm", "-q", "--cached", "charts/x/Chart.yaml")
            tree(root, {"Dockerfile": "FROM x\nUSER 1000\n",
                        "infra/main.tf": "x\n", "a.txt": "x\n",
                        "untracked/Chart.yaml": "name: y\n"})
            git(root, "add", "Dockerfile", "infra/main.tf", "a.txt")
            with open(os.path.join(root, ".git", "index"), "rb") as fh:
                assert b"link" in fh.read(), "git wrote no split index"
            shared = [n for n in os.listdir(os.path.join(root, ".git"))
                      if n.startswith("sharedindex.")]
            assert shared, "no shared index"
            lines, err = run(root)
            f = facts(lines)
            expect(f, "repo.walk.mode", "git-index", ".git/index")
            expect(f, "iac.helm", False)             # deleted, untracked
            expect(f, "iac.terraform", True, "infra/main.tf")     # added
            expect(f, "container.dockerfile.nonroot", True, "Dockerfile:2")
            expect(f, "repo.files.count", 40 + 4)
            assert "walking the tree" not in err, err
            # a shared index claiming more entries than it can hold
            path = os.path.join(root, ".git", shared[0])
            with open(path, "rb") as fh:
                good = fh.read()
            with open(path, "wb") as fh:
                fh.write(good[:8] + b"\xff\xff\xff\xf0" + good[12:])
            lines, err = run(root)
            f = facts(lines)
            expect(f, "repo.walk.mode", "filesystem")
            expect(f, "repo.walk.index_error",
                   "a split index this reader does not understand")
            # the shared index gone: the tree is walked, and said
            for n in shared:
                os.remove(os.path.join(root, ".git", n))
            lines, err = run(root)
            f = facts(lines)
            expect(f, "repo.walk.mode", "filesystem")
            assert "shared index is missing" in val(
                f, "repo.walk.index_error"), f
            assert "walking the tree instead" in err, err


def corrupt_index():
    """an index that is not one: a clear warning, the tree walked, and
    the reason in the report"""
    with tempfile.TemporaryDirectory() as tmp:
        root = committed(tmp, {"Chart.yaml": "name: x\n"})
        with open(os.path.join(root, ".git", "index"), "wb") as fh:
            fh.write(b"DIRC\0\0\0\x07" + b"\xff" * 40)
        lines, err = run(root)
        f = facts(lines)
        expect(f, "repo.walk.mode", "filesystem")
        expect(f, "repo.walk.index_error",
               "not a git index this reader understands", ".git/index")
        expect(f, "iac.helm", True, "Chart.yaml")
        assert ".git/index: not a git index" in err, err


def bare_repository():
    """a bare repository has no checkout: the collector fails and says
    so, instead of reporting git's internals as the project"""
    with tempfile.TemporaryDirectory() as tmp:
        src = committed(tmp, {"Chart.yaml": "name: x\n"}, "src")
        bare = os.path.join(tmp, "bare.git")
        git(tmp, "clone", "-q", "--bare", src, bare)
        _, err = run(bare, "failed")
        assert "bare git repository" in err, err


check("untracked build output and ignored files not listed", untracked_and_ignored)
check("sparse checkout, full index", sparse(False))
check("sparse checkout, sparse index", sparse(True))
check("submodule: another project, tallied", submodule)
check("worktree, index v4, 150 levels deep", worktree_deep_v4)
check("symlinks never followed, not even through a directory", symlinks)
check("crafted index: paths leaving the checkout", hostile_paths)
check("split index (v2, v4) over its shared index; shared index missing", split_index)
check("corrupt index: walked instead, said", corrupt_index)
check("bare repository: failed with the reason", bare_repository)
finish()
