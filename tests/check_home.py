"""Fails when any test wrote into the sentinel home the suite's environment
points HOME and XDG_*_HOME at (tests must use their own temporary dirs).
Lists the files, then empties the sentinel so the next run starts clean."""
import os
import shutil
import sys

sentinel = sys.argv[1]
found = []
for root, dirs, files in os.walk(sentinel):
    for name in dirs + files:
        found.append(os.path.relpath(os.path.join(root, name), sentinel))
if found:
    print("tests wrote into the sentinel home %s (set HOME/XDG_STATE_HOME/"
          "XDG_CACHE_HOME to a temporary dir in the test):" % sentinel)
    for f in sorted(found)[:50]:
        print("  " + f)
    for entry in os.listdir(sentinel):
        p = os.path.join(sentinel, entry)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    sys.exit(1)
print("ok - sentinel home %s untouched" % sentinel)
