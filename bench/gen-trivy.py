#!/usr/bin/python3
"""Write a synthetic Trivy JSON report (SchemaVersion 2) for benchmarks.

usage: gen-trivy.py OUT.json [N_VULNS=100000] [FIRST=0]

The vulnerabilities are spread over results of 1000 each and look like
real ones (CVSS, references, long descriptions), ~1.8 KB each, so 100 k
gives a ~180 MB file.  Deterministic (seeded).  FIRST numbers the
vulnerabilities from there on (CVE-2099-FIRST...): shards of one scan.
"""
import json
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rnd = random.Random(42)
sevs = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]
words = ("buffer overflow use after free integer overflow null pointer "
         "dereference in the parser allows remote attackers to cause a "
         "denial of service or possibly execute arbitrary code via a "
         "crafted file").split()


def vuln(i):
    sev = sevs[i % 5]
    pkg = "pkg%d" % (i % 3000)
    return {
        "VulnerabilityID": "CVE-2099-%05d" % i,
        "PkgID": "%s@1.%d.0" % (pkg, i % 7),
        "PkgName": pkg,
        "PkgIdentifier": {"PURL": "pkg:deb/debian/%s@1.%d.0" % (pkg, i % 7),
                          "UID": "%016x" % rnd.getrandbits(64)},
        "InstalledVersion": "1.%d.0" % (i % 7),
        "FixedVersion": "1.%d.1" % (i % 7) if i % 3 else "",
        "Status": "fixed" if i % 3 else "affected",
        "Layer": {"Digest": "sha256:%064x" % (i % 5),
                  "DiffID": "sha256:%064x" % (i % 5 + 100)},
        "SeveritySource": "nvd",
        "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2099-%05d" % i,
        "DataSource": {"ID": "debian", "Name": "Debian Security Tracker",
                       "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"},
        "Title": " ".join(rnd.choice(words) for _ in range(8)),
        "Description": " ".join(rnd.choice(words) for _ in range(90)),
        "Severity": sev,
        "CweIDs": ["CWE-%d" % (100 + i % 700)],
        "VendorSeverity": {"nvd": 4 - i % 5, "debian": 2},
        "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                         "V3Score": round(rnd.uniform(0.1, 10), 1),
                         "V2Vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P",
                         "V2Score": 7.5}},
        "References": ["https://example.test/advisories/%d/%d" % (i, k)
                       for k in range(6)],
        "PublishedDate": "2099-01-%02dT00:00:00Z" % (1 + i % 28),
        "LastModifiedDate": "2099-02-%02dT00:00:00Z" % (1 + i % 28),
    }


with open(out, "w", encoding="utf-8") as f:
    f.write('{\n  "SchemaVersion": 2,\n  "Trivy": {"Version": "0.58.1"},\n'
            '  "CreatedAt": "2099-03-01T00:00:00Z",\n'
            '  "ArtifactName": "registry.example.test/bench/big:1",\n'
            '  "ArtifactType": "container_image",\n  "Results": [\n')
    per = 1000
    for r in range((n + per - 1) // per):
        if r:
            f.write(",\n")
        f.write('    {"Target": "bench-%d (debian 12)", "Class": "os-pkgs", '
                '"Type": "debian", "Vulnerabilities": [\n' % r)
        for k in range(r * per, min(n, (r + 1) * per)):
            if k > r * per:
                f.write(",\n")
            f.write("      " + json.dumps(vuln(first + k), indent=None))
        f.write("\n    ]}")
    f.write("\n  ]\n}\n")
