#!/bin/bash
# Every certificate a built-in store ships comes from its documented source:
# each file of data/trust-stores is listed in SOURCES with the shared data
# file it was copied from, and holds no certificate that file lacks (by DER
# SHA-256). Also: every store profiles.conf names is listed, and the installed
# data directory (what the binary reads) is that same data.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
D=$top/data/trust-stores
S=$DATA/trust-stores

python3 - "$D" "$S" <<'PY' >"$T/prov.txt"
import base64, hashlib, os, re, sys
d, s = sys.argv[1], sys.argv[2]
def certs(path):
    text = open(path, encoding="latin-1").read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return [hashlib.sha256(base64.b64decode("".join(b.split()))).hexdigest() for b in blocks]
src = {}
for line in open(os.path.join(d, "SOURCES")):
    line = line.split("#", 1)[0].split()
    if line:
        src[line[0]] = line[1]
conf = set()
for line in open(os.path.join(d, "profiles.conf")):
    f = line.split()
    if f and not f[0].startswith("#"):
        conf.add(f[1])
for f in sorted(conf):
    print(("ok" if f in src else "FAIL") + f"\tprofiles.conf store {f} is listed in SOURCES")
for f in sorted(os.listdir(d)):
    if f in ("SOURCES", "README.md", "profiles.conf", "profiles.idx") or f.endswith(".tmp"):
        continue
    if f not in src:
        print(f"FAIL\t{f}: no documented source (not in SOURCES)")
        continue
    sp = os.path.join(s, src[f])
    if not os.path.exists(sp):
        print(f"FAIL\t{f}: its source {src[f]} is not in the shared data")
        continue
    if not f.endswith(".pem"):
        same = open(os.path.join(d, f), "rb").read() == open(sp, "rb").read()
        print(("ok" if same else "FAIL") + f"\t{f}: identical to {src[f]}")
        continue
    mine, theirs = certs(os.path.join(d, f)), set(certs(sp))
    extra = [x for x in mine if x not in theirs]
    print(("ok" if mine and not extra else "FAIL") +
          f"\t{f}: {len(mine)} certificates, all in {src[f]}" +
          (f" (extra: {', '.join(x[:16] for x in extra)})" if extra else ""))
    missing = theirs - set(mine)
    print(("ok" if not missing else "FAIL") + f"\t{f}: none of {src[f]}'s {len(theirs)} left out" +
          (f" (missing: {len(missing)})" if missing else ""))
PY
[ -s "$T/prov.txt" ] || bad "provenance script ran"
while IFS=$'\t' read -r v desc; do
	if [ "$v" = ok ]; then ok "$desc"; else bad "$desc"; fi
done <"$T/prov.txt"

# The check itself can fail: a store with one certificate added locally.
mkdir -p "$T/fake"
cp "$D"/* "$T/fake/"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/k.pem" -subj "/CN=Custom Artifactory CA" \
	-days 30 -out "$T/local.pem" 2>/dev/null
cat "$T/local.pem" >>"$T/fake/mozilla-debian-20230311.pem"
python3 - "$T/fake/mozilla-debian-20230311.pem" "$S/current/mozilla-debian-20230311.pem" <<'PY' &&
import base64, hashlib, re, sys
def certs(p):
    t = open(p, encoding="latin-1").read()
    return {hashlib.sha256(base64.b64decode("".join(b.split()))).hexdigest()
            for b in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", t, re.S)}
sys.exit(0 if certs(sys.argv[1]) - certs(sys.argv[2]) else 1)
PY
	ok "a locally added CA is an extra certificate the comparison sees" || bad "the comparison misses a locally added CA"

# What the binary loads is that data: debian-12 has the package's 142 roots
# and none of them is the locally added kind.
expect_rc 0 "profiles --json" cc profiles --no-store --json -p debian-12
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profiles"][0]["anchors"])' "$T/out")" \
	"$(grep -c 'BEGIN CERTIFICATE' "$S/current/mozilla-debian-20230311.pem")" \
	"debian-12: as many anchors as the package's bundle"
expect_rc 0 "profiles CHAIN with a local CA" cc profiles --no-store --json -p debian-12 "$T/local.pem"
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chain"]["has"]["debian-12"])' "$T/out")" "[]" \
	"debian-12 does not hold a locally made CA"
expect_rc 2 "the old name mozilla-2023 is gone" cc profiles --no-store -p mozilla-2023
finish
