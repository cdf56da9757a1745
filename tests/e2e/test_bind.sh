#!/bin/bash
# End-to-end: the seed scenario on real web servers on 127.0.0.1. Import the
# cross-sign, disable the self-signed root, import the leaf + key with a
# friendly name (store import, or import-pfx of an openssl-made PFX), bind it
# by that name on a private nginx / HAProxy / Apache, reload,
# and prove (certchain's own check, certchain check, openssl s_client) that
# the cross-signed chain is served. Then: a broken config makes reload refuse
# and the old certificate keeps serving; a reload that silently keeps the old
# certificate is caught and undone; a rebind serves the new certificate;
# unbind removes the site.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; for h in "$T"/hap-*; do haproxy_stop "$h"; done; apache_stop "$T/apa"; rm -rf "$T"' EXIT

for tool in nginx haproxy; do
	command -v $tool >/dev/null || { bad "$tool is not installed (scripts/install-deps)"; finish; exit 1; }
done

# The leaf and its key into 'personal' as "Example ALG": for RSA the way a
# Windows export arrives (a PFX made by openssl with the issuing CA, its
# friendly name inside), for EC with store import --key.
seed_leaf() {
	local d=$T/$1
	if [ "$1" = rsa ]; then
		openssl pkcs12 -export -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" \
			-name "Example $1" -passout pass:bind-test -out "$d/leaf.pfx" 2>/dev/null &&
			BIND_PW=bind-test cc import-pfx --password-env BIND_PW "$d/leaf.pfx" >/dev/null
	else
		cc store import "$d/leaf.pem" --key "$d/leaf.key" --name "Example $1" >/dev/null
	fi
}

# seed PKI + store for ALG in $T/ALG; the store in $T/ALG/store.
seed() {
	local d=$T/$1
	mkdir -p "$d"
	pki_crosssign "$d" "$1" || return 1
	pki_issue "$d" leaf2 "www.example.test" leaf2 ica 90 leaf www.example.test || return 1
	# two names per certificate (SAN DNS:www..., DNS:alias...) for the apache case
	pki_issue "$d" multi "www.example.test" multi ica 90 leaf "www.example.test,DNS:alias.example.test" &&
		pki_issue "$d" multi2 "www.example.test" multi2 ica 90 leaf "www.example.test,DNS:alias.example.test" || return 1
	export CERTCHAIN_STORE=$d/store
	cc store import "$d/old.pem" >/dev/null &&
		cc store import "$d/new.pem" >/dev/null &&
		cc store import "$d/cross.pem" >/dev/null &&
		cc store import "$d/ica.pem" >/dev/null &&
		seed_leaf "$1" &&
		cc store import "$d/leaf2.pem" --key "$d/leaf2.key" --name "Example $1 renewed" >/dev/null &&
		cc store import "$d/multi.pem" --key "$d/multi.key" --name "Multi $1" >/dev/null &&
		cc store import "$d/multi2.pem" --key "$d/multi2.key" --name "Multi $1 renewed" >/dev/null
}

