// lasso-annotator: an image annotation editor for computer-vision datasets.
export { mount, load } from "./core.js";
export { defineElement, LassoAnnotatorElement } from "./element.js";
