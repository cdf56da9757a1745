#!/bin/bash
# End-to-end: bad input on every command. Each must exit 2 (usage/input) or
# 3 (connect) with ONE line on stderr naming the file, option or host, never
# crash, never leave an output or temp file behind. Also: the store's
# disabled certificates never appear in a path (verify/check -I, profiles),
# multi-certificate imports are all or nothing, repeated options add up.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

P="$T/pki"
mkdir -p "$P" "$T/bad/emptydir"
pki_crosssign "$P" ec || exit 1
echo secret >"$T/pw"
chmod 600 "$T/pw"
B="$T/bad"
printf 'garbage\001\002 not a certificate\n' >"$B/garbage.pem"
: >"$B/empty.pem"
openssl x509 -in "$P/leaf.pem" -outform DER -out "$B/leaf.der"
len=$(stat -c %s "$B/leaf.der")
head -c $((len / 2)) "$B/leaf.der" >"$B/trunc.der"
cp "$P/leaf.key" "$B/key.pem"
cat "$P/leaf.pem" "$P/ica.pem" "$P/new.pem" >"$P/chain3.pem"
openssl pkcs12 -export -in "$P/chain3.pem" -inkey "$P/leaf.key" \
	-passout "file:$T/pw" -out "$T/l3.pfx" 2>/dev/null

# one_line WANT_RC NEEDLE DESC CMD...: exit WANT_RC, exactly one stderr line
# containing NEEDLE (fixed string), nothing on stdout that looks like a crash.
one_line() {
	local want=$1 needle=$2 desc=$3 got lines
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	lines=$(wc -l <"$T/err")
	if [ "$got" != "$want" ]; then
		bad "$desc" "exit $got, wanted $want: $(head -c 300 "$T/err")"
	elif [ "$lines" != 1 ]; then
		bad "$desc" "$lines lines on stderr: $(head -c 400 "$T/err")"
	elif ! grep -qF -- "$needle" "$T/err"; then
		bad "$desc" "stderr does not name '$needle': $(cat "$T/err")"
	else
		ok "$desc"
	fi
}

# --- certificate inputs: garbage, empty, truncated DER, a directory without
# certificates, a missing file, a key where a certificate belongs.
for f in garbage.pem empty.pem trunc.der emptydir missing.pem key.pem; do
	x="$B/$f"
	one_line 2 "$f" "build LEAF=$f" cc build -r "$P/new.pem" "$x"
	one_line 2 "$f" "build -r $f" cc build -r "$x" "$P/leaf.pem"
	one_line 2 "$f" "build -I $f" cc build -I "$x" -r "$P/new.pem" "$P/leaf.pem"
	one_line 2 "$f" "explain LEAF=$f" cc explain -r "$P/new.pem" "$x"
	one_line 2 "$f" "profiles -r $f" cc profiles -r "$x"
	one_line 2 "$f" "profiles -p x=$f" cc profiles -p "x=$x"
	one_line 2 "$f" "verify CHAIN=$f" cc verify -r "$P/new.pem" "$x"
	one_line 2 "$f" "verify -I $f" cc verify -I "$x" -r "$P/new.pem" "$P/leaf.pem"
	one_line 2 "$f" "store import $f" cc store import "$x"
	one_line 2 "$f" "export --cert $f" cc export --cert "$x" --key "$P/leaf.key" \
		-r "$P/new.pem" --format pem-fullchain -o "$T/o.pem"
	one_line 2 "$f" "export --chain $f" cc export --cert "$P/leaf.pem" --key "$P/leaf.key" \
		--chain "$x" --format pem-fullchain -o "$T/o.pem"
	one_line 2 "$f" "import-pfx $f" cc import-pfx --password-file "$T/pw" "$x"
	one_line 2 "$f" "check -I $f" cc check -I "$x" 127.0.0.1:1
	[ "$f" = key.pem ] && continue
	one_line 2 "$f" "inspect $f" cc inspect "$x"
	one_line 2 "$f" "export --key $f" cc export --cert "$P/leaf.pem" --key "$x" \
		-r "$P/new.pem" --format pem-fullchain -o "$T/o.pem"
