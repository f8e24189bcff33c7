// Themes: dark by default, light by the mount option or setTheme, the system's preference with
// "system"; a host's override of a colour property wins; a theme that does not exist is named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, artifact } from "./support.js";

const app = appSuite();

const background = (page) => page.evaluate(() => getComputedStyle(document.querySelector(".lasso")).backgroundColor);
const DARK = "rgb(30, 31, 34)";
const LIGHT = "rgb(247, 247, 248)";

test("dark, light, the system's, a host's colour, and a wrong name", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, colorScheme: "light" });
  const page = await openApp(context, app.server.url);
  assert.equal(await background(page), DARK, "dark by default");
  await page.evaluate(() => window.lasso.setTheme("light"));
  assert.equal(await background(page), LIGHT);
  await page.screenshot({ path: artifact("theme-light.png") });
  await page.evaluate(() => window.lasso.setTheme("system"));
  assert.equal(await background(page), LIGHT, "the system prefers light here");
  await page.emulateMedia({ colorScheme: "dark" });
  assert.equal(await background(page), DARK, "and now dark");
  // A host overrides one property on the editor's root.
  await page.addStyleTag({ content: ".lasso { --lasso-bg: rgb(1, 2, 3); }" });
  assert.equal(await background(page), "rgb(1, 2, 3)");
  const refused = await page.evaluate(() => {
    try {
      window.lasso.setTheme("pink");
      return "accepted";
    } catch (e) {
      return String(e);
    }
  });
  assert.match(refused, /setTheme: theme "pink" is not one of dark, light, system/);
  assert.deepEqual(page.errors, []);
  await context.close();
  // The mount option (the standalone page passes ?theme=).
  const other = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const light = await openApp(other, `${app.server.url}/?theme=light`);
  assert.equal(await background(light), LIGHT);
  await other.close();
});
