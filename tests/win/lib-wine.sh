# lib-wine.sh - runs certchain.exe under wine for the Windows e2e tests.
# Sourced after tests/lib.sh. Sets CERTCHAIN to a wrapper that runs the
# .exe (so lib.sh's cc and expect_* work unchanged) and LINUX to the Linux
# binary. One wine prefix per test run, under the run's temp directory.
# shellcheck shell=bash

LINUX=$CERTCHAIN
WINE=${CERTCHAIN_WINE:-/usr/lib/wine/wine64}
EXE=${CERTCHAIN_EXE:-$(dirname "$LINUX")/win/certchain.exe}

# wine_ready: 0 when the .exe and wine exist (else the caller skips).
wine_ready() {
	[ -x "$WINE" ] && [ -f "$EXE" ]
}

# wine_cleanup: stops the test servers, wine's services, removes $T (the
# EXIT trap; re-set it after sourcing a helper that sets its own).
wine_cleanup() {
	type check_stop_all >/dev/null 2>&1 && check_stop_all
	type aia_stop >/dev/null 2>&1 && aia_stop
	WINEPREFIX="$WINEPREFIX" "$(dirname "$WINE")/wineserver" -k 2>/dev/null
	rm -rf "$T"
}

# wine_start: creates the prefix (the first start takes a while) and the
# wrapper; CERTCHAIN then names the wrapper.
wine_start() {
	export WINEPREFIX="${CERTCHAIN_WINEPREFIX:-$T/wine}" WINEDEBUG=-all
	# wine's own services and the test servers must not outlive the run.
	trap wine_cleanup EXIT
	cat >"$T/certchain-wine" <<EOW
#!/bin/sh
exec "$WINE" "$EXE" "\$@"
EOW
	chmod +x "$T/certchain-wine"
	CERTCHAIN=$T/certchain-wine
	CC_WRAP="" # valgrind/asan wrappers are for the Linux binary, not wine
	"$WINE" "$EXE" --version >"$T/wine-start.log" 2>&1 || return
	# The first start creates the prefix; wait until wineboot and wine's
	# services are done and the server has saved the registry, then keep one
	# server for the whole run, so that no test starts against a server that
	# is still shutting down or a prefix that is still being set up.
	"$(dirname "$WINE")/wineserver" -w 2>/dev/null
	"$(dirname "$WINE")/wineserver" -p 2>/dev/null
}
