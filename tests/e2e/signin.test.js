// Sign-in with OpenID Connect as a deployment does it, against a provider made by the tests:
// the page goes through the authorization-code flow with PKCE, comes back signed in as the
// provider's user, works on a project task through the presign server (which verifies the JWT
// against the provider's JWKS), and no token is left in the address bar, history or storage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { serveStatic, launch, dragImage, ROOT } from "./support.js";
import { startServer, tempDataDir, s3Get } from "./cloud.js";
import { startIssuer } from "./oidc.js";

let web, browser, issuer;
before(async () => {
  web = await serveStatic();
  browser = await launch();
  issuer = await startIssuer();
});
after(async () => {
  await browser?.close();
  await web?.close();
  await issuer?.close();
});

test("a person signs in through the provider and labels a project task; tokens stay out of URLs and storage", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: path.join(ROOT, "www/samples"), project: "demo", oidc: issuer });
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    issuer.user = "carla";
    issuer.groups = ["annotator"];
    const page = await context.newPage();
    const visited = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && visited.push(f.url()));
    const t0 = Date.now();
    const q = new URLSearchParams({ presign: server.api, oidc: issuer.url, client: issuer.clientId, project: "demo" });
    await page.goto(`${web.url}/?${q}`);
    await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
    await page.waitForSelector('.lasso-team-status[data-status="in_progress"]');
    console.log(`signed in and given a task in ${Date.now() - t0} ms`);
    // The provider was asked with PKCE, and the page came back through it.
    const asked = issuer.authorizeRequests.at(-1);
    assert.equal(asked.code_challenge_method, "S256");
    assert.equal(asked.redirect_uri, `${web.url}/`);
    const exchange = issuer.tokenRequests.at(-1);
    assert.equal(exchange.grant_type, "authorization_code");
    assert.ok(exchange.code_verifier.length >= 43);
    // The code is gone from the address bar, and the project setting survived the round trip.
    const here = new URL(page.url());
    assert.equal(here.searchParams.get("code"), null);
    assert.equal(here.searchParams.get("state"), null);
    assert.equal(here.searchParams.get("project"), "demo");
    // Work lands under the provider's user name.
    const task = await page.locator(".lasso-team-status").getAttribute("data-task");
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await dragImage(page, [20, 20], [80, 70]);
    await page.locator(".lasso-team-submit").click();
    await page.waitForSelector('.lasso-team-status[data-status="submitted"]', { timeout: 40000 });
    const result = JSON.parse(s3Get(server, `demo/target/${task}/carla.json`, { withBody: true }).body.toString());
    assert.equal(result.annotations.length, 1);
    // No token anywhere a script or a later visitor could find it.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(stored), `a JWT in storage: ${stored}`);
    assert.ok(!visited.some((u) => /access_token|id_token/.test(u)));
    // A forged answer (a code and state this tab never asked for) is refused with a message,
    // and never sent to the provider.
    const exchanges = issuer.tokenRequests.length;
    const forged = await context.newPage();
    await forged.goto(`${web.url}/?${q}&code=stolen-code&state=forged`);
    await forged.waitForSelector('#app[data-signin-error="true"]');
    assert.match(await forged.locator("#app").textContent(), /state mismatch/);
    assert.equal(issuer.tokenRequests.length, exchanges);
    assert.equal(new URL(forged.url()).searchParams.get("code"), null);
  } finally {
    await context.close();
    await server.stop();
  }
});
