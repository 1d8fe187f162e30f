"""The opsgrade command lines in shell text and argv lists, and the check
that every option they use is one the CLI's --help lists for that
subcommand (plugins' flags included), so a recipe cannot drift from the
option tables."""
import re
import shlex
import subprocess

HELP_OPT = re.compile(r"^\s+(?:(-[a-zA-Z]), )?(--[a-z][a-z0-9-]*)", re.M)
_help = {}


def options_of(opsgrade, sub, env):
    """Every option `opsgrade SUB --help` lists, short and long."""
    if sub not in _help:
        p = subprocess.run([opsgrade, sub, "--help"], capture_output=True, text=True,
                           env=env, timeout=60)
        opts = set()
        for short, long_ in HELP_OPT.findall(p.stdout if p.returncode == 0 else ""):
            opts.add(long_)
            if short:
                opts.add(short)
        _help[sub] = opts
    return _help[sub]


def calls_in_argv(argv):
    """[(subcommand, [options])] when argv runs opsgrade directly."""
    if argv and argv[0].rsplit("/", 1)[-1] == "opsgrade" and len(argv) > 1:
        return [(argv[1], [a.split("=", 1)[0] for a in argv[2:] if a.startswith("-")])]
    return []


def calls_in_shell(text):
    """[(subcommand, [options])] for every `opsgrade SUB ...` in a shell
    script (continuation lines joined; a command ends at ; | & or a
    redirection)."""
    calls = []
    for line in text.replace("\\\n", " ").splitlines():
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        lex.commenters = "#"
        try:
            toks = list(lex)
        except ValueError:
            continue
        i = 0
        while i < len(toks):
            if toks[i].rsplit("/", 1)[-1] == "opsgrade" and i + 1 < len(toks):
                j = i + 2
                opts = []
                while j < len(toks) and not set(toks[j]) <= set(";|&<>()"):
                    if toks[j].startswith("-"):
                        opts.append(toks[j].split("=", 1)[0])
                    j += 1
                calls.append((toks[i + 1], opts))
                i = j
            else:
                i += 1
    return calls


def unknown_options(opsgrade, calls, env):
    """['SUB --opt', ...] for options the subcommand does not know."""
    bad = []
    for sub, opts in calls:
        known = options_of(opsgrade, sub, env)
        if not known:
            bad.append("%s: no such subcommand" % sub)
            continue
        bad += ["%s %s" % (sub, o) for o in opts if o not in known]
    return bad
