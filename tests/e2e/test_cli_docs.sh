#!/bin/bash
# End-to-end: every command answers --help (exit 0, on stdout); every
# command has its man page docs/man/certchain-CMD.1, which documents every
# long option of its --help (and of `store SUB --help`) and no option that
# --help does not have; the Windows-only parts of a page name only options
# the Windows build's sources have; a Windows-only command has a page that
# says so; certchain.1, the index, lists every command; every page renders
# without a groff warning; the README mentions every command; every --json
# output is valid JSON.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MANDIR=$ROOT/docs/man
INDEX=$MANDIR/certchain.1
# long_opts: the long options in standard input, one per line, sorted.
long_opts() { grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' | sort -u; }
# help_opts: the long options of a --help text: of its usage and option
# lines (indented), not of its prose (which may name another command's).
help_opts() { grep -E '^(usage:|[[:space:]])' | long_opts; }
# tags PAGE windows|other: the long options a page documents, that is those
# of its tag lines (the line after .TP), inside its WINDOWS section or
# outside it; roff's \- becomes -, font escapes go.
tags() {
	awk -v want="$2" '/^\.SH /{ win = ($0 ~ /^\.SH "?WINDOWS/) }
		tp && ((want == "windows") == win) { print }
		{ tp = ($0 ~ /^\.TP/) }' "$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | long_opts
}
# The options the Windows build's own sources name (src/win/*.c).
cat "$ROOT"/src/win/*.c | long_opts >"$T/win-opts"

# lint PAGE: groff reports nothing, for the default device and for a UTF-8
# terminal (as man renders it).
lint() {
	{ groff -man -ww -z "$1"; groff -k -Tutf8 -man -ww -z "$1"; } >"$T/lint" 2>&1
	expect_eq "$(head -3 "$T/lint")" "" "$(basename "$1"): groff -man -ww renders it without a warning"
}

cmds=$(cc --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if (on) exit}')
[ -n "$cmds" ] && ok "certchain --help lists the commands" || bad "certchain --help lists no command"
[ -f "$INDEX" ] && ok "docs/man/certchain.1 (the index) exists" || bad "no $INDEX"
lint "$INDEX"
# the index's COMMANDS section
awk '/^\.SH /{ on = ($0 == ".SH COMMANDS") } on' "$INDEX" >"$T/index-cmds"
for c in $cmds; do
	page=$MANDIR/certchain-$c.1
	cc "$c" --help >"$T/h" 2>"$T/he"
	rc=$?
	expect_eq "$rc" 0 "$c --help exits 0"
	[ -s "$T/h" ] && [ ! -s "$T/he" ] && ok "$c --help prints on stdout only" ||
		bad "$c --help prints on stdout only"
	if [ ! -f "$page" ]; then
		bad "no man page docs/man/certchain-$c.1"
		continue
	fi
	ok "docs/man/certchain-$c.1 exists"
	C=$(echo "$c" | tr a-z A-Z)
	head -1 "$page" | grep -qF ".TH CERTCHAIN\\-${C//-/\\-} 1 " && ok "certchain-$c.1: .TH names the page" ||
		bad "certchain-$c.1: .TH names the page" "$(head -1 "$page")"
	grep -qxF ".BR certchain\\-${c//-/\\-} (1)" "$T/index-cmds" && ok "certchain(1) lists certchain-$c(1)" ||
		bad "certchain(1) lists certchain-$c(1)"
	grep -qF "certchain $c" "$ROOT/README.md" && ok "README mentions certchain $c" ||
		bad "README mentions certchain $c"
	lint "$page"
	# the options of --help; store's subcommands answer their own --help
	{
		cat "$T/h"
		if [ "$c" = store ]; then
			for s in $(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if (on) exit}' "$T/h"); do
				cc store "$s" --help
			done
		fi
	} | help_opts >"$T/help-opts"
	tags "$page" other >"$T/page-opts"
	expect_eq "$(comm -23 "$T/help-opts" "$T/page-opts" | tr '\n' ' ')" "" \
		"certchain-$c.1 documents every option of $c --help"
	expect_eq "$(comm -13 "$T/help-opts" "$T/page-opts" | tr '\n' ' ')" "" \
		"certchain-$c.1 documents no option $c --help lacks"
	sort -u "$T/help-opts" "$T/win-opts" >"$T/any-opts"
	expect_eq "$(tags "$page" windows | comm -13 "$T/any-opts" - | tr '\n' ' ')" "" \
		"certchain-$c.1: its WINDOWS section names only options of the Windows build"
done

# Commands only the Windows build has (src/win/main_win.c dispatches them):
# each has its page, marked Windows only, listed in the index, documenting
# exactly the options of its usage text.
for c in $(grep -oE 'argv\[1\], "[a-z-]+"' "$ROOT/src/win/main_win.c" | grep -oE '"[a-z-]+"' | tr -d '"' | sort -u); do
	echo "$cmds" | grep -qx "$c" && continue
	page=$MANDIR/certchain-$c.1
	if [ ! -f "$page" ]; then
		bad "no man page docs/man/certchain-$c.1 (a Windows-only command)"
		continue
	fi
	expect_grep 'Windows only' <(sed -n '/^\.SH NAME/,/^\.SH SYNOPSIS/p' "$page") \
		"certchain-$c.1 says Windows only in its NAME line"
	expect_grep 'only in the Windows build' "$page" "certchain-$c.1 says so in its DESCRIPTION"
	grep -qxF ".BR certchain\\-${c//-/\\-} (1)" "$T/index-cmds" && ok "certchain(1) lists certchain-$c(1)" ||
		bad "certchain(1) lists certchain-$c(1)"
	lint "$page"
	src=$(grep -lE "usage: certchain $c " "$ROOT"/src/win/*.c | head -1)
	[ -n "$src" ] && ok "$c: its usage text is in $(basename "$src")" || bad "$c: no usage text in src/win"
	sed -n '/usage_text\[\] =/,/;$/p' "$src" | sed 's/^[[:space:]]*"//' | help_opts >"$T/help-opts"
	tags "$page" other >"$T/page-opts"
	expect_eq "$(comm -3 "$T/help-opts" "$T/page-opts" | tr -d '\t' | tr '\n' ' ')" "" \
		"certchain-$c.1 documents exactly the options of its usage text"
done

# No page for a command that does not exist.
for page in "$MANDIR"/certchain-*.1; do
	c=$(basename "$page" .1)
	c=${c#certchain-}
	echo "$cmds" | grep -qx "$c" || grep -qE "argv\[1\], \"$c\"" "$ROOT/src/win/main_win.c" ||
		bad "docs/man/$(basename "$page"): no command $c"
done

# --- every --json output of every command: one JSON document per line that
# python reads back and writes out again byte for byte (compact, keys in
# order, UTF-8 as it is, \u00XX escapes in lower case), whatever the answer.
# Not covered here: serve (no --json; its JSON API is in test_serve.sh) and
# store/import-pfx --system (Windows stores: test_windows.sh, under wine).
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT
P="$T/pki"
mkdir -p "$P"
pki_crosssign "$P" ec || exit 1
echo secret >"$T/pw"
chmod 600 "$T/pw"
# Text that must be escaped: quotes, a backslash, control characters and DEL
# (not allowed in a friendly name: in paths), non-ASCII, a byte that is not
# UTF-8 (in paths: it comes out as U+FFFD).
NM=$(printf 'Caf\xc3\xa9 "q" \\ \xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8')
ODD=$(printf 'odd "q" \\ \001\037\177\377 Caf\xc3\xa9 \xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8')
S="$T/js $ODD"
# A leaf whose subject needs escaping, at a path that does.
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n' >"$P/odd.ext"
openssl req -new -key "$P/leaf.key" -utf8 -subj "/O=${NM//\\/\\\\}/CN=w\"q.example.test" \
	-out "$P/odd.csr" 2>/dev/null &&
	openssl x509 -req -in "$P/odd.csr" -CA "$P/ica.pem" -CAkey "$P/ica.key" -days 30 \
		-set_serial 7 -extfile "$P/odd.ext" -out "$T/leaf $ODD.pem" 2>/dev/null || exit 1
L="$T/leaf $ODD.pem"
# roundtrip FILE: every line is JSON that python -m json.tool writes back
# identically; prints why not.
roundtrip() {
	python3 -m json.tool --compact --no-ensure-ascii --json-lines "$1" "$1.rt" 2>"$1.rterr" ||
		{ echo "not JSON: $(head -c 200 "$1.rterr")"; return 1; }
	cmp -s "$1" "$1.rt" || { echo "differs from python's: $(cmp "$1" "$1.rt" 2>&1 | head -c 200)"; return 1; }
}
# json_ok DESC CMD...: stdout is one JSON document (one line) that round-trips
# (any exit code up to 3: an answer; a usage error prints none and fails).
json_ok() {
	local desc=$1 rc why
	shift
	"$@" >"$T/j" 2>"$T/je"
	rc=$?
	if [ "$rc" -gt 3 ]; then
		bad "$desc" "exit $rc: $(head -c 300 "$T/je")"
	elif [ "$(wc -l <"$T/j")" != 1 ]; then
		bad "$desc" "not one line: $(head -c 300 "$T/j")"
	elif why=$(roundtrip "$T/j"); then
		ok "$desc (exit $rc)"
	else
		bad "$desc" "$why"
	fi
}
# jsonl_ok DESC N CMD...: stdout is N JSON lines (JSONL), each round-trips.
jsonl_ok() {
	local desc=$1 n=$2 rc why
	shift 2
	"$@" >"$T/j" 2>"$T/je"
	rc=$?
	if [ "$rc" -gt 3 ]; then
		bad "$desc" "exit $rc: $(head -c 300 "$T/je")"
	elif [ "$(wc -l <"$T/j")" != "$n" ]; then
		bad "$desc" "$(wc -l <"$T/j") lines, wanted $n: $(head -c 300 "$T/je")"
	elif why=$(roundtrip "$T/j"); then
		ok "$desc (exit $rc)"
	else
		bad "$desc" "$why"
	fi
}
# the check itself fails on what it must catch
printf '{"a":"\\u001F"}\n' >"$T/rt1"
printf '{"a": 1}\n' >"$T/rt2"
printf '{"a":1}\n{"b":"Caf\\u00e9"}\n' >"$T/rt3"
printf '{"a":"Caf\xc3\xa9 \\u001f"}\n' >"$T/rt4"
if ! roundtrip "$T/rt1" >/dev/null && ! roundtrip "$T/rt2" >/dev/null &&
	! roundtrip "$T/rt3" >/dev/null && roundtrip "$T/rt4" >/dev/null; then
	ok "round-trip check: catches upper-case escapes, spaces and ASCII escapes, passes UTF-8"
else
	bad "round-trip check: does not tell python's form from others"
fi

json_ok "build --json" cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" --json "$P/leaf.pem"
json_ok "build --json, no chain" cc build --no-store -r "$P/old.pem" --json "$P/leaf.pem"
json_ok "build --json, a subject and path to escape" cc build --no-store -I "$P/ica.pem" \
	-r "$P/new.pem" --json "$L"
json_ok "build --all --json" cc build --no-store -I "$P/ica.pem" -I "$P/cross.pem" \
	-p "a=$P/new.pem" -p "b=$P/old.pem" --all --json "$P/leaf.pem"
json_ok "explain --json" cc explain --no-store -I "$P/ica.pem" -I "$P/cross.pem" \
	-p "a=$P/new.pem" -p "b=$P/old.pem" --json "$P/leaf.pem"
json_ok "explain --json, a subject to escape" cc explain --no-store -I "$P/ica.pem" \
	-p "a=$P/new.pem" --json "$L"
json_ok "profiles --json" cc profiles --json
cp "$P/new.pem" "$T/root $ODD.pem"
json_ok "profiles --json, a profile path to escape" cc profiles --no-store -p "r=$T/root $ODD.pem" --json
json_ok "verify --json, problems" cc verify --no-store -r "$P/new.pem" --json "$P/leaf.pem"
json_ok "verify --json, ok" cc verify --no-store -I "$P/ica.pem" -r "$P/new.pem" --json "$P/leaf.pem"
cat "$L" "$P/ica.pem" >"$T/chain $ODD.pem"
json_ok "verify --json, a subject and path to escape" cc verify --no-store -r "$P/new.pem" \
	--json "$T/chain $ODD.pem"
json_ok "fix --json" cc fix --no-store -I "$P/ica.pem" -I "$P/cross.pem" -r "$P/old.pem" \
	-o "$T/fixed $ODD.pem" --json "$P/leaf.pem"
json_ok "fix --json, nothing to serve" cc fix --no-store -r "$P/old.pem" --json "$L"

json_ok "store import --json" cc store import "$P/ica.pem" --store "$S" --json
json_ok "store import --json, again" cc store import "$P/ica.pem" --store "$S" --json
json_ok "store import --json, a cross-sign" cc store import "$P/cross.pem" --store "$S" --json
cat "$P/new.pem" "$P/old.pem" >"$T/roots.pem"
json_ok "store import --json, two roots in one file" cc store import "$T/roots.pem" --store "$S" --json
json_ok "store import --json with a key" cc store import "$P/leaf.pem" --key "$P/leaf.key" \
	--name www --store "$S" --json
json_ok "store import --json, a name to escape" cc store import "$L" --key "$P/leaf.key" \
	--name "$NM" --store "$S" --json
json_ok "store import --json, a name with quotes" cc store import "$P/decoy.pem" \
	--name 'old "quoted" \ name' --store "$S" --json
json_ok "store list --json" cc store list --store "$S" --json
json_ok "store list root --json" cc store list root --store "$S" --json
json_ok "store show --json" cc store show www --store "$S" --json
json_ok "store show --json, a name to escape" cc store show "$NM" --store "$S" --json
json_ok "store disable --json" cc store disable "Issuing CA 1" --store "$S" --json
json_ok "store disable --json, again" cc store disable "Issuing CA 1" --store "$S" --json
json_ok "store enable --json" cc store enable "Issuing CA 1" --store "$S" --json
json_ok "store export --json" cc store export "$NM" -o "$T/w $ODD.pem" --store "$S" --json
json_ok "store export --json (DER)" cc store export www -o "$T/w.der" --der --store "$S" --json
json_ok "store rehash --json" cc store rehash --store "$S" --json
json_ok "store remove --json" cc store remove 'old "quoted" \ name' --store "$S" --json
json_ok "export --json (PFX)" cc export www -p "r=$P/new.pem" --store "$S" \
	--password-file "$T/pw" -o "$T/w.pfx" --json
json_ok "export --json (PFX), a name and path to escape" cc export "$NM" -p "r=$P/new.pem" \
	--store "$S" --name "$NM" --password-file "$T/pw" -o "$T/w $ODD.pfx" --json
json_ok "export --json (PEM)" cc export --no-store --cert "$P/leaf.pem" --key "$P/leaf.key" \
	-I "$P/ica.pem" -r "$P/new.pem" --format pem-fullchain -o "$T/w2 $ODD.pem" --json
json_ok "inspect --json (PFX)" cc inspect --password-file "$T/pw" --json "$T/w.pfx"
json_ok "inspect --json (PFX), a name and path to escape" cc inspect --password-file "$T/pw" \
	--json "$T/w $ODD.pfx"
json_ok "inspect --json (key)" cc inspect --json "$P/leaf.key"
json_ok "inspect --json (PEM), a subject and path to escape" cc inspect --json "$T/chain $ODD.pem"
json_ok "import-pfx --json" cc import-pfx --password-file "$T/pw" --store "$T/js2 $ODD" \
	--json "$T/w $ODD.pfx"
json_ok "import-pfx --json, again" cc import-pfx --password-file "$T/pw" --store "$T/js2 $ODD" \
	--json "$T/w $ODD.pfx"

# check: one target (a loopback s_server sending the leaf to escape), then a
# fleet (JSONL: a record per target, bad lines too) and its report.
sport=$(free_port)
s_serve "$sport" "$L" "$P/leaf.key" "$P/ica.pem" || exit 1
json_ok "check --json" cc check --no-store -r "$P/new.pem" --sni localhost --json "127.0.0.1:$sport"
json_ok "check --json --fix-out" cc check --no-store -I "$P/cross.pem" -r "$P/old.pem" \
	--sni localhost --fix-out "$T/served $ODD.pem" --json "127.0.0.1:$sport"
port=$(free_port)
json_ok "check --json, closed port" cc check --no-store -r "$P/new.pem" --json "127.0.0.1:$port"
{
	echo "localhost:$sport 127.0.0.1"
	echo "127.0.0.1:$sport"
	echo "127.0.0.1:$port"
	echo "no:such:target"
	echo "x\"\\ $NM"
} >"$T/targets"
jsonl_ok "check -f --json: one record per line" 5 cc check --no-store -r "$P/new.pem" \
	--timeout 5 -f "$T/targets" --json
cp "$T/j" "$T/fleet.jsonl"
json_ok "report --json" cc report --json "$T/fleet.jsonl"

# bind, bindings, reload (a private nginx on 127.0.0.1), unbind, reload again
# (the removed site proved gone), and reload once nginx is down.
if command -v nginx >/dev/null; then
	n=$T/ngx
	bport=$(free_port)
	mkdir -p "$n/conf.d"
	echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
	nginx_start "$n"
	wait_pid=$NGINX_PID
	for _ in $(seq 50); do [ -s "$n/nginx.pid" ] && break; sleep 0.1; done
	nopts=(--store "$S" --conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n"
		--nginx-conf "$n/nginx.conf")
	json_ok "bind --json" cc bind --server nginx --site www --cert www -p "r=$P/new.pem" \
		--ip 127.0.0.1 --port "$bport" "${nopts[@]}" --json
	json_ok "bind --json, a certificate name to escape" cc bind --server nginx --site odd \
		--cert "$NM" -p "r=$T/root $ODD.pem" --ip 127.0.0.1 --port "$bport" --hostname localhost \
		"${nopts[@]}" --json
	json_ok "bindings --json" cc bindings --store "$S" --json
	json_ok "reload --json" cc reload --server nginx --store "$S" --json
	grep -q '"result":"ok"' "$T/j" && ok "reload --json: proved (so every member was exercised)" ||
		bad "reload --json did not prove the bindings" "$(head -c 300 "$T/je")"
	json_ok "unbind --json" cc unbind --site odd --store "$S" --json
	json_ok "reload --json, a site removed" cc reload --server nginx --store "$S" --json
	grep -q '"removed":\[{"site":"odd","checked":true' "$T/j" &&
		ok "reload --json: the removed site was checked" || bad "reload --json: no removed site checked"
	kill "$wait_pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$wait_pid" 2>/dev/null || break; sleep 0.1; done
	json_ok "bind --json again" cc bind --server nginx --site odd --cert "$NM" \
		-p "r=$T/root $ODD.pem" --ip 127.0.0.1 --port "$bport" --hostname localhost "${nopts[@]}" --json
	json_ok "reload --json, nginx not running" cc reload --server nginx --store "$S" --json
	grep -q '"result":"not-running"' "$T/j" && ok "reload --json: says nginx does not run" ||
		bad "reload --json: nginx down not reported" "$(head -c 300 "$T/j")"
else
	bad "nginx is not installed: bind, bindings, reload, unbind --json not checked"
fi
json_ok "unbind --json, the last site" cc unbind --site www --store "$S" --json

finish
