// A React component around <lasso-annotator>: props become attributes, `on…` props listen to the
// editor's events, `onReady` receives the editor.
import { createElement, useEffect, useRef } from "react";
import { defineElement } from "./element.js";

const EVENTS = {
  onReady: "ready",
  onChange: "change",
  onSelect: "select",
  onSave: "save",
  onUpload: "upload",
  onTask: "task",
  onReview: "review",
  onError: "error",
};

export function LassoAnnotator(props) {
  const { task, taskSrc, labels, theme, locale, storage, className, style } = props;
  const ref = useRef(null);
  defineElement();
  const handlers = useRef(props);
  handlers.current = props;
  useEffect(() => {
    const element = ref.current;
    const listeners = Object.entries(EVENTS).map(([prop, event]) => {
      const listener = (e) => handlers.current[prop]?.(e.detail);
      element.addEventListener(event, listener);
      return [event, listener];
    });
    return () => listeners.forEach(([event, listener]) => element.removeEventListener(event, listener));
  }, []);
  const attributes = { ref, class: className, style };
  if (task !== undefined) attributes.task = JSON.stringify(task);
  if (taskSrc !== undefined) attributes["task-src"] = taskSrc;
  if (labels !== undefined) attributes.labels = JSON.stringify(labels);
  if (theme !== undefined) attributes.theme = theme;
  if (locale !== undefined) attributes.locale = locale;
  if (storage !== undefined) attributes.storage = storage;
  return createElement("lasso-annotator", attributes);
}
