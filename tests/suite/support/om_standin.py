#!/usr/bin/env python3
"""A stand-in for a running OpenMetadata server, for omsso's tests of `verify` (the running
server's configuration) and `apply` (tests/suite/om_server.rs through tests/suite/support/om_standin.rs; not
for users). No OpenMetadata server can be installed on the test machines, so this serves
exactly the endpoints omsso uses, on 127.0.0.1, and holds every request body and every answer
to that release's own generated models (the `openmetadata-ingestion` wheel, loaded by
scripts/om-models): SecurityConfiguration, SecurityValidationResponse,
OpenMetadataServerVersion, User.

  GET  /api/v1/system/version          no login   {version, revision, timestamp}
  GET  /api/v1/system/config/auth      no login   the public part of authenticationConfiguration
  GET  /api/v1/system/config/jwks      no login   the server's own JWKS (--jwks; no released
                                                   model describes it: JWKSResponse is Java-only)
  GET  /api/v1/users/name/{name}       admin      a User (404 when there is none), without its
                                                   authenticationMechanism (UserResource)
  DELETE /api/v1/users/{id}?hardDelete=true admin  200 with the deleted User
  GET  /api/v1/teams/name/{name}       admin      a Team (404 when there is none; TeamResource)
  GET  /api/v1/roles/name/{name}       admin      a Role (404 when there is none; RoleResource)
  GET  /api/v1/system/security/config  admin      the whole configuration, secret masked
  PUT  /api/v1/system/security/config  admin      body SecurityConfiguration; 200 with the body
  POST /api/v1/system/security/validate admin     body SecurityConfiguration; 200 with
                                                   SecurityValidationResponse
(the security endpoints only on 1.10+, as upstream's SystemResource; 404 before). Paths,
masking and status codes follow upstream's ConfigResource.java, SystemResource.java and
VersionResource.java. The validation runs a part of the server's own SSO validation
(CustomOidcValidator / OidcDiscoveryValidator) against the real Keycloak: the discovery
document answers, the requested scopes and the JWS algorithm are supported, every public key
URL answers a JWKS and the list holds the discovery's jwks_uri.

usage: om_standin.py --line X.Y --version X.Y.Z --token-file F [--reader-token-file F]
                     [--initial F.json] [--state F] [--log F] [--jwks F.json] [--users F.json]
                     [--directory F.json]
--initial is the configuration the server runs at start (default: a fresh server's, basic
login); --state is rewritten with the stored configuration (secret included) after each
change; --log gets one JSON line per request (method, path, status). --jwks is the JWKS the
server serves, read at each request (a test replaces the file for a server restarted on new
key files; while it is absent: a fixed stand-in key); --users the users it holds (default: a fresh
server's basic-auth `admin`, as its first start creates it), each held to the User model;
--directory {"teams": [...], "roles": [...]} the teams and roles it holds (default: none), each
held to the Team or Role model.
Prints the port on stdout once it listens; runs until killed. Exit 1 with one `error:` line
when a prerequisite (python module, wheel) is missing.
"""
import argparse
import importlib.machinery
import importlib.util
import json
import pathlib
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = pathlib.Path(__file__).resolve().parents[3]
SECRET_MASK = "*********"  # PasswordEntityMasker.PASSWORD_MASK
PUBLIC_AUTH_FIELDS = ("provider", "providerName", "clientType", "enableSelfSignup",
                      "jwtPrincipalClaims", "jwtPrincipalClaimsMapping", "clientId",
                      "authority", "callbackUrl")
OWN_JWKS_PATH = "/api/v1/system/config/jwks"
USER_BY_NAME = "/api/v1/users/name/"
USERS = "/api/v1/users/"
BY_NAME = {"/api/v1/teams/name/": "teams", "/api/v1/roles/name/": "roles"}
# A fixed RSA public key standing in for the server's own token-signing key.
OWN_JWKS = {"keys": [{"kty": "RSA", "kid": "om-stand-in", "use": "sig", "alg": "RS256",
                      "e": "AQAB",
                      "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl"
                           "UzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDpre"
                           "cbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_"
                           "7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBI"
                           "Y2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU"
                           "7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"}]}


