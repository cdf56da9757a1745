#!/bin/bash
# End-to-end: reload reads the nginx configuration as nginx does - several
# statements on one line ("worker_processes 1; pid X;"), comments and
# quoted values - so the pid file it names when nginx is down, and the one
# it proves against once nginx runs, is the configured one, not the
# built-in /run/nginx.pid.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-bind.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

d=$T/pki; mkdir -p "$d"
pki_crosssign "$d" rsa || bad "PKI"
export CERTCHAIN_STORE=$T/store
cc store import "$d/new.pem" >/dev/null && cc store import "$d/ica.pem" >/dev/null &&
	cc store import "$d/leaf.pem" --key "$d/leaf.key" --name www >/dev/null || bad "store"

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
finish
