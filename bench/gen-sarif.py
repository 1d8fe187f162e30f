#!/usr/bin/python3
"""Write a synthetic SARIF 2.1.0 file (CodeQL-like) for benchmarks.

usage: gen-sarif.py OUT.sarif [N_RESULTS=100000]

500 rules with security-severity and CWE tags; results use ruleIndex +
rule{id,index}, no level (resolved through the rule, as real CodeQL
output), partialFingerprints, one location and a short code flow:
~0.8 KB each, so 100 k gives a ~80 MB file.  Deterministic (seeded).
"""
import json
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rnd = random.Random(7)
N_RULES = 500
rules = [{
    "id": "bench/rule-%d" % i,
    "name": "bench/rule-%d" % i,
    "shortDescription": {"text": "Benchmark rule %d" % i},
    "fullDescription": {"text": "A rule used to measure ingest speed %d." % i},
    "defaultConfiguration": {"enabled": True,
                             "level": ["error", "warning", "note"][i % 3]},
    "properties": {"tags": ["security", "external/cwe/cwe-%03d" % (i % 900)],
                   "kind": "path-problem", "precision": "high",
                   "security-severity": "%.1f" % ((i * 37 % 100) / 10.0)},
} for i in range(N_RULES)]


def result(i):
    r = i % N_RULES
    uri = "src/module%d/file%d.js" % (i % 97, i % 1013)
    line = 1 + i % 4000
    return {
        "ruleId": rules[r]["id"], "ruleIndex": r,
        "rule": {"id": rules[r]["id"], "index": r},
        "message": {"text": "Untrusted data flows to a sensitive sink here "
                            "via [this value](1) in request %d; check the "
                            "validation of this input." % i},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%",
                                 "index": i % 1013},
            "region": {"startLine": line, "startColumn": 1 + i % 80,
                       "endColumn": 20 + i % 80}}}],
        "partialFingerprints": {
            "primaryLocationLineHash": "%016x:1" % rnd.getrandbits(64),
            "primaryLocationStartColumnFingerprint": str(i % 80)},
        "relatedLocations": [{"id": 1, "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, line - 3), "startColumn": 5,
                       "endColumn": 17}},
            "message": {"text": "user input"}}],
    }


with open(out, "w", encoding="utf-8") as f:
    f.write('{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", '
            '"version": "2.1.0", "runs": [{"tool": {"driver": {"name": '
            '"CodeQL", "semanticVersion": "2.20.0", "rules": ')
    f.write(json.dumps(rules))
    f.write('}}, "results": [\n')
    for i in range(n):
        if i:
            f.write(",\n")
        f.write(json.dumps(result(i)))
    f.write('\n], "columnKind": "utf16CodeUnits"}]}\n')
