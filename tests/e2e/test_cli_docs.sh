#!/bin/bash
# End-to-end: every command answers --help (exit 0, on stdout), and every
# long option its --help lists is documented in the man page; every command
# of main's table is in the man page and the README.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAN="$T/man.txt"
# The man page as plain words: \- becomes -, font escapes go.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$ROOT/docs/certchain.1" >"$MAN"

cmds=$(cc --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if (on) exit}')
[ -n "$cmds" ] && ok "certchain --help lists the commands" || bad "certchain --help lists no command"
for c in $cmds; do
	cc "$c" --help >"$T/h" 2>"$T/he"
	rc=$?
	expect_eq "$rc" 0 "$c --help exits 0"
	[ -s "$T/h" ] && [ ! -s "$T/he" ] && ok "$c --help prints on stdout only" ||
		bad "$c --help prints on stdout only"
	grep -qE "^\.B(R)? certchain $c\b|^\.B $c\b|^\.B certchain ${c//-/\\\\-}" "$ROOT/docs/certchain.1" &&
		ok "man page documents $c" || bad "man page documents $c"
	grep -qF "certchain $c" "$ROOT/README.md" && ok "README mentions certchain $c" ||
		bad "README mentions certchain $c"
	missing=""
	for o in $(grep -oE -- '--[a-z][a-z0-9-]+' "$T/h" | sort -u); do
		grep -qF -- "$o" "$MAN" || missing="$missing $o"
	done
	expect_eq "${missing# }" "" "$c: every option of --help is in the man page"
done

finish