# What a fresh server runs before anyone configures SSO: the security defaults of upstream's
# conf/openmetadata.yaml (basic login), as its first start saves them.
FIRST_START = {
    "authenticationConfiguration": {
        "provider": "basic",
        "providerName": "basic",
        "publicKeyUrls": ["http://localhost:8585/api/v1/system/config/jwks"],
        "authority": "https://accounts.google.com",
        "clientId": "{Client ID}",
        "callbackUrl": "",
        "jwtPrincipalClaims": ["email", "preferred_username", "sub"],
        "enableSelfSignup": True,
    },
    "authorizerConfiguration": {
        "className": "org.openmetadata.service.security.DefaultAuthorizer",
        "containerRequestFilter": "org.openmetadata.service.security.JwtFilter",
        "adminPrincipals": ["admin"],
        "principalDomain": "open-metadata.org",
        "enforcePrincipalDomain": False,
        "enableSecureSocketConnection": False,
    },
}

# The account a fresh server's start-up creates for adminPrincipals [admin] (UserUtil.addUsers):
# email at the principal domain, an admin, email verified, updated by itself.
FIRST_START_USERS = [{
    "id": "3f2b8a4e-4c0d-4b39-9d7e-2a4c1e0f5b61", "name": "admin", "fullyQualifiedName": "admin",
    "email": "admin@open-metadata.org", "isAdmin": True, "isBot": False,
    "isEmailVerified": True, "updatedBy": "admin", "updatedAt": 1700000000000, "version": 0.1,
    "deleted": False,
}]


def om_models():
    path = ROOT / "scripts/om-models"
    loader = importlib.machinery.SourceFileLoader("om_models", str(path))
    spec = importlib.util.spec_from_loader("om_models", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Server:
    def __init__(self, args):
        models_module = om_models()
        line = tuple(int(x) for x in args.line.split("."))
        self.has_security_api = line >= (1, 10)
        names = ("server_version", "authentication", "authorizer", "user", "team", "role") + (
            ("security", "validation") if self.has_security_api else ())
        self.models = models_module.load(models_module.wheel_of(args.line), names=names)
        self.version = self.models["server_version"].model_validate(
            {"version": args.version, "revision": "omsso-stand-in", "timestamp": 0}
        ).model_dump(mode="json", exclude_none=True)
        self.admin_token = pathlib.Path(args.token_file).read_text().strip()
        self.reader_token = (pathlib.Path(args.reader_token_file).read_text().strip()
                             if args.reader_token_file else None)
        self.state_file = pathlib.Path(args.state) if args.state else None
        self.log_file = pathlib.Path(args.log) if args.log else None
        self.lock = threading.Lock()
        initial = (json.loads(pathlib.Path(args.initial).read_text()) if args.initial
                   else FIRST_START)
        # Before 1.10 the server keeps no security configuration of its own: it serves its
        # file's, which the tests give as --initial.
        self.config = self.checked(initial)
        self.jwks_file = pathlib.Path(args.jwks) if args.jwks else None
        users = (json.loads(pathlib.Path(args.users).read_text()) if args.users
                 else FIRST_START_USERS)
        # Each user as the release's User model reads and writes it.
        self.users = [self.models["user"].model_validate(u).model_dump(
            mode="json", exclude_none=True, by_alias=True) for u in users]
        directory = (json.loads(pathlib.Path(args.directory).read_text()) if args.directory
                     else {})
        self.directory = {kind: [self.models[kind[:-1]].model_validate(e).model_dump(
            mode="json", exclude_none=True, by_alias=True) for e in directory.get(kind, [])]
            for kind in ("teams", "roles")}
        self.save()

    def own_jwks(self):
        """The JWKS the server serves: --jwks as it is now (a test that replaces the file
        plays a server restarted on new key files), the fixed stand-in key while it is
        absent."""
        if self.jwks_file and self.jwks_file.exists():
            return json.loads(self.jwks_file.read_text())
        return OWN_JWKS

    def checked(self, body):
        """The body as the release's SecurityConfiguration model reads it (raises on what
        the server's Jackson + bean validation would refuse)."""
        if self.has_security_api:
            self.models["security"].model_validate(body)
        else:
            self.models["authentication"].model_validate(body["authenticationConfiguration"])
            self.models["authorizer"].model_validate(body["authorizerConfiguration"])
        # The server keeps what it was sent; the models only judge it.
        return body

    def save(self):
        if self.state_file:
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.config))
            tmp.replace(self.state_file)
            users = self.state_file.with_name("users.json")
            tmp = users.with_suffix(".tmp")
            tmp.write_text(json.dumps(getattr(self, "users", [])))
            tmp.replace(users)

    def log(self, entry):
        if self.log_file:
            with self.lock, self.log_file.open("a") as f:
                f.write(json.dumps(entry) + "\n")


