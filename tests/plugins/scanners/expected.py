"""Independent reading of Trivy JSON and SARIF 2.1.0 with the standard
library, used by the tests as the oracle for the C plugins.

It loads the whole document (fine for test files) and follows the
published formats directly (docs: ../shared/reference/formats.md), so it
shares no code with the streaming reader.  counts() returns a Counter of
(kind, severity, "open"|"suppressed") -> n.
"""
import collections
import json
import re

TRIVY_SEV = {"UNKNOWN": "unknown", "LOW": "low", "MEDIUM": "medium",
             "HIGH": "high", "CRITICAL": "critical"}
VENDOR_SEV = ["unknown", "low", "medium", "high", "critical"]
LEVEL_SEV = {"error": "high", "warning": "medium", "note": "low",
             "none": "info"}


def _trivy_sev(item):
    if "Severity" in item and item["Severity"] is not None:
        return TRIVY_SEV.get(str(item["Severity"]).upper(), "unknown")
    src = item.get("SeveritySource")
    vs = item.get("VendorSeverity") or {}
    if src in vs and isinstance(vs[src], int) and 0 <= vs[src] <= 4:
        return VENDOR_SEV[vs[src]]
    return "unknown"


def _trivy_results(doc):
    if isinstance(doc, list):
        return list(doc)
    if "ClusterName" in doc and doc.get("SchemaVersion") is None:
        out = []
        for key in ("Vulnerabilities", "Misconfigurations", "Resources"):
            for res in doc.get(key) or []:
                out.extend(res.get("Results") or [])
        return out
    if doc.get("SchemaVersion") != 2:
        raise ValueError("not a Trivy v2 report")
    return doc.get("Results") or []


def trivy_counts(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    c = collections.Counter()

    def add(kind, item, suppressed=False):
        c[(kind, _trivy_sev(item), "suppressed" if suppressed else "open")] += 1

    for r in _trivy_results(doc):
        for v in r.get("Vulnerabilities") or []:
            add("vulnerability", v, v.get("Status") == "not_affected")
        for m in r.get("Misconfigurations") or []:
            st = m.get("Status")
            if st == "PASS":
                continue
            add("misconfiguration", m, st == "EXCEPTION")
        for s in r.get("Secrets") or []:
            add("secret", s)
        for lic in r.get("Licenses") or []:
            add("license", lic)
        kinds = {"vulnerability": "vulnerability",
                 "misconfiguration": "misconfiguration",
                 "secret": "secret", "license": "license"}
        for mf in r.get("ExperimentalModifiedFindings") or []:
            k = kinds[mf["Type"]]
            if k == "misconfiguration" and mf["Finding"].get("Status") == "PASS":
                continue
            add(k, mf["Finding"], True)
    return c


def _secsev(props):
    if not isinstance(props, dict) or "security-severity" not in props:
        return None
    v = props["security-severity"]
    if isinstance(v, bool):
        return None
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            w = v.strip().lower()
            w = {"moderate": "medium", "informational": "info",
                 "negligible": "info"}.get(w, w)
            return w if w in ("critical", "high", "medium", "low",
                              "info") else None
    if not isinstance(v, (int, float)) or not 0 < v <= 10:
        return None
    if v >= 9.0:
        return "critical"
    if v >= 7.0:
        return "high"
    if v >= 4.0:
        return "medium"
    return "low"


def _find_rule(run, res):
    tool = run.get("tool") or {}
    driver = tool.get("driver") or {}
    exts = tool.get("extensions") or []
    ref = res.get("rule") or {}
    rid = res.get("ruleId", ref.get("id"))
    idx = ref.get("index", res.get("ruleIndex", -1))
    comp = driver
    tc = ref.get("toolComponent") or {}
    if isinstance(tc.get("index"), int) and 0 <= tc["index"] < len(exts):
        comp = exts[tc["index"]]
    rules = comp.get("rules") or []
    if isinstance(idx, int) and 0 <= idx < len(rules):
        rule = rules[idx]
        if rid is None or rule.get("id") is None or rid.startswith(rule["id"]):
            return rule
    allrules = list(driver.get("rules") or [])
    for e in exts:
        allrules.extend(e.get("rules") or [])
    cand = rid
    while cand:
        for rule in allrules:
            if rule.get("id") == cand:
                return rule
        cand = cand.rpartition("/")[0]
    return {}


def sarif_counts(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("version") != "2.1.0":
        raise ValueError("not SARIF 2.1.0")
    c = collections.Counter()
    for run in doc.get("runs") or []:
        for res in run.get("results") or []:
            if res.get("kind", "fail") != "fail":
                continue
            rule = _find_rule(run, res)
            level = res.get("level") or \
                (rule.get("defaultConfiguration") or {}).get("level") or \
                "warning"
            sev = _secsev(res.get("properties")) or \
                _secsev(rule.get("properties")) or LEVEL_SEV[level]
            sups = res.get("suppressions") or []
            suppressed = any(s.get("status", "accepted") == "accepted"
                             for s in sups)
            if res.get("baselineState") == "absent":
                suppressed = True
            c[("code-alert", sev, "suppressed" if suppressed else "open")] += 1
    return c


def harness_counts(lines):
    """Counter from the harness' JSON lines (finding objects)."""
    c = collections.Counter()
    for line in lines:
        o = json.loads(line)
        if "finding" in o:
            f = o["finding"]
            c[(f["kind"], f["severity"],
               "suppressed" if f["suppressed"] else "open")] += 1
    return c


CWE_RE = re.compile(r"cwe[-_:]?0*(\d+)", re.I)
