#!/usr/bin/env python3
"""run_examples.py - the examples of the documentation are tests.

Runs every `$ ...` line of every ```console block of README.md and docs/*.md,
and of every .EX/.EE block of the man pages (docs/*.1, docs/man/*.1), and
compares what it prints (stdout and stderr as one stream, as `2>&1` gives
them) with the lines that follow it in the block, up to the next `$ ` line.

Set-up, the one README.md documents: each block runs in a fresh copy of the
lab that `scripts/docs-lab DIR` made (and `scripts/docs-lab serve DIR` gave
its two TLS servers on 127.0.0.1, whose ports are in DIR/lab.env), with the
certchain under test first on PATH, CERTCHAIN_STORE=LAB/store and
XDG_CACHE_HOME=LAB/.cache. The commands of one block share that copy (a
`store import` is seen by the next line), blocks never share anything.

Matching is line by line after trailing blanks are dropped; only these may
differ between the text and a run:
  dates and times (2026-12-07, 2026-12-07T18:40:00Z, 18:40:00),
  durations (20 ms, 0.05 s),
  hexadecimal runs of 8 digits or more (fingerprints, key ids, serials)
    unless they belong to a certificate of the real-certs or of the built-in
    trust stores, which must match exactly,
  ports after a host (127.0.0.1:40947), and paths of the lab copy and /tmp
    (--update writes the lab copy's path as /tmp/certchain-lab, the lab
    README.md has the reader make);
  and, since reports are wrapped at 100 columns (COLUMNS is unset) and
  those values vary in width, where a line wraps: when the lines differ,
  the same words in the same order still match.

--update rewrites each block's output with what the run printed (the lab's
dates, fingerprints and ports as they came); read the result before
committing it.
Exit: 0 every example matched, 1 some did not, 2 usage.
"""
import argparse
import base64
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TIMEOUT = 120  # seconds per command: fix and check with AIA stay well under it


class Block:
    """One example block: its commands, each with the expected output lines."""

    def __init__(self, path, kind, start, end):
        self.path, self.kind = path, kind
        self.start, self.end = start, end  # line indexes of the fences (0-based)
        self.items = []  # [line index, command text (raw lines), output lines]


# A character outside ASCII is \[uXXXX] in a man page (groff without
# preconv reads a page as Latin-1; the page defines a fallback glyph for
# devices that lack it, e.g. .if !c\[u2514] .char \[u2514] +).
MAN_UCHAR = re.compile(r"\\\[u([0-9A-F]{4,6})\]")


def man_unescape(s):
    s = s.replace("\\&", "").replace("\\-", "-")
    s = MAN_UCHAR.sub(lambda m: chr(int(m.group(1), 16)), s)
    return s.replace("\\e", "\\")


def man_escape(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    s = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in s)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def parse(path, lines):
    """The example blocks of one file; raises ValueError on a malformed one."""
    blocks = []
    is_man = path.endswith(".1")
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_man:
            opened = line.strip() == ".EX"
        else:
            opened = re.match(r"^```console\s*$", line) is not None
        if not opened:
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            if is_man and lines[j].strip() == ".EE":
                break
            if not is_man and re.match(r"^```\s*$", lines[j]):
                break
            j += 1
        if j == len(lines):
            raise ValueError("%s:%d: example block not closed" % (path, i + 1))
        b = Block(path, "man" if is_man else "md", i, j)
        k = i + 1
        while k < j:
            text = man_unescape(lines[k]) if is_man else lines[k]
            if text.startswith("$ "):
                at = k
                cmd = [lines[k]]
                while (man_unescape(cmd[-1]) if is_man else cmd[-1]).endswith("\\") and k + 1 < j:
                    k += 1
                    cmd.append(lines[k])
                b.items.append([at, cmd, []])
            elif b.items:
                b.items[-1][2].append(text)
            elif text.strip():
                raise ValueError("%s:%d: output before any '$ ' command in the block"
                                 % (path, k + 1))
            k += 1
        if b.items:
            blocks.append(b)
        i = j + 1
    return blocks


def command_of(b, raw):
    """The shell text of a command: '$ ' dropped, continuation lines kept."""
    text = [man_unescape(l) if b.kind == "man" else l for l in raw]
    text[0] = text[0][2:]
    return "\n".join(text)


