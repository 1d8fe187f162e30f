"""Shared helpers for the delivery tests (standard library only)."""
import json
import os
import subprocess
import sys
import tempfile

DRIVER = None


def setup(argv):
    """argv[1] is the delivery driver; returns a fresh temp dir."""
    global DRIVER
    DRIVER = argv[1]
    return tempfile.mkdtemp(prefix="og-delivery-")


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    print("ok -", what)


def iso(epoch):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def finding(fp, sev, ident=None, package=None, fixed=None, status="open"):
    return {"fingerprint": fp, "kind": "vulnerability", "id": ident or fp.upper(),
            "title": None, "severity": sev, "score": None, "package": package,
            "installed_version": None, "fixed_version": fixed,
            "status": status, "suppression": None, "status_detail": None,
            "url": None, "published": None, "tags": [], "tools": ["Trivy"],
            "sources": ["trivy"], "locations": []}


def report(epoch, level, findings, caps, areas=None, kpis=None, gates=None,
           subject="acme/widgets", scanned=True):
    """A report.json document shaped like docs/report-json.md."""
    names = {1: "Initial", 2: "Managed", 3: "Defined", 4: "Quantified", 5: "Optimizing"}
    areas = areas or {"ci": 50, "security": 40}
    kpis = kpis if kpis is not None else {"deploy_frequency": 3.5}
    open_ = {}
    for f in findings:
        if f["status"] == "open":
            open_[f["severity"]] = open_.get(f["severity"], 0) + 1
    return {
        "schema": "opsgrade.report/1",
        "generated_at": iso(epoch),
        "opsgrade_version": "0.1.0",
        "subject": subject,
        "collectors": [{"name": "trivy", "version": "1", "path": "x", "status": "ok",
                        "message": None, "duration_ms": 1,
                        "counts": {"facts": 0, "findings": len(findings), "events": 0}}],
        "facts": [],
        "findings": findings,
        "events": [],
        "assessment": {
            "model": {"id": "devops", "version": "1", "path": "m.yaml"},
            "threshold": 0.8, "level": level, "level_name": names[level],
            "levels": [], "next_level": None,
            "summary": "The team is at level %d." % level,
            "areas": [{"id": k, "name": k.upper() + " area", "completeness": v,
                       "implemented": [], "missing": [], "unknown": []}
                      for k, v in areas.items()],
            "strengths": [], "improvements": [],
            "capabilities": [{"id": c, "title": c, "area": "ci", "level": 2, "weight": 1,
                              "priority": 1, "effort": "S", "effort_minutes": 30,
                              "status": s, "current": None, "observe_hint": None,
                              "evidence": []} for c, s in caps.items()],
            "gaps": [{"id": c, "title": "Adopt " + c, "area": "ci", "priority": 1,
                      "current": None, "target": None, "impact": "+1 level",
                      "solution": {"text": "", "snippet": None, "lang": None},
                      "effort": "S", "tools": []}
                     for c, s in caps.items() if s != "met"],
            "roadmap": [], "quick_wins": [], "costs": {},
            "kpis": [{"id": k, "name": k.replace("_", " "), "value": v,
                      "unit": "per week", "window_days": 90, "target": 5,
                      "target_text": ">= 5 per week",
                      "status": "not measured" if v is None else "needs improvement",
                      "band": None, "band_year": 2023, "reason": None, "evidence": None}
                     for k, v in kpis.items()],
            "security": {"open": open_, "suppressed": 0, "by_source": {}, "fixable": 0,
                         "not_fixable": 0, "scanned": scanned},
        },
        "gates": gates or [],
        "history": None,
    }


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


def run(args, env_extra=None, stdin=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    p = subprocess.run([DRIVER] + args, env=env, capture_output=True, text=True,
                       input=stdin, timeout=120)
    return p


def main(tests):
    failed = 0
    for t in tests:
        try:
            t()
        except Failed as e:
            print("FAIL -", t.__name__ + ":", e)
            failed += 1
    sys.exit(1 if failed else 0)
