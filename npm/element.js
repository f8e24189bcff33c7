// <lasso-annotator>: the editor as a custom element. Attributes: `task` (a task as JSON),
// `task-src` (a URL of one), `labels` (JSON array of labels, or class names separated by commas),
// `theme` (dark, light, system), `locale` (en, uk), `storage` (the IndexedDB name). The editor's events are
// dispatched on the element as DOM events (`change`, `select`, `save`, `upload`, `task`,
// `review`, `error`; the detail is the editor's), after `ready` (detail: the editor).
import { mount } from "./core.js";

const EVENTS = ["change", "select", "save", "upload", "task", "review", "error"];
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45"];

/** Labels from the attribute: a JSON array, or names separated by commas (coloured in turn). */
function parseLabels(text) {
  if (!text) return [];
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return JSON.parse(trimmed);
  return trimmed
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], hotkey: i < 9 ? String(i + 1) : undefined }));
}

export class LassoAnnotatorElement extends HTMLElement {
  static observedAttributes = ["task", "task-src", "theme", "locale"];
  #editor = null;
  #mounting = null;
  /** The mount in progress: one that finds another started after it gives way. */
  #attempt = null;

  /** The mounted editor (null until `ready`). */
  get editor() {
    return this.#editor;
  }

  /** Resolves to the editor once mounted. */
  get ready() {
    return this.#mounting ?? Promise.resolve(null);
  }

  connectedCallback() {
    this.#mounting ??= this.#mount();
  }

  disconnectedCallback() {
    this.#editor?.destroy();
    this.#editor = null;
    this.#mounting = null;
    this.#attempt = null;
    this.replaceChildren();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#editor || before === after) return;
    if (name === "theme") this.#guard(() => this.#editor.setTheme(after || "system"));
    if (name === "locale") this.#guard(() => this.#editor.setLocale(after || "en"));
    if (name === "task" || name === "task-src") this.#guard(async () => {
      const task = await this.#task();
      if (task) await this.#editor.loadTask(task);
    });
  }

  /** The task the attributes name, if any. */
  async #task() {
    const json = this.getAttribute("task");
    if (json) return JSON.parse(json);
    const src = this.getAttribute("task-src");
    if (!src) return undefined;
    const response = await fetch(src);
    if (!response.ok) throw new Error(`task-src ${src} answered ${response.status}`);
    return response.json();
  }

  /** Runs `work`; a failure becomes an `error` event naming it. */
  async #guard(work) {
    try {
      return await work();
    } catch (e) {
      this.dispatchEvent(new CustomEvent("error", { detail: String(e?.message ?? e) }));
      return undefined;
    }
  }

  async #mount() {
    const attempt = {};
    this.#attempt = attempt;
    const host = document.createElement("div");
    host.className = "lasso-host";
    this.replaceChildren(host);
    return this.#guard(async () => {
      const options = { labels: parseLabels(this.getAttribute("labels")) };
      if (this.hasAttribute("theme")) options.theme = this.getAttribute("theme");
      if (this.hasAttribute("locale")) options.locale = this.getAttribute("locale");
      if (this.hasAttribute("storage")) options.storage = this.getAttribute("storage");
      const task = await this.#task();
      if (task) options.task = task;
      const editor = await mount(host, options);
      // Removed (or removed and added again, which started another mount) meanwhile.
      if (this.#attempt !== attempt || !this.isConnected) {
        editor.destroy();
        return this.#mounting === null ? null : this.#mounting;
      }
      for (const name of EVENTS) {
        editor.on(name, (detail) => this.dispatchEvent(new CustomEvent(name, { detail })));
      }
      this.#editor = editor;
      this.dispatchEvent(new CustomEvent("ready", { detail: editor }));
      return editor;
    });
  }
}

/** Defines the custom element (`lasso-annotator` unless named otherwise); returns its class. */
export function defineElement(name = "lasso-annotator") {
  if (!customElements.get(name)) customElements.define(name, class extends LassoAnnotatorElement {});
  return customElements.get(name);
}