nginx_scenario() {
	local alg=$1 d=$T/$1 n=$T/$1/ngx port want want2 old
	export CERTCHAIN_STORE=$d/store
	port=$(free_port)
	mkdir -p "$n/conf.d"
	echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
	nginx_start "$n"
	sleep 0.3
	local opts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf")

	# a personal certificate whose issuers the store lacks: no chain, nothing written
	CERTCHAIN_STORE=$d/store-lonely cc store import "$d/leaf.pem" --key "$d/leaf.key" --name lonely >/dev/null
	CERTCHAIN_STORE=$d/store-lonely expect_rc 1 "$alg nginx: bind without a chain to any anchor -> exit 1" \
		cc bind --server nginx --site lonely --cert lonely --ip 127.0.0.1 --port "$port" "${opts[@]}"
	expect_grep "no trusted chain .*the issuer of www.example.test is missing: CN=Issuing CA 1.*import it" "$T/err" "$alg nginx: names the missing issuer and what to import"
	[ ! -e "$n/certs/lonely.fullchain.pem" ] && [ ! -e "$n/conf.d/lonely.conf" ] &&
		ok "$alg nginx: nothing deployed without a chain" || bad "$alg nginx: files written without a chain"

	# before: the self-signed new root is enabled, the shortest chain wins
	expect_rc 0 "$alg nginx: bind by friendly name" \
		cc bind --server nginx --site www --cert "Example $alg" --ip 127.0.0.1 --port "$port" "${opts[@]}"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") " \
		"$alg nginx: with the self-signed root enabled, leaf + issuing CA"
	# the seed scenario: disable the self-signed root, rebind
	cc store disable "$(fp1 "$d/new.pem")" >/dev/null
	expect_rc 0 "$alg nginx: rebind after disabling the self-signed root" \
		cc bind --server nginx --site www --cert "Example $alg" --ip 127.0.0.1 --port "$port"
	want="$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") "
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$want" \
		"$alg nginx: fullchain is leaf, issuing CA, cross-sign (leaf first)"
	expect_eq "$(stat -c %a "$n/certs/www.key")" 600 "$alg nginx: key file is 0600"
	expect_grep "listen 127.0.0.1:$port ssl;" "$n/conf.d/certchain.conf" "$alg nginx: server block listens on the address"
	expect_grep "server_name www.example.test;" "$n/conf.d/certchain.conf" "$alg nginx: server_name from the certificate's names"

	expect_rc 0 "$alg nginx: reload validates, reloads and confirms" cc reload --server nginx
	expect_grep "ok +www .*serves the deployed chain \(3 certificates" "$T/out" "$alg nginx: reload checked the served chain"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want" \
		"$alg nginx: s_client sees the cross-signed chain"
	expect_rc 0 "$alg nginx: certchain check: cross-signed chain served, no error" \
		cc check --sni www.example.test -r "$d/old.pem" "127.0.0.1:$port"
	expect_nogrep "incomplete-chain|anchor-sent|wrong-order" "$T/out" "$alg nginx: check reports no chain finding"
	ls "$n/certs"/*.prev >/dev/null 2>&1 && bad "$alg nginx: .prev files left after a good reload" ||
		ok "$alg nginx: previous files removed after the proven reload"

	cc bindings --json >"$d/b.json"
	python3 - "$d/b.json" "$port" "$(fp1 "$d/cross.pem")" <<'PY' && ok "$alg nginx: bindings --json lists the site" || bad "$alg nginx: bindings --json"
import json, sys
j = json.load(open(sys.argv[1]))
b = j["bindings"][0]
assert b["site"] == "www" and b["server"] == "nginx" and b["ip"] == "127.0.0.1", b
assert b["port"] == int(sys.argv[2]) and b["hostnames"] == ["www.example.test"], b
assert b["certificate"].startswith("Example") and b["chain"][2] == sys.argv[3], b
assert any(f.endswith("www.key") for f in b["files"]), b
PY

	# a broken configuration: reload refuses, the old certificate keeps serving
	old=$want
	want2="$(fp1 "$d/leaf2.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") "
	expect_rc 0 "$alg nginx: rebind to the renewed certificate" \
		cc bind --server nginx --site www --cert "Example $alg renewed" --ip 127.0.0.1 --port "$port"
	echo "this is not nginx syntax" >"$n/conf.d/zz-broken.conf"
	expect_rc 1 "$alg nginx: reload refuses a broken configuration" cc reload --server nginx
	expect_grep "configuration check FAILED.*zz-broken.conf" "$T/out" "$alg nginx: says why (nginx's error line)"
	expect_grep "restored the previous files" "$T/out" "$alg nginx: says it restored the previous files"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$old" \
		"$alg nginx: the old certificate is still served"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$old" \
		"$alg nginx: the deployed files are the old ones again"
	rm -f "$n/conf.d/zz-broken.conf"

	# a reload that silently keeps the old configuration is caught and undone:
	# no new nginx workers, so nothing was taken and nothing needs reloading
	cc bind --server nginx --site www --cert "Example $alg renewed" --ip 127.0.0.1 --port "$port" >/dev/null
	expect_rc 1 "$alg nginx: a reload that changed nothing is caught" \
		cc reload --server nginx --reload-cmd true --wait 1
	expect_grep "the reload was NOT taken: nginx started no new processes within 1.0 s" "$T/out" \
		"$alg nginx: says nginx did not take the configuration"
	expect_grep "restored the previous files; not reloaded: nginx did not take the new configuration" \
		"$T/out" "$alg nginx: restored, and says why it did not reload"
	expect_nogrep "and reloaded|serves the deployed chain" "$T/out" "$alg nginx: never 'reloaded' nor a TLS 'ok'"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$old" "$alg nginx: files back to the served ones"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$old" "$alg nginx: the old chain is still served"

	# rebind to the renewed certificate for real: served after reload
	cc bind --server nginx --site www --cert "Example $alg renewed" --ip 127.0.0.1 --port "$port" >/dev/null
	expect_rc 0 "$alg nginx: reload with the renewed certificate" cc reload
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want2" \
		"$alg nginx: the renewed certificate is served, through the cross-sign"

	# a reload that stops the server: unreachable on every binding -> exit 3,
	# the files restored (the restoring reload fails: nothing runs any more)
	cc bind --server nginx --site www --cert "Example $alg" --ip 127.0.0.1 --port "$port" >/dev/null
	expect_rc 3 "$alg nginx: a reload that stops the server -> exit 3 (could not connect)" \
		cc reload --server nginx --wait 2 --reload-cmd "nginx -p $n -c $n/nginx.conf -e $n/logs/error.log -s stop"
	expect_grep "nginx: unreachable on every binding after the reload \(127.0.0.1:$port: refused" "$T/out" \
		"$alg nginx: says it could not connect, and why"
	expect_grep "restored the previous files" "$T/out" "$alg nginx: restored after the unreachable reload"
	expect_eq "$(fps "$n/certs/www.fullchain.pem" | tr '\n' ' ')" "$want2" "$alg nginx: files back to the renewed chain"
	for _ in $(seq 50); do [ -e "$n/nginx.pid" ] || break; sleep 0.1; done
	nginx_start "$n"
	wait_port "$port"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want2" \
		"$alg nginx: restarted on the restored files, the renewed chain is served"

	# a second site on the port, so www's name falls back to another certificate
	expect_rc 0 "$alg nginx: bind a second site on the same port" \
		cc bind --server nginx --site alias --cert "Multi $alg" --ip 127.0.0.1 --port "$port" \
		--hostname alias.example.test
	expect_rc 0 "$alg nginx: reload with two sites" cc reload --server nginx

	# unbind: the site goes, the server keeps running
	expect_rc 0 "$alg nginx: unbind" cc unbind --site www --json
	python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["unbound"]; assert b["site"]=="www" and b["server"]=="nginx", b' "$T/out" \
		&& ok "$alg nginx: unbind --json names the removed binding" || bad "$alg nginx: unbind --json" "$(head -c 300 "$T/out")"
	[ ! -e "$n/certs/www.key" ] && [ -e "$n/certs/www.key.prev" ] && ok "$alg nginx: unbind removes the key, keeps .prev until reload" ||
		bad "$alg nginx: unbind files"
	# nginx reloads, but from a stale copy that still has the removed site
	# (the .prev files put back): taken, yet the site is still served -> undone
	expect_rc 1 "$alg nginx: a removed site still served after the reload is caught" \
		cc reload --server nginx --wait 1 --reload-cmd \
		"for f in $n/conf.d/certchain.conf.prev $n/certs/www.*.prev; do cp \"\$f\" \"\${f%.prev}\" 2>/dev/null; done; nginx -p $n -c $n/nginx.conf -s reload"
	expect_grep "FAIL +www \(removed\) on 127.0.0.1:$port, SNI www.example.test: still serves the removed certificate" \
		"$T/out" "$alg nginx: names the removed site that still serves its certificate"
	expect_grep "restored the previous files and reloaded" "$T/out" "$alg nginx: restored after the still-served removal"
	[ -e "$n/certs/www.key" ] && [ ! -e "$n/certs/www.key.prev" ] && ok "$alg nginx: the removed site's files are back" ||
		bad "$alg nginx: files after the undone unbind"
	expect_eq "$(cc bindings --json | python3 -c 'import json,sys; print(" ".join(b["site"] for b in json.load(sys.stdin)["bindings"]))')" \
		"alias www" "$alg nginx: the binding is back too"
	cc unbind --site www >/dev/null
	expect_rc 0 "$alg nginx: reload after unbind" cc reload --server nginx
	expect_grep "ok +www \(removed\) on 127.0.0.1:$port, SNI www.example.test: serves another certificate" "$T/out" \
		"$alg nginx: reload proved the removed name serves another certificate"
	expect_eq "$(served_fps "$port" www.example.test | head -1)" "$(fp1 "$d/multi.pem")" \
		"$alg nginx: s_client: the removed name falls back to the other site"
	[ ! -e "$n/certs/www.key.prev" ] && ok "$alg nginx: .prev gone after the reload" || bad "$alg nginx: .prev left after reload"
	# the removed site's certificate is still bound on the port by another
	# site: its name rightly falls back to it, so that proves nothing either way
	cc bind --server nginx --site alias3 --cert "Multi $alg" --ip 127.0.0.1 --port "$port" \
		--hostname www.example.test >/dev/null && cc reload --server nginx >/dev/null
	cc unbind --site alias3 >/dev/null
	expect_rc 0 "$alg nginx: unbind of a site whose certificate another site keeps on the port" \
		cc reload --server nginx
	expect_grep "skip alias3 \(removed\): its certificate is still bound on port $port by alias" "$T/out" \
		"$alg nginx: says why the removed site was not checked"
	expect_rc 0 "$alg nginx: unbind the last site" cc unbind --site alias
	expect_rc 0 "$alg nginx: reload after the last unbind" cc reload --server nginx --json
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["servers"][0]; r=s["removed"]; assert s["result"]=="ok" and [x["site"] for x in r]==["alias"] and r[0]["gone"] and r[0]["checks"][0]["reason"].startswith("refused"), s' "$T/out" \
		&& ok "$alg nginx: --json: the last site is gone (connection refused)" || bad "$alg nginx: reload --json removed" "$(head -c 600 "$T/out")"
	# the reload is asynchronous: give nginx a bounded moment to drop the port
	for _ in $(seq 50); do [ "$(served_fps "$port" www.example.test | wc -l)" = 0 ] && break; sleep 0.1; done
	expect_eq "$(served_fps "$port" www.example.test | wc -l)" 0 "$alg nginx: nothing served on the port any more"
	expect_eq "$(cc bindings --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["bindings"]))')" 0 \
		"$alg nginx: no binding left"
}

haproxy_scenario() {
	local d=$T/ec h=$T/hap-ec port dummy want old
	export CERTCHAIN_STORE=$d/store
	port=$(free_port)
	dummy=$(free_port)
	haproxy_start "$h" "$dummy" || { bad "haproxy: private instance did not start"; return; }
	local opts=(--conf-dir "$h/conf.d" --deploy-dir "$h/certs" --haproxy-conf "$h/haproxy.cfg" --haproxy-pidfile "$h/haproxy.pid")
	expect_rc 0 "haproxy: bind by friendly name on all addresses" \
		cc bind --server haproxy --site shop --cert "Example ec" --ip '*' --port "$port" "${opts[@]}"
	want="$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") "
	expect_eq "$(stat -c %a "$h/certs/shop.pem")" 600 "haproxy: combined PEM is 0600"
	expect_grep "bind :$port ssl crt-list $h/certs/shop.crtlist" "$h/conf.d/certchain.cfg" "haproxy: frontend binds every address"
	expect_rc 0 "haproxy: reload (-sf) and confirm" cc reload --server haproxy
	expect_grep "ok +shop .*serves the deployed chain \(3 certificates" "$T/out" "haproxy: reload checked the served chain"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want" "haproxy: s_client sees the cross-signed chain"
	expect_rc 0 "haproxy: certchain check confirms" cc check --sni www.example.test -r "$d/old.pem" "127.0.0.1:$port"

	old=$want
	cc bind --server haproxy --site shop --cert "Example ec renewed" --ip '*' --port "$port" >/dev/null
	printf 'frontend broken\n    bind 127.0.0.1:%s ssl crt /nonexistent.pem\n' "$dummy" >"$h/conf.d/zz-broken.cfg"
	expect_rc 1 "haproxy: reload refuses a broken configuration" cc reload --server haproxy --json
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["servers"][0]; assert s["result"]=="invalid-config" and s["restored"], s' "$T/out" \
		&& ok "haproxy: --json says invalid-config, restored" || bad "haproxy: reload --json" "$(head -c 400 "$T/out")"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$old" "haproxy: the old certificate is still served"
	rm -f "$h/conf.d/zz-broken.cfg"
	cc bind --server haproxy --site shop --cert "Example ec renewed" --ip '*' --port "$port" >/dev/null
	expect_rc 0 "haproxy: reload with the renewed certificate" cc reload --server haproxy
	expect_eq "$(served_fps "$port" www.example.test | head -1)" "$(fp1 "$d/leaf2.pem")" "haproxy: the renewed certificate is served"
}

apache_scenario() {
	local d=$T/ec a=$T/apa port plain want
	export CERTCHAIN_STORE=$d/store
	port=$(free_port)
	plain=$(free_port)
	apache_start "$a" "$plain" || { bad "apache: private instance did not start"; return; }
	local opts=(--conf-dir "$a/conf.d" --deploy-dir "$a/certs" --apache-bin apache2 --apache-conf "$a/apache.conf")
	expect_rc 1 "apache: a certificate that does not cover a host name is refused" \
		cc bind --server apache --site blog --cert "Example ec" --ip 127.0.0.1 --port "$port" \
		--hostname www.example.test --hostname alias.example.test "${opts[@]}"
	expect_grep "alias.example.test: the certificate \"Example ec\" is not valid" "$T/err" "apache: says which name is not covered"
	expect_rc 0 "apache: bind by friendly name" \
		cc bind --server apache --site blog --cert "Multi ec" --ip 127.0.0.1 --port "$port" \
		--hostname www.example.test --hostname alias.example.test "${opts[@]}"
	want="$(fp1 "$d/multi.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") "
	expect_grep "^Listen 127.0.0.1:$port https" "$a/conf.d/certchain.conf" "apache: one Listen line for the address"
	expect_grep "ServerAlias alias.example.test" "$a/conf.d/certchain.conf" "apache: further names are ServerAlias"
	expect_rc 0 "apache: reload (-k graceful) and confirm for both names" cc reload --server apache
	expect_grep "ok +blog .*SNI alias.example.test: serves the deployed chain \(3 certificates" "$T/out" \
		"apache: the second SNI name was checked too"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want" "apache: s_client sees the cross-signed chain"
	expect_rc 0 "apache: certchain check confirms" cc check --sni www.example.test -r "$d/old.pem" "127.0.0.1:$port"

	cc bind --server apache --site blog --cert "Multi ec renewed" --ip 127.0.0.1 --port "$port" \
		--hostname www.example.test --hostname alias.example.test >/dev/null
	echo "NotADirective on" >"$a/conf.d/zz-broken.conf"
	expect_rc 1 "apache: reload refuses a broken configuration" cc reload --server apache
	expect_grep "configuration check FAILED" "$T/out" "apache: says the check failed"
	expect_eq "$(served_fps "$port" www.example.test | tr '\n' ' ')" "$want" "apache: the old certificate is still served"
	rm -f "$a/conf.d/zz-broken.conf"
	cc bind --server apache --site blog --cert "Multi ec renewed" --ip 127.0.0.1 --port "$port" \
		--hostname www.example.test --hostname alias.example.test >/dev/null
	expect_rc 0 "apache: reload with the renewed certificate" cc reload --server apache
	expect_eq "$(served_fps "$port" alias.example.test | head -1)" "$(fp1 "$d/multi2.pem")" "apache: the renewed certificate is served"
	# "*" and a specific address on one port: Apache cannot bind both, so one
	# "Listen PORT" serves them (127.0.0.2: 127.0.0.1 would shadow the "*" site)
	local p3
	p3=$(free_port)
	expect_rc 0 "apache: bind a site on every address" \
		cc bind --server apache --site star --cert "Example ec" --ip '*' --port "$p3"
	expect_rc 0 "apache: bind a site on 127.0.0.2, same port" \
		cc bind --server apache --site lo2 --cert "Multi ec" --ip 127.0.0.2 --port "$p3" \
		--hostname alias.example.test
	expect_eq "$(grep -c "^Listen .*$p3 " "$a/conf.d/certchain.conf")" 1 "apache: one Listen line for the shared port"
	expect_grep "^Listen $p3 https" "$a/conf.d/certchain.conf" "apache: it listens on every address"
	expect_rc 0 "apache: apache2 -t accepts the generated configuration" apache2 -f "$a/apache.conf" -t
	expect_rc 0 "apache: reload with \"*\" and 127.0.0.2 on one port" cc reload --server apache
	expect_eq "$(openssl s_client -connect "127.0.0.2:$p3" -servername alias.example.test </dev/null 2>/dev/null | fps /dev/stdin | head -1)" \
		"$(fp1 "$d/multi.pem")" "apache: 127.0.0.2 serves its own site"
	expect_eq "$(served_fps "$p3" www.example.test | head -1)" "$(fp1 "$d/leaf.pem")" "apache: 127.0.0.1 gets the \"*\" site"
	# every configured server at once: nginx has nothing left, haproxy and apache serve
	expect_rc 0 "reload without --server: every configured server checks out" cc reload --json
	python3 -c 'import json,sys; s={x["server"]:x["result"] for x in json.load(open(sys.argv[1]))["servers"]}; assert s=={"nginx":"ok","haproxy":"ok","apache":"ok"}, s' "$T/out" \
		&& ok "reload --json: one result per server" || bad "reload --json per server" "$(head -c 300 "$T/out")"
}

bad_usage() {
	export CERTCHAIN_STORE=$T/ec/store
	expect_rc 2 "bind: unknown selector -> exit 2" \
		cc bind --server nginx --site x --cert "No Such Cert" --conf-dir "$T/x" --deploy-dir "$T/x"
	expect_grep "No Such Cert" "$T/err" "bind: the error names the selector"
	expect_rc 2 "bind: bad site name -> exit 2" cc bind --server nginx --site ../x --cert "Example ec"
	expect_rc 2 "bind: bad server -> exit 2" cc bind --server iis --site x --cert "Example ec"
	expect_rc 2 "bind: bad address -> exit 2" cc bind --server nginx --site x --cert "Example ec" --ip 1.2.3 --conf-dir "$T/x" --deploy-dir "$T/x"
	expect_rc 2 "bind: relative --conf-dir -> exit 2" cc bind --server nginx --site x --cert "Example ec" --conf-dir rel
	expect_rc 2 "unbind: unknown site -> exit 2" cc unbind --site nope
	expect_rc 2 "bind: unknown trust profile -> exit 2" cc bind --server nginx --site x --cert "Example ec" -p no-such-profile
	expect_rc 0 "bind --help" cc bind --help
	expect_grep "usage: certchain bind" "$T/out" "bind --help prints usage"
	expect_rc 2 "reload with nothing configured -> exit 2" env CERTCHAIN_STORE="$T/empty" "$CERTCHAIN" reload
	# never the system's server by accident (apache2ctl -k graceful would start it)
	expect_rc 2 "reload --server for a server never bound -> exit 2" \
		env CERTCHAIN_STORE="$T/empty" "$CERTCHAIN" reload --server apache
	expect_grep "no site was bound on apache" "$T/err" "reload says the server was never bound"
}

seed ec || bad "ec: seed PKI and store"
seed rsa || bad "rsa: seed PKI and store"
nginx_scenario ec
nginx_scenario rsa
haproxy_scenario
if command -v apache2 >/dev/null; then apache_scenario; else bad "apache2 is not installed (scripts/install-deps)"; fi
bad_usage
finish
