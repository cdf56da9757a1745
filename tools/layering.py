#!/usr/bin/env python3
"""layering.py - check that the library's folders call downwards only.

The rule is src/lib/README.md's table (layer number, folder): a file in
folder Y may use a symbol defined in folder X, or include a header of
folder X, only when X is Y or X's layer is below Y's. Files of src/cli use
the library from above. Besides the folders, no two object files may use
each other, directly or round a longer circle.

usage: layering.py [--readme FILE] [--src DIR] BUILD_DIR
BUILD_DIR holds the objects the Makefile builds (BUILD_DIR/src/lib/F/x.o,
BUILD_DIR/src/cli/x.o). Prints one line per violation; exit 1 if any,
2 on a usage or setup error.
"""
import glob
import os
import re
import subprocess
import sys

CLI = "cli"  # the command-line files: above every library folder


def layers(readme):
    """{folder: layer} from the README's table rows '| N | `folder/` | ...'."""
    out = {}
    row = re.compile(r"^\|\s*(\d+)\s*\|\s*`([a-z0-9_]+)/`\s*\|")
    with open(readme, encoding="utf-8") as f:
        for line in f:
            m = row.match(line)
            if m:
                out[m.group(2)] = int(m.group(1))
    return out


def folder_of(path, src):
    rel = os.path.relpath(path, src)
    parts = rel.split(os.sep)
    if parts[0] == "cli":
        return CLI
    if parts[0] == "lib" and len(parts) >= 3:
        return parts[1]  # src/lib/platform/posix/run.c: platform
    return None  # src/lib/internal.h: shared by all


def nm(obj):
    """(defined, undefined) global symbol sets of one object file."""
    try:
        text = subprocess.run(["nm", "-g", obj], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("layering: cannot read %s: %s" % (obj, e))
    defined, undefined = set(), set()
    for line in text.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] in ("U", "w", "v"):
            undefined.add(f[1])
        elif len(f) == 3 and f[1] not in ("U", "w", "v"):
            defined.add(f[2])
    return defined, undefined


def may_use(user, used, lay):
    """True when folder user may use folder used."""
    if user == used:
        return True
    if user == CLI:
        return used in lay
    if used == CLI:
        return False
    return user in lay and used in lay and lay[used] < lay[user]


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main(argv):
    readme, src, args = None, None, []
    it = iter(argv)
    for a in it:
        if a == "--readme":
            readme = next(it, None)
        elif a == "--src":
            src = next(it, None)
        else:
            args.append(a)
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    build = args[0]
    src = src or "src"
    readme = readme or os.path.join(src, "lib", "README.md")
    lay = layers(readme)
    if not lay:
        print("layering: %s: no layer table found" % readme, file=sys.stderr)
        return 2
    problems = []

    # Folders on disk that the table does not name have no place in the order.
    for d in sorted(glob.glob(os.path.join(src, "lib", "*", ""))):
        name = os.path.basename(os.path.dirname(d))
        if name not in lay:
            problems.append("%s: folder not in %s's table" % (d, readme))

    objs = sorted(glob.glob(os.path.join(build, "src", "lib", "*", "*.o")) +
                  glob.glob(os.path.join(build, "src", "lib", "*", "*", "*.o")) +
                  glob.glob(os.path.join(build, "src", "cli", "*.o")))
    if not objs:
        print("layering: %s: no object files" % build, file=sys.stderr)
        return 2
    syms = {o: nm(o) for o in objs}
    owner = {}
    for o, (d, _) in syms.items():
        for s in d:
            owner.setdefault(s, o)

    def name(o):
        return os.path.relpath(o, os.path.join(build, "src"))[:-2] + ".c"

    def fold(o):
        return folder_of(os.path.join(src, name(o)), src)

    edges = {}
    for o, (_, und) in syms.items():
        for s in sorted(und):
            t = owner.get(s)
            if not t or t == o:
                continue
            edges.setdefault(o, set()).add(t)
            if not may_use(fold(o), fold(t), lay):
                problems.append("%s uses %s from %s (%s/ may not use %s/)" %
                                (name(o), s, name(t), fold(o), fold(t)))
    for comp in cycles(edges):
        problems.append("file circle: " + " <-> ".join(name(o) for o in comp))

    # Private headers: src/lib/F/x.h belongs to F; public headers are one stack.
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    files = glob.glob(os.path.join(src, "lib", "*", "*.[ch]")) + \
        glob.glob(os.path.join(src, "lib", "*", "*", "*.[ch]")) + \
        glob.glob(os.path.join(src, "cli", "*.[ch]"))
    for path in sorted(files):
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = inc.match(line)
                if not m:
                    continue
                cands = [os.path.join(os.path.dirname(path), m.group(1)),
                         os.path.join(src, "lib", m.group(1))]
                hit = next((c for c in cands if os.path.isfile(c)), None)
                if not hit:
                    continue
                user, used = folder_of(path, src), folder_of(os.path.normpath(hit), src)
                if used and not may_use(user, used, lay):
                    problems.append("%s:%d includes %s (%s/ may not use %s/)" %
                                    (path, n, m.group(1), user, used))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
