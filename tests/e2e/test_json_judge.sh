#!/bin/bash
# End-to-end: every --json document of the judging commands (build, explain,
# verify, fix, check, profiles) is JSON that python3 -m json.tool reads and
# writes back to the same value, with no key twice; strings from files and
# paths keep their characters (quotes, backslashes, tabs, non-ASCII) and a
# byte that is not UTF-8 becomes U+FFFD; counts are integers, scores numbers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

# roundtrip FILE DESC: each non-empty line of FILE (a document or JSON lines)
# through json.tool and back: the same value, no duplicate keys.
roundtrip() {
	python3 - "$1" <<'PY' && ok "$2: parses and round-trips through json.tool" || bad "$2: not round-trip JSON" "$(head -c 300 "$1")"
import json, subprocess, sys
def nodup(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate key in %r" % keys
    return dict(pairs)
text = open(sys.argv[1], "rb").read().decode("utf-8")  # strict: must be UTF-8
docs = [l for l in text.split("\n") if l.strip()]
assert docs, "no output"
for d in docs:
    v = json.loads(d, object_pairs_hook=nodup)
    assert isinstance(v, dict), type(v)
    out = subprocess.run([sys.executable, "-m", "json.tool"], input=d.encode(),
                         capture_output=True, check=True).stdout
    assert json.loads(out) == v, "json.tool changed the value"
    assert json.loads(json.dumps(v, ensure_ascii=False)) == v
PY
}
# jpy FILE EXPR: evaluates EXPR with j the document in FILE.
jpy() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# A directory whose name holds a quote, a backslash, a tab, é and the byte
# 0xff (not UTF-8): it reaches the documents as profile sources, targets
# and written files.
d=$T/$(printf 'pki "q" \\b\té\xff')
mkdir -p "$d" && pki_crosssign "$d" ec || bad "PKI"
cat "$d/leaf.pem" "$d/ica.pem" >"$d/served.pem"
cat "$d/leaf.pem" "$d/cross.pem" "$d/ica.pem" >"$d/rev.pem"
want=$(python3 -c 'import sys,os; print(os.fsencode(sys.argv[1]).decode("utf-8", "replace"))' "$d")
P=(--no-store -p "old=$d/old.pem" -p "new=$d/new.pem")

cc build --json "${P[@]}" -I "$d/ica.pem" -I "$d/cross.pem" "$d/leaf.pem" >"$T/b.json"
roundtrip "$T/b.json" "build"
python3 - "$T/b.json" "$want/old.pem" <<'PY' && ok "build: a profile source keeps its quote, backslash, tab and é, 0xff as U+FFFD" || bad "build: source path"
import json, sys
s = json.load(open(sys.argv[1]))["profiles"][0]["source"]
assert s == sys.argv[2] and "\t" in s and '"' in s and "\\" in s and "\ufffd" in s and "é" in s, repr(s)
PY
expect_eq "$(jpy "$T/b.json" '[type(j["trusted_by"]).__name__, type(j["score"]).__name__, type(j["matrix"][0]["path_rank"]).__name__, type(j["profiles"][0]["weight"]).__name__, j["result"]]')" \
	"['int', 'float', 'int', 'int', 'ok']" "build: counts are integers, the score a number"
cc build --json --all --include-root "${P[@]}" -I "$d/ica.pem" -I "$d/cross.pem" "$d/leaf.pem" >"$T/b2.json"
roundtrip "$T/b2.json" "build --all --include-root"
cc build --json --no-store -r "$d/new.pem" "$d/leaf.pem" >"$T/b3.json"
roundtrip "$T/b3.json" "build, no path"
expect_eq "$(jpy "$T/b3.json" '[j["result"], j["anchor"], j["need_longer"]]')" "['no-path', None, None]" \
	"build, no path: result no-path, anchor and need_longer null"
cc explain --json "${P[@]}" -I "$d/ica.pem" -I "$d/cross.pem" "$d/leaf.pem" >"$T/e.json"
roundtrip "$T/e.json" "explain"

cc verify --json "${P[@]}" "$d/served.pem" >"$T/v.json"
roundtrip "$T/v.json" "verify"
cc verify --json --no-store -r "$d/old.pem" "$d/rev.pem" >"$T/v2.json"
roundtrip "$T/v2.json" "verify, wrong order"
expect_eq "$(jpy "$T/v2.json" '[j["result"], "wrong-order" in [f["id"] for f in j["findings"]], type(j["findings"][0]["depth"]).__name__]')" \
	"['problems', True, 'int']" "verify: findings as objects, depth an integer"

cc fix --json "${P[@]}" -I "$d/ica.pem" -I "$d/cross.pem" -o "$d/fixed.pem" "$d/rev.pem" >"$T/f.json"
roundtrip "$T/f.json" "fix"
expect_eq "$(jpy "$T/f.json" '[j["written"] == sys.argv[3] + "/fixed.pem", j["target"] == sys.argv[3] + "/rev.pem", type(j["score_after"]).__name__]' "$want" 2>&1)" \
	"[True, True, 'float']" "fix: target and written name the files, bytes kept"
cc fix --json --no-store -r "$d/new.pem" "$d/leaf.pem" >"$T/f2.json"
roundtrip "$T/f2.json" "fix, no path"

cc profiles --json >"$T/p.json"
roundtrip "$T/p.json" "profiles"
cc profiles --json "${P[@]}" -I "$d/cross.pem" "$d/served.pem" >"$T/p2.json"
roundtrip "$T/p2.json" "profiles CHAIN"
expect_eq "$(jpy "$T/p2.json" 'sorted(j["chain"]["has"])')" "['new', 'old']" "profiles CHAIN: has, by profile"

p=$(free_port)
s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
cc check --json --no-aia "${P[@]}" -I "$d/cross.pem" --fix-out "$d/fx.pem" \
	--connect 127.0.0.1 "www.example.test:$p" >"$T/c.json"
roundtrip "$T/c.json" "check"
expect_eq "$(jpy "$T/c.json" '[type(j["port"]).__name__, type(j["ms"]).__name__, j["fix"]["written"] == sys.argv[3] + "/fx.pem", j["fix"]["added"][0]["position"]]' "$want" 2>&1)" \
	"['int', 'int', True, 2]" "check: port and ms integers, the written file named, added with position"
printf 'www.example.test:%s 127.0.0.1\n127.0.0.1:%s\n' "$p" "$(free_port)" >"$T/targets"
cc check --json --no-aia --timeout 3 "${P[@]}" -f "$T/targets" >"$T/c2.json"
roundtrip "$T/c2.json" "check -f (JSON lines, one connect failure)"
expect_eq "$(python3 -c 'import json,sys; print(sorted(json.loads(l)["result"] for l in open(sys.argv[1]) if l.strip()))' "$T/c2.json")" \
	"['connect-failed', 'problems']" "check -f: one record per target (old needs the cross-sign)"

finish
