"""Smoke test of `raak serve` (started by .ci/run): health, a published page with its
security headers, a static file, the login page, and a national page refused."""

import os
import sys
import time
import urllib.error
import urllib.request

BASE = f"http://127.0.0.1:{os.environ['SERVE_PORT']}"
# As behind the reverse proxy, which terminates TLS (SECURE_COOKIES=1 redirects plain HTTP).
HTTPS = {"X-Forwarded-Proto": "https"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(path, headers=HTTPS):
    try:
        with opener.open(urllib.request.Request(BASE + path, headers=headers), timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


for _ in range(60):
    try:
        if get("/gezond", headers={})[0] == 200:
            break
    except OSError:
        time.sleep(1)
else:
    sys.exit("raak serve did not answer /gezond within 60 s")

checks = []
status, headers, body = get("/raak-2008-2010/ronde/eindrapportage-2011/")
csp = headers.get("Content-Security-Policy", "")
checks += [
    ("published national picture 200", status == 200 and b"Landelijk beeld" in body),
    ("CSP without unsafe-inline", "default-src 'self'" in csp and "unsafe-inline" not in csp),
    ("HSTS", "max-age=" in headers.get("Strict-Transport-Security", "")),
    ("Permissions-Policy", "camera=()" in headers.get("Permissions-Policy", "")),
    ("served by gunicorn", "gunicorn" in headers.get("Server", "")),
]
status, headers, body = get("/static/raak/raak.css")
checks.append(("static file via WhiteNoise", status == 200 and b"--ink" in body))
status, headers, body = get("/inloggen/")
checks.append(("login page", status == 200 and b"csrfmiddlewaretoken" in body))
status, headers, _ = get("/raak-2008-2010/rondes/")
checks.append(("national page needs login", status == 302 and "/inloggen/" in headers["Location"]))
status, headers, _ = get("/gezond", headers={})
checks.append(("plain HTTP redirected except /gezond", status == 200))
status, headers, _ = get("/inloggen/", headers={})
checks.append(("plain HTTP redirected to HTTPS", status == 301))

for name, ok in checks:
    print(f"{'ok  ' if ok else 'FAIL'} {name}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
