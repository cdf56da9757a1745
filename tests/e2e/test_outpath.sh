#!/bin/bash
# Every output path is checked before any network or store work: a missing
# directory, a directory given as the file, an unwritable directory. Each is
# one line naming the option and the path, exit 2, nothing on stdout, no
# connection made (a loopback listener records every one), nothing written.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'kill $lpid 2>/dev/null; check_stop_all; rm -rf "$T"' EXIT
R=$DATA/real-certs

python3 - "$T/conns" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".port", "w").write("%d\n" % s.getsockname()[1])
log = open(sys.argv[1], "a", buffering=1)
while True:
    c, _ = s.accept(); log.write("connection\n"); c.close()
PY
lpid=$!
for _ in $(seq 50); do [ -s "$T/conns.port" ] && break; sleep 0.1; done
lp=$(cat "$T/conns.port")
mkdir -p "$T/ro" && chmod 0555 "$T/ro"

# out CMD... : exit 2, one line on stderr naming the path, no stdout
out() {
	local desc=$1 path=$2
	shift 2
	expect_rc 2 "$desc -> exit 2" "$@"
	expect_eq "$(wc -l <"$T/err")" 1 "$desc: one line"
	expect_grep "$path" "$T/err" "$desc: names the path"
	expect_eq "$(wc -c <"$T/out")" 0 "$desc: nothing on stdout"
}
out "check --fix-out in a missing directory" "$T/nodir/x.pem" \
	cc check --no-store --fix-out "$T/nodir/x.pem" "127.0.0.1:$lp"
expect_grep "does not exist" "$T/err" "... says the directory does not exist"
out "fix HOST -o in a missing directory" "$T/nodir/f.pem" \
	cc fix --no-store --no-aia -o "$T/nodir/f.pem" "127.0.0.1:$lp"
out "fix HOST --pfx in a missing directory" "$T/nodir/f.pfx" \
	cc fix --no-store --no-aia --pfx "$T/nodir/f.pfx" "127.0.0.1:$lp"
out "build -o a directory" "$T" cc build --no-store -I "$R" -o "$T" "$R/sectigo-dv-r36.pem"
expect_grep "is a directory" "$T/err" "... says it is a directory"
out "export -o in a missing directory" "$T/nodir/a.pfx" \
	cc export --cert "$R/sectigo-dv-r36.pem" --key /dev/null -o "$T/nodir/a.pfx"
out "store export -o in a missing directory" "$T/nodir/s.pem" cc store export -o "$T/nodir/s.pem" abc
if [ "$(id -u)" != 0 ]; then
	out "build -o in an unwritable directory" "$T/ro/x.pem" \
		cc build --no-store -I "$R" -o "$T/ro/x.pem" "$R/sectigo-dv-r36.pem"
fi
sleep 0.2
expect_eq "$(wc -l <"$T/conns" 2>/dev/null || echo 0)" 0 "no connection was made by a command refused for its output path"
expect_eq "$(ls "$T/nodir" 2>/dev/null | wc -l)" 0 "nothing was written"
expect_eq "$(ls -A "$CERTCHAIN_STORE" 2>/dev/null | wc -l)" 0 "the store was not created or touched"
finish