done
expect_eq "$(ls "$T"/o.pem* 2>/dev/null | wc -l)" 0 "no output or temp file after refused exports"
expect_eq "$(ls "$T/store" 2>/dev/null | grep -cv '^\.lock$')" 0 "refused imports wrote nothing into the store"

# --- unknown options and options missing their value: one line naming it.
for c in build explain profiles verify check export import-pfx inspect bind reload bindings unbind; do
	one_line 2 "--bogus" "$c --bogus" cc "$c" --bogus
	one_line 2 "-Z" "$c -Z" cc "$c" -Z
done
one_line 2 "-I" "build -I without a value" cc build -I
one_line 2 "--at" "verify --at without a value" cc verify --at
one_line 2 "--timeout" "check --timeout without a value" cc check --timeout
one_line 2 "-f" "check -f without a value" cc check -f
one_line 2 "--cert" "export --cert without a value" cc export --cert
one_line 2 "--site" "unbind --site without a value" cc unbind --site
one_line 2 "--json" "build --json=1: a flag takes no value" cc build --json=1 "$P/leaf.pem"
one_line 2 "--to" "store import --to without a value" cc store import "$P/ica.pem" --to
one_line 2 "unknown store command" "store frobnicate" cc store frobnicate
one_line 2 "2026-02-30" "verify --at 2026-02-30: no such day" cc verify --at 2026-02-30 "$P/leaf.pem"
one_line 2 "2027-02-29" "build --at 2027-02-29: no such day" cc build --at 2027-02-29T00:00:00Z "$P/leaf.pem"
expect_rc 1 "--at 2028-02-29 (a leap day) parses: exit 1, the leaf has expired by then" \
	cc verify --no-store -I "$P/ica.pem" -r "$P/new.pem" --at 2028-02-29 "$P/leaf.pem"
one_line 2 "--host" "build --host ''" cc build --host '' "$P/leaf.pem"
one_line 2 "--host" "verify --host 'a b'" cc verify --host 'a b' "$P/leaf.pem"
one_line 2 "--host" "export --host ''" cc export --host '' --cert "$P/leaf.pem" \
	--key "$P/leaf.key" -o "$T/o.pem"
one_line 2 "--sni" "check --sni ''" cc check --sni '' 127.0.0.1:1
one_line 2 "--hostname" "bind --hostname 'a b;'" cc bind --server nginx --site www \
	--cert www --hostname 'a b;'

# --- output paths: a directory that does not exist, a directory as the file.
mkdir -p "$T/od/isdir"
one_line 2 "$T/nodir/out.pem" "build -o into a missing directory" \
	cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" -o "$T/nodir/out.pem" "$P/leaf.pem"
one_line 2 "$T/nodir/out.pfx" "export -o into a missing directory" \
	cc export --no-store --cert "$P/leaf.pem" --key "$P/leaf.key" -I "$P/ica.pem" \
	-r "$P/new.pem" --password-file "$T/pw" -o "$T/nodir/out.pfx"
one_line 2 "$T/od/isdir" "build -o onto a directory" \
	cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" -o "$T/od/isdir" "$P/leaf.pem"
one_line 2 "$T/od/isdir" "export pem-bundle-with-key -o onto a directory" \
	cc export --no-store --cert "$P/leaf.pem" --key "$P/leaf.key" -I "$P/ica.pem" \
	-r "$P/new.pem" --format pem-bundle-with-key -o "$T/od/isdir"
expect_eq "$(ls -A "$T/od")" "isdir" "no temp file left beside a failed write"
[ -e "$T/nodir" ] && bad "the missing output directory was created" || ok "no output directory created"
cc store import "$P/ica.pem" >/dev/null 2>&1
one_line 2 "$T/nodir/x.pem" "store export -o into a missing directory" \
	cc store export "Issuing CA 1" -o "$T/nodir/x.pem"
cc store remove "Issuing CA 1" >/dev/null 2>&1