def stable_fingerprints(lab):
    """SHA-256 (hex) of every real certificate: those must match exactly."""
    fps = set()
    files = glob.glob(os.path.join(lab, "real-certs", "*.pem"))
    files += glob.glob(os.path.join(ROOT, "data", "trust-stores", "*.pem"))
    pem = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)
    for f in files:
        with open(f, encoding="latin-1") as fh:
            for m in pem.finditer(fh.read()):
                try:
                    der = base64.b64decode("".join(m.group(1).split()))
                except ValueError:
                    continue
                fps.add(hashlib.sha256(der).hexdigest())
    return fps


class Normalizer:
    DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?")
    TIME = re.compile(r"\b\d{2}:\d{2}:\d{2}\b")
    DUR = re.compile(r"\b\d+(?:\.\d+)? ?(ms|s)\b")
    COLONHEX = re.compile(r"\b(?:[0-9A-Fa-f]{2}:){4,}[0-9A-Fa-f]{2}\b")
    HEX = re.compile(r"\b[0-9A-Fa-f]{8,}\b")
    PORT = re.compile(r"(?<=[0-9A-Za-z\]]):\d{4,5}\b")
    TMP = re.compile(r"/tmp/[^\s'\"():,]*")
    SHOWN_LAB = "/tmp/certchain-lab"  # where README.md has the reader make the lab

    def __init__(self, stable):
        self.stable = stable

    def hexrun(self, m):
        h = m.group(0).lower()
        if h.isdigit() or not re.search(r"[0-9]", h):
            return m.group(0)  # a decimal number, or a word made of a-f
        if any(h in fp for fp in self.stable):
            return m.group(0)
        return "<hex>"

    def line(self, s, paths):
        for p in paths:
            s = re.sub(re.escape(p) + r"[^\s'\"():,]*", "<path>", s)
        s = self.TMP.sub("<path>", s)
        s = self.DATE.sub("<date>", s)
        s = self.TIME.sub("<time>", s)
        s = self.COLONHEX.sub("<hex>", s)
        s = self.HEX.sub(self.hexrun, s)
        s = self.PORT.sub(":<port>", s)
        s = self.DUR.sub(r"<n> \1", s)
        return s.rstrip()

    def lines(self, lines, paths):
        out = [self.line(l, paths) for l in lines]
        while out and out[-1] == "":
            out.pop()
        return out


def joined(lines):
    """The words of the lines, in order: output is wrapped at 100 columns,
    so a value that differs in width (a port, a duration, a date) may move
    the wrap point; the words and their order must still match."""
    return Normalizer.DUR.sub(r"<n> \1", " ".join(" ".join(lines).split()))


def lab_env(lab):
    env = {}
    f = os.path.join(lab, "lab.env")
    if os.path.exists(f):
        for line in open(f):
            m = re.match(r"^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$", line)
            if m:
                env[m.group(1)] = m.group(2).strip().strip("'\"")
    return env


def base_env(bindir, lab):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CERTCHAIN_") and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["TZ"] = "UTC"
    env.pop("COLUMNS", None)  # human reports wrap at 100 when stdout is no terminal
    env.update(lab_env(lab))
    return env


