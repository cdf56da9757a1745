# lib-pkcs12.sh - helpers for the PFX tests (sourced after lib.sh).
# shellcheck shell=bash

# run ARGS...: certchain with stdout/stderr in $T/out, $T/err, both appended
# to $LOG (grepped for key material at the end of a test).
LOG=$T/all-output.log
run() { cc "$@" >"$T/out" 2>"$T/err"; local rc=$?; cat "$T/out" "$T/err" >>"$LOG"; return $rc; }
# expect_run RC DESC ARGS...: run, compare the exit code.
expect_run() {
	local want=$1 desc=$2 got
	shift 2
	run "$@"
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else
		bad "$desc" "exit $got, wanted $want: $(head -c 400 "$T/err")"; fi
}

# p12_fps PFX PASSFILE [-legacy]: SHA-256 of each certificate openssl finds in
# the PFX, in file order, one per line.
p12_fps() {
	openssl pkcs12 ${3:-} -in "$1" -passin "file:$2" -nokeys -out "$T/p12certs.pem" 2>/dev/null || return 1
	fps "$T/p12certs.pem"
}

# pubkey_of FILE: the public key (PEM) of a certificate or a private key file.
pubkey_of() {
	if grep -q "PRIVATE KEY" "$1"; then
		openssl pkey -in "$1" -pubout 2>/dev/null
	else
		openssl x509 -in "$1" -noout -pubkey 2>/dev/null
	fi
}

# key_lines KEYFILE: the base64 lines of a key in both of its PEM forms
# (as given, and PKCS#8), to grep outputs for leaked key material.
key_lines() {
	{ cat "$1"; openssl pkey -in "$1" 2>/dev/null; openssl pkey -in "$1" -traditional 2>/dev/null; } |
		grep -v -- '-----' | grep -E '^.{16,}$' | sort -u
}

# mode_of FILE: octal permission bits.
mode_of() { stat -c %a "$1"; }

# nss_db DIR: a fresh NSS database with an empty password.
nss_db() {
	rm -rf "$1"
	mkdir -p "$1"
	certutil -N -d "sql:$1" --empty-password >/dev/null 2>&1
}

# tty_run OUT ANSWER... -- CMD...: runs CMD on a fresh pseudo-terminal (its
# controlling tty), answering each password prompt with the next ANSWER once
# the prompt has appeared; everything the terminal showed goes to OUT.
# Returns CMD's exit status; gives up after 20 s.
tty_run() {
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY'
import os, pty, select, sys, time
out, args = sys.argv[1], sys.argv[2:]
sep = args.index("--")
answers, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
seen, buf, deadline = 0, b"", time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    prompts = buf.count(b"Password for") + buf.count(b"Repeat the password")
    while seen < prompts and seen < len(answers):
        os.write(fd, answers[seen].encode() + b"\n")
        seen += 1
else:
    os.kill(pid, 9)
open(out, "wb").write(buf)
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 99)
PY
}