# --- a report that cannot be written to stdout is no success.
if [ -w /dev/full ]; then
	cc profiles >/dev/full 2>"$T/err"
	expect_eq "$?" 2 "profiles >/dev/full exits 2"
	expect_eq "$(wc -l <"$T/err")" 1 "profiles >/dev/full: one line on stderr"
	expect_grep "standard output" "$T/err" "the line names standard output"
	cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" --json "$P/leaf.pem" >/dev/full 2>"$T/err"
	expect_eq "$?" 2 "build --json >/dev/full exits 2"
fi

# --- connections: a closed port is exit 3 and one line naming host and cause.
port=$(free_port)
one_line 3 "127.0.0.1:$port" "check of a closed port" cc check "127.0.0.1:$port"
one_line 3 "refused" "check of a closed port says refused" cc check --timeout 2 "127.0.0.1:$port"
one_line 3 "127.0.0.1:$port" "check --json of a closed port: the line on stderr too" \
	cc check --json "127.0.0.1:$port"
cp "$T/out" "$T/cj"
expect_rc 0 "check --json of a closed port is valid JSON" python3 -m json.tool "$T/cj"
one_line 2 "not HOST" "check of a garbage host is refused before any lookup" cc check 'a/b@c:443'
echo "127.0.0.1:$port" >"$T/t1"
expect_rc 3 "check -f of a closed port exits 3" cc check -f "$T/t1"

# --- check -f with something that is not a list of targets.
one_line 2 "garbage.pem" "check -f of a binary file" cc check -f "$B/garbage.pem"
one_line 2 "trunc.der" "check -f of a DER file" cc check -f "$B/trunc.der"
one_line 2 "emptydir" "check -f of a directory" cc check -f "$B/emptydir"
one_line 2 "empty.pem" "check -f of an empty file" cc check -f "$B/empty.pem"
# A PEM file is refused whole: no line of it is sent to the resolver.
one_line 2 "PEM block" "check -f of a PEM file" cc check -f "$P/leaf.pem" --json
expect_nogrep '"connect-failed"' "$T/out" "no line of a PEM file is looked up as a host"
# Lines that are no host name are bad targets (JSON lines), never looked up.
printf '%s\n' 'a/b' '-x.example' 'x..y' "$(printf 'a%.0s' $(seq 64)).test" \
	'localhost 127.0.0.1 and more words' "127.0.0.1:$port" >"$T/t2"
cc check -f "$T/t2" --json --timeout 2 >"$T/pj" 2>/dev/null
expect_eq "$?" 3 "check -f: bad targets and a closed port exit 3 (the highest)"
expect_eq "$(grep -c '"bad-target"' "$T/pj")" 5 "check -f: four lines are no host names, one has words after the address"
expect_eq "$(grep -c '"connect-failed"' "$T/pj")" 1 "check -f: only the real target was dialled"
# A list saved by a Windows editor: byte order mark and CRLF line ends.
printf '\357\273\277127.0.0.1:%s\r\n# comment\r\n' "$port" >"$T/t3"
cc check -f "$T/t3" --json --timeout 2 >"$T/pj3" 2>/dev/null
expect_grep '"target":"127.0.0.1:[0-9]+",.*"failure":"refused"' "$T/pj3" "check -f: a BOM and CRLF line ends are no part of the target"
expect_rc 0 "check -f JSON lines are valid JSON" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$T/pj"

# --- the store's disabled intermediate is never used, whatever its source.
S="$T/s-dis"
cc store import "$P/ica.pem" --store "$S" >/dev/null 2>&1
cc store disable "Issuing CA 1" --store "$S" >/dev/null 2>&1
cat "$P/leaf.pem" "$P/ica.pem" >"$T/served.pem"
# (the leaf alone is incomplete-chain either way: a chain is judged as sent)
expect_rc 1 "verify -I ica without the store: incomplete as sent" \
	cc verify --json --no-store -I "$P/ica.pem" -r "$P/new.pem" "$P/leaf.pem"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["chain_to_serve"]))' "$T/out")" 2 \
	"verify -I ica without the store: the chain to serve is leaf + ica"
