// Sign-in with OpenID Connect: the authorization-code flow with PKCE (S256), as the hosted
// sign-in page of Cognito (or any OpenID provider) offers it to a public client.
//
// Tokens never enter the address bar or localStorage: the code and state are removed from the
// URL as soon as they are read, tokens live in this page's memory only (a reload signs in again
// through the provider's own session, usually without a password), and the only thing stored
// is the one-time PKCE verifier and state in sessionStorage for the length of the redirect.
const PENDING = "lasso.signin";

function base64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function discover(issuer) {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Sign-in: the identity provider's configuration at ${url} answered ${res.status}`);
  return res.json();
}

/** The claims of a JWT (not verified here: the presign server verifies every token). */
export function claimsOf(jwt) {
  const part = jwt.split(".")[1] || "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json)));
}

async function tokenRequest(endpoint, form) {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`Sign-in failed: ${body.error_description || body.error || res.status}`);
  return body;
}

/**
 * Signs in and resolves to `{accessToken, user, claims, onRefresh(cb)}`; when not signed in yet,
 * navigates to the provider (the promise then never resolves).
 */
export async function signIn({ issuer, clientId, authorizationEndpoint, tokenEndpoint, scope = "openid profile email" }) {
  // A deployment may name its endpoints (the stack's config.json does); else discovery.
  const config =
    authorizationEndpoint && tokenEndpoint
      ? { authorization_endpoint: authorizationEndpoint, token_endpoint: tokenEndpoint }
      : await discover(issuer);
  const redirectUri = location.origin + location.pathname;
  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
    sessionStorage.removeItem(PENDING);
    // Off the address bar before anything else can read or record it.
    history.replaceState(null, "", location.pathname + (pending?.search || "") + location.hash);
    if (params.has("error")) throw new Error(`Sign-in refused: ${params.get("error_description") || params.get("error")}`);
    if (!pending || pending.state !== params.get("state")) {
      throw new Error("Sign-in: the answer does not belong to this sign-in (state mismatch); reload to sign in again");
    }
    const tokens = await tokenRequest(config.token_endpoint, {
      grant_type: "authorization_code",
      client_id: clientId,
      code: params.get("code"),
      redirect_uri: redirectUri,
      code_verifier: pending.verifier,
    });
    return session(config, clientId, tokens);
  }
  const verifier = randomText(48);
  const state = randomText(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, search: location.search }));
  const authorize = new URL(config.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  })) {
    authorize.searchParams.set(k, v);
  }
  location.assign(authorize.toString());
  return new Promise(() => {});
}

function session(config, clientId, tokens) {
  const listeners = [];
  let current = tokens;
  const claims = claimsOf(tokens.access_token);
  const user = claims.username || claims["cognito:username"] || claims.preferred_username || claims.sub;
  // Refreshes a minute before expiry while the page is open; the refresh token stays in memory.
  const schedule = () => {
    if (!current.refresh_token || !current.expires_in) return;
    setTimeout(async () => {
      try {
        const next = await tokenRequest(config.token_endpoint, {
          grant_type: "refresh_token",
          client_id: clientId,
          refresh_token: current.refresh_token,
        });
        current = { refresh_token: current.refresh_token, ...next };
        for (const cb of listeners) cb(current.access_token);
        schedule();
      } catch (e) {
        console.error("Lasso: the sign-in could not be refreshed; reload to sign in again.", e);
      }
    }, Math.max(5, current.expires_in - 60) * 1000);
  };
  schedule();
  return {
    accessToken: tokens.access_token,
    user,
    claims,
    onRefresh: (cb) => listeners.push(cb),
  };
}
