#!/usr/bin/env python3
"""Cross-checks Proctor's Standard Webhooks signing and verifying against independent implementations.

1. v1 (HMAC-SHA256): every request `proctor emit` signs, for every Testlify event, several secrets
   and key rotation (two secrets), is accepted by the official `svix` and `standardwebhooks`
   packages, under svix-* and (renamed) webhook-* header names, and each v1 entry is byte for byte
   the HMAC that Python's hmac module computes.
2. v1a (Ed25519): for key pairs Python generates with `cryptography`, Proctor's v1a entries
   (`--secret whsk_...`, 32-byte seed or 64-byte seed and public key) verify with `cryptography`
   and are byte-identical to Python's own signatures (Ed25519 is deterministic); and requests
   Python signs are accepted by `proctor verify --secret whpk_...` (and tampered ones rejected).
3. A table of tampered requests (empty or missing signature header, v2-only, upper-case V1,
   changed body byte, changed timestamp, rotated pairs, whitespace around entries, trailing
   newline on the body, ...) judged by `proctor verify` and by both packages. A package that
   raises something other than its WebhookVerificationError (a ValueError from a malformed entry)
   cannot judge that case; any case both can judge must get the same verdict.

4. Every sender path: the v1 requests `proctor send`, `run` and `load` deliver to a recording
   consumer (the example secret of the secret rule, one --secret, two) are accepted by both
   packages and `proctor verify`, and each entry is Python's HMAC-SHA256.

Every emitted request is signed at one fixed time; `proctor verify` gets it with --now and the packages'
clock (`datetime.now` in their module) is fixed to it, so the tolerance checks still run.
Header values reach the packages as an HTTP server hands them over: spaces and tabs around the
value stripped, as `proctor verify` reads a request file.

Needs: pip install svix standardwebhooks cryptography
Usage: scripts/check-signatures.py [PROCTOR_BINARY]   (default .build/debug/proctor)
Exit 0 when everything agrees, 1 on any disagreement or failed check, 2 when it cannot run.
"""
import base64
import hashlib
import hmac
import http.server
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import datetime



def abort(message):
    print("check-signatures: " + message, file=sys.stderr)
    sys.exit(2)


try:
    import standardwebhooks
    import standardwebhooks.webhooks as standard_module
    import svix
    import svix.webhooks as svix_module
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError as error:
    abort("%s (pip install svix standardwebhooks cryptography)" % error)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/proctor")
if not os.access(binary, os.X_OK):
    abort("%s is not an executable proctor" % binary)

NOW = 1778491596  # seconds; every request is signed at this time unless a case says otherwise
VENDOR = "testlify"  # the Standard Webhooks (svix-*) vendor
STANDARD_NAMES = ("id", "timestamp", "signature")
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PROCTOR_SECRET"}
rng = random.Random(20240611)
failures = []
counts = {}
workdir = tempfile.mkdtemp(prefix="proctor-signatures-")


V1, V1A, TAMPERED, TOTAL = "1. v1 requests proctor emit signed", "2. v1a (Ed25519)", "3. tampered requests", "in all"
PATHS = "4. v1 requests proctor send, run and load delivered"


def count(category, what, n=1):
    counts.setdefault(category, {})
    counts[category][what] = counts[category].get(what, 0) + n


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


# MARK: The packages' clock


CLOCK = [NOW]  # the packages' now; the sender paths set it to each request's own timestamp


class FixedDatetime(datetime):
    """`datetime` whose now() is NOW, for the packages' timestamp tolerance check."""

    @classmethod
    def now(cls, tz=None):
        return datetime.fromtimestamp(CLOCK[0], tz)


patched = [m.__name__ for m in (standard_module, svix_module) if getattr(m, "datetime", None) is datetime]
for module in (standard_module, svix_module):
    if getattr(module, "datetime", None) is datetime:
        module.datetime = FixedDatetime

# MARK: Requests