expect_rc 1 "verify -I ica disabled in the store: not used" \
	cc verify --json --store "$S" -I "$P/ica.pem" -r "$P/new.pem" "$P/leaf.pem"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["chain_to_serve"]))' "$T/out")" 0 \
	"verify: a disabled intermediate never completes the chain to serve"
expect_grep "incomplete-chain" "$T/out" "verify names the missing intermediate"
expect_rc 0 "verify keeps a served disabled certificate as sent" \
	cc verify --store "$S" -r "$P/new.pem" "$T/served.pem"
expect_rc 1 "build -I ica disabled: no path" \
	cc build --store "$S" -I "$P/ica.pem" -r "$P/new.pem" "$P/leaf.pem"
expect_rc 1 "export -I ica disabled: no chain" \
	cc export --store "$S" --cert "$P/leaf.pem" --key "$P/leaf.key" -I "$P/ica.pem" \
	-r "$P/new.pem" --format pem-fullchain -o "$T/dis.pem"
[ -e "$T/dis.pem" ] && bad "export wrote a file without a chain" || ok "export wrote nothing"
port=$(free_port)
s_serve "$port" "$P/leaf.pem" "$P/leaf.key" || exit 1
expect_rc 1 "check -I ica without the store: leaf only is a problem" \
	cc check --no-store -I "$P/ica.pem" -r "$P/new.pem" --fix-out "$T/fix1.pem" "127.0.0.1:$port"
expect_eq "$(fps "$T/fix1.pem" 2>/dev/null | wc -l)" 2 "without the store the proposal holds leaf + ica"
cc check --store "$S" -I "$P/ica.pem" -r "$P/new.pem" --fix-out "$T/fix2.pem" --json \
	"127.0.0.1:$port" >"$T/cj2" 2>/dev/null
[ -e "$T/fix2.pem" ] && bad "check used the disabled intermediate for --fix-out" ||
	ok "check -I: a disabled intermediate never repairs the chain"
expect_rc 0 "check --json with the store is valid JSON" python3 -m json.tool "$T/cj2"
check_stop_all

# bind: the chain comes from the store's intermediates, never a disabled one.
cc store import "$P/leaf.pem" --key "$P/leaf.key" --name www --store "$S" >/dev/null 2>&1
bindargs=(--server nginx --site www --cert www -p "r=$P/new.pem" --store "$S"
	--deploy-dir "$T/bd/d" --conf-dir "$T/bd/c")
expect_rc 1 "bind with the only intermediate disabled: no chain" cc bind "${bindargs[@]}"
[ -e "$T/bd/d/www.fullchain.pem" ] && bad "bind deployed a chain" || ok "bind wrote no chain"
cc store enable "Issuing CA 1" --store "$S" >/dev/null 2>&1
expect_rc 0 "bind once the intermediate is enabled" cc bind "${bindargs[@]}"
expect_eq "$(fps "$T/bd/d/www.fullchain.pem" 2>/dev/null | wc -l)" 2 "bind deploys leaf + ica"

# --- a disabled root anchors no profile, whichever profile holds it.
S2="$T/s-root"
cc store import "$P/new.pem" --store "$S2" >/dev/null 2>&1
cc store disable "CN=New Root CA" --store "$S2" >/dev/null 2>&1
expect_rc 0 "build -p lab=new without the store: trusted" \
	cc build --no-store -I "$P/ica.pem" -p "lab=$P/new.pem" "$P/leaf.pem"
expect_rc 1 "build -p lab=new, new disabled in the store: untrusted" \
	cc build --store "$S2" -I "$P/ica.pem" -p "lab=$P/new.pem" "$P/leaf.pem"
cc profiles --store "$S2" -p "lab=$P/new.pem" -p "old=$P/old.pem" >"$T/pl" 2>&1
# a client profile keeps it: disabling is this server's decision (issue 13)
expect_grep '^lab +1 ' "$T/pl" "profiles: the disabled root stays an anchor of lab"
expect_grep '2 distinct anchors' "$T/pl" "profiles: distinct anchors keep the disabled root"

