# lib-aia.sh - the AIA test server (tests/aia_server.py) and PKIs whose
# certificates point at it. Source after lib.sh.
# shellcheck shell=bash

# Any proxy from the environment would take our loopback requests elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

AIA_PID=""
aia_stop() {
	if [ -n "$AIA_PID" ]; then
		kill "$AIA_PID" 2>/dev/null
		wait "$AIA_PID" 2>/dev/null
		AIA_PID=""
	fi
}
trap 'aia_stop; rm -rf "$T"' EXIT

# aia_start DIR [ADDR2]: serve DIR on a free loopback port; sets AIA_PORT and
# AIA_URL (http://127.0.0.1:PORT). With ADDR2 (another loopback address) the
# server also answers there (requests logged to $T/aia.log.ADDR2). Fails
# after 10 s without the server. certchain refuses loopback AIA URLs unless
# given --aia-allow-local: every test fetching from this server passes it.
aia_start() {
	local dir=$1 i
	rm -f "$T/aia.port"
	python3 "$(dirname "${BASH_SOURCE[0]}")/aia_server.py" "$dir" "$T/aia.port" "$T/aia.log" ${2:+"$2"} &
	AIA_PID=$!
	for i in $(seq 100); do
		[ -s "$T/aia.port" ] && break
		sleep 0.1
	done
	[ -s "$T/aia.port" ] || { aia_stop; return 1; }
	AIA_PORT=$(cat "$T/aia.port")
	AIA_URL="http://127.0.0.1:$AIA_PORT"
}

# to_der PEM OUT, to_p7b OUT PEM...: the formats AIA servers publish.
to_der() { openssl x509 -in "$1" -outform DER -out "$2"; }
to_p7b() { local o=$1; shift; openssl crl2pkcs7 -nocrl $(printf -- '-certfile %s ' "$@") -outform DER -out "$o"; }
