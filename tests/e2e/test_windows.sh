#!/bin/bash
# End-to-end: certchain.exe (make windows) under wine, one wine prefix for
# the whole run (its first start takes a while). The parts are in
# tests/win/: core.sh (build, explain, verify, profiles, inspect, export,
# import-pfx, PFX round trips with Linux openssl, bad input), store.sh (the
# Windows certificate stores through crypt32), doctor.sh, iis.sh.
# Skipped when wine or the .exe is missing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../win/lib-wine.sh"

if ! wine_ready; then
	echo "skip - wine ($WINE) or $EXE missing (make windows; scripts/install-deps)"
	finish
	exit
fi
wine_start || { bad "wine starts certchain.exe" "$(tail -3 "$T/wine-start.log")"; finish; exit; }
grep -q "^certchain .*OpenSSL 3" "$T/wine-start.log" && ok "certchain.exe starts under wine, OpenSSL 3 inside" ||
	bad "certchain.exe --version" "$(cat "$T/wine-start.log")"

for part in core store doctor iis; do
	if [ -f "$(dirname "$0")/../win/$part.sh" ]; then
		echo "-- $part"
		. "$(dirname "$0")/../win/$part.sh"
	fi
done
finish
