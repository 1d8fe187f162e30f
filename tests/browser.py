"""Headless Chromium driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-terminated JSON), so a
test can load a page, read console errors, measure the layout and take
screenshots with the standard library only.

    with Browser(tmpdir) as b:
        b.open("file:///.../report.html", width=390)
        b.eval("document.documentElement.scrollWidth")
        b.screenshot("phone.png")
        b.console_errors   # list of strings

Returns None from Browser.available() when Debian's chromium is missing."""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--hide-scrollbars", "--mute-audio"]


def chromium_path():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    def __init__(self, tmpdir, timeout=60):
        self.tmpdir = tmpdir
        self.timeout = timeout
        self.console_errors = []
        self._id = 0
        self._buf = b""
        self._events = []

    def __enter__(self):
        # Above 10, so dup2 onto 3 and 4 never targets its own source (a
        # no-op that would keep close-on-exec) or a pipe end still needed.
        ends = []
        for fd in os.pipe() + os.pipe():
            ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
            os.close(fd)
        r_cmd, w_cmd, r_ev, w_ev = ends
        profile = os.path.join(self.tmpdir, "chromium-profile")
        os.makedirs(profile, exist_ok=True)
        env = dict(os.environ, HOME=self.tmpdir, XDG_CONFIG_HOME=os.path.join(self.tmpdir, "cfg"),
                   XDG_CACHE_HOME=os.path.join(self.tmpdir, "cache"))

        def fds():
            os.dup2(r_cmd, 3)
            os.dup2(w_ev, 4)
        self.proc = subprocess.Popen(
            [chromium_path()] + FLAGS + ["--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.tmpdir, "chromium.log"), "wb"),
            preexec_fn=fds, close_fds=False, env=env)
        os.close(r_cmd)
        os.close(w_ev)
        self._w, self._r = w_cmd, r_ev
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"],
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable", session=True)
        return self

    def __exit__(self, *exc):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer in %ds" % self.timeout)
            chunk = os.read(self._r, 65536)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _note(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                                for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            self.console_errors.append(p["exceptionDetails"].get("text", "exception"))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            self.console_errors.append(p["entry"].get("text", ""))
        self._events.append(m)

    def call(self, method, session=False, **params):
        self._id += 1
        cmd = {"id": self._id, "method": method, "params": params}
        if session:
            cmd["sessionId"] = self.session
        os.write(self._w, json.dumps(cmd).encode() + b"\0")
        deadline = time.time() + self.timeout
        while True:
            msg = self._read_message(deadline)
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self._note(msg)

    def wait_event(self, name):
        deadline = time.time() + self.timeout
        while name not in self._events:
            self._note(self._read_message(deadline))
        self._events.remove(name)

    def open(self, url, width, height=900):
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def eval(self, expr):
        r = self.call("Runtime.evaluate", session=True, expression=expr, returnByValue=True)
        return r["result"].get("value")

    def screenshot(self, path, full_page=True):
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            w = self.eval("document.documentElement.scrollWidth")
            h = self.eval("document.documentElement.scrollHeight")
            params["clip"] = {"x": 0, "y": 0, "width": w, "height": min(h, 16000), "scale": 1}
        data = self.call("Page.captureScreenshot", session=True, **params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def print_pdf(self, path):
        data = self.call("Page.printToPDF", session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
