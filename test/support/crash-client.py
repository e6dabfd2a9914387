"""A client that keeps sending numbered messages while the server under test is killed and
restarted (test/smtp/crash-safety.test.ts). Python's smtplib, so the server is checked by
a client that shares no code with it.

Spec: one JSON line on stdin: {host, port, sender, recipient, unknownRecipient, forbiddenWord,
oversizeBytes, workers, runId}. Then the client sends until stdin is closed; each worker
finishes the message it is on, and the process exits 0.

Output: one JSON line per message, once its fate is known to the client:
  {"token": n, "kind": k, "outcome": o, "code"?: int, "reply"?: str, "queueId"?: str}
kind:    good | unknown-recipient | forbidden-word | oversize (the last three must be refused)
outcome: accepted (250 to DATA) | refused (a non-2xx final reply) | unknown (the connection
         broke after DATA was sent: the server may or may not have taken it) | unsent (the
         connection broke before DATA: the server cannot have taken it)
Each message has its token in its Message-ID: <crash-{runId}-{token}@crash.test>.
"""
import json
import random
import re
import smtplib
import sys
import threading
import time

spec = json.loads(sys.stdin.readline())
stop = threading.Event()
output_lock = threading.Lock()
token_lock = threading.Lock()
next_token = [0]

KINDS = ["good"] * 16 + ["unknown-recipient", "forbidden-word", "forbidden-word", "oversize"]


def emit(record):
    with output_lock:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


def take_token():
    with token_lock:
        next_token[0] += 1
        return next_token[0]


def text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def build(token, kind):
    lines = [
        "From: <%s>" % spec["sender"],
        "To: <%s>" % spec["recipient"],
        "Subject: crash-safety message %d" % token,
        "Message-ID: <crash-%s-%d@crash.test>" % (spec["runId"], token),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Message number %d of the crash-safety test." % token,
    ]
    if kind == "forbidden-word":
        lines.append("This one mentions %s, which a word list rejects." % spec["forbiddenWord"])
    if kind == "oversize":
        line = "x" * 76
        lines.extend([line] * (spec["oversizeBytes"] // (len(line) + 2) + 1))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


class ConnectionLost(Exception):
    pass


def send_one(client, token, kind):
    """Sends one message on an open session; emits its outcome. Raises ConnectionLost when the session is unusable."""
    recipient = spec["unknownRecipient"] if kind == "unknown-recipient" else spec["recipient"]
    phase = "mail"
    try:
        code, reply = client.mail(spec["sender"])
        if code < 400:
            phase = "rcpt"
            code, reply = client.rcpt(recipient)
        if code < 400:
            phase = "data"
            try:
                code, reply = client.data(build(token, kind))
            except smtplib.SMTPDataError as error:
                code, reply = error.smtp_code, error.smtp_error
    except (smtplib.SMTPException, OSError) as error:
        emit({"token": token, "kind": kind, "outcome": "unknown" if phase == "data" else "unsent", "reply": "%s: %s" % (type(error).__name__, error)})
        raise ConnectionLost() from error
    record = {"token": token, "kind": kind, "code": code, "reply": text(reply)}
    if code == 250:
        found = re.search(r"queued as (\S+)", record["reply"])
        record.update(outcome="accepted", queueId=found.group(1) if found else None)
    else:
        record["outcome"] = "refused"
    emit(record)
    if code >= 400:
        try:
            client.rset()
        except (smtplib.SMTPException, OSError) as error:
            raise ConnectionLost() from error


def worker(seed):
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            client = smtplib.SMTP(spec["host"], spec["port"], timeout=10)
            client.ehlo("crash-client.test")
        except (smtplib.SMTPException, OSError):
            time.sleep(0.05)  # the server is down or starting: nothing was sent
            continue
        try:
            # A few messages per session, so kills land between messages of a session too.
            for _ in range(rng.randint(1, 4)):
                if stop.is_set():
                    break
                send_one(client, take_token(), rng.choice(KINDS))
            client.quit()
        except ConnectionLost:
            pass
        except (smtplib.SMTPException, OSError):
            pass  # QUIT failed: every message of the session already has its outcome
        finally:
            try:
                client.close()
            except OSError:
                pass


def wait_for_end_of_input():
    sys.stdin.read()
    stop.set()


threading.Thread(target=wait_for_end_of_input, daemon=True).start()
workers = [threading.Thread(target=worker, args=(n,)) for n in range(spec.get("workers", 4))]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join()