class Request:
    """A raw HTTP request: request line, ordered headers, body bytes."""

    def __init__(self, line, headers, body):
        self.line = line
        self.headers = list(headers)
        self.body = body

    @staticmethod
    def parse(raw):
        for separator in (b"\r\n\r\n", b"\n\n"):
            head, found, body = raw.partition(separator)
            if found:
                break
        else:
            raise ValueError("no empty line after the headers")
        lines = head.decode().replace("\r\n", "\n").split("\n")
        headers = []
        for text in lines[1:]:
            name, _, value = text.partition(":")
            headers.append((name.strip(), value.strip(" \t")))
        return Request(lines[0], headers, body)

    def get(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def replacing(self, name, value=None, body=None, drop=False):
        """A copy with header `name` set to `value` (or removed), and optionally another body."""
        headers = []
        for key, old in self.headers:
            if key.lower() != name.lower():
                headers.append((key, old))
            elif not drop:
                headers.append((key, value))
        return Request(self.line, headers, self.body if body is None else body)

    def with_body(self, body):
        return Request(self.line, self.headers, body)

    def renamed(self, source, target):
        """`source`-* Standard Webhooks header names as `target`-* (svix -> webhook)."""
        headers = []
        for key, value in self.headers:
            for part in STANDARD_NAMES:
                if key.lower() == "%s-%s" % (source, part):
                    key = "%s-%s" % (target, part)
            headers.append((key, value))
        return Request(self.line, headers, self.body)

    def raw(self):
        lines = [self.line]
        for key, value in self.headers:
            if key.lower() == "content-length":
                value = str(len(self.body))
            lines.append("%s: %s" % (key, value))
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body

    def style(self):
        return "svix" if self.get("svix-id") is not None or self.get("svix-signature") is not None else "webhook"

    def standard(self, part):
        return self.get("%s-%s" % (self.style(), part))

    def entries(self):
        return (self.standard("signature") or "").split(" ")

    def header_map(self):
        """The headers as a server hands them to a consumer: spaces and tabs around values stripped."""
        return {key: value.strip(" \t") for key, value in self.headers}


def run(arguments):
    return subprocess.run([binary] + arguments, capture_output=True, env=ENVIRONMENT)


def emit(event, secrets, seed=1, seconds=NOW):
    arguments = ["emit", VENDOR, event, "--format", "http", "--show-secrets", "--seed", str(seed)]
    arguments += ["--time", str(seconds * 1000)]
    for secret in secrets:
        arguments += ["--secret", secret]
    out = run(arguments)
    if out.returncode != 0:
        raise RuntimeError("proctor %s: exit %d %s" % (" ".join(arguments), out.returncode, out.stderr.decode()))
    return Request.parse(out.stdout)


serial = 0


def proctor_verify(request, secrets, now=NOW):
    """'accept', 'reject', or 'error: ...' (exit 2: proctor cannot judge)."""
    global serial
    serial += 1
    path = os.path.join(workdir, "request-%d.http" % serial)
    with open(path, "wb") as handle:
        handle.write(request.raw())
    arguments = ["verify", "--now", str(now)]
    for secret in secrets:
        arguments += ["--secret", secret]
    out = run(arguments + [path])
    count(TOTAL, "proctor verify runs")
    if out.returncode == 0:
        return "accept"
    if out.returncode == 1:
        return "reject"
    return "error: exit %d %s" % (out.returncode, out.stderr.decode().strip()[:60])


PACKAGES = {
    # standardwebhooks reads webhook-* names only; svix reads svix-* and falls back to webhook-*.
    "svix": lambda secret, request: svix.webhooks.Webhook(secret).verify(request.body, request.header_map()),
    "standardwebhooks": lambda secret, request: standardwebhooks.Webhook(secret).verify(
        request.body, request.renamed("svix", "webhook").header_map(), json_parse=False
    ),
}


def package_verify(package, request, secrets):
    """'accept' when one of the secrets verifies (a consumer holding several keys tries each),
    'reject' when each raises WebhookVerificationError, else 'error: ...' (cannot judge)."""
    verdicts = []
    for secret in secrets:
        count(TOTAL, "%s verifications" % package)
        try:
            PACKAGES[package](secret, request)
            return "accept"
        except (svix.webhooks.WebhookVerificationError, standardwebhooks.WebhookVerificationError):
            verdicts.append("reject")
        except Exception as error:  # a crash on malformed input is no verdict
            verdicts.append("error: %s" % type(error).__name__)
    errors = [v for v in verdicts if v != "reject"]
    return errors[0] if errors else "reject"


def key_bytes(secret):
    text = secret[len("whsec_") :] if secret.startswith("whsec_") else secret
    return base64.b64decode(text, validate=True)


def content(request, seconds=None):
    timestamp = request.standard("timestamp") if seconds is None else str(seconds)
    return ("%s.%s." % (request.standard("id"), timestamp)).encode() + request.body


def hmac_entry(secret, request):
    return "v1," + base64.b64encode(hmac.new(key_bytes(secret), content(request), hashlib.sha256).digest()).decode()


def b64(data):
    return base64.b64encode(data).decode()


def whsec(n):
    return "whsec_" + b64(rng.randbytes(n))


# MARK: Self-check of the setup


def setup_check():
    """The packages accept a request Python signs at NOW and reject one an hour old: else their
    clock was not fixed (a new package version reads the time another way) and nothing below
    would mean anything."""
    secret = whsec(24)
    body = b'{"probe": true}'
    fresh = Request("POST / HTTP/1.1", [("svix-id", "msg_probe"), ("svix-timestamp", str(NOW))], body)
    fresh.headers.append(("svix-signature", hmac_entry(secret, fresh)))
    stale = Request("POST / HTTP/1.1", [("svix-id", "msg_probe"), ("svix-timestamp", str(NOW - 3600))], body)
    stale.headers.append(("svix-signature", hmac_entry(secret, stale)))
    for package in PACKAGES:
        if package_verify(package, fresh, [secret]) != "accept" or package_verify(package, stale, [secret]) != "reject":
            abort(
                "cannot fix the %s package's clock (patched: %s); the checks would not mean anything"
                % (package, ", ".join(patched) or "nothing")
            )


# MARK: 1. v1 requests proctor emits


def events():
    out = run(["events", VENDOR])
    names = []
    for line in out.stdout.decode().splitlines():
        words = line.split()
        if len(words) > 1 and words[0] == VENDOR:
            names.append(words[1])
    if not names:
        abort("`proctor events %s` listed no events:\n%s" % (VENDOR, out.stdout.decode()))
    return names


def check_emitted_v1(event_names):
    example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    bare = base64.b64encode(rng.randbytes(24)).decode()
    singles = [whsec(24), whsec(32), whsec(64), whsec(100), whsec(1), bare]
    secret_sets = [[s] for s in singles] + [[singles[0], singles[1]], [singles[3], singles[2]], [example, singles[5]]]
    secret_sets.append([])  # no --secret: the documented example secret
    for n, event in enumerate(event_names):
        for m, secrets in enumerate(secret_sets):
            request = emit(event, secrets, seed=n * 31 + m)
            keys = secrets or [example]
            label = "%s with %s" % (event, ", ".join(s[:10] + "..." for s in keys))
            count(V1, "requests (%d events x %d secret sets)" % (len(event_names), len(secret_sets)))
            entries = request.entries()
            check(request.style() == "svix", "%s: emitted %s-* headers" % (label, request.style()))
            timestamp = request.standard("timestamp")
            check(timestamp == str(NOW), "%s: timestamp %s" % (label, timestamp))
            if check(
                entries == [hmac_entry(s, request) for s in keys],
                "%s: the v1 entries are not Python's HMAC-SHA256: %s" % (label, entries),
            ):
                count(V1, "entries byte-identical to Python's HMAC-SHA256", len(entries))
            webhook = request.renamed("svix", "webhook")
            for secret in keys:
                # standardwebhooks reads webhook-* names only: package_verify renames for it.
                for package, variant, names in (
                    ("svix", request, "svix-*"),
                    ("svix", webhook, "webhook-*"),
                    ("standardwebhooks", webhook, "webhook-*"),
                ):
                    verdict = package_verify(package, variant, [secret])
                    count(V1, "%s verifications (%s names)" % (package, names))
                    check(verdict == "accept", "%s: %s (%s headers) says %s" % (label, package, names, verdict))
            for variant in (request, webhook):
                verdict = proctor_verify(variant, keys)
                count(V1, "proctor verify runs (svix-* and webhook-* names)")
                check(verdict == "accept", "%s: proctor verify (%s-*) says %s" % (label, variant.style(), verdict))


# MARK: 2. v1a (Ed25519)


def raw_private(key):
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def raw_public(key):
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def v1a_entries(request):
    return [base64.b64decode(e[4:]) for e in request.entries() if e.startswith("v1a,")]


def check_v1a(event_names):
    keys = [Ed25519PrivateKey.generate(), Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))]
    for k, key in enumerate(keys):
        seed, public = raw_private(key), raw_public(key.public_key())
        whsk_seed = "whsk_" + base64.b64encode(seed).decode()
        whsk_pair = "whsk_" + base64.b64encode(seed + public).decode()
        whpk = "whpk_" + base64.b64encode(public).decode()
        for n, event in enumerate(event_names):
            for form, secret in (("32-byte whsk_", whsk_seed), ("64-byte whsk_", whsk_pair)):
                label = "%s signed by Proctor with key %d (%s)" % (event, k, form)
                request = emit(event, [secret], seed=100 + n)
                count(V1A, "requests Proctor signed with a whsk_ key Python generated")
                signatures = v1a_entries(request)
                if not check(len(signatures) == 1, "%s: v1a entries %s" % (label, request.entries())):
                    continue
                try:
                    key.public_key().verify(signatures[0], content(request))
                    count(V1A, "Proctor v1a signatures cryptography verified")
                except InvalidSignature:
                    failures.append("%s: cryptography rejects Proctor's v1a signature" % label)
                if check(
                    key.sign(content(request)) == signatures[0],
                    "%s: Proctor's v1a signature differs from Python's for the same key and content" % label,
                ):
                    count(V1A, "Proctor v1a signatures byte-identical to Python's")
                verdict = proctor_verify(request, [whpk])
                count(V1A, "proctor verify --secret whpk_ on them")
                check(verdict == "accept", "%s: proctor verify --secret whpk_ says %s" % (label, verdict))

            # v1 and v1a side by side (a whsec_ and a whsk_ secret): the packages use the v1 entry
            # and skip v1a; cryptography checks the v1a one.
            symmetric = whsec(32)
            label = "%s signed by Proctor with a whsec_ and key %d" % (event, k)
            mixed = emit(event, [symmetric, whsk_pair], seed=200 + n)
            count(V1A, "requests Proctor signed with a whsec_ and a whsk_ (v1 and v1a entries)")
            check(
                [e.split(",")[0] for e in mixed.entries()] == ["v1", "v1a"],
                "%s: entries %s" % (label, mixed.entries()),
            )
            check(mixed.entries()[0] == hmac_entry(symmetric, mixed), "%s: the v1 entry is not Python's HMAC" % label)
            check(
                v1a_entries(mixed) == [key.sign(content(mixed))],
                "%s: the v1a entry is not Python's Ed25519 signature" % label,
            )
            for package in PACKAGES:
                verdict = package_verify(package, mixed, [symmetric])
                count(V1A, "%s verifications of their v1 entry" % package)
                check(verdict == "accept", "%s: %s says %s" % (label, package, verdict))
            for secrets in ([symmetric], [whpk]):
                verdict = proctor_verify(mixed, secrets)
                check(verdict == "accept", "%s: proctor verify --secret %s says %s" % (label, secrets[0][:5], verdict))

        # Python signs; proctor verify checks with the whpk_ public key (and the whsk_ secret key).
        body = emit(event_names[0], [whsec(24)], seed=300 + k).body
        body_with_unicode = '{"type":"candidate.completed","data":{"name":"Zoë Ångström","city":"Kraków"}}'.encode()
        for b, signed_body in enumerate((body, body_with_unicode)):
            for style in ("svix", "webhook"):
                request = Request(
                    "POST /webhooks/testlify HTTP/1.1",
                    [
                        ("Content-Type", "application/json"),
                        ("%s-id" % style, "msg_python_%d_%d" % (k, b)),
                        ("%s-timestamp" % style, str(NOW)),
                    ],
                    signed_body,
                )
                signature = base64.b64encode(key.sign(content(request))).decode()
                request.headers.append(("%s-signature" % style, "v1a," + signature))
                count(V1A, "requests Python signed")
                label = "Python-signed v1a request %d/%d (%s-*)" % (k, b, style)
                expectations = [
                    ("whpk_", request, [whpk], "accept"),
                    ("whsk_ seed", request, [whsk_seed], "accept"),
                    ("whsk_ seed and public key", request, [whsk_pair], "accept"),
                    ("whpk_, body changed", request.with_body(signed_body + b" "), [whpk], "reject"),
                    ("whpk_, timestamp +1", request.replacing("%s-timestamp" % style, str(NOW + 1)), [whpk], "reject"),
                    ("another key's whpk_", request, [other_whpk()], "reject"),
                    ("a whsec_ secret only", request, [whsec(24)], "reject"),
                    (
                        "whpk_, rotated after another key's v1a",
                        request.replacing(
                            "%s-signature" % style,
                            "v1a," + base64.b64encode(Ed25519PrivateKey.generate().sign(content(request))).decode()
                            + " v1a," + signature,
                        ),
                        [whpk],
                        "accept",
                    ),
                ]
                for what, variant, secrets, expected in expectations:
                    verdict = proctor_verify(variant, secrets)
                    count(V1A, "proctor verify runs on them and tampered copies")
                    message = "%s, %s: proctor verify says %s, not %s" % (label, what, verdict, expected)
                    check(verdict == expected, message)


