#!/bin/bash
# End-to-end (issue 13, point 8): from 'fix' to the site. fix repairs what a
# live server sends (openssl s_server, leaf only) and writes the chain;
# 'bind --chain FILE' deploys exactly that chain to a private nginx, and
# 'reload' proves it is served; check then finds nothing wrong. A chain no
# profile trusts is refused and nothing is deployed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

NAME=www.example.test
for alg in rsa ec; do
	d=$T/$alg; mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	export CERTCHAIN_STORE=$d/store
	cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null || bad "$alg: store"
	profs=(-p "legacy=$d/old.pem" -p "modern=$d/new.pem")

	# what a hand-configured server sends: the leaf alone
	sp=$(free_port); s_serve "$sp" "$d/leaf.pem" "$d/leaf.key"
	cat "$d/ica.pem" "$d/cross.pem" >"$d/pool.pem"
	expect_rc 0 "$alg: fix the leaf-only server, -o fixed.pem" \
		cc fix --no-aia -I "$d/pool.pem" "${profs[@]}" --connect 127.0.0.1 -o "$d/fixed.pem" "$NAME:$sp"
	expect_eq "$(fps "$d/fixed.pem" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") " \
		"$alg: fix wrote leaf + ica + cross-sign"

	n=$d/ngx; mkdir -p "$n/conf.d"
	echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
	nginx_start "$n"; sleep 0.3
	port=$(free_port)
	opts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf")
	# a chain no profile trusts is refused, nothing deployed
	expect_rc 1 "$alg: bind --chain with the leaf alone is refused" \
		cc bind --server nginx --site www --cert www --chain "$d/leaf.pem" "${profs[@]}" \
		--ip 127.0.0.1 --port "$port" "${opts[@]}"
	expect_grep "no trust profile accepts this chain" "$T/err" "$alg: says no profile accepts it"
	[ ! -e "$n/certs/www.fullchain.pem" ] && ok "$alg: nothing deployed" || bad "$alg: deployed a refused chain"
	# the fixed chain
	expect_rc 0 "$alg: bind --chain fixed.pem" \
		cc bind --server nginx --site www --cert www --chain "$d/fixed.pem" "${profs[@]}" \
		--ip 127.0.0.1 --port "$port" "${opts[@]}"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$(fps "$d/fixed.pem" | tr '\n' ' ')" \
		"$alg: the deployed fullchain is fix's chain"
	# the leaf in the middle of the file: deployed first, once
	cat "$d/ica.pem" "$d/leaf.pem" "$d/cross.pem" >"$d/shuffled.pem"
	expect_rc 0 "$alg: bind --chain with the leaf second in the file" \
		cc bind --server nginx --site www --cert www --chain "$d/shuffled.pem" "${profs[@]}" \
		--ip 127.0.0.1 --port "$port" "${opts[@]}"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$(fps "$d/fixed.pem" | tr '\n' ' ')" \
		"$alg: bind --chain puts the leaf first, once"
	expect_rc 0 "$alg: reload proves it" cc reload --server nginx
	expect_grep "ok +www on 127.0.0.1:$port, SNI $NAME: serves the deployed chain \(3 certificates" "$T/out" \
		"$alg: reload saw the three certificates served"
	expect_eq "$(served_fps "$port" "$NAME" | tr '\n' ' ')" "$(fps "$d/fixed.pem" | tr '\n' ' ')" \
		"$alg: s_client sees fix's chain"
	expect_rc 0 "$alg: check finds no error on the repaired site" \
		cc check --no-aia --connect 127.0.0.1 "${profs[@]}" "$NAME:$port"
	unset CERTCHAIN_STORE
	check_stop_all
done
finish
