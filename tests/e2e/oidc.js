// An OpenID Connect provider made by the tests: discovery, a JWKS with a P-256 key, an
// authorization endpoint that signs in whoever the test names (no password page) and a token
// endpoint that checks the code, the client, the redirect URI and the PKCE verifier before it
// issues ES256 access tokens shaped like Cognito's (username, cognito:groups, client_id).
import http from "node:http";
import crypto from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export async function startIssuer({ clientId = "lasso-test-client" } = {}) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "test-key-1", alg: "ES256", use: "sig" };
  const codes = new Map();
  const issuer = { clientId, user: "ann", groups: ["annotator"], tokenRequests: [], authorizeRequests: [] };

  function sign(claims) {
    const header = b64url(JSON.stringify({ alg: "ES256", kid: jwk.kid, typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    const sig = crypto.sign("sha256", Buffer.from(`${header}.${body}`), { key: privateKey, dsaEncoding: "ieee-p1363" });
    return `${header}.${body}.${b64url(sig)}`;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, issuer.url);
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
    const json = (status, value) => {
      res.writeHead(status, { "content-type": "application/json", ...cors });
      res.end(JSON.stringify(value));
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      return res.end();
    }
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: issuer.url,
        authorization_endpoint: `${issuer.url}/authorize`,
        token_endpoint: `${issuer.url}/token`,
        jwks_uri: `${issuer.url}/jwks.json`,
      });
    }
    if (url.pathname === "/jwks.json") return json(200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const p = url.searchParams;
      issuer.authorizeRequests.push(Object.fromEntries(p));
      if (p.get("client_id") !== clientId || p.get("response_type") !== "code" || p.get("code_challenge_method") !== "S256") {
        res.writeHead(400);
        return res.end("bad authorization request");
      }
      const code = b64url(crypto.randomBytes(16));
      codes.set(code, { challenge: p.get("code_challenge"), redirect: p.get("redirect_uri"), user: issuer.user, groups: issuer.groups });
      const back = new URL(p.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", p.get("state"));
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      issuer.tokenRequests.push(Object.fromEntries(form));
      const grant = codes.get(form.get("code"));
      codes.delete(form.get("code"));
      const verifierOk =
        grant && b64url(crypto.createHash("sha256").update(form.get("code_verifier") || "").digest()) === grant.challenge;
      if (!grant || !verifierOk || form.get("client_id") !== clientId || form.get("redirect_uri") !== grant.redirect) {
        return json(400, { error: "invalid_grant" });
      }
      const now = Math.floor(Date.now() / 1000);
      const access = sign({
        iss: issuer.url, client_id: clientId, token_use: "access", username: grant.user,
        "cognito:groups": grant.groups, iat: now, exp: now + 3600, sub: crypto.randomUUID(),
      });
      return json(200, { access_token: access, id_token: access, token_type: "Bearer", expires_in: 3600 });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  issuer.url = `http://127.0.0.1:${server.address().port}`;
  issuer.close = () => new Promise((r) => server.close(r));
  return issuer;
}
