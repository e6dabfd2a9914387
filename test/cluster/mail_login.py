"""One IMAP or POP3 login (Python's own imaplib/poplib), then a command that needs the
session: prints JSON {ok, detail, subjects} so a test can tell success from the server's
refusal, and (IMAP) which messages the mailbox holds."""
import email
import imaplib
import json
import poplib
import sys

protocol, host, port, user, password = sys.argv[1:6]
subjects = []
try:
    if protocol == "imap":
        client = imaplib.IMAP4(host, int(port), timeout=30)
        client.login(user, password)
        status, data = client.select("INBOX", readonly=True)
        count = int(data[0])
        detail = f"{status} {count}"
        if count:
            _, fetched = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            for part in fetched:
                if isinstance(part, tuple):
                    subjects.append(str(email.message_from_bytes(part[1])["Subject"]))
        client.logout()
    else:
        client = poplib.POP3(host, int(port), timeout=30)
        client.user(user)
        client.pass_(password)
        count, size = client.stat()
        detail = f"STAT {count} {size}"
        client.quit()
    print(json.dumps({"ok": True, "detail": detail, "subjects": subjects}))
except Exception as error:  # the refusal text is what the test checks
    print(json.dumps({"ok": False, "detail": str(error), "subjects": subjects}))
