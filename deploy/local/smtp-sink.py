#!/usr/bin/env python3
"""The local stack's SMTP server (aiosmtpd 1.4.x): keeps every mail it takes, for make run and the tests.

Requires STARTTLS before anything else and AUTH (PLAIN/LOGIN, only over TLS) before MAIL.
Each accepted message is saved in --dir as <stem>.eml (raw bytes as received) and then
<stem>.json, written atomically last: {"mail_from", "rcpt_tos", "auth", "tls", "tls_version",
"received_at"}. "tls" is true when the session went through STARTTLS (aiosmtpd sets
session.ssl to the TLS transport's extra-info dict after the handshake; it is None otherwise).

Recipient fixtures: "reject*" -> 550 (permanent), "tempfail*" -> 451 always,
"flaky*" -> 451 the first time each address is seen, then accepted.

If --cert/--key do not exist, a self-signed pair (SAN DNS:localhost, IP:127.0.0.1) is generated
with the openssl CLI (default location: the parent directory of --dir). --port 0 picks a free
port. Prints exactly one line when ready:
    smtp-sink ready host=127.0.0.1 port=28525 cert=/path/cert.pem dir=/path/mail
and exits with status 0 on SIGTERM/SIGINT (or when --parent-pid exits).
"""
import argparse
import datetime
import json
import logging
import os
import pathlib
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=2525, help="0 = pick a free port")
    p.add_argument("--dir", required=True, type=pathlib.Path, help="where messages are saved")
    p.add_argument("--cert", type=pathlib.Path, help="PEM certificate (generated if missing)")
    p.add_argument("--key", type=pathlib.Path, help="PEM private key (generated if missing)")
    p.add_argument("--user", default="notify")
    p.add_argument("--password", default="secret")
    p.add_argument("--password-file", type=pathlib.Path, help="read the password from this file (kept out of ps)")
    p.add_argument("--pidfile", type=pathlib.Path)
    p.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    args = p.parse_args()
    if args.password_file:
        args.password = args.password_file.read_text().strip()
    return args


def ensure_certificate(cert: pathlib.Path, key: pathlib.Path) -> None:
    """Generates a self-signed cert+key unless both exist. Files appear atomically (key first)."""
    if cert.exists() and key.exists():
        return
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.parent.mkdir(parents=True, exist_ok=True)
    tag = f".{os.getpid()}.tmp"
    tmp_cert, tmp_key = cert.with_name(cert.name + tag), key.with_name(key.name + tag)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(tmp_key), "-out", str(tmp_cert)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.replace(tmp_key, key)
    os.replace(tmp_cert, cert)


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SaveHandler:
    def __init__(self, out: pathlib.Path):
        self.out = out
        self.flaky_seen = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.lower()
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("tempfail"):
            return "451 4.3.0 try again later"
        if local.startswith("flaky"):
            with self.lock:
                first_time = local not in self.flaky_seen
                self.flaky_seen.add(local)
            if first_time:
                return "451 4.3.0 flaky, retry"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        stem = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        (self.out / f"{stem}.eml").write_bytes(envelope.original_content)
        ssl_object = session.ssl.get("ssl_object") if session.ssl else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth": bool(session.authenticated),
            "tls": session.ssl is not None,
            "tls_version": ssl_object.version() if ssl_object else None,
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        tmp = self.out / f"{stem}.json.tmp"
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, self.out / f"{stem}.json")
        return "250 OK message saved"


class QuietTLSFailures(logging.Filter):
    """Turns aiosmtpd's traceback for a failed STARTTLS handshake (e.g. a client that rejects the
    self-signed certificate, as a test expects) into one line; other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and type(error).__name__ == "TLSSetupException":
            record.msg, record.args = "STARTTLS handshake failed: %s", (error.__cause__,)
            record.exc_info, record.exc_text = None, None
        return True


def make_authenticator(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (mechanism in ("PLAIN", "LOGIN") and isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return authenticator


def start_controller(args, handler, tls) -> Controller:
    """Starts aiosmtpd; with --port 0, retries a few free ports (Controller cannot bind port 0)."""
    attempts = 5 if args.port == 0 else 1
    for attempt in range(attempts):
        port = args.port or free_port(args.host)
        controller = Controller(
            handler, hostname=args.host, port=port, server_hostname="localhost",
            tls_context=tls, require_starttls=True, auth_required=True, auth_require_tls=True,
            authenticator=make_authenticator(args.user, args.password))
        try:
            controller.start()
            return controller
        except OSError:
            if attempt == attempts - 1:
                raise
    raise RuntimeError("unreachable")


def main() -> int:
    args = parse_args()
    # aiosmtpd 1.4.6 logs a login_data deprecation warning on every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    logging.getLogger("mail.log").addFilter(QuietTLSFailures())
    out = args.dir.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cert = (args.cert or out.parent / "smtp-sink-cert.pem").resolve()
    key = (args.key or out.parent / "smtp-sink-key.pem").resolve()
    ensure_certificate(cert, key)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(str(cert), str(key))

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # A child inherits its parent thread's signal mask: started from a Swift (Dispatch/test runner)
    # thread, SIGTERM and SIGINT arrive blocked and would never be delivered.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    controller = start_controller(args, SaveHandler(out), tls)
    if args.pidfile:
        args.pidfile.write_text(f"{os.getpid()}\n")
    print(f"smtp-sink ready host={args.host} port={controller.port} cert={cert} dir={out}", flush=True)
    try:
        while not stop.wait(0.5):
            if args.parent_pid and not pid_alive(args.parent_pid):
                break
    finally:
        controller.stop()
        if args.pidfile:
            args.pidfile.unlink(missing_ok=True)
    return 0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


if __name__ == "__main__":
    sys.exit(main())