def other_whpk():
    return "whpk_" + base64.b64encode(raw_public(Ed25519PrivateKey.generate().public_key())).decode()


# MARK: 3. Tampered requests


def resigned(request, secret):
    """`request` with a v1 signature Python computes over its (changed) id, timestamp and body."""
    return request.replacing("svix-signature", hmac_entry(secret, request))


def tamper_cases(event):
    current, old, third = whsec(32), whsec(32), whsec(32)
    signed = emit(event, [current], seed=7)
    both = emit(event, [old, current], seed=7)  # "v1,<old> v1,<current>", as Proctor rotates
    good = signed.entries()[0]
    stale = both.entries()[0]
    sig = signed.get("svix-signature")
    other = hmac_entry(whsec(32), signed)
    body = signed.body
    index = body.index(b'"', body.index(b":")) + 1  # a letter inside the first quoted text after a colon
    flipped = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
    padded = "whsec_" + b64(rng.randbytes(20))  # 20 bytes: base64 ends in "="
    unpadded = padded.rstrip("=")
    padded_signed = emit(event, [padded], seed=7)
    no_id = signed.replacing("svix-id", "")
    at = lambda seconds: emit(event, [current], seed=7, seconds=seconds)
    v = lambda value: signed.replacing("svix-signature", value)
    # (case, request, proctor's secrets, the packages' secrets, the verdict the specification gives or None)
    return [
        ("untouched", signed, [current], [current], "accept"),
        ("untouched, webhook-* header names", signed.renamed("svix", "webhook"), [current], [current], "accept"),
        ("signature header missing", signed.replacing("svix-signature", drop=True), [current], [current], "reject"),
        ("signature header empty", v(""), [current], [current], "reject"),
        ("id header empty", signed.replacing("svix-id", ""), [current], [current], "reject"),
        ("id header empty, signed with the empty id", resigned(no_id, current), [current], [current], "reject"),
        ("timestamp header empty", signed.replacing("svix-timestamp", ""), [current], [current], "reject"),
        ("v2 entry only", v("v2," + good[3:]), [current], [current], "reject"),
        ("v2 entry, then the valid v1", v("v2," + good[3:] + " " + good), [current], [current], "accept"),
        ("upper-case V1", v("V1," + good[3:]), [current], [current], "reject"),
        ("v1a entry only (whsec_ consumer)", v("v1a," + good[3:]), [current], [current], "reject"),
        ("another secret's signature", v(other), [current], [current], "reject"),
        ("signature one byte short", v("v1," + b64(base64.b64decode(good[3:])[:-1])), [current], [current], "reject"),
        ("consumer secret without its base64 padding", padded_signed, [unpadded], [unpadded], None),
        ("body: one byte changed", signed.with_body(flipped), [current], [current], "reject"),
        ("body: trailing newline added", signed.with_body(body + b"\n"), [current], [current], "reject"),
        ("body: trailing CRLF added", signed.with_body(body + b"\r\n"), [current], [current], "reject"),
        ("body: last byte removed", signed.with_body(body[:-1]), [current], [current], "reject"),
        ("timestamp +1 s", signed.replacing("svix-timestamp", str(NOW + 1)), [current], [current], "reject"),
        ("timestamp -1 s", signed.replacing("svix-timestamp", str(NOW - 1)), [current], [current], "reject"),
        ("id changed", signed.replacing("svix-id", signed.get("svix-id") + "x"), [current], [current], "reject"),
        ("signed 300 s ago (the tolerance)", at(NOW - 300), [current], [current], "accept"),
        ("signed 301 s ago", at(NOW - 301), [current], [current], "reject"),
        ("signed 300 s ahead", at(NOW + 300), [current], [current], "accept"),
        ("signed 301 s ahead", at(NOW + 301), [current], [current], "reject"),
        ("rotated: old, then valid", both, [current], [current], "accept"),
        ("rotated: valid, then old", v(good + " " + stale), [current], [current], "accept"),
        ("rotated: consumer holds the old key", both, [old], [old], "accept"),
        ("rotated: neither valid", v(stale + " " + other), [current], [current], "reject"),
        ("consumer holds two keys, second signed", signed, [old, current], [old, current], "accept"),
        ("consumer holds two keys, neither signed", v(other), [old, third], [old, third], "reject"),
        ("spaces around the header value (HTTP strips them)", v("  " + sig + " "), [current], [current], "accept"),
        ("two spaces between entries, valid first", v(good + "  " + stale), [current], [current], "accept"),
        ("two spaces between entries, valid second", v(stale + "  " + good), [current], [current], None),
        ("tab between entries, valid second", v(stale + "\t" + good), [current], [current], None),
        ("space after the comma", v("v1, " + good[3:]), [current], [current], "reject"),
        ("space before the comma", v("v1 ," + good[3:]), [current], [current], "reject"),
        ("space inside the signature", v(good[:20] + " " + good[20:]), [current], [current], "reject"),
    ]


