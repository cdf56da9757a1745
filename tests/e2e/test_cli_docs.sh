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

# --- every --json output is one valid JSON document, whatever the answer.
P="$T/pki"
mkdir -p "$P"
pki_crosssign "$P" ec || exit 1
echo secret >"$T/pw"
chmod 600 "$T/pw"
S="$T/js"
# json_ok DESC CMD...: stdout parses as JSON (any exit code but a crash).
json_ok() {
	local desc=$1 rc
	shift
	"$@" >"$T/j" 2>"$T/je"
	rc=$?
	if [ "$rc" -gt 3 ]; then
		bad "$desc" "exit $rc: $(head -c 300 "$T/je")"
	elif python3 -m json.tool "$T/j" >/dev/null 2>&1; then
		ok "$desc (exit $rc)"
	else
		bad "$desc" "not JSON: $(head -c 300 "$T/j")"
	fi
}
json_ok "build --json" cc build --no-store -I "$P/ica.pem" -r "$P/new.pem" --json "$P/leaf.pem"
json_ok "build --json, no chain" cc build --no-store -r "$P/old.pem" --json "$P/leaf.pem"
json_ok "build --all --json" cc build --no-store -I "$P/ica.pem" -I "$P/cross.pem" \
	-p "a=$P/new.pem" -p "b=$P/old.pem" --all --json "$P/leaf.pem"
json_ok "explain --json" cc explain --no-store -I "$P/ica.pem" -I "$P/cross.pem" \
	-p "a=$P/new.pem" -p "b=$P/old.pem" --json "$P/leaf.pem"
json_ok "profiles --json" cc profiles --json
json_ok "verify --json, problems" cc verify --no-store -r "$P/new.pem" --json "$P/leaf.pem"
json_ok "verify --json, ok" cc verify --no-store -I "$P/ica.pem" -r "$P/new.pem" --json "$P/leaf.pem"
json_ok "store import --json" cc store import "$P/ica.pem" --store "$S" --json
json_ok "store import --json, again" cc store import "$P/ica.pem" --store "$S" --json
json_ok "store import --json with a key" cc store import "$P/leaf.pem" --key "$P/leaf.key" \
	--name www --store "$S" --json
json_ok "store import --json, a name with quotes" cc store import "$P/old.pem" \
	--name 'old "quoted" \ name' --store "$S" --json
json_ok "store list --json" cc store list --store "$S" --json
json_ok "store show --json" cc store show www --store "$S" --json
json_ok "store disable --json" cc store disable "Issuing CA 1" --store "$S" --json
json_ok "store enable --json" cc store enable "Issuing CA 1" --store "$S" --json
json_ok "store export --json" cc store export www -o "$T/w.pem" --store "$S" --json
json_ok "store rehash --json" cc store rehash --store "$S" --json
json_ok "export --json (PFX)" cc export www -p "r=$P/new.pem" --store "$S" \
	--password-file "$T/pw" -o "$T/w.pfx" --json
json_ok "export --json (PEM)" cc export --no-store --cert "$P/leaf.pem" --key "$P/leaf.key" \
	-I "$P/ica.pem" -r "$P/new.pem" --format pem-fullchain -o "$T/w2.pem" --json
json_ok "inspect --json (PFX)" cc inspect --password-file "$T/pw" --json "$T/w.pfx"
json_ok "inspect --json (key)" cc inspect --json "$P/leaf.key"
json_ok "import-pfx --json" cc import-pfx --password-file "$T/pw" --store "$T/js2" --json "$T/w.pfx"
json_ok "bind --json" cc bind --server nginx --site www --cert www -p "r=$P/new.pem" \
	--store "$S" --deploy-dir "$T/bd" --conf-dir "$T/bc" --json
json_ok "bindings --json" cc bindings --store "$S" --json
json_ok "unbind --json" cc unbind --site www --store "$S" --json
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
json_ok "check --json, closed port" cc check --no-store -r "$P/new.pem" --json "127.0.0.1:$port"

finish
