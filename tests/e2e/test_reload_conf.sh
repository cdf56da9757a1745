#!/bin/bash
# End-to-end: reload reads the server's configuration as the server does -
# several statements on one line ("worker_processes 1; pid X;"), comments
# and quoted values, and the files it includes at main level (nginx's
# include, relative to nginx.conf's directory; Apache's Include of a
# directory, relative to ServerRoot) - so the pid file it names when the
# server is down, and the one it proves against once it runs, is the
# configured one, not the built-in default; an include loop ends.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; for f in "$T"/apa/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")"; done; rm -rf "$T"' EXIT

d=$T/pki; mkdir -p "$d"
pki_crosssign "$d" rsa || bad "PKI"
# store DIR: a store at DIR holding the chain and the leaf as "www"
store() {
	export CERTCHAIN_STORE=$1
	cc store import "$d/new.pem" >/dev/null && cc store import "$d/ica.pem" >/dev/null &&
		cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null || bad "store $1"
}
store "$T/store"

n=$T/ngx; mkdir -p "$n/conf.d" "$n/logs" "$n/tmp"
echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
# a commented-out pid, a block holding a same-named word, then the real
# one after another statement on the same line, quoted
cat >"$n/nginx.conf" <<NGX
daemon off; # pid /nonexistent/commented.pid;
events { worker_connections 64; }
worker_processes 1; pid "$n/run one.pid"; error_log $n/logs/error.log warn;
http { access_log off; client_body_temp_path $n/tmp/body; proxy_temp_path $n/tmp/proxy;
    fastcgi_temp_path $n/tmp/fastcgi; uwsgi_temp_path $n/tmp/uwsgi; scgi_temp_path $n/tmp/scgi;
    include $n/servers.conf; }
NGX
port=$(free_port)
nopts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf")
expect_rc 0 "bind while nginx is not running" \
	cc bind --server nginx --site www --cert www -p "r=$d/new.pem" --ip 127.0.0.1 --port "$port" "${nopts[@]}"
expect_rc 3 "reload with nginx not running -> exit 3" cc reload --server nginx
expect_grep "its pid file $n/run one.pid" "$T/out" "names the pid file of the one-line, quoted statement"
expect_nogrep "commented.pid|/run/nginx.pid" "$T/out" "not the commented-out or the built-in pid file"

nginx -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" &
CHECK_PIDS="$CHECK_PIDS $!"
wait_port "$port"
[ -s "$n/run one.pid" ] && ok "nginx wrote the configured pid file" || bad "nginx wrote no pid file"
expect_rc 0 "once started, reload proves the binding" cc reload --server nginx
expect_grep "ok +www on 127.0.0.1:$port" "$T/out" "the site serves the deployed chain"
check_stop_all

