// Must not compile: `lables` is not an option of `mount`.
import { mount } from "lasso-annotator";

void mount(document.body, { lables: [{ name: "cat", color: "#e6194b" }] });
