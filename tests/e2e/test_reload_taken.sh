#!/bin/bash
# End-to-end (issue 20, part 1): 'certchain reload' proves that the server it
# reloaded is the one answering. Every case starts from a state a real server
# is in: a site already bound and served, a port already taken by another
# process that serves the same leaf and chain (openssl s_server, a second
# nginx, a second HAProxy), a binding an earlier run left in the
# configuration although the server never took it, a server that is down.
# nginx (ECC against s_server, RSA against a second nginx), HAProxy (both
# ways it fails on a taken port), Apache (it exits); the closing judgement
# uses the clients given to bind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; for h in "$T"/hap*; do haproxy_stop "$h"; done; apache_stop "$T/apa"; rm -rf "$T"' EXIT

NAME=www.example.test

# seed ALG: PKI, the chain file a hand-configured server would send, a store
# with the leaf as "www".
seed() {
	local d=$T/$1
	mkdir -p "$d"
	pki_crosssign "$d" "$1" || return 1
	cat "$d/leaf.pem" "$d/ica.pem" >"$d/fullchain.pem"
	export CERTCHAIN_STORE=$d/store
	cc store import "$d/new.pem" >/dev/null && cc store import "$d/ica.pem" >/dev/null &&
		cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null
}

# no_success_claim LABEL: the report never says the server took it.
no_success_claim() {
	expect_nogrep "and reloaded|: reloaded|ok +$2 |serves the deployed chain|every binding serves" "$T/out" \
		"$1: never 'reloaded' nor a TLS 'ok' for the clashing site"
}

nginx_case() {
	local alg=$1 other=$2 d=$T/$1 n=$T/$1/ngx w p q r
	export CERTCHAIN_STORE=$d/store
	mkdir -p "$n/conf.d"
	echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
	nginx_start "$n"
	local opts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf")
	# already there: a site bound and proven, judged for the clients given to bind
	w=$(free_port)
	expect_rc 0 "$alg nginx: bind a first site" \
		cc bind --server nginx --site www --cert www -p "modern=$d/new.pem" --ip 127.0.0.1 --port "$w" "${opts[@]}"
	expect_rc 0 "$alg nginx: reload proves it" cc reload --server nginx
	expect_grep "reloaded \(new processes of nginx since the reload: [0-9]+" "$T/out" \
		"$alg nginx: the reload is proved by nginx's new workers"
	expect_grep "^nginx: www, judged as check judges it: trusted by 2/2 client profiles$" "$T/out" \
		"$alg nginx: judged for bind's clients (modern + the store), no finding"

	# already there: another process on port P serving the same leaf and chain
	p=$(free_port)
	if [ "$other" = s_server ]; then
		s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
	else
		mkdir -p "$d/ngx2"
		nginx_server "$p" "$d/fullchain.pem" "$d/leaf.key" >"$d/ngx2/servers.conf"
		nginx_start "$d/ngx2"
		wait_port "$p"
	fi
	expect_eq "$(served_fps "$p" "$NAME" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") " \
		"$alg nginx: the $other on port $p serves the same chain bind deploys"
	expect_rc 0 "$alg nginx: bind a site on the taken port" \
		cc bind --server nginx --site clash --cert www --ip 127.0.0.1 --port "$p" "${opts[@]}"
	expect_rc 1 "$alg nginx: reload with the port taken -> exit 1" cc reload --server nginx
	expect_grep "nginx: it said: \[emerg\] [0-9#]+: bind\(\) to 127.0.0.1:$p failed \(98: Address already in use\)" \
		"$T/out" "$alg nginx: quotes nginx's own error line"
	expect_grep "the reload was NOT taken: nginx refused the new configuration" "$T/out" \
		"$alg nginx: says nginx refused it"
	expect_grep "restored the previous files; not reloaded" "$T/out" "$alg nginx: restored, not reloaded"
	no_success_claim "$alg nginx" clash
	[ ! -e "$n/certs/clash.fullchain.pem" ] && ! grep -q ":$p " "$n/conf.d/certchain.conf" &&
		ok "$alg nginx: the clashing files and server block are gone" || bad "$alg nginx: files not restored"
	expect_nogrep "^clash " <(cc bindings) "$alg nginx: 'bindings' does not list the clashing site"
	expect_eq "$(served_fps "$w" "$NAME" | head -1)" "$(fp1 "$d/leaf.pem")" "$alg nginx: the first site is still served"
	cc reload --server nginx --json >"$T/j" 2>/dev/null
	python3 - "$T/j" <<'PY' && ok "$alg nginx: nothing pending afterwards, --json ok" || bad "$alg nginx: json after restore" "$(head -c 300 "$T/j")"
