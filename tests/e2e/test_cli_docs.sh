#!/bin/bash
# End-to-end: every command answers --help (exit 0, on stdout), and every
# long option its --help lists is documented in the man page; every command
# of main's table is in the man page and the README; every --json output
# is valid JSON.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAN="$T/man.txt"
# The man page as plain words: \- becomes -, font escapes go.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$ROOT/docs/man/certchain.1" >"$MAN"

cmds=$(cc --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if (on) exit}')
[ -n "$cmds" ] && ok "certchain --help lists the commands" || bad "certchain --help lists no command"
for c in $cmds; do
	cc "$c" --help >"$T/h" 2>"$T/he"
	rc=$?
	expect_eq "$rc" 0 "$c --help exits 0"
	[ -s "$T/h" ] && [ ! -s "$T/he" ] && ok "$c --help prints on stdout only" ||
		bad "$c --help prints on stdout only"
	grep -qE "^\.B(R)? certchain $c\b|^\.B $c\b|^\.B certchain ${c//-/\\\\-}" "$ROOT/docs/man/certchain.1" &&
		ok "man page documents $c" || bad "man page documents $c"
	grep -qF "certchain $c" "$ROOT/README.md" && ok "README mentions certchain $c" ||
		bad "README mentions certchain $c"
	missing=""
	for o in $(grep -oE -- '--[a-z][a-z0-9-]+' "$T/h" | sort -u); do
		grep -qF -- "$o" "$MAN" || missing="$missing $o"
	done
	expect_eq "${missing# }" "" "$c: every option of --help is in the man page"
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
