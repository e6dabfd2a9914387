"""One IMAP or POP3 login (Python's own imaplib/poplib), then a command that needs the
session: prints JSON {ok, detail} so a test can tell success from the server's refusal."""
import imaplib
import json
import poplib
import sys

protocol, host, port, user, password = sys.argv[1:6]
try:
    if protocol == "imap":
        client = imaplib.IMAP4(host, int(port), timeout=30)
        client.login(user, password)
        status, data = client.select("INBOX")
        detail = f"{status} {data[0].decode()}"
        client.logout()
    else:
        client = poplib.POP3(host, int(port), timeout=30)
        client.user(user)
        client.pass_(password)
        count, size = client.stat()
        detail = f"STAT {count} {size}"
        client.quit()
    print(json.dumps({"ok": True, "detail": detail}))
except Exception as error:  # the refusal text is what the test checks
    print(json.dumps({"ok": False, "detail": str(error)}))
