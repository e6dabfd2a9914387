"""An independent POP3 client for the tests: Python's poplib, driven by a JSON spec on stdin.

Spec: {host, port, ssl?: bool (implicit TLS), cafile?: str, steps: [[name, *args], ...]}
Step names are poplib methods (user, pass_, stat, list, uidl, retr, top, dele, rset, noop,
quit, capa, stls, apop is not used) plus:
  ["auth_plain", user, password, "initial"|"continuation"]  AUTH PLAIN (RFC 5034)
  ["raw", line]          sends one line, reads one status line
  ["raw_bytes", b64]     sends bytes as they are, reads one status line
  ["drop"]               closes the socket without QUIT
  ["sleep", seconds]
Prints {"welcome", "steps": [{"step", "ok", "resp"?, "lines"?, "octets"?, "error"?}]}.
A failed step is recorded (with the server's -ERR line) and the script goes on, so one run
can check several refusals; a lost connection ends the run.
"""
import base64
import json
import poplib
import ssl
import sys
import time

spec = json.load(sys.stdin)
out = {"steps": []}


def text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def context():
    ctx = ssl.create_default_context(cafile=spec.get("cafile"))
    ctx.check_hostname = False
    return ctx


def auth_plain(client, user, password, how):
    token = base64.b64encode(("\0%s\0%s" % (user, password)).encode("utf-8")).decode("ascii")
    if how == "initial":
        return client._shortcmd("AUTH PLAIN " + token)
    client._putcmd("AUTH PLAIN")
    line, _ = client._getline()
    if not line.startswith(b"+"):
        raise poplib.error_proto(line)
    return client._shortcmd(token)


def raw(client, data):
    client._putline(data)
    line, _ = client._getline()
    return line


try:
    if spec.get("ssl"):
        client = poplib.POP3_SSL(spec["host"], spec["port"], context=context(), timeout=15)
    else:
        client = poplib.POP3(spec["host"], spec["port"], timeout=15)
    out["welcome"] = text(client.getwelcome())
except Exception as error:  # noqa: BLE001
    out["error"] = "%s: %s" % (type(error).__name__, error)
    print(json.dumps(out))
    sys.exit(0)

for step in spec["steps"]:
    name, args = step[0], step[1:]
    entry = {"step": name}
    out["steps"].append(entry)
    try:
        if name == "auth_plain":
            entry["resp"] = text(auth_plain(client, *args))
        elif name == "raw":
            entry["resp"] = text(raw(client, args[0].encode("latin-1")))
        elif name == "raw_bytes":
            client.sock.sendall(base64.b64decode(args[0]))
            entry["resp"] = text(client._getline()[0])
        elif name == "drop":
            client.sock.close()
            entry["ok"] = True
            break
        elif name == "sleep":
            time.sleep(args[0])
        elif name == "stls":
            entry["resp"] = text(client.stls(context()))
        elif name == "capa":
            entry["capa"] = {key: value for key, value in client.capa().items()}
        else:
            result = getattr(client, name)(*args)
            if isinstance(result, tuple):
                if name == "stat":
                    entry["count"], entry["octets"] = result
                else:
                    entry["resp"] = text(result[0])
                    entry["lines"] = [text(line) for line in result[1]]
                    entry["octets"] = result[2]
            else:
                entry["resp"] = text(result)
        entry["ok"] = entry.get("resp", "+OK").startswith("+OK") or entry.get("resp", "").startswith("+")
    except poplib.error_proto as error:
        entry["ok"] = False
        entry["error"] = text(error.args[0]) if error.args else str(error)
    except (OSError, EOFError) as error:
        entry["ok"] = False
        entry["error"] = "%s: %s" % (type(error).__name__, error)
        break

print(json.dumps(out))
