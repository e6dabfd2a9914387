"""An independent IMAP client for the tests: Python's imaplib, driven by a JSON spec on stdin.

Spec: {host, port, starttls?: bool, ssl?: bool, user?, password?, steps: [[method, *args], ...]}
Each step calls the imaplib method of that name (a "uid" step passes its arguments to
IMAP4.uid). Arguments given as {"b64": "..."} are passed as bytes. Prints
{"capabilities": [...], "steps": [{"step", "typ", "data"} or {"step", "error"}], "error"?}.
Results are decoded as latin1; tuples (literal data) become lists.
"""
import base64
import imaplib
import json
import ssl
import sys

spec = json.load(sys.stdin)
out = {"capabilities": [], "steps": []}


def plain(value):
    if isinstance(value, bytes):
        return value.decode("latin1")
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def argument(value):
    if isinstance(value, dict) and "b64" in value:
        return base64.b64decode(value["b64"])
    return value


context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

try:
    if spec.get("ssl"):
        client = imaplib.IMAP4_SSL(spec["host"], spec["port"], ssl_context=context, timeout=30)
    else:
        client = imaplib.IMAP4(spec["host"], spec["port"], timeout=30)
        if spec.get("starttls"):
            client.starttls(ssl_context=context)
    out["capabilities"] = list(client.capabilities)
    if spec.get("user"):
        try:
            typ, data = client.login(spec["user"], spec["password"])
            out["steps"].append({"step": "login", "typ": typ, "data": plain(data)})
        except imaplib.IMAP4.error as error:
            out["steps"].append({"step": "login", "error": str(error)})
            raise SystemExit
    for name, *args in spec["steps"]:
        label = name if name != "uid" else "uid " + str(args[0]).lower()
        try:
            typ, data = getattr(client, name)(*[argument(a) for a in args])
            out["steps"].append({"step": label, "typ": typ, "data": plain(data)})
        except imaplib.IMAP4.error as error:
            out["steps"].append({"step": label, "error": str(error)})
    try:
        client.logout()
    except Exception:
        pass
except SystemExit:
    pass
except Exception as error:  # noqa: BLE001 - the test reads the reason
    out["error"] = "%s: %s" % (type(error).__name__, error)

print(json.dumps(out))
