"""Loopback fixtures for the registry collector tests (stdlib only).

- Registry: runs Debian's /usr/bin/docker-registry on a free loopback
  port with a temporary storage directory and our own config.
- push_*: synthetic images through the distribution HTTP API
  (blob upload POST + PUT, manifest PUT), in the order registry 2.8
  needs (blobs, child manifests, index).
- TokenServer: a loopback Bearer token endpoint.
- FakeRegistry: crafted answers the real registry cannot produce
  (malformed manifests, wrong digests, endless 401, paginated tags).
"""
import base64
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import stop_process  # noqa: E402

REGISTRY_BIN = "/usr/bin/docker-registry"

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
ACCEPT = ", ".join([OCI_INDEX, OCI_MANIFEST,
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                    DOCKER_V2])


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class Registry:
    def __init__(self, tmp, name, auth=None):
        self.port = free_port()
        self.host = "127.0.0.1:%d" % self.port
        self.base = "http://" + self.host
        self.dir = os.path.join(tmp, name)
        os.makedirs(os.path.join(self.dir, "storage"))
        self.authz = None
        cfg = [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            "    rootdirectory: %s" % os.path.join(self.dir, "storage"),
            "  delete:",
            "    enabled: true",
            "http:",
            "  addr: %s" % self.host,
            "  secret: opsgrade-test-secret",
        ]
        if auth:
            cfg += auth
        self.config = os.path.join(self.dir, "config.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(cfg) + "\n")
        self.log = open(os.path.join(self.dir, "registry.log"), "w")
        self.proc = subprocess.Popen([REGISTRY_BIN, "serve", self.config],
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/v2/", timeout=2)
                break
            except urllib.error.HTTPError:
                break           # 401: up, wants auth
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("docker-registry did not start; see "
                                       + self.log.name)
                time.sleep(0.1)

    def stop(self):
        stop_process(self.proc)
        self.log.close()

    def request(self, method, url, data=None, headers=None):
        if not url.startswith("http"):
            url = self.base + url
        req = urllib.request.Request(url, data=data, method=method,
                                     headers=dict(headers or {}))
        if self.authz:
            req.add_header("Authorization", self.authz)
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers, r.read()

    def push_blob(self, repo, data):
        d = digest(data)
        _, h, _ = self.request("POST", "/v2/%s/blobs/uploads/" % repo, b"")
        loc = h["Location"]
        if loc.startswith("/"):
            loc = self.base + loc
        loc += ("&" if "?" in loc else "?") + "digest=" + urllib.parse.quote(d)
        st, _, _ = self.request("PUT", loc, data,
                                {"Content-Type": "application/octet-stream"})
        assert st == 201, st
        return {"digest": d, "size": len(data)}

    def push_manifest(self, repo, ref, body, media_type):
        st, h, _ = self.request("PUT", "/v2/%s/manifests/%s" % (repo, ref),
                                body, {"Content-Type": media_type})
        assert st == 201, st
        assert h["Docker-Content-Digest"] == digest(body)
        return digest(body)

    def push_image(self, repo, tags, config, media=OCI_MANIFEST,
                   config_type=OCI_CONFIG, layer_type=OCI_LAYER,
                   layers=(b"layer-one", b"layer-two"), push_tags=True,
                   annotations=None):
        """Push config + layers + manifest; returns (digest, bytes, size)."""
        cfg = self.push_blob(repo, canon(config))
        lays = [self.push_blob(repo, l) for l in layers]
        m = {"schemaVersion": 2, "mediaType": media,
             "config": dict(mediaType=config_type, **cfg),
             "layers": [dict(mediaType=layer_type, **l) for l in lays]}
        if annotations:
            m["annotations"] = annotations
        body = canon(m)
        d = self.push_manifest(repo, digest(body), body, media)
        if push_tags:
            for t in tags:
                self.push_manifest(repo, t, body, media)
        return d, body, cfg["size"] + sum(l["size"] for l in lays)

    def push_buildkit_attestation(self, repo, subject_digest, predicate):
        """A BuildKit-style attestation manifest for an index entry."""
        cfg = self.push_blob(repo, b"{}")
        stmt = self.push_blob(repo, canon({"_type": "https://in-toto.io/"
                                           "Statement/v0.1",
                                           "predicateType": predicate}))
        m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
             "config": dict(mediaType=OCI_CONFIG, **cfg),
             "layers": [dict(mediaType="application/vnd.in-toto+json",
                             annotations={"in-toto.io/predicate-type":
                                          predicate}, **stmt)]}
        body = canon(m)
        d = self.push_manifest(repo, digest(body), body, OCI_MANIFEST)
        return {"mediaType": OCI_MANIFEST, "digest": d, "size": len(body),
                "platform": {"architecture": "unknown", "os": "unknown"},
                "annotations": {"vnd.docker.reference.digest": subject_digest,
                                "vnd.docker.reference.type":
                                "attestation-manifest"}}

    def push_index(self, repo, tags, children, annotations=None, extra=()):
        """children: [(digest, bytes, platform dict)]; extra: descriptors"""
        idx = {"schemaVersion": 2, "mediaType": OCI_INDEX,
               "manifests": [{"mediaType": OCI_MANIFEST, "digest": d,
                              "size": len(b), "platform": p}
                             for d, b, p in children] + list(extra)}
        if annotations:
            idx["annotations"] = annotations
        body = canon(idx)
        for t in tags:
            self.push_manifest(repo, t, body, OCI_INDEX)
        return digest(body), body

    def push_cosign_signature(self, repo, subject_digest):
        """A cosign-style .sig tag (SIGNATURE_SPEC.md tag-based discovery)."""
        payload = canon({"critical": {
            "identity": {"docker-reference": repo},
            "image": {"docker-manifest-digest": subject_digest},
            "type": "cosign container image signature"}, "optional": None})
        cfg = self.push_blob(repo, canon({"architecture": "", "os": "",
                                          "config": {},
                                          "rootfs": {"type": "layers",
                                                     "diff_ids": []}}))
        lay = self.push_blob(repo, payload)
        m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
             "config": dict(mediaType=OCI_CONFIG, **cfg),
             "layers": [dict(mediaType="application/vnd.dev.cosign."
                             "simplesigning.v1+json",
                             annotations={"dev.cosignproject.cosign/"
                                          "signature": "MEUCIQDtest"},
                             **lay)]}
        body = canon(m)
        tag = "sha256-%s.sig" % subject_digest[7:]
        return self.push_manifest(repo, tag, body, OCI_MANIFEST)

    def push_referrer_sbom(self, repo, subject_digest, subject_size):
        """An SBOM artifact listed through the referrers tag schema."""
        empty = self.push_blob(repo, b"{}")
        sbom = self.push_blob(repo, b'{"spdxVersion":"SPDX-2.3"}')
        m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
             "artifactType": "application/spdx+json",
             "config": dict(mediaType="application/vnd.oci.empty.v1+json",
                            **empty),
             "layers": [dict(mediaType="application/spdx+json", **sbom)],
             "subject": {"mediaType": OCI_INDEX, "digest": subject_digest,
                         "size": subject_size}}
        body = canon(m)
        d = self.push_manifest(repo, digest(body), body, OCI_MANIFEST)
        idx = canon({"schemaVersion": 2, "mediaType": OCI_INDEX,
                     "manifests": [{"mediaType": OCI_MANIFEST, "digest": d,
                                    "size": len(body),
                                    "artifactType": "application/spdx+json"}]})
        self.push_manifest(repo, "sha256-" + subject_digest[7:], idx, OCI_INDEX)
        return d


