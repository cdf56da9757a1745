#!/bin/bash
# End-to-end: human reports fit the width (100 columns off a terminal,
# COLUMNS when set, the terminal's width on one), wrapped at word
# boundaries with nothing lost or cut: the same words in the same order as
# an unwrapped run, long paths whole, finding ids in one aligned column;
# --json is not touched by any of it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

R=$DATA/real-certs
d=$T/pki
# a directory path of over 200 characters, where fix finds the missing issuer
deep=$T/a-directory-with-a-rather-long-name-for-intermediates/and-another-level-of-nesting-below-it/third-level-with-yet-more-characters-in-its-name/fourth-level-so-the-path-passes-two-hundred-and-fifty/fifth-level
mkdir -p "$d" "$deep"
long=a-rather-long-host-name-label-for-wrapping-tests.deeply.nested.subdomain.example.test
pki_root "$d" root "Wrap Test Root Certification Authority for Long Lines" &&
	pki_issue "$d" ica "Wrap Test Intermediate Certification Authority Number One" ica root 3650 ca &&
	pki_issue "$d" leaf "wrap-leaf.example.test" leaf ica 90 leaf "$long" ||
	{ bad "PKI generation"; finish; exit 1; }
cp "$d/ica.pem" "$deep/"
# the real certificates: an expired cross-sign and both roots sent
cat "$R/lets-encrypt-r10.pem" "$R/isrg-root-x1-cross-by-dst-root-ca-x3.pem" \
	"$R/dst-root-ca-x3.pem" "$R/isrg-root-x1.pem" >"$T/real-chain.pem"
# the generated chain in the wrong order with its root
cat "$d/leaf.pem" "$d/root.pem" "$d/ica.pem" >"$T/gen-chain.pem"

# Columns (characters, not bytes: the tree has box-drawing ones) of the
# longest line of FILE; with "words", only of the lines of more than one
# word (a word longer than the width overflows on a line of its own).
cols() {
	python3 - "$@" <<'PY'
import sys
m = 0
for l in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if len(sys.argv) > 2 and " " not in l.strip():
        continue
    m = max(m, len(l))
print(m)
PY
}
maxw() { cols "$1" words; }
# The lines of FILE over N columns that are more than one word.
over() { python3 -c 'import sys; print("\n".join([l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if len(l) > int(sys.argv[2]) and " " in l.strip()][:3]))' "$1" "$2"; }
# The words of FILE in order, one a line.
words() { tr -s ' \n' '\n' <"$1" | sed '/^$/d'; }
# A check run's timings differ between runs; nothing else does.
same_run() { sed -zE 's/[0-9]+([ \n]+)ms\b/N\1ms/g' "$1" >"$1.n" && mv "$1.n" "$1"; }

# run NAME CMD...: CMD's stdout at 100 (no terminal, no COLUMNS), COLUMNS=60
# and COLUMNS=100000 (unwrapped); checks widths and that no word is lost.
run() {
	local n=$1
	shift
	(unset COLUMNS; "$@") >"$T/$n.100" 2>"$T/$n.err100"
	COLUMNS=60 "$@" >"$T/$n.60" 2>/dev/null
	COLUMNS=100000 "$@" >"$T/$n.wide" 2>/dev/null
	if [ "$n" = check ] || [ "$n" = fleet ]; then
		for f in "$T/$n".100 "$T/$n".60 "$T/$n".wide; do same_run "$f"; done
	fi
	[ -s "$T/$n.100" ] || { bad "$n: no output" "$(head -c 300 "$T/$n.err100")"; return; }
	local w
	w=$(maxw "$T/$n.100")
	[ "$w" -le 100 ] && ok "$n: no line over 100 columns" ||
		bad "$n: a line of $w columns" "$(over "$T/$n.100" 100)"
	w=$(maxw "$T/$n.60")
	[ "$w" -le 60 ] && ok "$n: COLUMNS=60: no line over 60 columns" ||
		bad "$n: COLUMNS=60: a line of $w columns" "$(over "$T/$n.60" 60)"
	# lib.sh's unwrap (what the other tests grep through) undoes it, but
	# for the padding of a column where a line broke
	if cmp -s <(unwrap "$T/$n.100" | tr -s ' ') <(tr -s ' ' <"$T/$n.wide"); then
		ok "$n: unwrap gives the unwrapped report"; else
		bad "$n: unwrap differs" "$(diff <(unwrap "$T/$n.100" | tr -s ' ') <(tr -s ' ' <"$T/$n.wide") | head -5)"; fi
	if cmp -s <(words "$T/$n.wide") <(words "$T/$n.100") &&
		cmp -s <(words "$T/$n.wide") <(words "$T/$n.60"); then
		ok "$n: every word of the unwrapped report, in order, at 100 and 60"
	else
		bad "$n: words lost or moved by wrapping" \
			"$(diff <(words "$T/$n.wide") <(words "$T/$n.100") | head -5)"
	fi
}
# The unwrapped report really had long lines (the test exercised wrapping).
was_long() {
	local w
	w=$(cols "$T/$1.wide")
	[ "$w" -gt 100 ] && ok "$1: unwrapped, a line of $w columns" ||
		bad "$1: the content was never longer than 100 columns ($w)"
}
# The message column of every finding line of FILE is the same.
aligned() {
	local cols
	cols=$(awk 'match($0, /^  (error|warning|info) +[^ ]+ +/) { print RLENGTH }' "$1" | sort -u)
	[ -n "$cols" ] && [ "$(echo "$cols" | wc -l)" = 1 ] && ok "$2: finding messages in one column ($cols)" ||
		bad "$2: finding message columns: $(echo $cols)"
}

