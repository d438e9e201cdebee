"""A small but real OpenID Connect provider for tests.

It listens on 127.0.0.1:<free port> in a thread and implements the authorization-code flow:
discovery, authorize (auto-approves the configured test user), token (client secret, single-use
codes, redirect_uri check), userinfo (bearer token) and JWKS with an RS256 key made per run.
Our code talks to it over real HTTP with ``requests``; nothing of ours is mocked.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class OIDCTestProvider:
    client_id: str = "portal-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # Claims of the person who "signs in" at the provider; tests change this between logins.
    claims: dict = field(default_factory=lambda: {"sub": "user-1", "email": "someone@example.test"})
    kid: str = "test-key-1"

    def __post_init__(self):
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.requests: list[str] = []  # paths served, for assertions
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> OIDCTestProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def django_settings(self) -> dict:
        """The OIDC_* settings that point the portal at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
        }

    # --- protocol ------------------------------------------------------------------------------
    def jwks(self) -> dict:
        numbers = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def authorize(self, query: dict) -> tuple[int, dict, dict | None]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, {"error": "invalid_request"}
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri or "openid" not in query.get("scope", "").split():
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {
                "redirect_uri": redirect_uri,
                "nonce": query.get("nonce"),
                "claims": dict(self.claims),
            }
        params = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{redirect_uri}?{urlencode(params)}"}, None

    def token(self, form: dict, auth_header: str | None) -> tuple[int, dict]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if auth_header and auth_header.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth_header[6:]).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        id_claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "sub": grant["claims"]["sub"],
        }
        if grant["nonce"]:
            id_claims["nonce"] = grant["nonce"]
        for name in ("acr", "amr"):  # authentication claims belong in the ID token
            if name in grant["claims"]:
                id_claims[name] = grant["claims"][name]
        id_token = jwt.encode(id_claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant["claims"]
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, auth_header: str | None) -> tuple[int, dict]:
        token = (auth_header or "").removeprefix("Bearer ").strip()
        with self._lock:
            claims = self._tokens.get(token)
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims

    # --- HTTP plumbing -----------------------------------------------------------------------
    def _handler_class(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status, body=None, headers=None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                payload = json.dumps(body).encode() if body is not None else b""
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                url = urlparse(self.path)
                provider.requests.append(url.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/authorize":
                    status, headers, body = provider.authorize(query)
                    self._send(status, body, headers)
                elif url.path == "/userinfo":
                    self._send(*provider.userinfo(self.headers.get("Authorization")))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self):
                url = urlparse(self.path)
                provider.requests.append(url.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if url.path == "/token":
                    self._send(*provider.token(form, self.headers.get("Authorization")))
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
