#!/bin/bash
# End-to-end: a secret typed on the command line is never echoed. An unknown
# --password=VALUE (or any unknown --name=VALUE) is named without its value,
# for every command; a -p value that names no profile (-p is a password option
# in many tools) is not repeated; neither is a --password-file that does not
# exist or a --password-env variable that is not set (the password typed in
# their place). Each case still fails with exit 2 and one line.
. "$(dirname "$0")/../lib.sh"

d=$T/pki; mkdir -p "$d"
export PKI_ALG=ec
pki_root "$d" root "Secrets Root" && pki_issue "$d" leaf "www.secrets.test" leaf root 90 leaf www.secrets.test ||
	{ bad "PKI generation"; finish; exit 1; }
{ cc store import "$d/root.pem" && cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www; } \
	>/dev/null 2>&1 || bad "store import of the root and www"
S=hunter2pw

# one_secret DESC CMD...: exit 2, one line on stderr, nothing on stdout names
# the secret, and stderr does not either.
one_secret() {
	local desc=$1 rc
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ! grep -q "$S" "$T/err" "$T/out"; then
		ok "$desc"
	else
		bad "$desc" "exit $rc: $(head -c 300 "$T/err")"
	fi
}

for c in build explain verify check fix export import-pfx inspect profiles report bind unbind bindings reload; do
	one_secret "$c --password=$S: not echoed" cc "$c" "--password=$S"
	one_secret "$c --passphrase=$S: not echoed" cc "$c" "--passphrase=$S"
done
cc export www "--password=$S" -o "$T/a.pfx" 2>"$T/err"
expect_grep "unknown option '--password' \(its value is not shown\)" "$T/err" "the option is named, its value is not"
expect_eq "$(ls "$T"/a.pfx* 2>/dev/null | wc -l)" 0 "nothing written"

# -p hunter2pw: "no such profile" without the value.
one_secret "export www -p $S" cc export www -p "$S" -o "$T/a.pfx"
expect_grep "no such profile \(the value is not shown" "$T/err" "export says no such profile"
one_secret "export --cert/--key -p $S" cc export --cert "$d/leaf.pem" --key "$d/leaf.key" -p "$S" \
	--password-file /dev/null -o "$T/a.pfx"
one_secret "build -p $S" cc build -p "$S" "$d/leaf.pem"
one_secret "verify -p $S" cc verify -p "$S" "$d/leaf.pem"
one_secret "explain -p $S" cc explain -p "$S" "$d/leaf.pem"
one_secret "fix -p $S" cc fix --no-aia -p "$S" "$d/leaf.pem"
one_secret "check -p $S" cc check -p "$S" 127.0.0.1:1
one_secret "profiles -p $S" cc profiles -p "$S"
one_secret "bind -p $S" cc bind --server nginx --site www --cert www -p "$S" --config /dev/null
# A real profile name and a NAME=PATH spec still work / are still named.
expect_rc 0 "profiles -p debian-12 still works" cc profiles -p debian-12
expect_rc 2 "-p x=PATH: the path is named" cc build -p "x=$T/nope.pem" "$d/leaf.pem"
expect_grep "nope.pem" "$T/err" "a NAME=PATH spec's path is named"

# The password itself given in place of a file or a variable name.
one_secret "export --password-file $S (no such file)" cc export www --password-file "$S" -o "$T/a.pfx"
expect_grep "no such file" "$T/err" "says there is no such file"
one_secret "export --password-env $S (not set)" env -u "$S" "$CERTCHAIN" export www --password-env "$S" -o "$T/a.pfx"
expect_grep "not set" "$T/err" "says the variable is not set"
expect_eq "$(ls "$T"/a.pfx* 2>/dev/null | wc -l)" 0 "no PFX written by any refused export"
finish
