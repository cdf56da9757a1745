#!/bin/bash
# test_deb.sh - the Debian packages: `make deb` builds certchain,
# libcertchain0 and libcertchain-dev into build/deb/, lintian finds no error
# in them; dpkg -i installs the three; /usr/bin/certchain explains the real
# R36 certificate with its packaged trust profiles; the examples build
# against the installed -dev package through pkg-config and run; dpkg -P
# removes everything the packages installed. The certchain package holds
# every man page; after dpkg -i, man finds certchain-check (unless dpkg is
# configured to drop /usr/share/man, as slim Docker images are: then the
# packaged list is checked and man is not). Needs root (CI is root) and
# leaves an existing installation of certchain alone.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RC=$DATA/real-certs
PKGS="certchain libcertchain0 libcertchain-dev"

skip() { echo "SKIP - test_deb: $1"; finish; exit; }
[ "$(id -u)" = 0 ] || skip "needs root to install packages (CI runs it as root)"
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" &&
		skip "$p is already installed on this machine; not touching it"
done
VERSION=$(sed -n 's/^#define CERTCHAIN_VERSION "\(.*\)"$/\1/p' "$ROOT/include/certchain/base.h")
cleanup() { dpkg -P $PKGS >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT

# --- build (once: the package's compile; its test suite is not run)
# the packages are the release build's, whatever build runs the tests
# (check-asan hands CC, CFLAGS and BUILD down through MAKEFLAGS)
env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u CFLAGS -u LDFLAGS -u CC -u BUILD \
	make -s --no-print-directory -C "$ROOT" deb >"$T/deb.log" 2>&1
expect_eq "$?" 0 "make deb ($(grep -m1 -iE 'error' "$T/deb.log"))"
D=$ROOT/build/deb
debs=()
for p in $PKGS; do
	f=$(ls "$D/${p}_${VERSION}"_*.deb 2>/dev/null | head -1)
	if [ -f "$f" ]; then ok "built $p"; else bad "no $p .deb in $D"; fi
	debs+=("$f")
	dpkg-deb -c "$f" >"$T/$p.list" 2>&1
done
expect_eq "$(dpkg-deb -f "${debs[1]}" Package)" libcertchain0 "libcertchain0 is the shared library's package"
expect_grep "libcertchain\.so\.$VERSION\$" "$T/libcertchain0.list" "it holds libcertchain.so.$VERSION"
expect_grep 'pkgconfig/certchain\.pc$' "$T/libcertchain-dev.list" "-dev holds certchain.pc"
expect_grep 'libcertchain\.a$' "$T/libcertchain-dev.list" "-dev holds the static library"
expect_grep 'include/certchain/x509\.h$' "$T/libcertchain-dev.list" "-dev holds the module headers"
expect_grep 'man1/certchain\.1\.gz$' "$T/certchain.list" "certchain holds the man page certchain(1)"
for m in "$ROOT"/docs/man/*.1; do
	b=$(basename "$m")
	grep -qE "man1/${b//./\\.}\.gz\$" "$T/certchain.list" && ok "certchain holds $b" ||
		bad "certchain lacks $b"
done
expect_grep 'trust-stores/profiles\.idx$' "$T/certchain.list" "certchain holds the trust profiles' index"
if command -v lintian >/dev/null; then
	lintian --fail-on error "${debs[@]}" >"$T/lintian" 2>&1
	expect_eq "$?" 0 "lintian: no error ($(grep -m2 '^E:' "$T/lintian" | tr '\n' ' '))"
else
	bad "lintian is not installed (scripts/install-deps installs it)"
fi

# --- install
dpkg -i "${debs[@]}" >"$T/dpkg.log" 2>&1
expect_eq "$?" 0 "dpkg -i the three packages ($(tail -1 "$T/dpkg.log"))"
for p in $PKGS; do dpkg -L "$p"; done | sort -u >"$T/files"
expect_rc 0 "/usr/bin/certchain --version" /usr/bin/certchain --version
expect_grep "^certchain $VERSION " "$T/out" "the packaged version"
expect_rc 0 "/usr/bin/certchain explain R36 (packaged profiles)" \
	/usr/bin/certchain explain "$RC/sectigo-dv-r36.pem" -I "$RC"
expect_grep 'R36' "$T/out" "explain names R36"
expect_grep 'trusted by [0-9]+/[0-9]+ profiles' "$T/out" "judged by the packaged profiles"
expect_rc 0 "/usr/bin/certchain profiles" /usr/bin/certchain profiles
expect_grep 'debian-12' "$T/out" "the packaged debian-12 profile is there"
# Slim images tell dpkg to drop /usr/share/man (path-exclude in
# /etc/dpkg/dpkg.cfg.d/): then the pages are in the package but not on disk.
if grep -qsE '^path-exclude[= ]+/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
	echo "SKIP - man: dpkg excludes /usr/share/man on this machine"
	expect_grep 'man1/certchain-check\.1\.gz$' "$T/files" "dpkg -L lists certchain-check.1.gz all the same"
elif ! command -v man >/dev/null; then
	bad "man is not installed (scripts/install-deps installs man-db)"
else
	expect_rc 0 "man -w certchain" man -w certchain
	expect_rc 0 "man -w certchain-check" man -w certchain-check
	expect_grep '^/usr/share/man/man1/certchain-check\.1(\.gz)?$' "$T/out" "man finds /usr/share/man/man1/certchain-check.1"
	MANWIDTH=100 man -P cat certchain-check >"$T/man-check" 2>/dev/null
	expect_grep '--fix-out' "$T/man-check" "the packaged certchain-check(1) renders with its options"
fi
unset PKG_CONFIG_PATH
expect_eq "$(pkg-config --modversion certchain)" "$VERSION" "pkg-config finds the installed certchain.pc"
for e in best_chain check_host; do
	gcc -std=c11 -Wall -Wextra -Werror -o "$T/$e" "$ROOT/examples/$e.c" \
		$(pkg-config --cflags --libs certchain) 2>"$T/$e.err"
	expect_eq "$?" 0 "examples/$e.c builds against libcertchain-dev ($(head -c 300 "$T/$e.err"))"
done
ldd "$T/best_chain" >"$T/ldd" 2>&1
expect_grep 'libcertchain\.so\.0 => (/usr)?/lib/' "$T/ldd" "linked to the packaged libcertchain.so.0"
expect_rc 0 "best_chain R36 against the packaged profiles" \
	"$T/best_chain" "$(pkg-config --variable=datadir certchain)" "$RC/sectigo-dv-r36.pem" "$RC"
expect_grep '^0  Sectigo Public Server Authentication CA DV R36$' "$T/out" "best_chain serves R36 first"
# the static library links too (its dependencies shared: Debian ships no
# static libcurl dependencies)
gcc -std=c11 -o "$T/best_static" "$ROOT/examples/best_chain.c" $(pkg-config --cflags certchain) \
	-Wl,-Bstatic -lcertchain -Wl,-Bdynamic \
	$(pkg-config --libs libssl libcrypto libcurl libcares jansson) 2>"$T/static.err"
expect_eq "$?" 0 "best_chain links the static libcertchain.a ($(head -c 300 "$T/static.err"))"
ldd "$T/best_static" >"$T/ldd" 2>&1
expect_nogrep 'libcertchain' "$T/ldd" "and needs no shared libcertchain"
expect_rc 0 "the static best_chain runs" \
	"$T/best_static" "$(pkg-config --variable=datadir certchain)" "$RC/sectigo-dv-r36.pem" "$RC"

# --- remove
dpkg -P $PKGS >"$T/rm.log" 2>&1
expect_eq "$?" 0 "dpkg -P the three packages"
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed" && bad "$p still installed"
done
left=""
while read -r f; do
	[ -e "$f" ] && [ ! -d "$f" ] && left="$left $f"
done <"$T/files"
expect_eq "$left" "" "no file of the packages is left"
[ -e /usr/share/certchain ] && bad "/usr/share/certchain left" || ok "/usr/share/certchain removed"
[ -e /usr/include/certchain ] && bad "/usr/include/certchain left" || ok "/usr/include/certchain removed"
finish
