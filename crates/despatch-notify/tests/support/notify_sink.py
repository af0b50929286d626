"""A stand-in for GOV.UK Notify's email endpoint, for the tests: it checks the bearer token (an
HS256 JSON Web Token whose issuer is SERVICE_ID, signed with SECRET) and writes each accepted
request body to DIR as N.json, answering 201 as Notify does; a bad token gets 403.

Usage: python notify_sink.py PORT DIR SERVICE_ID SECRET   (prints "ready" once listening)
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            header, claims, signature = token.split(".")
            expected = b64url(hmac.new(server.secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
            claims = json.loads(unb64url(claims))
            valid = (hmac.compare_digest(expected, signature.encode()) and claims["iss"] == server.service_id
                     and abs(time.time() - claims["iat"]) < 30)
        except Exception:
            valid = False
        if self.path != "/v2/notifications/email":
            return self.answer(404, {"errors": [{"error": "NotFound"}]})
        if not valid:
            return self.answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
        server.count += 1
        with open(os.path.join(server.folder, f"{server.count}.json"), "wb") as f:
            f.write(body)
        self.answer(201, {"id": f"00000000-0000-0000-0000-{server.count:012d}", "reference": json.loads(body).get("reference")})


def main():
    port, folder, service_id, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    os.makedirs(folder, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.folder, server.service_id, server.secret, server.count = folder, service_id, secret, 0
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
