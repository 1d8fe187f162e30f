"""Helpers shared by the Python tests (standard library only).

Import with the tests folder on sys.path:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
"""
import subprocess

failures = []
checks = 0


def check(name, cond, detail=""):
    """Print a TAP-style line; a failed check is remembered in failures."""
    global checks
    checks += 1
    if cond:
        print("ok - %s" % name)
    else:
        print("not ok - %s %s" % (name, detail))
        failures.append(name)


def expect(cond, what):
    """check() with the condition first."""
    check(what, cond)


def done():
    """Print the tally; the exit status (0 when every check passed)."""
    print("%d checks, %d failed" % (checks, len(failures)))
    for f in failures:
        print("FAILED: " + f)
    return 1 if failures else 0


def stop_process(proc, timeout=10):
    """Terminate @proc if it still runs; kill it after @timeout seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
