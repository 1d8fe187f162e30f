#!/usr/bin/python3
"""Mail: a real SMTP server (aiosmtpd on loopback) receives the report;
the message is parsed and checked.  Refused / dropped connections and a
server without STARTTLS give the documented errors (exit 4)."""
import email
import email.policy
import hashlib
import mailbox
import os
import struct
import sys
import time
import zlib

from common import check, finding, main, report, run, setup, write_json
from smtpserver import Aiosmtpd, Dropper, free_port, have_aiosmtpd

TMP = setup(sys.argv)
T0 = 1795000000
T1 = T0 + 7 * 86400
DATE1 = time.strftime("%Y-%m-%d", time.gmtime(T1))


def png_bytes():
    """A valid 2x2 RGB PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def prepare():
    """Two history runs; the second report (level 2 -> 3, a new critical)
    plus report.pdf and summary.png in an output dir."""
    d = os.path.join(TMP, "out")
    os.makedirs(d)
    hcfg = write_json(os.path.join(TMP, "hcfg.json"), {"history": {"dir": os.path.join(TMP, "h")}})
    r1 = report(T0, 2, [finding("aa", "high", "CVE-2026-0002")], {"x": "missing"})
    r2 = report(T1, 3, [finding("aa", "high", "CVE-2026-0002"),
                        finding("bb", "critical", "CVE-2026-0001", "openssl", "3.0.9")],
                {"x": "missing", "y": "met"}, kpis={"deploy_frequency": 3.5, "lead_time": None})
    for name, r in (("r1", r1), ("r2", r2)):
        p = run(["record", write_json(os.path.join(TMP, name + ".json"), r), hcfg,
                 os.path.join(TMP, name + ".out.json")])
        assert p.returncode == 0, p.stderr
    with open(os.path.join(d, "report.pdf"), "wb") as f:
        # binary with long "lines": must go out base64
        f.write(b"%PDF-1.7\n" + os.urandom(150000) + b"x" * 5000 + b"\n%%EOF\n")
    with open(os.path.join(d, "summary.png"), "wb") as f:
        f.write(png_bytes())
    return d, os.path.join(TMP, "r2.out.json")


OUT, REPORT = prepare()


def cfg(name, **mail):
    base = {"to": ["cto@example.org", "Ops Team <ops@example.org>"],
            "from": "opsgrade@example.org", "timeout": 20}
    base.update(mail)
    return write_json(os.path.join(TMP, name + ".json"), {"mail": base})


def received(maildir):
    box = mailbox.Maildir(maildir, create=False)
    msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
            for k in box.keys()]
    return msgs


def delivered():
    if not have_aiosmtpd():
        print("ok - # SKIP python3-aiosmtpd not installed")
        return
    md = os.path.join(TMP, "maildir")
    srv = Aiosmtpd(md)
    try:
        p = run(["mail", REPORT, cfg("ok", smtp_url="smtp://127.0.0.1:%d" % srv.port,
                                     smtp_tls="none"), OUT],
                {"SOURCE_DATE_EPOCH": str(T1)})
    finally:
        srv.stop()
    check(p.returncode == 0, "mail sent (stderr: %s)" % p.stderr.strip())
    check("without TLS" not in p.stderr and "warning" not in p.stderr,
          "explicit smtp_tls none to a loopback relay: no warning (cron stays quiet)")
    msgs = received(md)
    check(len(msgs) == 1, "one message stored")
    m = msgs[0]
    check(m["X-Envelope-To"] == "cto@example.org, ops@example.org",
          "envelope recipients: %s" % m["X-Envelope-To"])
    check(m["X-Envelope-From"] == "opsgrade@example.org", "envelope sender")
    check("cto@example.org" in m["To"] and "ops@example.org" in m["To"], "To header")
    # the verdict, so the subject changes when the news does
    check(str(m["Subject"]) == "opsgrade: acme/widgets \u2014 Level 3 \u00b7 1 new, 0 fixed (%s)"
          % DATE1, "subject decoded: %s" % m["Subject"])
    check(m["Date"] is not None and m["Date"].datetime.timestamp() == T1,
          "Date header from the run clock: %s" % m["Date"])
    check(m["Message-ID"] and m["Message-ID"].endswith("@example.org>"), "Message-ID header")
    check(m.get_content_type() == "multipart/mixed", "top level multipart/mixed")
    parts = list(m.iter_parts())
    check(parts[0].get_content_type() == "multipart/alternative", "first part alternative")
    alt = list(parts[0].iter_parts())
    check([p.get_content_type() for p in alt] == ["text/plain", "multipart/related"],
          "alternative = text/plain + multipart/related")
    rel = list(alt[1].iter_parts())
    check([p.get_content_type() for p in rel] == ["text/html", "image/png"],
          "related = text/html + image/png")
    with open(os.path.join(OUT, "summary.png"), "rb") as f:
        png = f.read()
    img = rel[1]
    check(img.get_content() == png, "inline PNG byte-identical")
    check(img["Content-ID"] == "<summary.png@opsgrade>" and
          img.get_content_disposition() == "inline", "PNG is inline with a Content-ID")
    html = rel[0].get_content()
    check('src="cid:summary.png@opsgrade"' in html, "HTML references the PNG by cid")
    att = list(m.iter_attachments())
    check(len(att) == 1 and att[0].get_content_type() == "application/pdf"
          and att[0].get_filename() == "opsgrade-acme_widgets-%s.pdf" % DATE1,
          "PDF attached with a proper filename (%s)" % (att and att[0].get_filename()))
    check(att[0]["Content-Transfer-Encoding"] == "base64", "PDF is base64")
    with open(os.path.join(OUT, "report.pdf"), "rb") as f:
        pdf = f.read()
    check(hashlib.sha256(att[0].get_content()).digest() == hashlib.sha256(pdf).digest(),
          "attached PDF byte-identical to the written one")
    text = alt[0].get_content()
    for want in ["Maturity level: 3 of 5 (Defined), was 2 on",
                 "Open findings: critical 1, high 1, medium 0, low 0.",
                 "1 new, 0 fixed, 1 still open",
                 "[P1] Adopt x (CI area)",
                 "deploy frequency", "3.5 per week", "not measured",
                 "New critical findings", "CVE-2026-0001 in openssl (fixed in 3.0.9)",
                 "CI area", "50%"]:
        check(want in text, "text body has %r" % want)
    check("CVE-2026-0002" not in text.split("New critical findings")[1],
          "the old high finding is not listed as new critical")
    check("3.5 per week" in html and "CVE-2026-0001" in html, "HTML body has the figures")


def utf8_subject():
    if not have_aiosmtpd():
        print("ok - # SKIP python3-aiosmtpd not installed")
        return
    md = os.path.join(TMP, "maildir-utf8")
    srv = Aiosmtpd(md)
    subj = "Rapport hebdomadaire \u2013 \u00e9quipe \u00fcber-long " + "\u00e9" * 60
    try:
        p = run(["mail", REPORT, cfg("utf8", smtp_url="smtp://127.0.0.1:%d" % srv.port,
                                     smtp_tls="none", subject=subj,
                                     to="J\u00fcrgen M\u00fcller <solo@example.org>",
                                     **{"from": '"Op\u00e9rations \u00e9quipe" <ops@example.org>'}),
                 os.path.join(TMP, "empty-outdir-does-not-exist")])
    finally:
        srv.stop()
    check(p.returncode == 0, "mail without PDF/PNG still sent (%s)" % p.stderr.strip())
    check("report.pdf not found" in p.stderr, "missing PDF is warned about")
    m = received(md)[0]
    check(str(m["Subject"]) == subj, "non-ASCII subject round-trips (RFC 2047)")
    raw = m.as_bytes()
    check(b"=?UTF-8?B?" in raw and all(b < 0x80 for b in raw.split(b"\r\n\r\n")[0].split(b"\n\n")[0]),
          "headers stay ASCII: display names RFC 2047-encoded")
    to = m["To"].addresses[0]
    check(to.display_name == "J\u00fcrgen M\u00fcller" and to.addr_spec == "solo@example.org",
          "non-ASCII display name of a recipient round-trips (%r)" % str(m["To"]))
    fr = m["From"].addresses[0]
    check(fr.display_name == "Op\u00e9rations \u00e9quipe" and fr.addr_spec == "ops@example.org",
          "non-ASCII display name of the sender round-trips (%r)" % str(m["From"]))
    check(m["X-Envelope-To"] == "solo@example.org", "envelope recipient is the bare address")
    check(not list(m.iter_attachments()), "no attachment when no PDF")


def one_refused():
    """One refused recipient costs the others nothing; the refusal is named
    with the server's own words, and the run says so (exit 4)."""
    if not have_aiosmtpd():
        print("ok - # SKIP python3-aiosmtpd not installed")
        return
    md = os.path.join(TMP, "maildir-refused")
    srv = Aiosmtpd(md)
    try:
        p = run(["mail", REPORT, cfg("one-refused", smtp_url="smtp://127.0.0.1:%d" % srv.port,
                                     smtp_tls="none",
                                     to=["cto@example.org", "refuse-me@example.org",
                                         "Ops Team <ops@example.org>"]), OUT])
    finally:
        srv.stop()
    msgs = received(md)
    check(len(msgs) == 1 and msgs[0]["X-Envelope-To"] == "cto@example.org, ops@example.org",
          "the accepted recipients got the mail (%r)" % [m["X-Envelope-To"] for m in msgs])
    check(p.returncode == 4, "a refused recipient: exit 4 (got %d)" % p.returncode)
    check("refuse-me@example.org" in p.stderr and "550 5.1.1" in p.stderr
          and "mailbox unavailable (test server)" in p.stderr and "1 of 3" in p.stderr,
          "the refusal names the recipient and the server's reply (%s)" % p.stderr.strip())
    check("delivered to cto@example.org, ops@example.org" in p.stderr,
          "the delivered recipients are named")
    check(p.stderr.count("recipients refused") == 1, "said once")


