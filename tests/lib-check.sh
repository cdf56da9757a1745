# lib-check.sh - live servers on 127.0.0.1 for the check tests and benchmark:
# openssl s_server, a private nginx instance, and misbehaving python3 servers.
# Source after tests/lib.sh (or set T). Every server started is recorded in
# CHECK_PIDS and stopped by check_stop_all (the callers' trap).
# shellcheck shell=bash

CHECK_PIDS=""

# A TCP port nobody listens on right now.
free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most ~10 s).
wait_port() {
	local i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	return 1
}

check_stop_all() {
	local p
	for p in $CHECK_PIDS; do kill "$p" 2>/dev/null; done
	for p in $CHECK_PIDS; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	CHECK_PIDS=""
}

# s_serve PORT CERT KEY [CHAINFILE]: openssl s_server sending CERT then CHAINFILE as is.
s_serve() {
	local chain=()
	[ -n "${4:-}" ] && chain=(-cert_chain "$4")
	openssl s_server -quiet -accept "127.0.0.1:$1" -cert "$2" -key "$3" "${chain[@]}" \
		-no_dhe </dev/null >/dev/null 2>&1 &
	CHECK_PIDS="$CHECK_PIDS $!"
	wait_port "$1"
}

# bad_serve MODE PORT: python3 server that misbehaves. MODE: silent (accepts,
# never answers), close (accepts and closes at once), http (answers in plain text).
bad_serve() {
	python3 - "$1" "$2" <<'PY' >/dev/null 2>&1 &
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
held = []
end = time.time() + 120
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    if mode == "close":
        c.close()
    elif mode == "http":
        c.settimeout(2)
        try:
            c.recv(4096)
        except Exception:
            pass
        c.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        c.close()
    else:
        held.append(c)
PY
	CHECK_PIDS="$CHECK_PIDS $!"
	wait_port "$2"
}

# nginx_conf DIR: writes DIR/nginx.conf for a private nginx (prefix DIR, pid,
# logs and temp files under DIR, DIR/servers.conf included), not started.
nginx_conf() {
	local d=$1
	mkdir -p "$d/logs" "$d/tmp"
	cat >"$d/nginx.conf" <<NGX
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    ssl_protocols TLSv1.2 TLSv1.3;
    include $d/servers.conf;
}
NGX
}

# nginx_start DIR: runs a private nginx with DIR/servers.conf (server blocks)
# included, prefix DIR, everything under DIR. Sets NGINX_PID.
nginx_start() {
	local d=$1
	nginx_conf "$d"
	nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" &
	NGINX_PID=$!
	CHECK_PIDS="$CHECK_PIDS $NGINX_PID"
}

# nginx_server PORT FULLCHAIN KEY: one server block (append to servers.conf).
nginx_server() {
	printf 'server { listen 127.0.0.1:%s ssl; ssl_certificate %s; ssl_certificate_key %s; return 204; }\n' "$1" "$2" "$3"
}

# starttls_serve PROTO PORT FULLCHAIN KEY [refuse]: a minimal SMTP, IMAP,
# POP3, FTP, XMPP or PostgreSQL server (python3) that upgrades to TLS with
# Python's ssl module, serving FULLCHAIN; with "refuse" it declines the upgrade.
starttls_serve() {
	python3 - "$@" <<'PY' >/dev/null 2>&1 &
import socket, ssl, sys, time
proto, port, chain, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
refuse = len(sys.argv) > 5
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(chain, key)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
s.settimeout(1)
end = time.time() + 120
def recv(c):
    b = c.recv(4096)
    if not b:
        raise EOFError  # e.g. wait_port's probe connection
    return b
def dialogue(c, f):
    """Returns True when the client may start TLS now."""
    if proto == "smtp":
        c.sendall(b"220 mx.test ESMTP ready\r\n"); f.readline()
        c.sendall(b"250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"); f.readline()
        c.sendall(b"454 4.7.0 TLS not available\r\n" if refuse else b"220 2.0.0 go ahead\r\n")
    elif proto == "ftp":
        c.sendall(b"220-welcome\r\n220 ftp.test ready\r\n"); f.readline()
        c.sendall(b"534 no TLS here\r\n" if refuse else b"234 AUTH TLS ok\r\n")
    elif proto == "pop3":
        c.sendall(b"+OK pop.test ready\r\n"); f.readline()
        c.sendall(b"-ERR no STLS\r\n" if refuse else b"+OK begin TLS\r\n")
    elif proto == "imap":
        c.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
        tag = f.readline().split(b" ")[0]
        c.sendall(b"* an untagged line first\r\n" + tag +
                  (b" BAD no TLS\r\n" if refuse else b" OK begin TLS\r\n"))
    elif proto == "xmpp":
        buf = b""
        while b">" not in buf.split(b"stream:stream", 1)[-1]:
            buf += recv(c)
        feats = b"<stream:features><mechanisms/></stream:features>" if refuse else \
            b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
        c.sendall(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  b"xmlns:stream='http://etherx.jabber.org/streams' id='1' version='1.0'>" + feats)
        if refuse:
            return False
        buf = b""
        while b"/>" not in buf:
            buf += recv(c)
        c.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    else:
        c.recv(8)
        c.sendall(b"N" if refuse else b"S")
    return not refuse
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.settimeout(5)
    try:
        if dialogue(c, c.makefile("rb")):
            ctx.wrap_socket(c, server_side=True).close()
        else:
            time.sleep(0.2)
            c.close()
    except Exception:
        c.close()
PY
	CHECK_PIDS="$CHECK_PIDS $!"
	wait_port "$2"
}
