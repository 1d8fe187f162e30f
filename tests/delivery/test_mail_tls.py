#!/usr/bin/python3
"""Mail over STARTTLS and SMTPS with a private CA (verification stays on,
mail.cainfo names the certificate), and SMTP AUTH with the password from
a 0600 file or the environment — never leaked into the output."""
import mailbox
import os
import shutil
import subprocess
import sys

from common import check, main, report, run, setup, write_json
from smtpserver import Aiosmtpd, HERE, free_port, have_aiosmtpd, wait_listening

TMP = setup(sys.argv)
T0 = 1795000000
OUT = os.path.join(TMP, "out")
os.makedirs(OUT)
with open(os.path.join(OUT, "report.pdf"), "wb") as f:
    f.write(b"%PDF-1.7\n" + os.urandom(4096))
REPORT = write_json(os.path.join(TMP, "r.json"), report(T0, 3, [], {"x": "met"}))


def cfg(name, **mail):
    base = {"to": "cto@example.org", "from": "opsgrade@example.org", "timeout": 20}
    base.update(mail)
    return write_json(os.path.join(TMP, name + ".json"), {"mail": base})


def count(md):
    return len(mailbox.Maildir(md, create=False).keys()) if os.path.isdir(md) else 0


def make_cert():
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True)
    return (cert, key) if p.returncode == 0 else (None, None)


def tls():
    if not have_aiosmtpd() or not shutil.which("openssl"):
        print("ok - # SKIP needs python3-aiosmtpd and openssl")
        return
    cert, key = make_cert()
    check(cert is not None, "self-signed test certificate made")
    md = os.path.join(TMP, "md-starttls")
    srv = Aiosmtpd(md, extra=["--tlscert", cert, "--tlskey", key])
    try:
        url = "smtp://127.0.0.1:%d" % srv.port
        p = run(["mail", REPORT, cfg("starttls", smtp_url=url, cainfo=cert), OUT])
        check(p.returncode == 0 and count(md) == 1 and "without TLS" not in p.stderr,
              "STARTTLS (required by default) with a private CA (%s)" % p.stderr.strip())
        p = run(["mail", REPORT, cfg("untrusted", smtp_url=url), OUT])
        check(p.returncode == 4 and "certificate" in p.stderr,
              "untrusted certificate refused, verification stays on (%s)" % p.stderr.strip())
    finally:
        srv.stop()
    md = os.path.join(TMP, "md-smtps")
    srv = Aiosmtpd(md, extra=["--smtpscert", cert, "--smtpskey", key])
    try:
        p = run(["mail", REPORT, cfg("smtps", smtp_url="smtps://127.0.0.1:%d" % srv.port,
                                     cainfo=cert), OUT])
        check(p.returncode == 0 and count(md) == 1, "smtps:// implicit TLS (%s)" % p.stderr.strip())
    finally:
        srv.stop()


def auth():
    if not have_aiosmtpd():
        print("ok - # SKIP needs python3-aiosmtpd")
        return
    md = os.path.join(TMP, "md-auth")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=HERE)
    srv = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "auth_server.py"), str(port),
                            md, "reporter", "s3cret-Pw"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        check(wait_listening(port, srv), "AUTH server started")
        url = "smtp://127.0.0.1:%d" % port
        pwf = os.path.join(TMP, "pw")
        with open(pwf, "w") as f:
            f.write("s3cret-Pw\n")
        os.chmod(pwf, 0o600)
        p = run(["mail", REPORT, cfg("auth", smtp_url=url, smtp_tls="none", user="reporter",
                                     password_file=pwf), OUT])
        check(p.returncode == 0 and count(md) == 1, "AUTH with mail.user + mail.password_file (%s)"
              % p.stderr.strip())
        check("credentials included" in p.stderr and "s3cret" not in p.stderr,
              "plain-text AUTH is warned about, password never printed")
        p = run(["mail", REPORT, cfg("authenv", smtp_url=url, smtp_tls="none"), OUT],
                {"OPSGRADE_SMTP_USER": "reporter", "OPSGRADE_SMTP_PASSWORD": "s3cret-Pw"})
        check(p.returncode == 0 and count(md) == 2, "AUTH from the environment")
        p = run(["mail", REPORT, cfg("authbad", smtp_url=url, smtp_tls="none"), OUT],
                {"OPSGRADE_SMTP_USER": "reporter", "OPSGRADE_SMTP_PASSWORD": "wrong-Pw"})
        check(p.returncode == 4 and "rejected the login" in p.stderr and "wrong-Pw" not in p.stderr,
              "wrong password: exit 4, clear error (%s)" % p.stderr.strip())
    finally:
        srv.terminate()
        srv.wait(10)


main([tls, auth])