def fetch_json(url):
    """GET url as the server's ValidationHttpUtil does (no redirects followed): (status, doc)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, str(e)


def validate(server, config):
    """A part of the server's own SSO validation, as SecurityValidationResponse."""
    auth = config["authenticationConfiguration"]
    oidc = auth.get("oidcConfiguration") or {}
    errors = []

    def err(field, text):
        errors.append({"field": field, "error": text})

    discovery_uri = oidc.get("discoveryUri") or (
        (auth.get("authority") or "").rstrip("/") + "/.well-known/openid-configuration")
    status, doc = fetch_json(discovery_uri)
    if status != 200 or not isinstance(doc, dict):
        err("authenticationConfiguration.oidcConfiguration.discoveryUri",
            f"Failed to fetch OIDC discovery document. Status: {status}")
    else:
        scopes = set(doc.get("scopes_supported") or [])
        wanted = (oidc.get("scope") or "openid email profile").split(" ")
        missing = [s for s in wanted if scopes and s not in scopes]
        if missing:
            err("authenticationConfiguration.oidcConfiguration.scope",
                "The following scopes are not supported by the IdP: " + ", ".join(missing))
        algs = set(doc.get("id_token_signing_alg_values_supported") or [])
        alg = oidc.get("preferredJwsAlgorithm") or "RS256"
        if algs and alg not in algs:
            err("authenticationConfiguration.oidcConfiguration.preferredJwsAlgorithm",
                f"JWS algorithm '{alg}' is not supported by the IdP")
        jwks_uri = doc.get("jwks_uri")
        urls = auth.get("publicKeyUrls") or []
        if urls and jwks_uri not in urls:
            err("authenticationConfiguration.publicKeyUrls",
                f"publicKeyUrls must include the JWKS URI from discovery. Expected: {jwks_uri} "
                f"but found: {urls}")
        for url in urls:
            if url.rstrip("/").endswith(OWN_JWKS_PATH):
                continue  # the server answers its own JWKS
            status, jwks = fetch_json(url)
            if status != 200 or not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
                err("authenticationConfiguration.publicKeyUrls",
                    f"Public key URL is not accessible: {url} (HTTP {status})")
                break
    answer = {"status": "failed" if errors else "success"}
    if errors:
        answer["errors"] = errors
    return server.models["validation"].model_validate(answer).model_dump(
        mode="json", exclude_none=True)


def public_auth(config):
    auth = (config or {}).get("authenticationConfiguration") or {}
    return {k: auth[k] for k in PUBLIC_AUTH_FIELDS if auth.get(k) is not None}


def masked(config):
    out = json.loads(json.dumps(config))
    oidc = out["authenticationConfiguration"].get("oidcConfiguration")
    if isinstance(oidc, dict) and "secret" in oidc:
        oidc["secret"] = SECRET_MASK
    return out


