"""SMTP server requiring AUTH (PLAIN/LOGIN) for the tests; no TLS, so
auth_require_tls is off.  Usage: auth_server.py PORT MAILDIR USER PASSWORD.
Runs until killed."""
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from maildir_handler import MaildirHandler


def main():
    port, maildir, user, password = sys.argv[1:5]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == user.encode() and auth_data.password == password.encode())
        # handled=False: let the server answer 535 on failure
        return AuthResult(success=ok, handled=False)

    c = Controller(MaildirHandler(maildir), hostname="127.0.0.1", port=int(port),
                   authenticator=authenticator, auth_required=True, auth_require_tls=False)
    c.start()
    threading.Event().wait()


main()