def errors():
    port = free_port()
    p = run(["mail", REPORT, cfg("refused", smtp_url="smtp://127.0.0.1:%d" % port,
                                 smtp_tls="none"), OUT])
    check(p.returncode == 4 and "cannot connect to the SMTP server" in p.stderr
          and "smtp://127.0.0.1:%d" % port in p.stderr,
          "refused connection: exit 4, clear error (%s)" % p.stderr.strip())
    d = Dropper()
    try:
        p = run(["mail", REPORT, cfg("drop", smtp_url="smtp://127.0.0.1:%d" % d.port,
                                     smtp_tls="none"), OUT])
    finally:
        d.stop()
    check(p.returncode == 4 and "closed the connection" in p.stderr,
          "dropped connection: exit 4, clear error (%s)" % p.stderr.strip())
    if have_aiosmtpd():
        srv = Aiosmtpd(os.path.join(TMP, "md-tls"))
        try:
            p = run(["mail", REPORT, cfg("starttls", smtp_url="smtp://127.0.0.1:%d" % srv.port),
                     OUT])
        finally:
            srv.stop()
        check(p.returncode == 4 and "does not offer STARTTLS" in p.stderr,
              "STARTTLS required by default: plain server refused (%s)" % p.stderr.strip())
        srv = Aiosmtpd(os.path.join(TMP, "md-rej"), mode="reject")
        try:
            p = run(["mail", REPORT, cfg("rej", smtp_url="smtp://127.0.0.1:%d" % srv.port,
                                         smtp_tls="none"), OUT])
        finally:
            srv.stop()
        check(p.returncode == 4 and "rejected the message" in p.stderr and "554" in p.stderr,
              "refused message: exit 4, reply shown (%s)" % p.stderr.strip())
    for name, mail, want in [
            ("nourl", {}, "no SMTP server"),
            ("badscheme", {"smtp_url": "http://x"}, "not smtp or smtps"),
            ("creds", {"smtp_url": "smtp://u:secretpw@127.0.0.1:1"}, "must not contain credentials"),
            ("badto", {"smtp_url": "smtp://127.0.0.1:1", "to": "no-at-sign"}, "not a valid address"),
            ("crlf", {"smtp_url": "smtp://127.0.0.1:1", "to": "a@b.c\r\nBcc: x@y.z"},
             "not a valid address")]:
        p = run(["mail", REPORT, cfg(name, **mail), OUT])
        check(p.returncode == 4 and want in p.stderr and "secretpw" not in p.stderr,
              "config error %s: %s" % (name, p.stderr.strip()))


def unscanned_body():
    if not have_aiosmtpd():
        print("ok - # SKIP python3-aiosmtpd not installed")
        return
    md = os.path.join(TMP, "maildir-unscanned")
    rep = write_json(os.path.join(TMP, "report-unscanned.json"), report(T1, 2, [], {}, scanned=False))
    srv = Aiosmtpd(md)
    try:
        p = run(["mail", rep, cfg("unscanned", smtp_url="smtp://127.0.0.1:%d" % srv.port,
                                  smtp_tls="none"), OUT])
    finally:
        srv.stop()
    text = received(md)[0].get_body(("plain",)).get_content()
    check(p.returncode == 0 and "Open findings: not measured (no security scanner ran)." in text
          and "critical 0" not in text, "no scanner: findings 'not measured', not zero" + ("" if "critical 0" not in text else text))


main([delivered, utf8_subject, one_refused, errors, unscanned_body])
