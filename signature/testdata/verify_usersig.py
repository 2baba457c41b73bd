#!/usr/bin/env python3
"""Independent TLS-Sig v2 userSig verifier (Python 3 stdlib only).

Written from the algorithm (reference §1), not from roombot's Go code, so the
Go tests can check that what `roombot sign usersig` emits is accepted by a
second implementation.

usage: verify_usersig.py SDKAPPID USERID SIG [NOW] [USERBUF_B64]
The secret key is read from $TLS_KEY so it never appears in argv.
Prints "ok" (exit 0) or "fail: reason" (exit 1).
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import zlib


def b64url_decode(s):
    s = s.replace("*", "+").replace("-", "/").replace("_", "=")
    s += "=" * (-len(s) % 4)
    return base64.b64decode(s)


def main(argv):
    if len(argv) < 4:
        print("fail: usage: verify_usersig.py SDKAPPID USERID SIG [NOW] [USERBUF_B64]")
        return 2
    sdkappid, userid, sig = int(argv[1]), argv[2], argv[3]
    now = int(argv[4]) if len(argv) > 4 and argv[4] else int(time.time())
    want_buf = base64.b64decode(argv[5]) if len(argv) > 5 and argv[5] else None
    key = os.environ["TLS_KEY"].encode()
    doc = json.loads(zlib.decompress(b64url_decode(sig)))
    if doc.get("TLS.ver") != "2.0":
        return fail("TLS.ver %r" % doc.get("TLS.ver"))
    if doc["TLS.sdkappid"] != sdkappid:
        return fail("sdkappid")
    if doc["TLS.identifier"] != userid:
        return fail("identifier")
    t, expire = doc["TLS.time"], doc.get("TLS.expire", 0)
    if now > t + expire:
        return fail("expired")
    buf_b64 = doc.get("TLS.userbuf", "")
    if (want_buf is None) != (buf_b64 == ""):
        return fail("userbuf presence")
    if want_buf is not None and base64.b64decode(buf_b64) != want_buf:
        return fail("userbuf bytes")
    content = "TLS.identifier:%s\nTLS.sdkappid:%d\nTLS.time:%d\nTLS.expire:%d\n" % (userid, sdkappid, t, expire)
    if buf_b64:
        content += "TLS.userbuf:%s\n" % buf_b64
    mac = base64.b64encode(hmac.new(key, content.encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(mac, doc["TLS.sig"]):
        return fail("sig")
    print("ok")
    return 0


def fail(why):
    print("fail: " + why)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