def check_tampered(event):
    rows = []
    for case, request, proctor_secrets, package_secrets, expected in tamper_cases(event):
        count(TAMPERED, "cases")
        proctor = proctor_verify(request, proctor_secrets)
        packages = {p: package_verify(p, request, package_secrets) for p in PACKAGES}
        notes = []
        if expected and proctor != expected:
            notes.append("proctor should %s" % expected)
        for package, verdict in packages.items():
            if proctor.startswith("error") or verdict.startswith("error"):
                count(TAMPERED, "cases %s cannot judge" % ("proctor" if proctor.startswith("error") else package))
                continue
            count(TAMPERED, "cases compared with %s" % package)
            if verdict != proctor:
                notes.append("DISAGREES with %s" % package)
        if notes:
            failures.append("tampered request, %s: %s (proctor %s, %s)" % (case, "; ".join(notes), proctor, packages))
        spec = expected or "-"
        rows.append((case, spec, proctor, packages["svix"], packages["standardwebhooks"], "; ".join(notes) or "ok"))
    widths = [max(len(str(row[i])) for row in rows + [HEADER]) for i in range(len(HEADER))]
    for row in [HEADER] + rows:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


HEADER = ("case", "spec", "proctor verify", "svix", "standardwebhooks", "")


# MARK: 4. Every sender path


