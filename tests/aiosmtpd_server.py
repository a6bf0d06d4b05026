"""An SMTP server for dondoc's tests: aiosmtpd with STARTTLS and AUTH.

Usage: aiosmtpd_server.py DIR [--plain]

Writes DIR/ca.pem (a throwaway CA, via trustme) and DIR/port once listening;
stores each message as DIR/mail-N.eml with DIR/mail-N.json (envelope, the
authenticated login, whether TLS was on). Accepts login "vptt138" with the
password in DIR/password. With --plain: no STARTTLS, no AUTH.
Stops when its standard input closes.
"""

import json
import socket
import ssl
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out = Path(sys.argv[1])
plain = "--plain" in sys.argv
counter = 0
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        global counter
        with lock:
            counter += 1
            n = counter
        (out / f"mail-{n}.eml").write_bytes(envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": getattr(session, "dondoc_login", None),
            "tls": session.ssl is not None,
        }
        (out / f"mail-{n}.json").write_text(json.dumps(meta))
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    expected = (out / "password").read_text().strip().encode()
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"vptt138" and auth_data.password == expected
    if ok:
        session.dondoc_login = auth_data.login.decode()
    return AuthResult(success=ok, handled=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


port = free_port()
if plain:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
else:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(str(out / "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
controller.start()
(out / "port").write_text(str(port))
sys.stdin.read()
controller.stop()