import json, sys
s = json.load(open(sys.argv[1]))["servers"][0]
assert s["result"] == "ok" and not s["pending"] and s["proof"]["taken"], s
PY

	# the next reloads are not poisoned: a new site is taken and proven
	q=$(free_port)
	cc bind --server nginx --site two --cert www --ip 127.0.0.1 --port "$q" >/dev/null
	expect_rc 0 "$alg nginx: a later reload with a free port succeeds" cc reload --server nginx
	expect_grep "ok +two on 127.0.0.1:$q" "$T/out" "$alg nginx: the new site is proven"

	# already there: a binding an earlier run committed although nginx never
	# took it (the journal and .prev files gone, the block in the include)
	cc bind --server nginx --site clash --cert www --ip 127.0.0.1 --port "$p" >/dev/null
	rm -f "$CERTCHAIN_STORE/deploy/nginx.journal"
	find "$n" "$CERTCHAIN_STORE" -name '*.prev' -delete
	r=$(free_port)
	cc bind --server nginx --site three --cert www --ip 127.0.0.1 --port "$r" >/dev/null
	expect_rc 1 "$alg nginx: every later reload fails while the port is taken" cc reload --server nginx --json
	python3 - "$T/out" "$p" <<'PY' && ok "$alg nginx: --json: refused, nginx's line, restored, not reloaded" || bad "$alg nginx: --json refused" "$(head -c 600 "$T/out")"
import json, sys
s = json.load(open(sys.argv[1]))["servers"][0]
assert s["result"] == "refused" and s["restored"] and "after_restore" not in s, s
assert s["proof"]["taken"] is False and "bind() to 127.0.0.1:%s failed" % sys.argv[2] in s["proof"]["server_said"], s
PY
	expect_nogrep "^three " <(cc bindings) "$alg nginx: the new site of the refused reload is removed"
	# the way out: unbind the clashing site; nginx takes it, the removed
	# site's port is another process's, so it is gone from nginx
	cc unbind --site clash >/dev/null
	expect_rc 0 "$alg nginx: after unbinding the clashing site, reload succeeds" cc reload --server nginx
	expect_grep "ok +clash \(removed\): 127.0.0.1:$p is answered by process [0-9]+ \((openssl|nginx)\), not by this nginx" \
		"$T/out" "$alg nginx: the removed site's port belongs to the other process"
	check_stop_all
}

haproxy_case() {
	local d=$T/ec h=$T/hap w p p2 h2=$T/hap2
	export CERTCHAIN_STORE=$d/store
	haproxy_start "$h" "$(free_port)" || { bad "haproxy: did not start"; return; }
	local opts=(--conf-dir "$h/conf.d" --deploy-dir "$h/certs" --haproxy-conf "$h/haproxy.cfg" --haproxy-pidfile "$h/haproxy.pid")
	w=$(free_port)
	cc bind --server haproxy --site shop --cert www --ip 127.0.0.1 --port "$w" "${opts[@]}" >/dev/null
	expect_rc 0 "haproxy: a first site, proven" cc reload --server haproxy
	expect_grep "reloaded \(new processes of haproxy since the reload: [0-9]+" "$T/out" \
		"haproxy: proved by the new process in its pid file"

	# a port openssl s_server holds: haproxy's new process cannot bind, the old one stays
	p=$(free_port)
	s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
	cc bind --server haproxy --site clash --cert www --ip 127.0.0.1 --port "$p" >/dev/null
	expect_rc 1 "haproxy: reload with the port taken -> exit 1" cc reload --server haproxy
	expect_grep "haproxy: it said: .*\[ALERT\].*cannot bind socket \(Address already in use\) for \[127.0.0.1:$p\]" \
		"$T/out" "haproxy: quotes haproxy's own [ALERT] line"
	expect_grep "restored the previous files; not reloaded" "$T/out" "haproxy: restored, not reloaded"
	no_success_claim haproxy clash
	[ ! -e "$h/certs/clash.pem" ] && ! grep -q ":$p " "$h/conf.d/certchain.cfg" &&
		ok "haproxy: the clashing files are gone" || bad "haproxy: files not restored"
	expect_eq "$(served_fps "$w" "$NAME" | head -1)" "$(fp1 "$d/leaf.pem")" "haproxy: the first site is still served"

	# a second HAProxy on P2 with the same chain: both bind (SO_REUSEPORT),
	# the reload is taken, and the kernel shares the connections between them
	p2=$(free_port)
	haproxy_start "$h2" "$(free_port)" || { bad "haproxy: second instance did not start"; return; }
	cat "$d/leaf.pem" "$d/ica.pem" "$d/leaf.key" >"$h2/site.pem"
	printf 'frontend other\n    bind 127.0.0.1:%s ssl crt %s\n' "$p2" "$h2/site.pem" >"$h2/conf.d/other.cfg"
	haproxy -f "$h2/haproxy.cfg" -f "$h2/conf.d" -p "$h2/haproxy.pid" -D -sf "$(cat "$h2/haproxy.pid")" &&
		wait_port "$p2"
	cc bind --server haproxy --site twin --cert www --ip 127.0.0.1 --port "$p2" >/dev/null
	expect_rc 1 "haproxy: a port shared with another haproxy -> exit 1" cc reload --server haproxy --json
	python3 - "$T/out" "$p2" <<'PY' && ok "haproxy: --json: foreign-listener, the other haproxy named, reloaded back" || bad "haproxy: --json shared port" "$(head -c 800 "$T/out")"
import json, sys
s = json.load(open(sys.argv[1]))["servers"][0]
assert s["result"] == "foreign-listener" and s["proof"]["taken"], s
b = [x for x in s["bindings"] if x["site"] == "twin"][0]
assert b["answered_by"]["command"] == "haproxy" and ("127.0.0.1:%s" % sys.argv[2]) in b["reason"], b
assert s["restored"] and s["after_restore"]["reloaded"] and s["after_restore"]["proof"]["taken"], s
PY
	cc reload --server haproxy >/dev/null 2>&1 # (nothing pending: the text report)
	expect_nogrep "^twin " <(cc bindings) "haproxy: the shared-port site is removed"
	haproxy_stop "$h2"
	check_stop_all
}

