"""One message submitted with Python's own smtplib: AUTH (PLAIN, as nginx offers it without
TLS on loopback), MAIL FROM, RCPT TO for each recipient, DATA. Prints JSON {ok, detail}:
the server's reply to the message, or its refusal."""
import json
import smtplib
import sys
from email.message import EmailMessage

host, port, user, password, sender, subject = sys.argv[1:7]
recipients = sys.argv[7:]
message = EmailMessage()
message["From"] = sender
message["To"] = ", ".join(recipients)
message["Subject"] = subject
message.set_content(f"{subject}\n")
try:
    with smtplib.SMTP(host, int(port), timeout=30) as client:
        client.ehlo("client.example")
        # One method only: after a refusal nginx waits Auth-Wait seconds, and login() would try the next.
        client.user, client.password = user, password
        client.auth("PLAIN", client.auth_plain)
        refused = client.send_message(message, sender, recipients)
        print(json.dumps({"ok": not refused, "detail": str(refused or client.noop())}))
except (smtplib.SMTPException, OSError) as error:
    print(json.dumps({"ok": False, "detail": str(error)}))
