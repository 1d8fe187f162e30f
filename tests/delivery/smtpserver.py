"""Start/stop helpers for SMTP servers on loopback (tests only)."""
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from ogtest import stop_process  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc=None, limit=20.0):
    """Readiness wait (bounded), not a timing assertion."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Aiosmtpd:
    """`/usr/bin/python3 -m aiosmtpd` (Debian's python3-aiosmtpd) storing into
    a Maildir through maildir_handler.py; extra = more CLI options."""

    def __init__(self, maildir, mode="accept", extra=()):
        self.port = free_port()
        env = dict(os.environ)
        env["PYTHONPATH"] = HERE
        args = ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                "127.0.0.1:%d" % self.port] + list(extra) + [
                "-c", "maildir_handler.MaildirHandler", maildir]
        if mode != "accept":
            args.append(mode)
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        if not wait_listening(self.port, self.proc):
            self.stop()
            raise RuntimeError("aiosmtpd did not start: %s" % self.proc.stderr.read())

    def stop(self):
        stop_process(self.proc)


class Dropper:
    """Greets like SMTP, then drops the connection after the first command."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.t = threading.Thread(target=self._serve, daemon=True)
        self.t.start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with c:
                c.sendall(b"220 dropper ESMTP\r\n")
                c.settimeout(10)
                try:
                    c.recv(1024)
                except OSError:
                    pass

    def stop(self):
        self.sock.close()


def have_aiosmtpd():
    return subprocess.run(["/usr/bin/python3", "-c", "import aiosmtpd"],
                          capture_output=True).returncode == 0
