// Accessibility as axe-core (npm) checks it: no serious or critical violation on the editor in
// the dark and the light theme — fresh, with shapes in the list, with the hotkey help, the
// export panel and the health page open.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { appSuite, openApp, dragImage, ROOT } from "./support.js";

const app = appSuite();
const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

/** Serious and critical violations on the page now, as `impact rule: element — why`. */
async function violations(page, state) {
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(" ")} — ${(n.failureSummary || "").split("\n")[1]?.trim()}`));
  });
  return found.map((f) => `${state}: ${f}`);
}

for (const theme of ["dark", "light"]) {
  test(`the editor in the ${theme} theme has no serious accessibility violation`, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openApp(context, `${app.server.url}/?theme=${theme}`);
      await page.addScriptTag({ path: AXE });
      const problems = await violations(page, "fresh");
      await page.keyboard.press("b");
      await dragImage(page, [40, 40], [160, 120]);
      await dragImage(page, [200, 60], [300, 200]);
      problems.push(...(await violations(page, "two boxes")));
      await page.click(".lasso-help-toggle");
      await page.waitForSelector(".lasso-help");
      problems.push(...(await violations(page, "help")));
      await page.keyboard.press("Escape");
      await page.click(".lasso-export-toggle");
      await page.waitForSelector(".lasso-export");
      problems.push(...(await violations(page, "export panel")));
      await page.click(".lasso-export-toggle");
      await page.click(".lasso-health-toggle");
      await page.waitForSelector(".lasso-health");
      problems.push(...(await violations(page, "health page")));
      assert.deepEqual(problems, []);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}
