#!/usr/bin/python3
"""Write delivery events for the bundled acme-shop example: 90 days ending
at END (epoch seconds, default now), deterministic for a given END.

    make-events.py OUT.json [END]

The example has no GitHub to ask, so this stands in for an export from a
CD system, read by the `events` collector."""
import json
import random
import sys
import time


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    out = sys.argv[1]
    end = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
    end -= end % 3600
    rnd = random.Random(42)
    day = 86400
    events = []
    n = 0
    for d in range(90, 0, -1):
        base = end - d * day
        weekday = time.gmtime(base).tm_wday
        if weekday >= 5:
            continue
        # about three production deploys a week, one in ten failing
        if rnd.random() < 0.6:
            n += 1
            ok = rnd.random() > 0.1
            t = base + 10 * 3600 + rnd.randrange(6 * 3600)
            events.append({"type": "deployment", "time": iso(t), "id": "deploy-%d" % n,
                           "attrs": {"environment": "production",
                                     "status": "success" if ok else "failure",
                                     "origin": "deployments"}})
            if not ok:
                events.append({"type": "incident", "time": iso(t + 600),
                               "id": "inc-%d" % n,
                               "attrs": {"resolved_at": iso(t + 600 + rnd.randrange(2, 20) * 1800)}})
        for k in range(rnd.randrange(1, 4)):
            t = base + 9 * 3600 + rnd.randrange(9 * 3600)
            lead = rnd.randrange(4, 80) * 3600
            events.append({"type": "pr_merged", "time": iso(t), "id": "pr-%d-%d" % (d, k),
                           "attrs": {"first_commit_at": iso(t - lead)}})
        for k in range(rnd.randrange(3, 8)):
            t = base + 8 * 3600 + rnd.randrange(10 * 3600)
            events.append({"type": "workflow_run", "time": iso(t), "id": "run-%d-%d" % (d, k),
                           "attrs": {"name": "ci", "event": "pull_request", "branch": "main",
                                     "conclusion": "success" if rnd.random() > 0.08 else "failure",
                                     "duration_s": str(rnd.randrange(240, 900))}})
    events.sort(key=lambda e: (e["time"], e["id"]))
    with open(out, "w") as f:
        json.dump({"events": events}, f, indent=1)


if __name__ == "__main__":
    main()