# --- all or nothing: an import that fails midway takes back what it added.
for how in store-import import-pfx; do
	S3="$T/s-$how"
	cc store import "$P/new.pem" --to intermediate --store "$S3" >/dev/null 2>&1
	if [ "$how" = store-import ]; then
		one_line 2 "New Root CA" "store import: a conflict midway is refused" \
			cc store import "$P/chain3.pem" --key "$P/leaf.key" --store "$S3"
	else
		one_line 2 "nothing imported" "import-pfx: a conflict midway is refused" \
			cc import-pfx --password-file "$T/pw" --store "$S3" "$T/l3.pfx"
	fi
	cc store list --store "$S3" --json >"$T/sl" 2>/dev/null
	expect_eq "$(grep -o '"sha256"' "$T/sl" | wc -l)" 1 "$how: only what was there before remains"
	expect_eq "$(ls -A "$S3/keys" 2>/dev/null | wc -l)" 0 "$how: no key left behind"
done

# --- options before the store command, as the man page writes them.
expect_rc 0 "store --store DIR list" cc store --store "$S2" list
expect_grep "New Root CA" "$T/out" "store --store DIR list lists that store"
cc store --json --store "$S2" list >"$T/sj" 2>&1
expect_rc 0 "store --json --store DIR list is JSON" python3 -m json.tool "$T/sj"

# --- --host with an IP literal is checked against the IP SANs.
openssl req -new -key "$P/leaf.key" -subj "/CN=ip test" -out "$P/ip.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:a.test\nextendedKeyUsage=serverAuth\n' >"$P/ip.ext"
openssl x509 -req -in "$P/ip.csr" -CA "$P/ica.pem" -CAkey "$P/ica.key" -set_serial 7 -days 90 \
	-extfile "$P/ip.ext" -out "$P/ip.pem" 2>/dev/null
cat "$P/ip.pem" "$P/ica.pem" >"$P/ip-chain.pem"
for h in 127.0.0.1 ::1 a.test; do
	expect_rc 0 "verify --host $h: in the certificate's SANs" \
		cc verify --no-store -r "$P/new.pem" --host "$h" "$P/ip-chain.pem"
	expect_rc 0 "build --host $h: in the certificate's SANs" \
		cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" --host "$h" "$P/ip.pem"
done
expect_rc 1 "verify --host 127.0.0.2: not in the SANs" \
	cc verify --no-store -I "$P/ica.pem" -r "$P/new.pem" --host 127.0.0.2 "$P/ip.pem"
expect_grep "hostname-mismatch" "$T/out" "verify names the mismatch"
expect_rc 1 "build --host 127.0.0.2: not in the SANs" \
	cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" --host 127.0.0.2 "$P/ip.pem"

# --- explain without the intermediates says what is missing.
expect_rc 1 "explain without the intermediate: no chain" cc explain --no-store -r "$P/new.pem" "$P/leaf.pem"
expect_grep "give them with -I" "$T/out" "explain names the missing intermediates as the cause"

# --- repeated -I/-r/-p add up (every value is kept, not only the last).
expect_rc 0 "build with two -I and two -r" cc build --no-store -I "$P/ica.pem" -I "$P/cross.pem" \
	-r "$P/old.pem" -r "$P/decoy.pem" --json "$P/leaf.pem"
expect_grep '"Old Root CA"' "$T/out" "the path through the second -I reaches the first -r"
expect_rc 0 "export with two -I" cc export --no-store --cert "$P/leaf.pem" --key "$P/leaf.key" \
	-I "$P/ica.pem" -I "$P/cross.pem" -r "$P/old.pem" --format pem-fullchain -o "$T/two.pem"
expect_eq "$(fps "$T/two.pem" | wc -l)" 3 "export: leaf + ica + cross-sign from two -I"
expect_rc 1 "verify with two -I: the leaf alone is still incomplete as sent" \
	cc verify --json --no-store -I "$P/ica.pem" -I "$P/cross.pem" -r "$P/old.pem" "$P/leaf.pem"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["chain_to_serve"]))' "$T/out")" 3 \
	"verify with two -I: the chain to serve is leaf + ica + cross-sign"

finish