class _Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, headers=(), body=b""):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server:
    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.host = "127.0.0.1:%d" % self.port
        self.base = "http://" + self.host
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class TokenServer(_Server):
    """GET /token?service=…&scope=… → {"token": …}; /deny → 401."""
    TOKEN = "tok-" + "9f3c" * 8

    def __init__(self):
        self.requests = []

        class H(_Quiet):
            def do_GET(h):
                u = urllib.parse.urlparse(h.path)
                self.requests.append((u.path, urllib.parse.parse_qs(u.query),
                                      h.headers.get("Authorization")))
                if u.path == "/token":
                    h.send(200, [("Content-Type", "application/json")],
                           json.dumps({"token": self.TOKEN,
                                       "expires_in": 300}).encode())
                elif u.path == "/garbage":
                    h.send(200, [], b"<html>not json</html>")
                else:
                    h.send(401, [], b"{}")
        super().__init__(H)


class FakeRegistry(_Server):
    """Serves self.routes: path (without query) → (status, headers, body);
    callables get (handler, query) and return the same triple."""

    def __init__(self):
        self.routes = {}
        self.seen = []

        class H(_Quiet):
            def handle_any(h):
                u = urllib.parse.urlparse(h.path)
                self.seen.append((h.command, h.path,
                                  h.headers.get("Authorization")))
                r = self.routes.get(u.path)
                if callable(r):
                    r = r(h, urllib.parse.parse_qs(u.query))
                if r is None:
                    r = (404, [("Content-Type", "application/json")],
                         b'{"errors":[{"code":"MANIFEST_UNKNOWN",'
                         b'"message":"manifest unknown"}]}')
                h.send(*r)

            do_GET = handle_any
            do_HEAD = handle_any
        super().__init__(H)

    def manifest(self, repo, ref, body, media_type, header_digest=None):
        self.routes["/v2/%s/manifests/%s" % (repo, ref)] = (
            200, [("Content-Type", media_type),
                  ("Docker-Content-Digest", header_digest or digest(body))],
            body)

    def blob(self, repo, data, serve=None):
        self.routes["/v2/%s/blobs/%s" % (repo, digest(data))] = (
            200, [("Content-Type", "application/octet-stream")],
            data if serve is None else serve)
        return {"digest": digest(data), "size": len(data)}


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password))
                                       .encode()).decode()
