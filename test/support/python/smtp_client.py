"""An independent SMTP client for the tests: Python's smtplib, driven by a JSON spec on stdin.

Spec: {host, port, starttls?, auth?: {user, password, method?: "PLAIN"|"LOGIN"}, sender,
recipients: [...], message_b64?, size?: int (declared SIZE), ehlo?: str}
Prints {"features": [...], "steps": [{"step", "code", "message"}], "error"?: str}: one step per
command, stopping after a refused AUTH or MAIL FROM, and sending DATA only when a recipient
was accepted.
"""
import base64
import json
import smtplib
import ssl
import sys
import time

started = time.monotonic()
spec = json.load(sys.stdin)
out = {"features": [], "steps": []}


def text(message):
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def record(step, reply):
    code, message = reply
    out["steps"].append({"step": step, "code": code, "message": text(message), "ms": round((time.monotonic() - started) * 1000)})
    return code


try:
    client = smtplib.SMTP(timeout=30)
    client._host = spec["host"]  # starttls() names the server it connected to (SNI)
    record("connect", client.connect(spec["host"], spec["port"]))
    record("ehlo", client.ehlo(spec.get("ehlo", "client.example.test")))
    if spec.get("starttls"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        record("starttls", client.starttls(context=context))
        out["tls"] = client.sock.version()
        record("ehlo", client.ehlo(spec.get("ehlo", "client.example.test")))
    out["features"] = sorted(client.esmtp_features.keys())
    auth = spec.get("auth")
    if auth:
        client.user, client.password = auth["user"], auth["password"]
        method = auth.get("method", "PLAIN")
        try:
            authobject = client.auth_plain if method == "PLAIN" else client.auth_login
            record("auth", client.auth(method, authobject, initial_response_ok=method == "PLAIN"))
        except smtplib.SMTPAuthenticationError as error:
            record("auth", (error.smtp_code, error.smtp_error))
            raise SystemExit
        except smtplib.SMTPNotSupportedError as error:
            out["steps"].append({"step": "auth", "code": 0, "message": str(error)})
            raise SystemExit
    options = ["SIZE=%d" % spec["size"]] if spec.get("size") else []
    if record("mail", client.mail(spec["sender"], options)) >= 400:
        raise SystemExit
    accepted = 0
    for recipient in spec["recipients"]:
        if record("rcpt", client.rcpt(recipient)) < 400:
            accepted += 1
    if accepted and "message_b64" in spec:
        try:
            record("data", client.data(base64.b64decode(spec["message_b64"])))
        except smtplib.SMTPDataError as error:
            record("data", (error.smtp_code, error.smtp_error))
    client.quit()
except SystemExit:
    try:
        client.quit()
    except Exception:
        pass
except smtplib.SMTPServerDisconnected as error:
    out["error"] = "disconnected: %s" % error
except smtplib.SMTPConnectError as error:
    out["steps"].append({"step": "connect", "code": error.smtp_code, "message": text(error.smtp_error)})
except Exception as error:  # noqa: BLE001 - the test reads the reason
    out["error"] = "%s: %s" % (type(error).__name__, error)

print(json.dumps(out))
