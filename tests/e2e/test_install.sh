#!/bin/bash
# test_install.sh - the library as people install it: libcertchain.so.0
# exports exactly the functions the public headers declare; --version and
# CHANGELOG.md agree with the header; `make install PREFIX=...` installs
# binary, both libraries, headers, certchain.pc, the man pages (man renders
# certchain-check from that MANPATH with its options) and data; the two
# programs of examples/ build through pkg-config against that tree and run
# (one on the real R36 certificate, one against openssl s_server on
# 127.0.0.1); `make uninstall` leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$(dirname "$CERTCHAIN")" && pwd)
RC=$DATA/real-certs
VERSION=$(sed -n 's/^#define CERTCHAIN_VERSION "\(.*\)"$/\1/p' "$ROOT/include/certchain/base.h")
MAJOR=${VERSION%%.*}

# --- the version, in one place
expect_grep '^[0-9]+\.[0-9]+\.[0-9]+$' <(echo "$VERSION") "base.h gives a MAJOR.MINOR.PATCH version"
expect_rc 0 "certchain --version" cc --version
expect_grep "^certchain $VERSION " "$T/out" "--version prints the header's version"
top=$(grep -m1 -oE '^## \[?[0-9]+\.[0-9]+\.[0-9]+' "$ROOT/CHANGELOG.md" | grep -oE '[0-9.]+$')
expect_eq "$top" "$VERSION" "CHANGELOG.md starts with this version"

# --- the shared library's face
SO=$BUILD/libcertchain.so.$VERSION
[ -f "$SO" ] && ok "libcertchain.so.$VERSION built" || bad "no $SO"
expect_eq "$(readlink "$BUILD/libcertchain.so.$MAJOR")" "libcertchain.so.$VERSION" "so.$MAJOR -> so.$VERSION"
expect_grep "SONAME.*\[libcertchain\.so\.$MAJOR\]" <(readelf -d "$SO") "soname libcertchain.so.$MAJOR"
# What the headers declare, as the compiler sees it (gcc -aux-info lists every
# prototype with its file), independent of the Makefile's version script.
echo 'int certchain_test_unit;' >"$T/u.c"
gcc -aux-info "$T/aux" -fsyntax-only -I"$ROOT/include" $(pkg-config --cflags libcrypto) \
	-include certchain.h "$T/u.c"
grep -E '^/\* [^ ]*include/certchain(\.h|/)' "$T/aux" | grep -oE '\bcc_[a-z0-9_]+ \(' |
	grep -oE 'cc_[a-z0-9_]+' | sort -u >"$T/declared"
nm -D --defined-only "$SO" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u >"$T/exported"
n=$(wc -l <"$T/declared")
[ "$n" -gt 150 ] && ok "the headers declare $n functions" || bad "declared: $n"
comm -23 "$T/declared" "$T/exported" >"$T/missing"
comm -13 "$T/declared" "$T/exported" >"$T/extra"
expect_eq "$(wc -l <"$T/missing")" 0 "every declared function is exported ($(head -3 "$T/missing" | tr '\n' ' '))"
expect_eq "$(wc -l <"$T/extra")" 0 "nothing else is exported ($(head -3 "$T/extra" | tr '\n' ' '))"
# internal.h's functions are in the static library only
nm "$BUILD/libcertchain.a" 2>/dev/null | grep -q ' T cc_slurp$' && ok "static library has cc_slurp (internal)" ||
	bad "cc_slurp not in libcertchain.a"
expect_nogrep '^cc_slurp$' "$T/exported" "cc_slurp is not exported"

# --- make install into a temporary prefix
P=$T/prefix
# install what this build made (a sanitizer build's CC and CFLAGS are not
# known here: -o keeps make from rebuilding anything with other flags)
keep=(-o "$BUILD/certchain" -o "$BUILD/libcertchain.a" -o "$SO" -o data/trust-stores/profiles.idx)
make -s --no-print-directory -C "$ROOT" "${keep[@]}" BUILD="$BUILD" PREFIX="$P" install >"$T/inst.log" 2>&1
expect_eq "$?" 0 "make install PREFIX=... ($(tail -2 "$T/inst.log"))"
for f in bin/certchain include/certchain.h include/certchain/x509.h include/certchain/judge.h \
	lib/libcertchain.a lib/libcertchain.so lib/libcertchain.so.$MAJOR lib/libcertchain.so.$VERSION \
	lib/pkgconfig/certchain.pc share/man/man1/certchain.1 \
	share/certchain/trust-stores/profiles.conf share/certchain/trust-stores/profiles.idx; do
	[ -e "$P/$f" ] && ok "installed $f" || bad "missing $P/$f"
done
expect_eq "$(ls "$P/include/certchain" | wc -l)" "$(ls "$ROOT/include/certchain" | wc -l)" "every module header installed"
# every man page, and man finds and renders one by its name
expect_eq "$(cd "$P/share/man/man1" && ls certchain*.1 | tr '\n' ' ')" \
	"$(cd "$ROOT/docs/man" && ls certchain*.1 | tr '\n' ' ')" "every man page installed"
