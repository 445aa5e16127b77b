"""SMTP sinks with TLS and AUTH for the service tests (aiosmtpd): implicit TLS
(smtps) on one port and STARTTLS required on another, both requiring AUTH
PLAIN/LOGIN with one user, delivering to a Maildir.
Usage: smtp_tls_sink.py SMTPS_PORT STARTTLS_PORT CERT KEY MAILDIR USER PASSWORD"""
import asyncio, ssl, sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

smtps_port, starttls_port, cert, key, maildir, user, password = sys.argv[1:8]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and \
        auth_data.login == user.encode() and auth_data.password == password.encode()
    # handled=False: aiosmtpd then answers 535 itself (True would leave the client waiting).
    return AuthResult(success=ok, handled=False)


common = dict(hostname="127.0.0.1", authenticator=authenticator, auth_required=True)
# aiosmtpd only counts STARTTLS as TLS for auth_require_tls; the implicit-TLS
# port is encrypted from the first byte, so it offers AUTH without it.
implicit = Controller(Mailbox(maildir), port=int(smtps_port), ssl_context=ctx,
                      auth_require_tls=False, **common)
starttls = Controller(Mailbox(maildir), port=int(starttls_port), tls_context=ctx,
                      require_starttls=True, auth_require_tls=True, **common)
implicit.start()
starttls.start()
print(f"smtps on {smtps_port}, starttls on {starttls_port}", flush=True)
try:
    asyncio.new_event_loop().run_forever()
finally:
    implicit.stop()
    starttls.stop()
