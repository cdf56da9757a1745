#!/bin/bash
# End-to-end (issue 13, point 7): 'certchain reload' when the server is not
# running - a private nginx never started (empty or missing pid file) and a
# private haproxy never started - says so with the server's own error line,
# keeps the binding as configured (include, deployed files, 'bindings'), and
# once the server runs, the next reload proves the binding; a new binding
# a reload cannot prove is removed, and the report names it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; haproxy_stop "$T/hap"; rm -rf "$T"' EXIT

d=$T/pki; mkdir -p "$d"
pki_crosssign "$d" ec || bad "PKI"
export CERTCHAIN_STORE=$T/store
cc store import "$d/new.pem" >/dev/null && cc store import "$d/ica.pem" >/dev/null &&
	cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null || bad "store"

# --- nginx, configured but never started
n=$T/ngx; mkdir -p "$n/conf.d"
echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
nginx_conf "$n"
port=$(free_port)
nopts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf")
expect_rc 0 "nginx: bind while nginx is not running" \
	cc bind --server nginx --site www --cert www -p "r=$d/new.pem" --ip 127.0.0.1 --port "$port" "${nopts[@]}"
expect_rc 3 "nginx: reload with nginx not running -> exit 3" cc reload --server nginx
expect_grep "nginx: the server is NOT RUNNING \(its pid file $n/nginx.pid" "$T/out" "nginx: says plainly it is not running"
expect_grep "it said: .*nginx.pid" "$T/out" "nginx: with nginx's own error line"
expect_grep "nothing was undone" "$T/out" "nginx: says nothing was removed"
[ -s "$n/conf.d/certchain.conf" ] && [ -s "$n/certs/www.fullchain.pem" ] && [ -s "$n/certs/www.key" ] &&
	ok "nginx: the include and the deployed files stay" || bad "nginx: files removed" "$(ls -R "$n")"
cc bindings >"$T/b" 2>&1
expect_grep "^www +\(nginx\)" "$T/b" "nginx: 'bindings' still lists the site"
cc reload --server nginx --json >"$T/j" 2>/dev/null
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["servers"][0]["result"])' "$T/j")" \
	not-running "nginx: --json result not-running"
# started now: the next reload proves the binding
nginx -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" &
CHECK_PIDS="$CHECK_PIDS $!"
wait_port "$port"
expect_rc 0 "nginx: once started, reload proves the binding" cc reload --server nginx
expect_grep "ok +www on 127.0.0.1:$port" "$T/out" "nginx: the site serves the deployed chain"
expect_grep "^nginx: www, judged as check judges it: trusted by [0-9]+/[0-9]+ client profiles" "$T/out" \
	"nginx: reload judges the proven chain (the one judgement)"
cc reload --server nginx --json >"$T/rj" 2>/dev/null
# the clients bind was given (saved with the binding): check with the same ones
cc check --json --no-aia --connect 127.0.0.1 -p "r=$d/new.pem" "www.example.test:$port" >"$T/cj" 2>/dev/null
expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["servers"][0]["judged"][0]; print(j["trust"]["trusted_by"], sorted(set(f["id"] for f in j["findings"])))' "$T/rj")" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["trust"]["trusted_by"], sorted(set(f["id"] for f in j["findings"])))' "$T/cj")" \
	"nginx: reload and check give the same verdicts and findings on the same chain"

# --- a new binding that fails its proof is removed, and the report names it
bport=$(free_port); bad_serve http "$bport"
expect_rc 0 "nginx: bind a second site on a port another process holds" \
	cc bind --server nginx --site two --cert www -p "r=$d/new.pem" --ip 127.0.0.1 --port "$bport" "${nopts[@]}"
expect_rc 1 "nginx: its reload fails the proof -> exit 1" cc reload --server nginx
expect_grep "nginx: removed the new binding two \(its configuration and deployed files\): it was never proven" \
	"$T/out" "nginx: the restore names the binding it removed"
cc bindings >"$T/b" 2>&1
expect_nogrep "^two " "$T/b" "nginx: 'bindings' no longer lists it"
expect_grep "^www +\(nginx\)" "$T/b" "nginx: the proven site stays"

# --- haproxy, configured but never started (no pid file)
h=$T/hap; mkdir -p "$h/conf.d"
dummy=$(free_port); hport=$(free_port)
printf 'global\n    maxconn 64\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 10s\n    timeout server 10s\nfrontend dummy\n    bind 127.0.0.1:%s\n' \
	"$dummy" >"$h/haproxy.cfg"
hopts=(--conf-dir "$h/conf.d" --deploy-dir "$h/certs" --haproxy-conf "$h/haproxy.cfg" --haproxy-pidfile "$h/haproxy.pid")
expect_rc 0 "haproxy: bind while haproxy is not running" \
	cc bind --server haproxy --site shop --cert www -p "r=$d/new.pem" --ip 127.0.0.1 --port "$hport" "${hopts[@]}"
expect_rc 3 "haproxy: reload with haproxy not running -> exit 3" cc reload --server haproxy
expect_grep "haproxy: the server is NOT RUNNING \(its pid file $h/haproxy.pid does not exist\)" "$T/out" \
	"haproxy: says plainly it is not running"
[ -s "$h/certs/shop.pem" ] && [ -s "$h/conf.d/certchain.cfg" ] &&
	ok "haproxy: the configuration and the deployed files stay" || bad "haproxy: files removed"
finish
