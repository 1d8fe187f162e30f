#!/usr/bin/python3
"""contrib/kubernetes/ and the GitHub Actions matrix variant, without a
cluster or a runner.

1. Structure: every manifest parses, passes k8s_schema (fields, types,
   enumerations), and the objects fit together: mounts name volumes,
   volumes name the ConfigMap and claim shipped, the shard count equals
   the Indexed Job's completions (the CronJob's plus its merger), the
   secret is the one the instructions create, every path written is on a
   writable mount (the root filesystem is read-only), every opsgrade
   option used exists for its subcommand.
2. The same layout run locally against the loopback GitHub fixture: the
   Indexed Job's pods as parallel processes with the environment the Job
   controller gives them (JOB_COMPLETION_INDEX, $(VAR) expansion, the
   downward API's job name, the secret), the volumes as directories; then
   the merge Job; then the CronJob's N+1 pods at once (the last merging).
   The merged report must equal one unsharded run of the same config.
3. The matrix workflow's run steps, one workspace per job, artifacts
   carried between them as upload/download-artifact would."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ["OG_SOURCE_ROOT"]
OPSGRADE = os.environ["OPSGRADE"]
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
from ogtest import check, done  # noqa: E402
import cmdline  # noqa: E402
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
import k8s_schema  # noqa: E402

K8S = os.path.join(SRC, "contrib", "kubernetes")
WORKFLOW = os.path.join(SRC, "contrib", "ci", "github-actions-org.yml")
TOKEN = "ghp_k8sTESTtokenVALUE"
TIMEOUT = 300
# the downward API fields an env var may take (core/v1 ObjectFieldSelector)
FIELD_PATHS = re.compile(r"^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)"
                         r"\['[^']+'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIP|podIP|"
                         r"podIPs))$")


def load_manifests():
    objs = {}
    for path in sorted(glob.glob(os.path.join(K8S, "*.yaml"))):
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        for i, d in enumerate(docs):
            where = "%s#%d" % (os.path.basename(path), i)
            errs = k8s_schema.validate(d, where)
            check("%s: %s schema" % (where, d.get("kind")), not errs, errs)
            objs[(d.get("kind"), d["metadata"]["name"])] = d
    return objs


def job_spec(obj):
    return obj["spec"]["jobTemplate"]["spec"] if obj["kind"] == "CronJob" else obj["spec"]


def env_value(container, name):
    for e in container.get("env", []):
        if e["name"] == name:
            return e.get("value")
    return None


def mount_paths(container):
    return sorted((m["mountPath"] for m in container.get("volumeMounts", [])),
                  key=len, reverse=True)


def abs_paths(text):
    return re.findall(r"(?<![\w.$}/-])(/[A-Za-z][\w.-]*(?:/[\w.$()-]*)*)", text)


def scripts_of(container, objs):
    """The shell text a container runs: sh -c TEXT, or sh FILE from the
    ConfigMap."""
    argv = container.get("command", []) + container.get("args", [])
    if argv[:2] == ["/bin/sh", "-c"]:
        return [argv[2]]
    if argv and argv[0] == "/bin/sh":
        name = os.path.basename(argv[1])
        return [d["data"][name] for (k, _), d in objs.items()
                if k == "ConfigMap" and name in d.get("data", {})]
    return []


def structure(objs, env):
    kinds = sorted(k for k, _ in objs)
    check("kinds shipped", kinds == ["ConfigMap", "CronJob", "Job", "Job",
                                     "PersistentVolumeClaim"], kinds)
    config_text = open(os.path.join(K8S, "config.yaml")).read()
    dockerfile = open(os.path.join(SRC, "Dockerfile")).read()
    uid = int(re.search(r"^USER (\d+)", dockerfile, re.M).group(1))
    images = set()
    counts = {}
    for (kind, name), obj in sorted(objs.items()):
        if kind not in ("Job", "CronJob"):
            continue
        js = job_spec(obj)
        pod = js["template"]["spec"]
        c = pod["containers"][0]
        images.add(c["image"])
        tag = "%s/%s" % (kind, name)
        check(tag + ": restartPolicy Never (podFailurePolicy needs it)",
              pod.get("restartPolicy") == "Never")
        for rule in js.get("podFailurePolicy", {}).get("rules", []):
            check(tag + ": podFailurePolicy names the container",
                  rule["onExitCodes"].get("containerName") in [x["name"] for x in pod["containers"]])
        sc = pod.get("securityContext", {})
        check(tag + ": runs as the image's non-root user %d" % uid,
              sc.get("runAsNonRoot") is True and sc.get("runAsUser") == uid)
        csc = c.get("securityContext", {})
        check(tag + ": read-only root, no privilege escalation, no capabilities",
              csc.get("readOnlyRootFilesystem") is True and
              csc.get("allowPrivilegeEscalation") is False and
              csc.get("capabilities", {}).get("drop") == ["ALL"])
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        for m in c.get("volumeMounts", []):
            check("%s: mount %s names a volume" % (tag, m["name"]), m["name"] in vols)
        for v in vols.values():
            if "configMap" in v:
                check("%s: ConfigMap %s shipped" % (tag, v["configMap"]["name"]),
                      ("ConfigMap", v["configMap"]["name"]) in objs)
            if "persistentVolumeClaim" in v:
                check("%s: claim %s shipped" % (tag, v["persistentVolumeClaim"]["claimName"]),
                      ("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"]) in objs)
        defined = []
        for e in c.get("env", []):
            src = e.get("valueFrom", {})
            if "value" in e:
                refs = re.findall(r"\$\(([A-Za-z_]\w*)\)", e["value"])
                check("%s: env %s refers only to earlier variables" % (tag, e["name"]),
                      all(r in defined for r in refs), refs)
            if "secretKeyRef" in src:
                ref = src["secretKeyRef"]
                check("%s: secret %s/%s is the one the instructions create" %
                      (tag, ref["name"], ref["key"]),
                      "create secret generic %s --from-file=%s=" % (ref["name"], ref["key"])
                      in config_text)
            if "fieldRef" in src:
                check("%s: fieldRef %s is a downward API env field" %
                      (tag, src["fieldRef"]["fieldPath"]),
                      FIELD_PATHS.match(src["fieldRef"]["fieldPath"]))
            defined.append(e["name"])
        argv = c.get("command", []) + c.get("args", [])
        known = set(defined) | ({"JOB_COMPLETION_INDEX"}
                                if js.get("completionMode") == "Indexed" else set())
        refs = re.findall(r"\$\(([A-Za-z_]\w*)\)", " ".join(argv))
        check(tag + ": $(VAR) in command/args are defined", set(refs) <= known, refs)
        scripts = scripts_of(c, objs)
        calls = cmdline.calls_in_argv(argv)
        for s in scripts:
            calls += cmdline.calls_in_shell(s)
        check(tag + ": runs opsgrade", calls, argv)
        bad = cmdline.unknown_options(OPSGRADE, calls, env)
        check(tag + ": every opsgrade option exists", not bad, bad)
        # the root filesystem is read-only: everything named lives on a mount
        mounts = mount_paths(c)
        texts = argv + [e.get("value") or "" for e in c.get("env", [])] + scripts
        paths = {p for t in texts for p in abs_paths(t) if p not in ("/bin/sh",)}
        outside = sorted(p for p in paths if not any(p == m or p.startswith(m + "/")
                                                     for m in mounts))
        check(tag + ": every path is on a mount", not outside, outside)
        n = env_value(c, "OPSGRADE_SHARD_COUNT")
        counts[tag] = int(n) if n and n.isdigit() else None
        if js.get("completionMode") == "Indexed":
            merger = 1 if kind == "CronJob" else 0
            check(tag + ": completions = OPSGRADE_SHARD_COUNT%s" % (" + 1" if merger else ""),
                  counts[tag] is not None and js["completions"] == counts[tag] + merger,
                  (js.get("completions"), n))
            check(tag + ": parallelism <= completions",
                  0 < js.get("parallelism", 1) <= js["completions"])
        if kind == "CronJob":
            check(tag + ": schedule has 5 fields and a time zone",
                  len(obj["spec"]["schedule"].split()) == 5 and obj["spec"].get("timeZone"))
    check("one image everywhere", len(images) == 1, images)
    check("merge Job and shard Job agree on the shard count",
          counts.get("Job/opsgrade-merge") == counts.get("Job/opsgrade-shards") is not None,
          counts)
    return counts.get("Job/opsgrade-shards")


# ---- running the layout locally ----------------------------------------

def k8s_expand(s, env):
    """The kubelet's $(VAR) expansion: defined names are replaced, $$ is a
    literal $, anything else is left as written."""
    def rep(m):
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$|\$\(([A-Za-z_]\w*)\)", rep, s)


class Cluster:
    """Volumes as directories; pods as processes."""

    def __init__(self, tmp, objs, fx):
        self.tmp, self.objs, self.fx = tmp, objs, fx
        self.bin = os.path.join(tmp, "bin")
        os.makedirs(self.bin)
        os.symlink(OPSGRADE, os.path.join(self.bin, "opsgrade"))
        self.claims = {}
        self.pods = 0
        self.base_env = {k: v for k, v in os.environ.items()
                         if k.startswith(("ASAN_", "UBSAN_", "LSAN_", "OG_NO_DLCLOSE",
                                          "OPSGRADE_PLUGIN_PATH"))}
        supp = os.path.join(HERE, "..", "http", "lsan.supp")
        self.base_env["LSAN_OPTIONS"] = ":".join(filter(None, [
            self.base_env.get("LSAN_OPTIONS"), "suppressions=" + supp,
            "print_suppressions=0"]))
        self.base_env.update(PATH=self.bin + ":/usr/bin:/bin", LANG="C.UTF-8",
                             SOURCE_DATE_EPOCH=str(ghdata.NOW))

    def configmap_dir(self, name):
        d = os.path.join(self.tmp, "configmap-" + name)
        if not os.path.isdir(d):
            os.makedirs(d)
            for fname, text in self.objs[("ConfigMap", name)]["data"].items():
                if fname == "opsgrade.json":
                    # the one change: GitHub is the loopback fixture
                    cfg = json.loads(text)
                    cfg["collectors"]["github"]["api_url"] = self.fx.url
                    text = json.dumps(cfg)
                with open(os.path.join(d, fname), "w") as f:
                    f.write(text)
        return d

    def volume_dir(self, vol):
        if "configMap" in vol:
            return self.configmap_dir(vol["configMap"]["name"])
        if "persistentVolumeClaim" in vol:
            d = os.path.join(self.tmp, "claim-" + vol["persistentVolumeClaim"]["claimName"])
            os.makedirs(d, exist_ok=True)
            return d
        self.pods += 1
        d = os.path.join(self.tmp, "empty-%d" % self.pods)
        os.makedirs(d)
        return d

    def start(self, obj, index=None, job_name=None, log=None):
        pod = job_spec(obj)["template"]["spec"]
        c = pod["containers"][0]
        vols = {v["name"]: v for v in pod["volumes"]}
        mounts = []
        for m in c["volumeMounts"]:
            # a subPath the kubelet creates when it is missing
            local = os.path.join(self.volume_dir(vols[m["name"]]), m.get("subPath", ""))
            os.makedirs(local, exist_ok=True)
            mounts.append((m["mountPath"], local.rstrip("/")))
        mounts.sort(key=lambda m: len(m[0]), reverse=True)

        # one pass, so a local path is never mapped again
        pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(mp) for mp, _ in mounts) +
                             r")(?=/|\b|$)")
        local_of = dict(mounts)

        def remap(s):
            return pattern.sub(lambda m: local_of[m.group(1)], s)

        env = {}
        for e in c.get("env", []):
            src = e.get("valueFrom", {})
            if "value" in e:
                v = k8s_expand(e["value"], env)
            elif "secretKeyRef" in src:
                v = TOKEN
            elif src.get("fieldRef", {}).get("fieldPath") == "metadata.labels['job-name']":
                v = job_name or obj["metadata"]["name"]
            else:
                raise AssertionError("no local value for env " + e["name"])
            env[e["name"]] = v
        if index is not None:
            env["JOB_COMPLETION_INDEX"] = str(index)
        argv = [remap(k8s_expand(a, env)) for a in c["command"] + c.get("args", [])]
        env = {k: remap(v) for k, v in env.items()}
        home = os.path.join(self.tmp, "cwd-%d" % len(os.listdir(self.tmp)))
        os.makedirs(home)
        full = dict(self.base_env, **env)
        return subprocess.Popen(argv, env=full, cwd=home, stdout=log or subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    def claim(self, *parts):
        return os.path.join(self.tmp, "claim-opsgrade-data", *parts)


def wait_all(procs):
    out = []
    for p in procs:
        try:
            text, _ = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            text, _ = p.communicate()
            text = "TIMEOUT " + (text or "")
        out.append((p.returncode, text or ""))
    return out


# A rerun over the same cache carries a repository's answers without an
# ETag over while it is unchanged (docs/facts-github.md) and says so at
# the end of the evidence or reason: the same values, plus that note.
CARRIED = re.compile(r" \[carried over: [^\]]*\]")


def uncarried(x):
    return json.loads(CARRIED.sub("", json.dumps(x)))


def comparable(rep, gates_too=True):
    facts = {json.dumps([f.get("subject"), f["key"]]): uncarried(f) for f in rep["facts"]
             if not f["key"].startswith("github.shard.")}
    assessment = uncarried(rep["assessment"])
    if not gates_too:
        # the decision plan follows the failed gates (what passes them comes
        # first): without the same gate settings only the rest can agree
        assessment = {k: v for k, v in assessment.items() if k != "decision"}
    return facts, rep["findings"], rep["events"], assessment


def same_report(name, got, want):
    same_gates = [x["id"] for x in got.get("gates", [])] == [x["id"] for x in want.get("gates", [])]
    g, w = comparable(got, same_gates), comparable(want, same_gates)
    for i, what in enumerate(("facts", "findings", "events", "assessment")):
        diff = (sorted(k for k in set(g[0]) | set(w[0]) if g[0].get(k) != w[0].get(k))
                if i == 0 else g[i] != w[i])
        check("%s equals one unsharded run: %s" % (name, what), not diff,
              diff if i == 0 else "")


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    check("no token in " + os.path.basename(path), TOKEN.encode() not in raw)
    return json.loads(raw)


def run_layout(objs, tmp, fx):
    cl = Cluster(tmp, objs, fx)
    shards = objs[("Job", "opsgrade-shards")]
    n = shards["spec"]["completions"]
    # the unsharded run of the same config, through merge as the shards go
    cfg = os.path.join(cl.configmap_dir("opsgrade"), "opsgrade.json")
    env = dict(cl.base_env, GITHUB_TOKEN=TOKEN, HOME=tmp, XDG_STATE_HOME=tmp + "/state",
               XDG_CACHE_HOME=tmp + "/cache")
    one = os.path.join(tmp, "one.json")
    for argv in (["collect", "--config", cfg, "-o", one + ".raw", "--quiet"],
                 ["merge", one + ".raw", "--config", cfg, "-o", one, "--quiet"]):
        p = subprocess.run([OPSGRADE] + argv, env=env, cwd=tmp, capture_output=True,
                           text=True, timeout=TIMEOUT)
        check("unsharded %s (rc %d)" % (argv[0], p.returncode), p.returncode in (0, 1),
              p.stderr[-500:])
    single = load(one)

    res = wait_all([cl.start(shards, index=i) for i in range(n)])
    for i, (rc, text) in enumerate(res):
        check("shard pod %d exits 0" % i, rc == 0, text[-800:])
        check("shard pod %d wrote shard-%d.json" % (i, i),
              os.path.exists(cl.claim("shards", "shard-%d.json" % i)))
    sizes = [len({f.get("subject") for f in load(cl.claim("shards", "shard-%d.json" % i))
                  ["facts"] if f.get("subject")})
             for i in range(n) if os.path.exists(cl.claim("shards", "shard-%d.json" % i))]
    check("shards split the org's 3 active repositories", sum(sizes) == 3, sizes)

    rc, text = wait_all([cl.start(objs[("Job", "opsgrade-merge")])])[0]
    if not os.path.exists(cl.claim("shards", "report", "report.json")):
        check("merge Job wrote report.json", False, text[-800:])
        return single
    merged = load(cl.claim("shards", "report", "report.json"))
    failed = [g["id"] for g in merged.get("gates") or [] if g["status"] == "fail"]
    check("merge Job: exit %d is the gates' verdict %s" % (rc, failed), failed and rc == 1, text[-800:])
    for f in ("report.json", "report.pdf", "report.html", "summary.png", "junit.xml"):
        check("merge Job rendered " + f, os.path.exists(cl.claim("shards", "report", f)))
    same_report("merge Job", merged, single)
    # the history compares like targets: merged shards examined the org
    gh = [{c["name"]: c.get("targets") for c in r["collectors"]}.get("github")
          for r in (merged, single)]
    check("merge Job: the shards' targets add up to the unsharded run's (%s)" % gh[1],
          gh[0] == gh[1] and gh[1] and all(t.startswith("repository:") for t in gh[1]), gh)

    # a shard missing: an error naming it, never a report of part of the org
    os.rename(cl.claim("shards", "shard-1.json"), cl.claim("shards", "kept.json"))
    rc, text = wait_all([cl.start(objs[("Job", "opsgrade-merge")])])[0]
    check("merge Job without shard 1: exit 2 naming it",
          rc == 2 and "shard-1.json" in text, (rc, text[-300:]))

    cron = objs[("CronJob", "opsgrade-weekly")]
    total = job_spec(cron)["completions"]
    job = "opsgrade-weekly-29379600"
    res = wait_all([cl.start(cron, index=i, job_name=job) for i in range(total)])
    for i, (rc, text) in enumerate(res):
        want = (0, 1) if i == total - 1 else (0,)
        check("CronJob pod %d/%d exits %s" % (i, total, want), rc in want, text[-800:])
    run = cl.claim("runs", job)
    check("CronJob: latest points at this run",
          os.path.realpath(cl.claim("runs", "latest")) == os.path.realpath(run))
    if os.path.exists(os.path.join(run, "report", "report.json")):
        same_report("CronJob", load(os.path.join(run, "report", "report.json")), single)
    check("CronJob: history on the claim for next week",
          os.path.isdir(cl.claim("state", "opsgrade")), os.listdir(cl.claim()))
    check("CronJob rendered the PDF", os.path.exists(os.path.join(run, "report", "report.pdf")))
    return single


# ---- the GitHub Actions matrix variant ---------------------------------

def expr(text, ctx):
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: str(ctx(m.group(1))), text)


def run_workflow(tmp, fx, single, env0):
    wf = yaml.safe_load(open(WORKFLOW))
    jobs = wf["jobs"]
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    n = int(wf["env"]["SHARDS"])
    check("matrix lists shards 1..SHARDS", shards == list(range(1, n + 1)), (shards, n))
    check("merge needs the shards", jobs["merge"].get("needs") in ("shard", ["shard"]))
    calls = []
    for job in jobs.values():
        for st in job["steps"]:
            calls += cmdline.calls_in_shell(st.get("run", ""))
    bad = cmdline.unknown_options(OPSGRADE, calls, env0)
    check("workflow: every opsgrade option exists", calls and not bad, bad)
    arts = os.path.join(tmp, "artifacts")

    def run_job(name, matrix):
        ws = os.path.join(tmp, "ws-%s-%s" % (name, matrix))
        os.makedirs(ws)
        # ./opsgrade.json is read by default: GitHub is the loopback fixture
        with open(os.path.join(ws, "opsgrade.json"), "w") as f:
            json.dump({"collectors": {"github": {"api_url": fx.url}},
                       "http": {"cache_dir": os.path.join(ws, ".cache")}}, f)

        def ctx(e):
            if e == "matrix.shard":
                return matrix
            if e.startswith("secrets."):
                return TOKEN
            raise AssertionError("no local value for ${{ %s }}" % e)
        rcs = []
        failed = False
        for st in jobs[name]["steps"]:
            # as a runner does: after a failed step only if: always() steps run
            if failed and "always()" not in str(st.get("if", "")):
                continue
            w = {k: expr(str(v), ctx) for k, v in st.get("with", {}).items()}
            uses = st.get("uses", "").split("@")[0]
            if "run" in st:
                env = dict(env0, HOME=ws, XDG_STATE_HOME=ws + "/state",
                           **{k: str(v) for k, v in wf["env"].items()},
                           **{k: expr(str(v), ctx) for k, v in st.get("env", {}).items()})
                p = subprocess.run(["sh", "-e", "-c", expr(st["run"], ctx)], cwd=ws, env=env,
                                   capture_output=True, text=True, timeout=TIMEOUT)
                rcs.append((st.get("name"), p.returncode, p.stdout + p.stderr))
                failed = failed or (p.returncode != 0 and not st.get("continue-on-error"))
            elif uses == "actions/upload-artifact":
                dest = os.path.join(arts, w["name"])
                os.makedirs(dest, exist_ok=True)
                for path in w["path"].split():
                    if os.path.exists(os.path.join(ws, path)):
                        shutil.copy(os.path.join(ws, path), dest)
            elif uses == "actions/download-artifact":
                dest = os.path.join(ws, w["path"])
                os.makedirs(dest, exist_ok=True)
                for d in glob.glob(os.path.join(arts, w["pattern"])):
                    for f in os.listdir(d):
                        shutil.copy(os.path.join(d, f), dest)
            elif uses == "mikepenz/action-junit-report":
                check("workflow: the JUnit it publishes exists",
                      os.path.exists(os.path.join(ws, w["report_paths"])))
        return ws, rcs

    for s in shards:
        _, rcs = run_job("shard", s)
        check("workflow: shard %d steps pass" % s, all(rc == 0 for _, rc, _ in rcs), rcs)
    ws, rcs = run_job("merge", "")
    merged = os.path.join(ws, "opsgrade-report", "report.json")
    check("workflow: the merge step's exit is the gate verdict (0 or 1)",
          len(rcs) == 1 and rcs[0][1] in (0, 1), rcs)
    if os.path.exists(merged):
        same_report("workflow", load(merged), single)
    for f in ("report.pdf", "report.html", "summary.png", "junit.xml"):
        check("workflow: merge wrote " + f,
              os.path.exists(os.path.join(ws, "opsgrade-report", f)))


def main():
    objs = load_manifests()
    env0 = {k: v for k, v in os.environ.items()}
    tmp = tempfile.mkdtemp(prefix="og-k8s-")
    env0.update(HOME=tmp, XDG_STATE_HOME=tmp + "/state", XDG_CACHE_HOME=tmp + "/cache")
    structure(objs, env0)
    fx = ghfixture.Fixture(prefix="/api/v3")
    ghdata.add_org(fx.routes)
    fx.start()
    try:
        single = run_layout(objs, tmp, fx)
        env0.update(SOURCE_DATE_EPOCH=str(ghdata.NOW), GITHUB_TOKEN=TOKEN,
                    PATH=os.path.join(tmp, "bin") + ":" + env0.get("PATH", "/usr/bin:/bin"))
        run_workflow(tmp, fx, single, env0)
    finally:
        fx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