def handler(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            server.log({"method": self.command, "path": self.path, "status": status})

        def error(self, status, message):
            self.answer(status, {"code": status, "message": message})

        def admin(self):
            """Upstream's authorizer.authorizeAdmin: 401 without a valid token, 403 for a
            user who is not an admin."""
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
            if token == server.admin_token:
                return True
            if token is not None and token == server.reader_token:
                self.error(403, "Principal: CatalogPrincipal{name='reader'} is not admin")
            else:
                self.error(401, "Not Authorized! Token not present" if token is None
                           else "Not Authorized! Invalid token")
            return False

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"null")
            except ValueError as e:
                self.error(400, f"Unable to process JSON: {e}")
                return None

        def do_GET(self):
            if self.path == "/api/v1/system/version":
                return self.answer(200, server.version)
            if self.path == "/api/v1/system/config/auth":
                return self.answer(200, public_auth(server.config))
            if self.path == OWN_JWKS_PATH:
                return self.answer(200, server.own_jwks())
            for prefix, kind in BY_NAME.items():
                if self.path.startswith(prefix):
                    if self.admin():
                        name = urllib.parse.unquote(self.path[len(prefix):])
                        found = [e for e in server.directory[kind] if e["name"] == name]
                        if found:
                            self.answer(200, found[0])
                        else:
                            self.error(404, f"{kind[:-1]} instance for {name} not found")
                    return None
            if self.path.startswith(USER_BY_NAME):
                if self.admin():
                    name = urllib.parse.unquote(self.path[len(USER_BY_NAME):])
                    self.user_answer([u for u in server.users if u["name"] == name], name)
                return None
            if self.path == "/api/v1/system/security/config" and server.has_security_api:
                if self.admin():
                    self.answer(200, masked(server.config))
                return None
            self.error(404, "HTTP 404 Not Found")

        def security_body(self):
            body = self.body()
            if body is None:
                return None
            try:
                return server.checked(body)
            except Exception as e:  # pydantic.ValidationError: what Jackson/@Valid refuse
                self.error(400, "Invalid SecurityConfiguration: " + " ".join(str(e).split()))
                return None

        def user_answer(self, found, key):
            if not found:
                return self.error(404, f"user instance for {key} not found")
            user = {k: v for k, v in found[0].items() if k != "authenticationMechanism"}
            return self.answer(200, user)

        def do_DELETE(self):
            path, _, query = self.path.partition("?")
            if not path.startswith(USERS) or query != "hardDelete=true":
                return self.error(404, "HTTP 404 Not Found")
            if not self.admin():
                return None
            uid = path[len(USERS):]
            with server.lock:
                found = [u for u in server.users if u["id"] == uid]
                server.users = [u for u in server.users if u["id"] != uid]
                server.save()
            self.user_answer(found, uid)

        def do_PUT(self):
            if self.path != "/api/v1/system/security/config" or not server.has_security_api:
                return self.error(404, "HTTP 404 Not Found")
            if not self.admin():
                return None
            body = self.security_body()
            if body is None:
                return None
            with server.lock:
                server.config = body
                server.save()
            self.answer(200, body)

        def do_POST(self):
            if self.path != "/api/v1/system/security/validate" or not server.has_security_api:
                return self.error(404, "HTTP 404 Not Found")
            if not self.admin():
                return None
            body = self.security_body()
            if body is None:
                return None
            self.answer(200, validate(server, body))

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--line", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--reader-token-file")
    p.add_argument("--initial")
    p.add_argument("--state")
    p.add_argument("--log")
    p.add_argument("--jwks")
    p.add_argument("--users")
    p.add_argument("--directory")
    args = p.parse_args()
    try:
        server = Server(args)
    except Exception as e:  # om_models.Missing, ImportError, a refused --initial
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler(server))
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