# verify: the real chain has findings with the longest id
run verify cc verify --no-store -r "$R/isrg-root-x1.pem" -p android-7 -p nss-2017 "$T/real-chain.pem"
was_long verify
expect_grep "self-signed-root-preferred" "$T/verify.100" "verify: the longest finding id is among the findings"
aligned "$T/verify.100" verify
aligned "$T/verify.60" "verify COLUMNS=60"
# a continuation of a finding starts under its message
cont=$(awk 'match($0, /^  (error|warning|info) +[^ ]+ +/) { c = RLENGTH; f = 1; next }
	f && /^ / { match($0, /^ +/); print (RLENGTH == c) ? "under" : "off"; next } { f = 0 }' "$T/verify.100" | sort -u)
expect_eq "$cont" "under" "verify: a finding's continuation lines start under its message"

run explain cc explain -I "$R" "$R/lets-encrypt-r10.pem"
was_long explain
# --all adds the trust matrix, a table cut into blocks that fit, not text
(unset COLUMNS; cc explain --all -I "$R" "$R/lets-encrypt-r10.pem") >"$T/explain-all"
w=$(cols "$T/explain-all")
[ "$w" -le 100 ] && ok "explain --all: the trust matrix fits 100 columns" || bad "explain --all: a line of $w columns"
expect_eq "$(grep -c '^#1 ' "$T/explain-all")" "$(grep -c '^      trusted ' "$T/explain-all")" \
	"explain --all: each block of the matrix has its rows"
missing=""
for p in $(awk '/^profile /{next} /^[a-z0-9.-]+ +[0-9]+ /{print $1}' <(cc profiles)); do
	grep -qE "^      trusted( .*)? $p( |$)" "$T/explain-all" || missing="$missing $p"
done
expect_eq "$missing" "" "explain --all: every profile has a column"

run profiles cc profiles
was_long profiles
run build cc build -I "$d/ica.pem" -r "$d/root.pem" "$d/leaf.pem"

# fix: the missing issuer comes from a path of over 200 characters (the
# line was cut at about 200)
run fix cc fix --no-aia -I "$deep" -r "$d/root.pem" "$d/leaf.pem"
was_long fix
path=$deep/ica.pem
[ ${#path} -gt 200 ] && grep -qF -- "$path" "$T/fix.100" && ok "fix: the whole path (${#path} characters) on one line" ||
	bad "fix: the path is cut or split" "$(grep -F 'fourth-level' "$T/fix.100")"
grep -qF -- "$path" "$T/fix.60" && ok "fix COLUMNS=60: the whole path" || bad "fix COLUMNS=60: the path is cut"
cc fix --json --no-aia -I "$deep" -r "$d/root.pem" "$d/leaf.pem" >"$T/fix.json"
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["added"][0]["what"].endswith(sys.argv[2] + ")"))' "$T/fix.json" "$path")" \
	True "fix --json: the added certificate's source path whole"

run inspect cc inspect "$T/gen-chain.pem"
# each run into a store of its own: the same "added to" line three times
fresh_import() { CERTCHAIN_STORE=$(mktemp -d "$T/st.XXXXXX") cc store import "$@"; }
run store-import fresh_import "$d/leaf.pem" --key "$d/leaf.key" \
	--name "a friendly name that is quite long so that the line it is on is long too"
cc store import "$deep/ica.pem" >/dev/null
cc store import "$d/root.pem" >/dev/null
cc store import "$d/leaf.pem" --key "$d/leaf.key" --name "Wrap leaf with a long friendly name" >/dev/null
run store-list cc store list
run store-show cc store show "Wrap leaf with a long friendly name"
run export cc export "Wrap leaf with a long friendly name" -r "$d/root.pem" --format pem-fullchain -o "$deep/exported-full-chain-with-key.pem"

# import-pfx, each run into a store of its own
openssl pkcs12 -export -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" \
	-name "a PFX friendly name that goes on and on so that the line is long" \
	-passout pass:wrap-test -out "$T/leaf.pfx" 2>/dev/null || bad "openssl pkcs12 -export"
fresh_pfx() { CERTCHAIN_STORE=$(mktemp -d "$T/st.XXXXXX") WRAP_PW=wrap-test cc import-pfx --password-env WRAP_PW "$@"; }
run import-pfx fresh_pfx "$T/leaf.pfx"

# bind, bindings, unbind and reload on deployment directories with long
# names; nothing listens on the port, so reload fails on it, at length
port=$(free_port)
ngx=$deep/ngx
mkdir -p "$ngx"
dopts=(--conf-dir "$ngx/conf.d-for-the-generated-server-blocks" --deploy-dir "$ngx/certs-deployed"
	--nginx-prefix "$ngx" --nginx-conf "$ngx/nginx.conf")
bind1() {
	cc bind --server nginx --site wrap-site --cert "Wrap leaf with a long friendly name" \
		--ip 127.0.0.1 --port "$port" --host "$long" "${dopts[@]}"
}
run bind bind1
run bindings cc bindings
was_long bindings
bind_unbind() { bind1 >/dev/null && cc unbind --site wrap-site; }
run unbind bind_unbind
bind_reload() {
	bind1 >/dev/null && cc reload --server nginx --validate-cmd true --reload-cmd true --wait 1
}
run reload bind_reload
was_long reload

# check: a live server sending the generated chain out of order with its root
port=$(free_port)
s_serve "$port" "$d/leaf.pem" "$d/leaf.key" <(cat "$d/root.pem" "$d/ica.pem") ||
	{ bad "s_server did not start"; finish; exit 1; }
run check cc check --no-store -r "$d/root.pem" --host "$long" "127.0.0.1:$port"
was_long check
aligned "$T/check.100" check
# a fleet: the same server by several long names
for i in 1 2 3; do echo "127.0.0.1:$port"; done >"$T/targets"
run fleet cc check --no-store -r "$d/root.pem" --host "$long" -f "$T/targets"
(unset COLUMNS; cc check --no-store -r "$d/root.pem" --host "$long" -f "$T/targets" --json) >"$T/fleet.jsonl" 2>/dev/null
run report cc report "$T/fleet.jsonl"

# --json is never wrapped: byte-identical whatever COLUMNS says
for c in "verify --no-store -r $R/isrg-root-x1.pem -p android-7 -p nss-2017 $T/real-chain.pem" \
	"explain --all -I $R $R/lets-encrypt-r10.pem" "profiles" \
	"fix --no-aia -I $deep -r $d/root.pem $d/leaf.pem" "inspect $T/gen-chain.pem" \
	"store list" "report $T/fleet.jsonl"; do
	# shellcheck disable=SC2086
	(unset COLUMNS; cc $c --json) >"$T/j.a" 2>/dev/null
	# shellcheck disable=SC2086
	COLUMNS=20 cc $c --json >"$T/j.b" 2>/dev/null
	[ -s "$T/j.a" ] && cmp -s "$T/j.a" "$T/j.b" && ok "--json unchanged by COLUMNS: ${c%% *}" ||
		bad "--json differs with COLUMNS=20: ${c%% *}"
done

# a terminal: its width, not 100
if script -qc true /dev/null >/dev/null 2>&1; then
	script -qc "stty cols 70; unset COLUMNS; '$CERTCHAIN' verify --no-store -r '$R/isrg-root-x1.pem' -p android-7 -p nss-2017 '$T/real-chain.pem'" \
		/dev/null </dev/null | tr -d '\r' >"$T/pty"
	w=$(maxw "$T/pty")
	[ "$w" -le 70 ] && [ "$w" -gt 60 ] && ok "on a 70-column terminal: wrapped at 70 ($w)" ||
		bad "on a 70-column terminal: longest line $w" "$(head -c 300 "$T/pty")"
	if cmp -s <(words "$T/verify.wide") <(words "$T/pty"); then ok "on a terminal: every word"; else
		bad "on a terminal: words differ" "$(diff <(words "$T/verify.wide") <(words "$T/pty") | head -4)"; fi
else
	bad "script(1) cannot run a pseudo-terminal here"
fi

# COLUMNS that is not a positive integer is ignored (100 off a terminal)
COLUMNS=abc cc verify --no-store -r "$R/isrg-root-x1.pem" -p android-7 -p nss-2017 "$T/real-chain.pem" >"$T/bad-cols"
cmp -s "$T/bad-cols" "$T/verify.100" && ok "COLUMNS=abc: ignored" || bad "COLUMNS=abc changed the report"

finish
