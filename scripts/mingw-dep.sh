# mingw-dep.sh - what scripts/build-openssl-mingw and build-jansson-mingw
# share (sourced, POSIX sh): the cache outside the clone, one builder at a
# time per cache, the newest Debian source package the mirror serves, and
# the finished build moved into place. Each build runs once per machine.
#   CERTCHAIN_WIN_CACHE  cache directory (default /var/cache/certchain,
#                        or ~/.cache/certchain when that is not writable)
# shellcheck shell=sh

# mingw_dep_found PKG: prints a finished build of PKG (any Debian version:
# the cache is per machine) and returns 0; 1 when there is none.
mingw_dep_found() {
	for done in "$cache/$1"-mingw64-*/.complete; do
		if [ -f "$done" ]; then
			dirname "$done"
			return 0
		fi
	done
	return 1
}

# mingw_dep_begin PKG: exits 0 printing the cached build when there is
# one; else takes the cache's lock for PKG, unpacks the newest source of
# PKG into $work/src and sets work, ver and prefix (the build installs
# into "$prefix.tmp", then calls mingw_dep_finish). Exits 2 with a message
# when apt knows no source or none downloads.
mingw_dep_begin() {
	cache=${CERTCHAIN_WIN_CACHE:-/var/cache/certchain}
	if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/certchain
		mkdir -p "$cache"
	fi
	mingw_dep_found "$1" && exit 0
	vers=$(apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -rV)
	if [ -z "$vers" ]; then
		echo "build-$1-mingw: no $1 source package known to apt (run scripts/install-deps)" >&2
		exit 2
	fi
	# One builder at a time per cache (parallel CI jobs on one machine).
	exec 9>"$cache/.$1-mingw64.lock"
	flock 9
	mingw_dep_found "$1" && exit 0
	work=$(mktemp -d "$cache/build.XXXXXX")
	chmod 755 "$work"
	trap 'rm -rf "$work"' EXIT
	# The newest source the mirror actually serves (a listed version can be gone).
	ver=""
	for v in $vers; do
		if (cd "$work" && apt-get source --download-only -qq "$1=$v" >&2); then
			ver=$v
			break
		fi
		rm -f "$work/$1"_*
	done
	if [ -z "$ver" ]; then
		echo "build-$1-mingw: could not download Debian's $1 source package" >&2
		exit 2
	fi
	(cd "$work" && dpkg-source -x "$1"_*.dsc src >&2)
	prefix="$cache/$1-mingw64-$ver"
}

# mingw_dep_finish: moves "$prefix.tmp" into place, marks it complete and
# prints it.
mingw_dep_finish() {
	rm -rf "$prefix"
	mv "$prefix.tmp" "$prefix"
	touch "$prefix/.complete"
	echo "$prefix"
}