# --- nginx: pid and error_log in files nginx.conf includes at main level,
# through a glob relative to nginx.conf's directory (not the prefix)
store "$T/store-inc"
n=$T/ngx-inc; mkdir -p "$n/etc/main.d" "$n/conf.d" "$n/logs" "$n/tmp" "$n/run"
echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
cat >"$n/etc/nginx.conf" <<NGX
daemon off;
events { worker_connections 64; }
include main.d/*.conf;
http { access_log off; client_body_temp_path $n/tmp/body; proxy_temp_path $n/tmp/proxy;
    fastcgi_temp_path $n/tmp/fastcgi; uwsgi_temp_path $n/tmp/uwsgi; scgi_temp_path $n/tmp/scgi;
    include $n/servers.conf; }
NGX
echo "worker_processes 1;" >"$n/etc/main.d/10-workers.conf"
echo "pid run/included.pid; error_log logs/error.log warn;" >"$n/etc/main.d/20-pid.conf"
port=$(free_port)
nopts=(--conf-dir "$n/conf.d" --deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/etc/nginx.conf")
expect_rc 0 "include: bind while nginx is not running" \
	cc bind --server nginx --site www --cert www -p "r=$d/new.pem" --ip 127.0.0.1 --port "$port" "${nopts[@]}"
expect_rc 3 "include: reload with nginx not running -> exit 3" cc reload --server nginx
expect_grep "NOT RUNNING \(its pid file $n/run/included.pid (does not exist|is empty)" "$T/out" \
	"include: names the pid file of the included file, relative to the prefix"
expect_nogrep "/run/nginx.pid" "$T/out" "include: not the built-in pid file"
nginx -p "$n" -c "$n/etc/nginx.conf" &
CHECK_PIDS="$CHECK_PIDS $!"
wait_port "$port"
[ -s "$n/run/included.pid" ] && ok "include: nginx wrote the included pid file" ||
	bad "include: nginx wrote no pid file at $n/run/included.pid"
expect_rc 0 "include: once started, reload proves the binding" cc reload --server nginx
expect_grep "reloaded \(new processes of nginx since the reload: [0-9]+" "$T/out" \
	"include: proved by new workers under the included pid file's process"
expect_grep "ok +www on 127.0.0.1:$port" "$T/out" "include: the site serves the deployed chain"
cc reload --server nginx --json >"$T/j" 2>/dev/null
python3 - "$T/j" "$n" <<'PY' && ok "include: --json proof names the included pid file and error log" || bad "include: --json proof" "$(head -c 600 "$T/j")"
import json, sys
p = json.load(open(sys.argv[1]))["servers"][0]["proof"]
assert p["taken"] and p["pidfile"] == sys.argv[2] + "/run/included.pid", p
assert p["error_log"] == sys.argv[2] + "/logs/error.log", p
PY
check_stop_all

# --- Apache: PidFile in a file of a directory Included relative to ServerRoot
if command -v apache2 >/dev/null; then
	store "$T/store-apa"
	a=$T/apa; mkdir -p "$a/main.d" "$a/run"
	apache_conf "$a" "$(free_port)"
	sed -i '/^PidFile /d' "$a/apache.conf"
	echo "include main.d" >>"$a/apache.conf"
	echo "PidFile $a/run/wrong.pid" >"$a/main.d/10-first.conf"
	echo "PidFile run/included.pid" >"$a/main.d/20-last-wins.conf"
	apache2 -f "$a/apache.conf" -k start && sleep 0.5
	[ -s "$a/run/included.pid" ] && ok "apache: wrote the last PidFile of the included directory" ||
		bad "apache: no pid file at $a/run/included.pid" "$(ls "$a/run")"
	w=$(free_port)
	expect_rc 0 "apache: bind" cc bind --server apache --site blog --cert www --ip 127.0.0.1 --port "$w" \
		--conf-dir "$a/conf.d" --deploy-dir "$a/certs" --apache-bin apache2 --apache-conf "$a/apache.conf"
	expect_rc 0 "apache: reload proves the binding" cc reload --server apache
	expect_grep "reloaded \(new processes of apache since the reload: [0-9]+" "$T/out" \
		"apache: the graceful restart is proved by its new children"
	expect_grep "ok +blog on 127.0.0.1:$w" "$T/out" "apache: the site serves the deployed chain"
	cc reload --server apache --json >"$T/j" 2>/dev/null
	python3 - "$T/j" "$a" <<'PY' && ok "apache: --json proof names the included pid file" || bad "apache: --json proof" "$(head -c 600 "$T/j")"
import json, sys
p = json.load(open(sys.argv[1]))["servers"][0]["proof"]
assert p["taken"] and p["pidfile"] == sys.argv[2] + "/run/included.pid", p
PY
	kill "$(cat "$a/run/included.pid")"
else
	bad "apache2 is not installed (scripts/install-deps)"
fi

# --- an include loop: nginx.conf's glob matches a file that includes the
# same glob. nginx's configuration test fails on it (nginx recurses until
# it crashes); reload ends and says the check failed.
store "$T/store-loop"
n=$T/ngx-loop; mkdir -p "$n/main.d" "$n/conf.d"
echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
nginx_conf "$n"
echo "include main.d/*.conf;" >>"$n/nginx.conf"
cc bind --server nginx --site www --cert www --ip 127.0.0.1 --port "$(free_port)" --conf-dir "$n/conf.d" \
	--deploy-dir "$n/certs" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf" >/dev/null 2>&1
echo "include main.d/*.conf;" >"$n/main.d/loop.conf"
expect_rc 1 "loop: reload ends (within the timeout) -> exit 1" timeout 120 "$CERTCHAIN" reload --server nginx
expect_grep "nginx: configuration check FAILED, not reloading" "$T/out" "loop: the configuration check failed"

# --- directories given with a trailing slash join with one slash: in the
# generated include, the deployed file names and what bind prints.
store "$T/store-slash"
n=$T/ngx-slash; mkdir -p "$n/conf.d"
echo "include $n/conf.d/*.conf;" >"$n/servers.conf"
nginx_conf "$n"
expect_rc 0 "slash: bind with --conf-dir DIR/ and --deploy-dir DIR/" \
	cc bind --server nginx --site www --cert www --ip 127.0.0.1 --port "$(free_port)" \
	--conf-dir "$n/conf.d/" --deploy-dir "$n/certs/" --nginx-prefix "$n" --nginx-conf "$n/nginx.conf"
cat "$T/out" "$n/conf.d/certchain.conf" >"$T/slash" 2>&1
expect_grep "$n/certs/www.fullchain.pem" "$T/slash" "slash: the deployed chain's path is named"
expect_nogrep "//" "$T/slash" "slash: no path holds a double slash"
finish