def run_block(b, lab, work, env0, norm, update, report):
    """Runs one block's commands in a fresh copy of the lab; returns the new
    output of each command (for --update) and reports each comparison."""
    d = tempfile.mkdtemp(prefix="ex-", dir=work)
    copy = os.path.join(d, "lab")
    shutil.copytree(lab, copy, symlinks=True,
                    ignore=shutil.ignore_patterns(".servers.pid", ".cache"))
    env = dict(env0)
    env["CERTCHAIN_STORE"] = os.path.join(copy, "store")
    env["XDG_CACHE_HOME"] = os.path.join(copy, ".cache")
    env["HOME"] = copy
    paths = [copy, os.path.realpath(copy), lab, os.path.realpath(lab)]
    new = []
    for idx, raw, expected in b.items:
        cmd = command_of(b, raw)
        try:
            p = subprocess.run(["bash", "-c", cmd], cwd=copy, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=TIMEOUT)
            got = p.stdout.decode("utf-8", "replace").split("\n")
        except subprocess.TimeoutExpired:
            got = ["(timed out after %d s)" % TIMEOUT]
        while got and got[-1].rstrip() == "":
            got.pop()
        # What a reader sees in the lab README.md has them make.
        got = [g.rstrip() for g in got]
        for p in paths[:2]:
            got = [g.replace(p, Normalizer.SHOWN_LAB) for g in got]
        new.append(got)
        want_n, got_n = norm.lines(expected, paths), norm.lines(got, paths)
        where = "%s:%d" % (os.path.relpath(b.path, ROOT), idx + 1)
        if want_n == got_n or joined(want_n) == joined(got_n):
            report(True, "%s: %s" % (where, cmd.splitlines()[0][:90]), [])
            continue
        detail = []
        for n in range(max(len(want_n), len(got_n))):
            w = want_n[n] if n < len(want_n) else "(no line)"
            g = got_n[n] if n < len(got_n) else "(no line)"
            if w != g:
                detail.append("output line %d (file line %d):" % (n + 1, idx + len(raw) + 1 + n))
                detail.append("  expected: %s" % w)
                detail.append("  got:      %s" % g)
                if len(detail) >= 12:
                    detail.append("  ... (%d lines expected, %d got)" % (len(want_n), len(got_n)))
                    break
        report(update, "%s: %s%s" % (where, cmd.splitlines()[0][:90],
                                     " (updated)" if update else ""), detail)
    shutil.rmtree(d, ignore_errors=True)
    return new


def rewrite(path, lines, blocks, outputs):
    """The file with each block's outputs replaced (bottom-up, so the line
    indexes of earlier blocks stay valid)."""
    for b, outs in reversed(list(zip(blocks, outputs))):
        body = []
        for (idx, raw, _), out in zip(b.items, outs):
            body.extend(raw)
            body.extend(man_escape(o) if b.kind == "man" else o for o in out)
        first = b.items[0][0]
        lines[first:b.end] = body
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def default_files():
    files = [os.path.join(ROOT, "README.md")]
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "*.1")))
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "man", "*.1")))
    return files


def main():
    ap = argparse.ArgumentParser(description="Run the documentation's examples and "
                                 "compare their output (see the module text).")
    ap.add_argument("--lab", required=True, help="a lab made by scripts/docs-lab")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "certchain"),
                    help="the certchain under test (default build/certchain)")
    ap.add_argument("--update", action="store_true",
                    help="rewrite every block's output from the real runs")
    ap.add_argument("files", nargs="*", help="default: README.md, docs/*.md, docs/*.1, "
                    "docs/man/*.1")
    a = ap.parse_args()
    lab = os.path.abspath(a.lab)
    if not os.path.exists(os.path.join(lab, "leaf.pem")):
        print("run_examples: %s: not a lab (run scripts/docs-lab %s)" % (lab, a.lab),
              file=sys.stderr)
        return 2
    binp = os.path.abspath(a.bin)
    if not os.access(binp, os.X_OK):
        print("run_examples: %s: not an executable" % binp, file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="certchain-examples.")
    bindir = os.path.join(work, "bin")
    os.mkdir(bindir)
    with open(os.path.join(bindir, "certchain"), "w") as fh:
        wrap = os.environ.get("CERTCHAIN_WRAP", "")
        fh.write('#!/bin/sh\nexec %s "%s" "$@"\n' % (wrap, binp))
    os.chmod(os.path.join(bindir, "certchain"), 0o755)
    env = base_env(bindir, lab)
    norm = Normalizer(stable_fingerprints(lab))
    counts = [0, 0]

    def report(good, what, detail):
        counts[0 if good else 1] += 1
        print(("ok   - " if good else "FAIL - ") + what)
        for d in detail:
            print("       " + d)

    rc = 0
    try:
        for f in (a.files or default_files()):
            f = os.path.abspath(f)
            if not os.path.exists(f):
                continue
            lines = open(f, encoding="utf-8").read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            try:
                blocks = parse(f, lines)
            except ValueError as e:
                report(False, str(e), [])
                continue
            outs = [run_block(b, lab, work, env, norm, a.update, report) for b in blocks]
            if a.update and blocks:
                rewrite(f, lines, blocks, outs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (counts[0], counts[1]))
    if counts[1]:
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
