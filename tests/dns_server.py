#!/usr/bin/env python3
"""dns_server.py PORTFILE [DELAY]: a tiny DNS server on 127.0.0.1 (UDP, a
port the kernel picks, written to PORTFILE) for the resolution tests.
Names starting "never" get no answer at all; names starting "slow" get
their answer after DELAY seconds (default 1); every other name gets an A
record 127.0.0.1 at once. AAAA and other types: an empty answer. With
DNS_SERVER_LOG set, each name asked is appended to that file, one a line
(as it came in the query: what the client looked up).
Standard library only."""
import socket
import struct
import sys
import threading
import os
import time


def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), off + 1


def answer(msg):
    name, off = qname(msg, 12)
    qtype = struct.unpack("!H", msg[off:off + 2])[0]
    question = msg[12:off + 4]
    an = b""
    if qtype == 1:  # A
        an = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
    header = msg[:2] + struct.pack("!HHHHH", 0x8180, 1, 1 if an else 0, 0, 0)
    return name, header + question + an


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    log = os.environ.get("DNS_SERVER_LOG")
    while True:
        msg, peer = s.recvfrom(4096)
        try:
            name, reply = answer(msg)
        except (IndexError, struct.error):
            continue
        if log:
            with open(log, "a") as f:
                f.write(name + "\n")
        label = name.split(".")[0]
        if label.startswith("never"):
            continue
        if label.startswith("slow"):
            threading.Timer(delay, s.sendto, (reply, peer)).start()
        else:
            s.sendto(reply, peer)


if __name__ == "__main__":
    main()
