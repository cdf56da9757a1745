#!/usr/bin/env python3
"""aia_server.py DIR PORTFILE LOG [ADDR2] - an HTTP server on 127.0.0.1 for
the AIA tests. Binds a free port, writes it to PORTFILE, logs each request
path to LOG, and serves the routes below. With ADDR2 (another loopback
address, e.g. 127.0.0.2) the same routes are also served on ADDR2 at the same
port, logged to LOG.ADDR2, and /to2/NAME redirects there. Routes:
  /f/NAME          DIR/NAME with a content type from its extension
                   (.der/.crt/.cer application/pkix-cert, .pem
                   application/x-pem-file, .p7b/.p7c application/pkcs7-mime)
  /slow            headers and 10 bytes of a 2000-byte body, then stalls
  /stall           reads the request and never answers
  /huge            a 4 MiB body with Content-Length
  /huge-stream     a 4 MiB body without Content-Length (closes the connection)
  /loop-a, /loop-b redirect to each other
  /redir/NAME      redirects to /f/NAME
  /hop/N/NAME      N redirects, then /f/NAME
  /longredir       redirects to a 600-character path
  /ftp             redirects to an ftp:// URL
  /to2/NAME        redirects to http://ADDR2:PORT/f/NAME
  /html            a 200 text/html error page
  /garbage         2000 random bytes typed application/pkix-cert
  anything else    404
"""
import http.server
import os
import sys
import time

import threading

DIR, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
ADDR2 = sys.argv[4] if len(sys.argv) > 4 else None
TYPES = {".der": "application/pkix-cert", ".crt": "application/pkix-cert",
         ".cer": "application/pkix-cert", ".pem": "application/x-pem-file",
         ".p7b": "application/pkcs7-mime", ".p7c": "application/pkcs7-mime"}
STALL = 60  # longer than any client timeout in the tests


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body, ctype, extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where):
        self.answer(302, b"", "text/plain", {"Location": where})

    def stream(self, total, with_length):
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-cert")
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = b"\x30" * 65536
        try:
            for _ in range(total // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        p = self.path
        log = LOG if self.server.server_address[0] == "127.0.0.1" else LOG + "." + ADDR2
        with open(log, "a") as f:
            f.write(p + "\n")
        if p.startswith("/f/"):
            fn = os.path.join(DIR, os.path.basename(p[3:]))
            if os.path.isfile(fn):
                with open(fn, "rb") as f:
                    data = f.read()
                ext = os.path.splitext(fn)[1]
                return self.answer(200, data, TYPES.get(ext, "application/octet-stream"))
        elif p == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-cert")
            self.send_header("Content-Length", "2000")
            self.end_headers()
            self.wfile.write(b"\x30\x82\x07\xcc" + b"\x00" * 6)
            self.wfile.flush()
            time.sleep(STALL)
            return
        elif p == "/stall":
            time.sleep(STALL)
            return
        elif p == "/huge":
            return self.stream(4 << 20, True)
        elif p == "/huge-stream":
            return self.stream(4 << 20, False)
        elif p == "/loop-a":
            return self.redirect("/loop-b")
        elif p == "/loop-b":
            return self.redirect("/loop-a")
        elif p.startswith("/redir/"):
            return self.redirect("/f/" + p[7:])
        elif p.startswith("/hop/"):
            n, _, name = p[5:].partition("/")
            if int(n) <= 0:
                return self.redirect("/f/" + name)
            return self.redirect("/hop/%d/%s" % (int(n) - 1, name))
        elif p == "/longredir":
            return self.redirect("/f/" + "x" * 600 + ".pem")
        elif p.startswith("/to2/") and ADDR2:
            return self.redirect("http://%s:%d/f/%s" % (ADDR2, self.server.server_address[1], p[5:]))
        elif p == "/ftp":
            return self.redirect("ftp://127.0.0.1/issuer.der")
        elif p == "/html":
            return self.answer(200, b"<html><body>Not here</body></html>",
                               "text/html; charset=utf-8")
        elif p == "/garbage":
            return self.answer(200, os.urandom(2000), "application/pkix-cert")
        self.answer(404, b"not found\n", "text/plain")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
if ADDR2:
    srv2 = Server((ADDR2, srv.server_address[1]), Handler)
    threading.Thread(target=srv2.serve_forever, daemon=True).start()
tmp = PORTFILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, PORTFILE)
srv.serve_forever()
