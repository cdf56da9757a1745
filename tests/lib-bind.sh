# lib-bind.sh - helpers for the bind/reload tests and the demo: a private
# HAProxy on 127.0.0.1 and what a server really sends (openssl s_client).
# Source after tests/lib.sh and tests/lib-check.sh (free_port, wait_port,
# nginx_start, check_stop_all).
# shellcheck shell=bash

# haproxy_start DIR DUMMYPORT: a private haproxy loading DIR/haproxy.cfg and
# every *.cfg of DIR/conf.d (what 'certchain reload' gives it too), pid file
# DIR/haproxy.pid. The dummy frontend lets it start before any binding.
haproxy_start() {
	local d=$1
	mkdir -p "$d/conf.d"
	cat >"$d/haproxy.cfg" <<HAP
global
    maxconn 256
defaults
    mode http
    timeout connect 5s
    timeout client 10s
    timeout server 10s
frontend dummy
    bind 127.0.0.1:$2
HAP
	haproxy -f "$d/haproxy.cfg" -f "$d/conf.d" -p "$d/haproxy.pid" -D || return 1
	wait_port "$2"
}

# haproxy_stop DIR: every process named in the pid file (reloads replace it).
haproxy_stop() {
	local p
	[ -f "$1/haproxy.pid" ] || return 0
	for p in $(cat "$1/haproxy.pid"); do kill "$p" 2>/dev/null; done
}

# served_fps PORT SNI: SHA-256 of each certificate the server sends, in order.
served_fps() {
	local out=$T/served.$$
	openssl s_client -connect "127.0.0.1:$1" -servername "$2" -showcerts </dev/null \
		>"$out" 2>/dev/null
	fps "$out"
	rm -f "$out"
}

# apache_conf DIR PORT: DIR/apache.conf for a private Apache httpd (Debian's
# apache2 binary) with mod_ssl, ServerRoot DIR, including DIR/conf.d/*.conf,
# a plain-HTTP Listen on PORT so it can start before any binding. Pid file
# DIR/apache.pid.
apache_conf() {
	local d=$1 m=/usr/lib/apache2/modules
	mkdir -p "$d/conf.d" "$d/logs"
	cat >"$d/apache.conf" <<APA
ServerRoot $d
PidFile $d/apache.pid
DefaultRuntimeDir $d/logs
ErrorLog $d/logs/error.log
LogLevel warn
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule ssl_module $m/mod_ssl.so
User nobody
Group nogroup
StartServers 1
ServerLimit 2
ThreadsPerChild 8
MinSpareThreads 1
MaxSpareThreads 16
MaxRequestWorkers 16
ServerName localhost
Listen 127.0.0.1:$2
IncludeOptional $d/conf.d/*.conf
APA
}

# apache_start DIR PORT: apache_conf, then starts that Apache.
apache_start() {
	apache_conf "$1" "$2"
	apache2 -f "$1/apache.conf" -k start || return 1
	wait_port "$2"
}

# apache_stop DIR: the parent named in the pid file (it stops its children).
apache_stop() {
	[ -f "$1/apache.pid" ] && kill "$(cat "$1/apache.pid")" 2>/dev/null
	return 0
}
