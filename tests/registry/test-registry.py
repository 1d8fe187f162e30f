#!/usr/bin/python3
"""Integration tests of the registry collector through the real
`opsgrade collect` (report.json) against Debian's real docker-registry
(2.8) on loopback, plus a fake registry for answers the real one cannot
give.  Exit 77 (skip) when docker-registry is missing.

usage: test-registry.py OPSGRADE PLUGIN_DIR
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regfixture as fx  # noqa: E402
from ogtest import done, expect as check, failures  # noqa: E402

OPSGRADE, PLUGIN_DIR = (os.path.abspath(a) for a in sys.argv[1:3])
EPOCH = 1767225600          # 2026-01-01T00:00:00Z


def collect(opts, auth=None, args=(), docker_auths=None):
    """Run `opsgrade collect` with collectors.registry = opts (only the
    plugins of PLUGIN_DIR); auth "user:password" is handed to the host
    through its environment, docker_auths ({host: "user:password"})
    through ~/.docker/config.json.  Returns dict with facts, logs, partial, rc
    (0 when the collector ran, ok or partial), raw (stdout + stderr)."""
    tmp = tempfile.mkdtemp(prefix="og-registry-cli-")
    cfg = {}
    for k, v in opts.items():
        cfg[k] = int(v) if k == "max_tags" else v
    with open(os.path.join(tmp, "opsgrade.json"), "w") as f:
        json.dump({"collectors": {"registry": cfg}}, f)
    if docker_auths:
        os.makedirs(os.path.join(tmp, ".docker"))
        with open(os.path.join(tmp, ".docker", "config.json"), "w") as f:
            json.dump({"auths": {h: {"auth": base64.b64encode(a.encode()).decode()}
                                 for h, a in docker_auths.items()}}, f)
    e = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH),
             OPSGRADE_NO_DEFAULT_PLUGINS="1",
             XDG_CACHE_HOME=os.path.join(tmp, "cache"), HOME=tmp)
    for k in ("OPSGRADE_REGISTRY_USER", "OPSGRADE_REGISTRY_PASSWORD"):
        e.pop(k, None)
    if auth:
        u, _, pw = auth.partition(":")
        e["OPSGRADE_REGISTRY_USER"], e["OPSGRADE_REGISTRY_PASSWORD"] = u, pw
    out_json = os.path.join(tmp, "report.json")
    p = subprocess.run([OPSGRADE, "collect", "--config",
                        os.path.join(tmp, "opsgrade.json"), "--plugin-dir",
                        PLUGIN_DIR, "-o", out_json, "--jobs", "1"] +
                       list(args),
                       capture_output=True, text=True, env=e, cwd=tmp,
                       timeout=300)
    out = {"facts": {}, "logs": [], "partial": [], "rc": None,
           "raw": p.stdout + p.stderr}
    clean = p.returncode in (0, 3) and "Sanitizer" not in p.stderr and \
        "runtime error" not in p.stderr
    check(clean, "opsgrade collect exited cleanly with 0 or 3 (%d)"
          % p.returncode)
    if not clean:
        sys.stderr.write(p.stderr[-4000:])
    with open(out_json) as f:
        rep = json.load(f)
    for fact in rep["facts"]:
        if fact.get("source") == "registry":
            out["facts"][fact["key"]] = {"type": fact["type"],
                                         "value": fact.get("value")}
    for line in p.stderr.splitlines():
        if "[registry] " in line:
            out["logs"].append(line.split("[registry] ", 1)[1])
    for c in rep["collectors"]:
        if c["name"] == "registry":
            # "failed" when no image at all could be read: also incomplete
            if c["status"] in ("partial", "failed"):
                out["partial"].append(c.get("message") or c["status"])
            out["rc"] = 0 if c["status"] in ("ok", "partial") else -1
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def val(r, key):
    f = r["facts"].get(key)
    return None if f is None else (f["value"] if f["type"] != "unknown"
                                   else "unknown")


def any_log(r, text):
    return any(text in l for l in r["logs"])


def seed_plain(reg):
    """Registry A: a root image and a signed multi-platform one."""
    root_cfg = {"created": "2025-12-02T00:00:00Z", "architecture": "amd64",
                "os": "linux", "config": {"User": "", "Cmd": ["sh"]},
                "rootfs": {"type": "layers", "diff_ids": []}}
    d_root, _, size_root = reg.push_image(
        "app/root", ["1.0.0", "0.9.0", "latest", "feature-x", "1.1.0-rc1"],
        root_cfg, media=fx.DOCKER_V2, config_type=fx.DOCKER_CONFIG,
        layer_type=fx.DOCKER_LAYER)
    labels = {"org.opencontainers.image.source": "https://example.invalid/multi",
              "org.opencontainers.image.revision": "0123abcd",
              "org.opencontainers.image.version": "2.1.0"}
    children = []
    for i, arch in enumerate(["amd64", "arm64"]):
        cfg = {"created": "2025-12-%02dT00:00:00Z" % (20 + i),
               "architecture": arch, "os": "linux",
               "config": {"User": "1000:1000", "Labels": labels,
                          "Healthcheck": {"Test": ["CMD", "/bin/true"],
                                          "Interval": 30000000000}},
               "rootfs": {"type": "layers", "diff_ids": []}}
        d, body, _ = reg.push_image("app/multi", [], cfg,
                                    layers=(b"multi-" + arch.encode(),),
                                    push_tags=False)
        children.append((d, body, {"architecture": arch, "os": "linux"}))
    prov = reg.push_buildkit_attestation("app/multi", children[0][0],
                                         "https://slsa.dev/provenance/v0.2")
    d_multi, idx = reg.push_index("app/multi", ["2.1.0", "latest"], children,
                                  extra=[prov])
    reg.push_cosign_signature("app/multi", d_multi)
    reg.push_referrer_sbom("app/multi", d_multi, len(idx))
    return d_root, size_root, d_multi


def test_plain(tmp):
    reg = fx.Registry(tmp, "plain")
    try:
        d_root, size_root, d_multi = seed_plain(reg)
        r = collect({"images": [reg.host + "/app/root",
                                reg.host + "/app/multi:2.1.0"],
                     "max_tags": "1"})
    finally:
        reg.stop()
    h = reg.host
    root = "registry.image.%s/app/root:" % h
    multi = "registry.image.%s/app/multi:2.1.0." % h
    check(r["rc"] == 0 and not r["partial"], "plain: collect ok, not partial")
    check(val(r, "registry.images.count") == 3,
          "plain: latest + 1 highest semver of app/root, plus app/multi:2.1.0")
    check(val(r, root + "latest.digest") == d_root and
          val(r, root + "1.0.0.digest") == d_root, "plain: root digests")
    check(root + "1.1.0-rc1.digest" not in r["facts"],
          "plain: prerelease 1.1.0-rc1 not picked while releases exist")
    check(val(r, root + "latest.nonroot") is False, "plain: root runs as root")
    check(val(r, root + "latest.healthcheck") is False, "plain: no healthcheck")
    check(val(r, root + "latest.multi_platform") is False,
          "plain: root single platform")
    check(val(r, root + "latest.platforms") == ["linux/amd64"],
          "plain: platform from config")
    check(val(r, root + "latest.size_bytes") == size_root,
          "plain: compressed size = config + layers")
    check(val(r, root + "latest.layers") == 2, "plain: 2 layers")
    check(val(r, root + "latest.age_days") == 30, "plain: age 30 days")
    check(val(r, root + "latest.signed") is False, "plain: root unsigned")
    check(val(r, multi + "digest") == d_multi, "multi: index digest")
    check(val(r, multi + "media_type") == fx.OCI_INDEX, "multi: OCI index")
    check(val(r, multi + "platforms") == ["linux/amd64", "linux/arm64"],
          "multi: platforms from index")
    check(val(r, multi + "multi_platform") is True, "multi: multi-platform")
    check(val(r, multi + "nonroot") is True and
          val(r, multi + "user") == "1000:1000", "multi: non-root user")
    check(val(r, multi + "healthcheck") is True, "multi: healthcheck")
    check(val(r, multi + "labels.source") == "https://example.invalid/multi"
          and val(r, multi + "labels.revision") == "0123abcd"
          and val(r, multi + "labels.version") == "2.1.0", "multi: OCI labels")
    check(val(r, multi + "created") == "2025-12-21T00:00:00Z",
          "multi: newest platform's created time")
    check(val(r, multi + "signed") is True and
          val(r, multi + "signature") == "cosign tag: cosign simple signing",
          "multi: cosign .sig tag, kind named")
    check(val(r, multi + "sbom") is True, "multi: SBOM via referrers tag schema")
    check(val(r, "registry.images.all_signed") is False, "rollup: all_signed")
    check(val(r, "registry.images.all_nonroot") is False, "rollup: all_nonroot")
    check(val(r, "registry.images.multi_platform") is False,
          "rollup: multi_platform (all)")
    check(val(r, "registry.images.signed_ratio") == 1 / 3,
          "rollup: signed ratio")
    check(val(r, multi + "provenance") is True and
          val(r, multi + "attestation") is True,
          "multi: SLSA provenance from the BuildKit attestation manifest")
    check(val(r, multi + "platforms") == ["linux/amd64", "linux/arm64"],
          "multi: attestation entry is not a platform")
    check(val(r, "registry.images.provenance_attached") is False and
          val(r, "registry.images.sbom_attached") is False,
          "rollup: provenance/sbom not on every image")
    check(val(r, "registry.repositories.semver_tags") is True,
          "rollup: repositories with semver tags")
    check(val(r, "registry.repo.%s/app/root.tags.count" % h) == 5,
          "repo: app/root tags counted")
    check(val(r, "registry.plain_http_hosts") == [h] and
          val(r, "registry.insecure_hosts") == [],
          "transport: loopback over plain HTTP, not listed as insecure")


def test_tag_filter(tmp):
    reg = fx.Registry(tmp, "filter")
    try:
        seed_plain(reg)
        r = collect({"images": reg.host + "/app/root",
                     "tag_filter": "^[0-9]+\\.[0-9]+\\.[0-9]+$",
                     "max_tags": "5"})
        r2 = collect({"images": reg.host + "/app/root", "tags": "feature-x"})
    finally:
        reg.stop()
    names = sorted(k.split(":")[-1][:-len(".digest")] for k in r["facts"]
                   if k.endswith(".digest"))
    check(names == ["0.9.0", "1.0.0"], "filter: only plain semver tags: %s"
          % names)
    names = [k for k in r2["facts"] if k.endswith(".digest")]
    check(len(names) == 1 and ":feature-x." in names[0],
          "tags option: only the configured tag")


def test_basic(tmp):
    htp = os.path.join(tmp, "htpasswd")
    subprocess.run(["htpasswd", "-B", "-i", "-c", htp, "ci"],
                   input="s3cret-pw\n", text=True, check=True,
                   capture_output=True)
    reg = fx.Registry(tmp, "basic", ["auth:", "  htpasswd:",
                                     "    realm: opsgrade-test",
                                     "    path: " + htp])
    try:
        reg.authz = fx.basic("ci", "s3cret-pw")
        seed_plain(reg)
        img = reg.host + "/app/multi:2.1.0"
        anon = collect({"images": img})
        good = collect({"images": img}, "ci:s3cret-pw")
        bad = collect({"images": img}, "ci:wrong")
        docker = collect({"images": img}, docker_auths={reg.host: "ci:s3cret-pw"})
        docker_bad = collect({"images": img}, docker_auths={reg.host: "ci:wrong"})
    finally:
        reg.stop()
    check(anon["partial"] and any_log(anon, "none is configured"),
          "basic: no credentials -> clear message, partial")
    check(val(anon, "registry.images.count") == 0 and
          val(anon, "registry.images.all_signed") == "unknown",
          "basic: nothing inspected -> roll-ups unknown, not false")
    check(good["rc"] == 0 and not good["partial"] and
          val(good, "registry.images.count") == 1, "basic: credentials work")
    check(bad["partial"] and any_log(bad, "access denied"),
          "basic: wrong password -> access denied after one retry")
    check("s3cret" not in good["raw"] + bad["raw"], "basic: password not logged")
    # the Docker CLI's config.json, a credential source the CLI registers
    check(docker["rc"] == 0 and not docker["partial"] and
          val(docker, "registry.images.count") == 1,
          "basic: credentials from ~/.docker/config.json work")
    check(docker_bad["partial"] and any_log(docker_bad, "access denied"),
          "basic: a wrong config.json password -> access denied")
    check("s3cret" not in docker["raw"], "basic: config.json password not logged")


def test_bearer(tmp):
    tok = fx.TokenServer()
    reg = fx.Registry(tmp, "bearer", [
        "auth:", "  silly:",
        "    realm: %s/token" % tok.base,
        "    service: test-registry"])
    try:
        reg.authz = "Bearer push"
        d_root, _, d_multi = seed_plain(reg)
        r = collect({"images": [reg.host + "/app/root:1.0.0",
                                reg.host + "/app/multi"]})
    finally:
        reg.stop()
        tok.stop()
    check(r["rc"] == 0 and not r["partial"], "bearer: collect ok")
    check(val(r, "registry.images.count") == 3,
          "bearer: root:1.0.0 + multi latest and 2.1.0")
    check(len(tok.requests) >= 1 and all(
        q.get("service") == ["test-registry"] for _, q, _ in tok.requests),
        "bearer: token requested with service")
    scopes = sorted({s for _, q, _ in tok.requests for s in q.get("scope", [])})
    check(scopes == ["repository:app/multi:pull", "repository:app/root:pull"],
          "bearer: one token per repository scope: %s" % scopes)
    check(fx.TokenServer.TOKEN not in r["raw"], "bearer: token never printed")


def test_fake(tmp):
    fake = fx.FakeRegistry()
    tok = fx.TokenServer()
    ok_cfg = fx.canon({"created": "2025-01-01T00:00:00Z", "architecture":
                       "amd64", "os": "linux", "config": {"User": "app"}})
    good = fx.canon({"schemaVersion": 2, "mediaType": fx.OCI_MANIFEST,
                     "config": dict(mediaType=fx.OCI_CONFIG,
                                    **fake.blob("x/good", ok_cfg)),
                     "layers": []})
    fake.routes["/v2/"] = (200, [], b"{}")
    fake.manifest("x/good", "1.0.0", good, fx.OCI_MANIFEST)
    fake.manifest("x/json", "1", b'{"schemaVersion": 2, "config": {',
                  fx.OCI_MANIFEST)
    fake.manifest("x/digest", "1", good, fx.OCI_MANIFEST,
                  header_digest="sha256:" + "0" * 64)
    fake.manifest("x/schema1", "1", b'{"schemaVersion":1,"name":"x"}',
                  "application/vnd.docker.distribution.manifest.v1+prettyjws")
    fake.manifest("x/weird", "1", good, "application/x-unknown")
    # config blob whose bytes do not match the manifest's digest
    tampered = fx.canon({"schemaVersion": 2, "mediaType": fx.OCI_MANIFEST,
                         "config": dict(mediaType=fx.OCI_CONFIG,
                                        **fake.blob("x/blob", ok_cfg,
                                                    serve=b'{"config":{}}')),
                         "layers": []})
    fake.manifest("x/blob", "1", tampered, fx.OCI_MANIFEST)
    # endless 401 even with a token
    loop = (401, [("WWW-Authenticate", 'Bearer realm="%s/token",'
                   'service="fake",scope="repository:x/loop:pull"' % tok.base)],
            b'{"errors":[{"code":"UNAUTHORIZED"}]}')
    fake.routes["/v2/x/loop/manifests/1"] = loop
    # token endpoint that does not answer with a token
    fake.routes["/v2/x/notoken/manifests/1"] = (
        401, [("WWW-Authenticate", 'Bearer realm="%s/garbage",service="f"'
               % tok.base)], b"")

    # paginated tag list with relative Link headers (as registry v3 does)
    all_tags = ["0.1.0", "0.2.0", "0.10.0", "latest", "sha256-" + "a" * 64
                + ".sig", "zz"]

    def tags(h, q):
        n = int(q.get("n", ["2"])[0])
        last = q.get("last", [None])[0]
        rest = sorted(all_tags)
        if last:
            rest = [t for t in rest if t > last]
        page, more = rest[:2], len(rest) > 2
        hdr = [("Content-Type", "application/json")]
        if more:
            hdr.append(("Link", '</v2/x/good/tags/list?n=%d&last=%s>; '
                        'rel="next"' % (n, page[-1])))
        return 200, hdr, json.dumps({"name": "x/good", "tags": page}).encode()
    fake.routes["/v2/x/good/tags/list"] = tags
    for t in ["0.10.0", "latest"]:
        fake.manifest("x/good", t, good, fx.OCI_MANIFEST)

    h = fake.host
    try:
        r = collect({"images": [h + "/x/json:1", h + "/x/digest:1",
                                h + "/x/schema1:1", h + "/x/weird:1",
                                h + "/x/blob:1", h + "/x/loop:1",
                                h + "/x/notoken:1", h + "/x/missing:1",
                                h + "/Bad_Name", h + "/x/good:1.0.0"]})
        p = collect({"images": h + "/x/good", "max_tags": "1"})
    finally:
        fake.stop()
        tok.stop()
    check(r["rc"] == 0 and r["partial"], "fake: partial, good image still ok")
    # a whole is unknown while a part is: 9 named images failed
    # (the one good image runs as non-root); a known false still decides
    check(val(r, "registry.images.all_nonroot") == "unknown",
          "fake: all_nonroot unknown with failed images (%s)" %
          val(r, "registry.images.all_nonroot"))
    check(val(r, "registry.images.all_healthcheck") is False,
          "fake: all_healthcheck false: the good image has none")
    check(val(r, "registry.images.count") == 1 and
          val(r, "registry.images.failed") == 9, "fake: 1 ok, 9 failed")
    check(val(r, "registry.image.%s/x/good:1.0.0.nonroot" % h) is True,
          "fake: good image inspected")
    check(any_log(r, "not JSON (error at byte"), "fake: malformed manifest")
    check(any_log(r, "does not match the bytes received"),
          "fake: Docker-Content-Digest mismatch")
    check(any_log(r, "schema 1"), "fake: schema1 refused")
    check(any_log(r, "unsupported media type \"application/x-unknown\""),
          "fake: unknown media type")
    check(any_log(r, "content does not match its digest"),
          "fake: config blob digest mismatch")
    check(any_log(r, "HTTP 401 again after authenticating"),
          "fake: 401 loop ends after one retry")
    loops = [s for s in fake.seen if s[1].startswith("/v2/x/loop/")]
    check(len(loops) == 2, "fake: 401 loop sent exactly 2 requests (%d)"
          % len(loops))
    check(any_log(r, "no usable \"token\""), "fake: token endpoint garbage")
    check(any_log(r, "MANIFEST_UNKNOWN"), "fake: unknown image named")
    check(any_log(r, "not an image reference"), "fake: bad reference")
    check(fx.TokenServer.TOKEN not in r["raw"], "fake: token never printed")
    pages = [s for s in fake.seen if "/tags/list" in s[1]]
    check(len(pages) == 3, "pagination: 3 pages via Link (%d)" % len(pages))
    check(val(p, "registry.repo.%s/x/good.tags.count" % h) == 6,
          "pagination: all 6 tags")
    names = sorted(k for k in p["facts"] if k.endswith(".digest"))
    check(names == ["registry.image.%s/x/good:0.10.0.digest" % h,
                    "registry.image.%s/x/good:latest.digest" % h],
          "pagination: latest + highest semver 0.10.0 (not 0.2.0): %s" % names)


def test_artifacts(tmp):
    """Referrer kinds, builder artifacts, reproducible builds, signed
    schema 1 (issue 13)."""
    fake = fx.FakeRegistry()
    fake.routes["/v2/"] = (200, [], b"{}")

    def image(repo, cfg):
        body = fx.canon({"schemaVersion": 2, "mediaType": fx.OCI_MANIFEST,
                         "config": dict(mediaType=fx.OCI_CONFIG,
                                        **fake.blob(repo, fx.canon(cfg))),
                         "layers": []})
        fake.manifest(repo, "1", body, fx.OCI_MANIFEST)
        return fx.digest(body)

    def referrers(repo, subject, types):
        idx = fx.canon({"schemaVersion": 2, "mediaType": fx.OCI_INDEX,
                        "manifests": [{"mediaType": fx.OCI_MANIFEST,
                                       "digest": "sha256:%064x" % i,
                                       "size": 500, "artifactType": t}
                                      for i, t in enumerate(types)]})
        fake.routes["/v2/%s/referrers/%s" % (repo, subject)] = (
            200, [("Content-Type", fx.OCI_INDEX)], idx)

    def cfg(name, created="2025-12-01T00:00:00Z"):
        return {"created": created, "architecture": "amd64", "os": "linux",
                "config": {"User": "app", "Labels": {"name": name}},
                "rootfs": {"type": "layers", "diff_ids": []}}

    d = image("x/signed", cfg("signed"))
    referrers("x/signed", d, ["application/vnd.dev.sigstore.bundle.v0.3+json",
                              "application/vnd.cyclonedx+json"])
    d = image("x/lookalike", cfg("lookalike"))
    referrers("x/lookalike", d, ["application/example.signature",
                                 "application/example.sbom"])
    d = image("x/notary", cfg("notary"))
    referrers("x/notary", d, ["application/vnd.cncf.notary.signature",
                              "application/spdx+json"])
    image("x/repro", cfg("repro", created="1970-01-01T00:00:00Z"))
    # BuildKit builder artifact: image config type, config {}
    body = fx.canon({"schemaVersion": 2, "mediaType": fx.OCI_MANIFEST,
                     "config": dict(mediaType=fx.OCI_CONFIG,
                                    **fake.blob("x/builder", b"{}")),
                     "layers": []})
    fake.manifest("x/builder", "1", body, fx.OCI_MANIFEST)
    # signed schema 1: the registry's digest is of the unsigned payload
    s1 = (b'{"schemaVersion": 1, "name": "x/old", "tag": "1", '
          b'"architecture": "amd64", "fsLayers": [], "history": [], '
          b'"signatures": [{"header": {"alg": "ES256"}, '
          b'"signature": "c2ln", "protected": "cHJvdA"}]}')
    fake.manifest("x/old", "1", s1,
                  "application/vnd.docker.distribution.manifest.v1+prettyjws",
                  header_digest=fx.digest(s1[:40]))
    h = fake.host
    names = ["signed", "lookalike", "notary", "repro"]
    try:
        r = collect({"images": [h + "/x/%s:1" % n for n in names]})
        b = collect({"images": [h + "/x/builder:1", h + "/x/signed:1"]})
        o = collect({"images": [h + "/x/old:1"]})
    finally:
        fake.stop()
    img = "registry.image.%s/x/%%s:1.%%s" % h
    check(val(r, img % ("signed", "signed")) is True and
          val(r, img % ("signed", "signature")) ==
          "referrers API: Sigstore bundle", "referrers: Sigstore bundle named")
    check(val(r, img % ("signed", "sbom")) is True and
          val(r, img % ("signed", "sbom_via")) ==
          "referrers API: CycloneDX SBOM", "referrers: CycloneDX SBOM named")
    check(val(r, img % ("notary", "signature")) ==
          "referrers API: Notary v2 signature" and
          val(r, img % ("notary", "sbom_via")) == "referrers API: SPDX SBOM",
          "referrers: Notary v2 + SPDX named")
    check(val(r, img % ("lookalike", "signed")) is False and
          val(r, img % ("lookalike", "sbom")) is False,
          "referrers: application/example.signature/.sbom are no evidence")
    check(val(r, img % ("repro", "created")) == "1970-01-01T00:00:00Z" and
          val(r, img % ("repro", "age_days")) == "unknown",
          "reproducible build: created stated, age unknown")
    check(val(b, "registry.images.count") == 1 and
          val(b, "registry.images.not_images") == 1 and
          val(b, "registry.images.failed") == 0 and
          any_log(b, "not a container image: its config is {}"),
          "builder artifact: not an image, not counted (%s, %s)" %
          (val(b, "registry.images.count"), b["logs"]))
    check(img % ("builder", "platforms") not in b["facts"],
          "builder artifact: no platforms fact")
    check(any_log(o, "schema 1") and not any_log(o, "does not match"),
          "signed schema 1: says schema 1, not a digest mismatch (%s)" %
          o["logs"])


def test_insecure_named(tmp):
    # a non-loopback name that resolves to loopback would need DNS; check
    # the HTTPS default instead: without insecure[] we must not speak HTTP
    fake = fx.FakeRegistry()
    fake.routes["/v2/"] = (200, [], b"{}")
    try:
        r = collect({"images": "localhost:%d/x/y:1" % fake.port})
        s = collect({"images": "127.0.0.2:%d/x/y:1" % fake.port})
        t = collect({"images": "127.0.0.2:%d/x/y:1" % fake.port,
                     "insecure": "127.0.0.2"})
        u = collect({}, args=["--registry", "127.0.0.1:%d/x/y:1" % fake.port,
                              "--insecure-registry", "127.0.0.1"])
    finally:
        fake.stop()
    check(val(r, "registry.plain_http_hosts") == ["localhost:%d" % fake.port],
          "transport: localhost is plain HTTP")
    check(any("https://127.0.0.2" in l for l in s["logs"]),
          "transport: other hosts use HTTPS")
    check(val(t, "registry.insecure_hosts") == ["127.0.0.2:%d" % fake.port],
          "transport: insecure host stated as a fact")
    check(val(u, "registry.insecure_hosts") == ["127.0.0.1:%d" % fake.port],
          "transport: loopback host named with --insecure-registry is "
          "stated too (%s)" % val(u, "registry.insecure_hosts"))


def main():
    if not os.path.exists(fx.REGISTRY_BIN):
        print("SKIP: %s not installed" % fx.REGISTRY_BIN)
        return 77
    tmp = tempfile.mkdtemp(prefix="og-registry-")
    try:
        for t in [test_plain, test_tag_filter, test_basic, test_bearer,
                  test_fake, test_artifacts, test_insecure_named]:
            print("# " + t.__name__)
            try:
                t(tmp)
            except Exception as e:          # report and go on
                import traceback
                traceback.print_exc()
                failures.append("%s raised %r" % (t.__name__, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