class Recorder(http.server.BaseHTTPRequestHandler):
    """A consumer that records every request as received and answers 200."""

    protocol_version = "HTTP/1.1"
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Recorder.received.append(Request("%s %s HTTP/1.1" % (self.command, self.path), self.headers.items(), body))
        answer = b'{"status":"accepted"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST
    do_PATCH = do_POST

    def log_message(self, *arguments):
        pass


def check_sender_paths():
    """`send`, `run` and `load` deliver requests the packages accept, with the secret rule's
    example secret, one --secret, and two (rotation)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/webhooks/testlify" % server.server_address[1]
    scenario = os.path.join(workdir, "paths.yaml")
    with open(scenario, "w") as handle:
        handle.write(
            "scenario: paths\nvendor: testlify\ntarget: %s\nsteps:\n"
            "  - send: candidate.invited\n  - send: candidate.enrolled\n" % url
        )
    example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    try:
        for secrets in ([], [whsec(32)], [whsec(24), whsec(32)]):
            flags = [a for s in secrets for a in ("--secret", s)]
            keys = secrets or [example]
            paths = {
                "send": ["send", VENDOR, "candidate.invited", "--target", url] + flags,
                "run": ["run", scenario, "--time-scale", "0.001"] + flags,
                "load": ["load", "--vendor", VENDOR, "--events", "candidate.invited,candidate.enrolled", "--target", url,
                         "--actors", "2", "--concurrency", "1", "--connections", "1", "--progress", "none"] + flags,
            }
            for path, arguments in paths.items():
                Recorder.received = []
                out = run(arguments)
                label = "proctor %s with %s" % (path, ", ".join(k[:10] + "..." for k in keys))
                if not check(out.returncode == 0, "%s: exit %d %s" % (label, out.returncode, out.stderr.decode()[:200])):
                    continue
                check(len(Recorder.received) > 0, "%s: nothing received" % label)
                for request in Recorder.received:
                    count(PATHS, "%s requests" % path)
                    timestamp = int(request.standard("timestamp") or "0")
                    check(
                        request.entries() == [hmac_entry(k, request) for k in keys],
                        "%s: the v1 entries are not Python's HMAC-SHA256" % label,
                    )
                    CLOCK[0] = timestamp + 1
                    try:
                        for package in ("svix", "standardwebhooks"):
                            for secret in keys:
                                verdict = package_verify(package, request, [secret])
                                check(verdict == "accept", "%s: %s says %s" % (label, package, verdict))
                    finally:
                        CLOCK[0] = NOW
                    verdict = proctor_verify(request, keys, now=timestamp + 1)
                    check(verdict == "accept", "%s: proctor verify says %s" % (label, verdict))
    finally:
        server.shutdown()


def main():
    print(
        "check-signatures: %s against svix %s, standardwebhooks %s, cryptography %s (clock fixed in: %s)"
        % (binary, svix.__version__, standardwebhooks.__version__, cryptography_version(), ", ".join(patched))
    )
    setup_check()
    names = events()
    print("events: %s" % ", ".join(names))
    check_emitted_v1(names)
    check_v1a(names[:4])
    print("tampered %s requests:" % names[0])
    check_tampered(names[0])
    check_sender_paths()
    print("checked:")
    for category in (V1, V1A, TAMPERED, PATHS, TOTAL):
        print("  %s" % category)
        for what, n in counts.get(category, {}).items():
            print("    %6d %s" % (n, what))
    if failures:
        print("%d failed:" % len(failures))
        for failure in failures:
            print("  " + failure)
        print("requests written to %s" % workdir)
        sys.exit(1)
    shutil.rmtree(workdir, ignore_errors=True)
    print("all agree")


def cryptography_version():
    import cryptography

    return cryptography.__version__


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:  # proctor emit failed
        print("check-signatures: %s" % error)
        sys.exit(1)