apache_case() {
	local d=$T/rsa a=$T/apa w p
	export CERTCHAIN_STORE=$d/store
	apache_start "$a" "$(free_port)" || { bad "apache: did not start"; return; }
	local opts=(--conf-dir "$a/conf.d" --deploy-dir "$a/certs" --apache-bin apache2 --apache-conf "$a/apache.conf")
	w=$(free_port)
	cc bind --server apache --site blog --cert www --ip 127.0.0.1 --port "$w" "${opts[@]}" >/dev/null
	expect_rc 0 "apache: a first site, proven" cc reload --server apache
	expect_grep "reloaded \(new processes of apache since the reload: [0-9]+" "$T/out" \
		"apache: the graceful restart is proved by its new children"
	# a port openssl s_server holds: Apache's parent exits on the graceful restart
	p=$(free_port)
	s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
	cc bind --server apache --site clash --cert www --ip 127.0.0.1 --port "$p" >/dev/null
	expect_rc 1 "apache: reload with the port taken -> exit 1" cc reload --server apache
	expect_grep "apache: it said: \(98\)Address already in use: AH00072: make_sock: could not bind to address 127.0.0.1:$p" \
		"$T/out" "apache: quotes Apache's own error line"
	expect_grep "the reload was NOT taken: apache is no longer running after the reload \(pid file $a/apache.pid\)" \
		"$T/out" "apache: says Apache exited"
	expect_grep "FAIL +clash on 127.0.0.1:$p: 127.0.0.1:$p is answered by process [0-9]+ \(openssl\), not by this apache" \
		"$T/out" "apache: the port is answered by openssl, not Apache"
	expect_nogrep "ok +clash |^apache: reloaded|every binding serves what" "$T/out" \
		"apache: never 'reloaded' nor a TLS 'ok' for the clashing site"
	# the old files are brought back up: 'apache2 -k graceful' starts an
	# Apache that is gone (once its parent is reaped); said only once proven
	if unwrap "$T/out" | grep -q "restored the previous files and reloaded"; then
		expect_grep "restored the previous files and reloaded \(new processes of apache since the reload: [0-9]+" \
			"$T/out" "apache: the restoring start is proved by new processes"
		expect_grep "ok +blog on 127.0.0.1:$w" "$T/out" "apache: after the restore the first site is served again"
	else
		expect_grep "restored the previous files, but apache (is not running any more|did not take them)" \
			"$T/out" "apache: restored, and says Apache is down"
	fi
	[ ! -e "$a/certs/clash.fullchain.pem" ] && ! grep -q ":$p" "$a/conf.d/certchain.conf" &&
		ok "apache: the clashing files are gone" || bad "apache: files not restored"
	check_stop_all
}

# nginx down, its pid file where the configuration says (relative to --nginx-prefix)
down_case() {
	local d=$T/ec n=$T/ngx-down
	export CERTCHAIN_STORE=$T/store-down
	cc store import "$d/new.pem" >/dev/null && cc store import "$d/ica.pem" >/dev/null &&
		cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null
	mkdir -p "$n/conf.d" "$n/run"
	echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
	nginx_conf "$n"
	sed -i "s|^pid .*|pid run/nginx-test.pid;|" "$n/nginx.conf"
	cc bind --server nginx --site www --cert www --ip 127.0.0.1 --port "$(free_port)" --conf-dir "$n/conf.d" \
		--deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf" >/dev/null
	expect_rc 3 "down: reload with nginx not running -> exit 3" cc reload --server nginx
	expect_grep "NOT RUNNING \(its pid file $n/run/nginx-test.pid (does not exist|is empty)" "$T/out" \
		"down: names the pid file the configuration gives, under the prefix"
	expect_nogrep "/run/nginx.pid" "$T/out" "down: not Debian's default pid file"
}

seed ec || bad "ec: PKI and store"
seed rsa || bad "rsa: PKI and store"
nginx_case ec s_server
nginx_case rsa nginx
haproxy_case
if command -v apache2 >/dev/null; then apache_case; else bad "apache2 is not installed (scripts/install-deps)"; fi
down_case
finish
