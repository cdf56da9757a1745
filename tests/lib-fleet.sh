# lib-fleet.sh - a fleet on one loopback port for the fleet tests and the
# benchmark: a private nginx whose server blocks pick the chain by SNI name
# (good*: leaf + issuing CA + cross-sign; bad*: the leaf alone), all names
# under *.fleet.test. Source after tests/lib.sh and tests/lib-check.sh.
# shellcheck shell=bash

# fleet_pki DIR: the cross-signed PKI (pki_crosssign, EC) plus a wildcard
# leaf for *.fleet.test; DIR/good.pem and DIR/bad.pem are what is served.
fleet_pki() {
	local d=$1
	pki_crosssign "$d" ec || return 1
	PKI_ALG=ec pki_issue "$d" wild "*.fleet.test" wild ica 90 leaf "*.fleet.test" || return 1
	cat "$d/wild.pem" "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"
	cp "$d/wild.pem" "$d/bad.pem"
}

# fleet_nginx DIR PKI PORT: starts nginx on 127.0.0.1:PORT (recorded for
# check_stop_all) and waits until it accepts.
fleet_nginx() {
	local d=$1 pki=$2 port=$3
	mkdir -p "$d"
	{
		printf 'server { listen 127.0.0.1:%s ssl; server_name ~^bad; ssl_certificate %s; ssl_certificate_key %s; return 204; }\n' \
			"$port" "$pki/bad.pem" "$pki/wild.key"
		printf 'server { listen 127.0.0.1:%s ssl default_server; ssl_certificate %s; ssl_certificate_key %s; return 204; }\n' \
			"$port" "$pki/good.pem" "$pki/wild.key"
	} >"$d/servers.conf"
	nginx_start "$d"
	wait_port "$port"
}

# fleet_targets N PORT: N target lines, every fourth one bad, the rest good.
fleet_targets() {
	awk -v n="$1" -v p="$2" 'BEGIN{for (i = 1; i <= n; i++)
		printf "%s%d.fleet.test:%s 127.0.0.1\n", i % 4 ? "good" : "bad", i, p}'
}
