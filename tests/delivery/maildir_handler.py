"""aiosmtpd handler for the tests: stores each message in a Maildir with
its envelope prepended as X-Envelope-From / X-Envelope-To headers, or
refuses every message when created with mode "reject"; a recipient whose
mailbox name starts with "refuse" is always refused (550).

    /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT \
        -c maildir_handler.MaildirHandler DIR [reject]
"""
import mailbox


class MaildirHandler:
    def __init__(self, path, mode="accept"):
        self.box = mailbox.Maildir(path, create=True)
        self.mode = mode

    @classmethod
    def from_cli(cls, parser, *args):
        if not 1 <= len(args) <= 2:
            parser.error("MaildirHandler needs DIR [reject]")
        return cls(*args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # a mailbox whose name starts with "refuse" does not exist here
        if address.lower().startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable (test server)" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "reject":
            return "554 5.7.1 message refused by the test server"
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        self.box.add(head.encode("ascii") + envelope.original_content)
        return "250 2.0.0 stored"
