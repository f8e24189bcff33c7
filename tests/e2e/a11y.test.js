// Accessibility as axe-core (npm) checks it: no serious or critical violation on the editor in
// the dark and the light theme, and in Ukrainian — fresh, with shapes in the list, with the hotkey help, the
// export panel and the health page open. And labelling with the keyboard alone: Tab into the
// editor, a box placed, moved and sized by keys, Tab on through the controls to a tag, Space.
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

for (const [theme, locale] of [["dark", "en"], ["light", "en"], ["light", "uk"]]) {
  test(`the editor in the ${theme} theme, in ${locale}, has no serious accessibility violation`, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openApp(context, `${app.server.url}/?theme=${theme}&locale=${locale}`);
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

test("boxes and tags are labelled with the keyboard alone", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate(() => window.lasso.loadTask({
      id: `keyboard-${Date.now()}`,
      image: { src: "samples/chelsea.png", name: "chelsea.png" },
      labels: { labels: [{ name: "cat", color: "#e6194b", hotkey: "1" }, { name: "dog", color: "#3cb44b", hotkey: "2" }], tags: ["indoor", "outdoor"] },
      annotations: [],
    }));
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains("lasso")), "the first Tab reaches the editor");
    await page.keyboard.press("b");
    await page.keyboard.press("2");
    await page.keyboard.press("Enter");
    const [placed] = await page.evaluate(() => window.lasso.annotations());
    assert.equal(placed.label, "dog");
    assert.equal(placed.shape.type, "box");
    await page.keyboard.press("Shift+ArrowRight");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Alt+ArrowDown");
    const [moved] = await page.evaluate(() => window.lasso.annotations());
    const { x0, y0, x1, y1 } = placed.shape;
    assert.deepEqual(moved.shape, { type: "box", x0: x0 + 10, y0, x1: x1 + 10, y1: y1 + 3 });
    // Tab goes past the only shape and on through the controls, never trapped, to a tag.
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.dataset?.tag === "indoor");
    }
    assert.ok(reached, "Tab reaches the tag buttons");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "the focused control shows its focus");
    await page.keyboard.press("Space");
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).tags.includes("indoor"));
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1, "Space pressed the tag, nothing else");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
