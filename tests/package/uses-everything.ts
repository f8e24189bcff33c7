// Compiled with `tsc --strict --noEmit` against the package's types: every method and event of
// the editor and the element, used as a host would.
import { defineElement, load, mount, type Annotation, type LassoEditor, type MountOptions, type Task } from "lasso-annotator";

const task: Task = {
  id: "t1",
  image: { src: "https://tiles.example.org/scan.dzi", kind: "dzi", width: 8000, height: 6000 },
  labels: { labels: [{ name: "cat", color: "#e6194b" }], tags: ["day", "night"], multi_tag: false },
  annotations: [{ id: "a1", label: "cat", shape: { type: "box", x0: 1, y0: 2, x1: 3, y1: 4 } }],
};

const options: MountOptions = {
  labels: [{ name: "cat", color: "#e6194b", hotkey: "1", shapes: ["box", "polygon"] }],
  tags: ["indoor"],
  multiTag: true,
  task,
  storage: "lasso-sample",
  idPrefix: "host",
  hotkeys: { box: "x", polygon: ["p", "g"], help: [] },
  ml: { url: "http://127.0.0.1:9090", classes: { Face: "person" }, onOpen: true, timeoutMs: 5000 },
  theme: "light",
  locale: "uk-UA",
  cloud: { endpoint: "https://presign.example.org", token: "t", user: "ana", project: "demo" },
  predict: async (t) => ({ results: [], task: t.id }),
};

async function everything(element: HTMLElement): Promise<number> {
  await load();
  const editor: LassoEditor = await mount(element, options);
  editor.on("change", (annotations: Annotation[]) => annotations.length);
  editor.on("select", (ids: string[]) => ids.join());
  editor.on("save", ({ seq, pending }) => seq + pending);
  editor.on("upload", ({ key }) => key.length);
  editor.on("task", ({ id, leaseUntil }) => `${id}${leaseUntil ?? ""}`);
  editor.on("review", ({ decision }) => decision === "accepted");
  editor.on("error", (message: string) => message.length);
  await editor.loadTask(task);
  const count: number = editor.annotations().length;
  const coco: string = editor.exportAs("coco");
  const w3c: string = editor.exportAs("w3c");
  await editor.loadTask({ ...task, labels: [{ name: "dog", color: "#3cb44b" }] });
  const zip: Uint8Array = await editor.exportZip({ format: "yolo", images: false, split: [0.8, 0.1, 0.1], seed: 7 });
  const all: string = await editor.exportAll();
  await editor.downloadAll();
  const added: number = editor.loadPredictions(coco, "coco") + editor.loadPredictions(w3c, "w3c") + (await editor.predict());
  editor.undo();
  editor.redo();
  editor.setTool("polygon");
  const tool: string = editor.tool();
  editor.setLabel("cat");
  editor.setHotkeys({ rotated_box: "r" });
  editor.setTheme("system");
  editor.setLocale("en");
  const view = editor.viewport();
  editor.setViewport({ scale: view.scale * 2 });
  editor.zoomActual();
  const zoomed: boolean = editor.zoomToSelection();
  const frame = editor.drawNow();
  const stats = editor.renderStats();
  editor.simulateStorageFull(0);
  const key: string = await editor.uploadImage(new File([], "a.jpg"), ["indoor"]);
  const pending = await editor.pendingUploads();
  editor.syncUploads();
  editor.setToken("fresh");
  const tasks = await editor.cloudTasks();
  await editor.openCloudTask("demo/tasks/t1.json");
  const next: string | undefined = await editor.nextTask();
  await editor.openTask("t1");
  const submitted = await editor.submitTask();
  const status = await editor.taskStatus();
  const project: unknown = editor.project();
  const progress: unknown = await editor.progress();
  await editor.assignTask("t1", "ben");
  await editor.unassignTask("t1", "ben");
  const queue = await editor.reviewQueue();
  await editor.openReview(queue.tasks[0]?.task ?? "t1");
  await editor.acceptTask();
  await editor.rejectTask("redo the tail", { issues: [] });
  const agreement: unknown = editor.agreement();
  const quality: unknown = await editor.qualityReport();
  editor.destroy();
  return count + zip.length + all.length + added + tool.length + Number(zoomed) + frame.ms + Number(stats.rastered)
    + key.length + pending.length + tasks.length + (next?.length ?? 0) + submitted.slot + status.slot
    + String(project).length + String(progress).length + String(agreement).length + String(quality).length;
}

const Element = defineElement();
const annotator = document.createElement("lasso-annotator");
annotator.setAttribute("labels", "cat,dog");
annotator.addEventListener("ready", (e) => e.detail.setTool("box"));
annotator.addEventListener("change", (e) => e.detail.length);
annotator.addEventListener("save", (e) => e.detail.seq);
document.body.append(annotator);
const viaClass: boolean = annotator instanceof Element;
void everything(document.body).then((n) => n + Number(viaClass) + (annotator.editor?.annotations().length ?? 0));