if command -v man >/dev/null; then
	MANPATH=$P/share/man MANWIDTH=100 man -P cat certchain-check >"$T/man-check" 2>"$T/man-err"
	expect_eq "$?" 0 "MANPATH=PREFIX/share/man man certchain-check ($(head -c 200 "$T/man-err"))"
	expect_grep '^CERTCHAIN-CHECK\(1\)' "$T/man-check" "it renders certchain-check(1)"
	for o in --sni --starttls --fix-out --targets --shard --no-cache; do
		expect_grep "$o" "$T/man-check" "certchain-check(1) as rendered documents $o"
	done
	MANPATH=$P/share/man man -w certchain >"$T/man-w" 2>&1
	expect_grep "^$P/share/man/man1/certchain\.1" "$T/man-w" "man -w certchain finds the index page"
else
	bad "man is not installed (scripts/install-deps installs man-db)"
fi
export PKG_CONFIG_PATH=$P/lib/pkgconfig
expect_eq "$(pkg-config --modversion certchain)" "$VERSION" "pkg-config --modversion"
expect_grep "-I$P/include" <(pkg-config --cflags certchain) "pkg-config --cflags names the installed headers"
expect_grep "-L$P/lib -lcertchain" <(pkg-config --libs certchain) "pkg-config --libs links libcertchain"
expect_eq "$(pkg-config --variable=datadir certchain)" "$P/share/certchain" "pkg-config datadir"
# the installed binary finds its installed data
expect_rc 0 "installed certchain explain R36" "$P/bin/certchain" explain "$RC/sectigo-dv-r36.pem" -I "$RC"
expect_grep 'R36' "$T/out" "installed explain reports on R36"

# --- the examples, as a library user builds them
ECC="gcc"
# a sanitizer build of the library needs the same runtime in the program
nm -D "$SO" | grep -q __asan_init && ECC="clang -fsanitize=address,undefined"
for e in best_chain check_host; do
	$ECC -std=c11 -Wall -Wextra -Werror -o "$T/$e" "$ROOT/examples/$e.c" \
		$(pkg-config --cflags --libs certchain) -Wl,-rpath,"$P/lib" 2>"$T/$e.err"
	expect_eq "$?" 0 "examples/$e.c builds with pkg-config ($(head -c 300 "$T/$e.err"))"
done
expect_grep "libcertchain\.so\.$MAJOR => $P/lib/" <(ldd "$T/best_chain") "best_chain uses the installed shared library"
DD=$(pkg-config --variable=datadir certchain)
expect_rc 0 "best_chain R36 with the real pool" "$T/best_chain" "$DD" "$RC/sectigo-dv-r36.pem" "$RC"
expect_grep '^0  Sectigo Public Server Authentication CA DV R36$' "$T/out" "the chain starts with R36"
expect_grep '^trusted by [1-9][0-9]* of [0-9]+ profiles: ' "$T/out" "and some clients trust it"
mkdir -p "$T/pki" && pki_root "$T/pki" root "Example Root" && pki_root "$T/pki" other "Other Root" &&
	pki_issue "$T/pki" ica "Example CA" ica root 365 ca &&
	pki_issue "$T/pki" leaf localhost leaf ica 30 leaf localhost
expect_rc 1 "best_chain: a private leaf reaches no built-in root" \
	"$T/best_chain" "$DD" "$T/pki/leaf.pem" "$T/pki/ica.pem"
expect_grep 'no chain from' "$T/out" "best_chain says so"
port=$(free_port)
s_serve "$port" "$T/pki/leaf.pem" "$T/pki/leaf.key" "$T/pki/ica.pem"
expect_rc 1 "check_host against s_server: one profile trusts it, one does not" \
	"$T/check_host" "$DD" localhost "$port" "mine=$T/pki/root.pem" "theirs=$T/pki/other.pem"
expect_grep "^localhost:$port sent 2 certificates" "$T/out" "check_host saw the two certificates sent"
expect_grep '^mine +trusted' "$T/out" "the profile with the root trusts it"
expect_grep '^theirs +REJECTED' "$T/out" "the other rejects it"
expect_rc 0 "check_host: exit 0 when every profile trusts" \
	"$T/check_host" "$DD" localhost "$port" "mine=$T/pki/root.pem"
expect_rc 1 "check_host with the built-in profiles: none knows the private root" \
	"$T/check_host" "$DD" localhost "$port"
expect_grep '^debian-12 +REJECTED' "$T/out" "built-in profiles judged"
check_stop_all

# --- make uninstall
make -s --no-print-directory -C "$ROOT" "${keep[@]}" BUILD="$BUILD" PREFIX="$P" uninstall >"$T/uninst.log" 2>&1
expect_eq "$?" 0 "make uninstall"
expect_eq "$(find "$P" \( -type f -o -type l \) | head -5 | tr '\n' ' ')" "" "nothing installed is left"
finish
