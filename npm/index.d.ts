// Types of lasso-annotator. `LassoEditor` lists every method of the editor; a test checks the
// list against the module the package ships.

/** A point in image pixels (origin at the top-left corner of the top-left pixel). */
export interface Point {
  x: number;
  y: number;
}

/** The geometry of an annotation, in full-resolution image pixels. */
export type Shape =
  | { type: "box"; x0: number; y0: number; x1: number; y1: number }
  | { type: "rotated_box"; cx: number; cy: number; w: number; h: number; angle: number }
  | { type: "polygon"; parts: { exterior: Point[]; holes?: Point[][] }[] }
  | { type: "polyline"; points: Point[] }
  | { type: "keypoints"; points: Keypoint[] }
  | { type: "mask"; width: number; height: number; counts: number[] };

/** Kinds of shape a label may be drawn with. */
export type ShapeKind = "box" | "rotated_box" | "polygon" | "polyline" | "keypoints" | "mask";

/** A named point of a keypoint annotation. */
export interface Keypoint {
  name: string;
  x: number;
  y: number;
  visibility?: "not_labeled" | "occluded" | "visible";
}

/** Where an annotation came from. */
export type Origin = { kind: "human" } | { kind: "prediction"; score: number; model?: string };

/** One labelled object. */
export interface Annotation {
  id: string;
  label: string;
  shape: Shape;
  attributes?: Record<string, boolean | number | string>;
  origin?: Origin;
  hidden?: boolean;
  locked?: boolean;
  z?: number;
}

/** An attribute a label's annotations carry. */
export type AttributeDef = { name: string } & (
  | { type: "text" }
  | { type: "bool" }
  | { type: "choice"; options: string[] }
  | { type: "number"; min?: number; max?: number }
);

/** A class. */
export interface Label {
  name: string;
  /** CSS colour. */
  color: string;
  hotkey?: string;
  shapes?: ShapeKind[];
  attributes?: AttributeDef[];
  keypoints?: string[];
  skeleton?: [number, number][];
  sigmas?: number[];
  group?: string;
}

/** How an image is served (`image.kind`; read from the URL when left out). */
export type ImageKind = "plain" | "dzi" | "iiif" | "cog";

/** The image a task is about. */
export interface ImageRef {
  /** URL, bucket key, Deep Zoom descriptor, IIIF `info.json` or (Cloud-Optimized) TIFF. */
  src: string;
  name?: string;
  /** Full-resolution width in pixels (read from the image when 0 or left out). */
  width?: number;
  height?: number;
  license?: { name?: string; url?: string };
  kind?: ImageKind;
  /** A GeoTIFF's placement on the map (recorded when it opens): GDAL's six coefficients and the CRS. */
  geo?: { transform: [number, number, number, number, number, number]; crs?: string };
  /** A Deep Zoom descriptor (URL or bucket key) of the same image, shown instead of `src`. */
  tiles?: string;
}

/** Classes and tags of a task. */
export interface LabelSet {
  labels?: Label[];
  tags?: string[];
  multi_tag?: boolean;
  multiTag?: boolean;
}

/** One image with its annotations: the unit of work (Lasso JSON). */
export interface Task {
  id: string;
  image: ImageRef;
  /** The classes and tags, or just the list of classes (as `mount`'s `labels`). */
  labels?: LabelSet | Label[];
  annotations?: Annotation[];
  tags?: string[];
}

/** Actions whose keys the `hotkeys` option and `setHotkeys` remap: the tools and these. */
export type HotkeyAction =
  | ToolName
  | "delete" | "cancel" | "finish" | "fit" | "zoom_100" | "zoom_selection" | "hide" | "lock"
  | "visibility" | "next_shape" | "next_image" | "prev_image" | "brush_smaller" | "brush_larger"
  | "nudge_left" | "nudge_right" | "nudge_up" | "nudge_down" | "help";

/** One key, several, or none (`[]`: unbound). */
export type HotkeySpec = string | string[];

/** Uploads to the team's bucket through a presign endpoint (or a callback). */
export interface CloudOptions {
  /** The presign endpoint (`lasso-server` or your own). */
  endpoint?: string;
  /** Signs requests yourself instead of calling an endpoint. */
  presign?: (request: unknown) => Promise<unknown>;
  /** Bearer token sent to the endpoint (else cookies). */
  token?: string;
  /** Who is labelling: results go to `<task>/<user>.json`. */
  user: string;
  /** The team project this editor works in. */
  project?: string;
}

/** A model backend speaking Label Studio's ML backend protocol. */
export interface MlOptions {
  url: string;
  token?: string;
  /** Model class → project class. */
  classes?: Record<string, string>;
  /** Predict each task as it opens. */
  on_open?: boolean;
  onOpen?: boolean;
  order?: "least_confident" | "entropy";
  timeout_ms?: number;
  timeoutMs?: number;
  label_config?: string;
  labelConfig?: string;
}

/** Options of `mount` (an unknown name is a type error). */
export interface MountOptions {
  /** The classes, or `{labels, tags, multi_tag}` as in a task. */
  labels?: Label[] | LabelSet;
  tags?: string[];
  multiTag?: boolean;
  /** A task to open at once. */
  task?: Task;
  /** IndexedDB database name (one per editor that must not share work). */
  storage?: string;
  /** Prefix of new annotation ids. */
  idPrefix?: string;
  hotkeys?: Partial<Record<HotkeyAction, HotkeySpec>>;
  ml?: MlOptions;
  theme?: Theme;
  /** Language of the interface: a BCP 47 tag of English or Ukrainian (`"en"`, `"uk"`, `"uk-UA"`). */
  locale?: Locale;
  cloud?: CloudOptions;
  /** Answers `predict()` yourself: predictions for the task, as Label Studio results. */
  predict?: (task: Task, context?: unknown) => Promise<unknown>;
}

export type Theme = "dark" | "light" | "system";

/** Languages of the interface (a region subtag such as `"uk-UA"` is accepted too). */
export type Locale = "en" | "uk" | `en-${string}` | `uk-${string}`;

/** Tool names of `setTool` and `tool()`. */
export type ToolName =
  | "select" | "box" | "rotated_box" | "polygon" | "polyline" | "keypoints" | "brush" | "eraser"
  | "wand" | "segment" | "scissors";

/** Dataset formats of `exportAs`, `exportZip` and `loadPredictions`. */
export type FormatName =
  | "lasso" | "coco" | "yolo" | "yolo-seg" | "yolo-obb" | "yolo-pose" | "voc" | "csv"
  | "label-studio" | "cvat" | "masks" | "folders" | "tags-csv" | "w3c" | "geojson";

/** What each event's callback receives. */
export interface EventDetails {
  change: Annotation[];
  select: string[];
  save: { seq: number; pending: number };
  upload: { key: string; task?: string };
  task: { id: string; project: string; status: string; slot: number; leaseUntil?: number };
  review: { task: string; decision: "accepted" | "rejected"; user?: string; from?: string; issues?: unknown[] };
  error: string;
}

export type EventName = keyof EventDetails;

/** The view transform: a canvas point is `offset + image * scale` in CSS pixels. */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
  imageReady: boolean;
  tiles?: { ready: number; loading: number; failed: number; bytes: number; sharp: boolean };
}

/** Figures of a frame. */
export interface FrameStats {
  shapes: number;
  dots: number;
  /** Small shapes painted without an outline, in their stacking order. */
  solids: number;
  batches: number;
  replanned: boolean;
  rastered: boolean;
  frames: number;
  ms: number;
  [figure: string]: number | boolean;
}

/** Options of `exportZip`. */
export interface ZipOptions {
  format: FormatName;
  images?: boolean;
  split?: [number, number, number];
  seed?: number;
  [recipe: string]: unknown;
}

/** A queued upload. */
export interface PendingUpload {
  key: string;
  size: number;
  attempts: number;
  error?: string;
  partsDone?: number;
  partCount?: number;
}

/** A mounted editor. */
export interface LassoEditor {
  loadTask(task: Task): Promise<void>;
  annotations(): Annotation[];
  exportAs(format: FormatName): string;
  exportZip(options: ZipOptions): Promise<Uint8Array>;
  exportAll(): Promise<string>;
  downloadAll(): Promise<void>;
  loadPredictions(text: string, format: FormatName): number;
  predict(): Promise<number>;
  on<E extends EventName>(event: E, callback: (detail: EventDetails[E]) => void): void;
  undo(): void;
  redo(): void;
  setTool(name: ToolName): void;
  tool(): ToolName;
  setLabel(name: string): void;
  setHotkeys(hotkeys: Partial<Record<HotkeyAction, HotkeySpec>>): void;
  setTheme(name: Theme): void;
  setLocale(tag: Locale): void;
  viewport(): Viewport;
  setViewport(view: Partial<Pick<Viewport, "scale" | "offsetX" | "offsetY">>): void;
  zoomActual(): void;
  zoomToSelection(): boolean;
  drawNow(): FrameStats;
  renderStats(): FrameStats;
  simulateStorageFull(n: number): void;
  destroy(): void;
  // Uploads and the bucket.
  uploadImage(file: File, tags: string[]): Promise<string>;
  pendingUploads(): Promise<PendingUpload[]>;
  syncUploads(): void;
  setToken(token: string): void;
  cloudTasks(): Promise<unknown[]>;
  openCloudTask(key: string): Promise<void>;
  // Team work.
  nextTask(): Promise<string | undefined>;
  openTask(id: string): Promise<void>;
  submitTask(): Promise<{ task: string; user: string; status: string; slot: number }>;
  taskStatus(): Promise<{ task: string; user: string; status: string; slot: number; lease_until?: number }>;
  project(): unknown;
  progress(): Promise<unknown>;
  assignTask(id: string, user: string): Promise<void>;
  unassignTask(id: string, user: string): Promise<void>;
  // Review.
  reviewQueue(): Promise<{ tasks: { task: string; people: string[]; complete: boolean }[] }>;
  openReview(id: string): Promise<void>;
  acceptTask(): Promise<unknown>;
  rejectTask(comment: string, options?: { issues?: unknown[] }): Promise<unknown>;
  agreement(): unknown;
  qualityReport(): Promise<unknown>;
}

/** Loads the editor's WebAssembly (once); `mount` does it when needed. */
export function load(): Promise<unknown>;

/** Mounts an editor into `element`; resolves once its storage is open and its task loaded. */
export function mount(element: HTMLElement, options?: MountOptions): Promise<LassoEditor>;

/** Events of `<lasso-annotator>`: the editor's, and `ready` with the editor. */
export interface LassoAnnotatorEventMap extends HTMLElementEventMap {
  ready: CustomEvent<LassoEditor>;
  change: CustomEvent<EventDetails["change"]>;
  select: CustomEvent<EventDetails["select"]>;
  save: CustomEvent<EventDetails["save"]>;
  upload: CustomEvent<EventDetails["upload"]>;
  task: CustomEvent<EventDetails["task"]>;
  review: CustomEvent<EventDetails["review"]>;
}

/** `<lasso-annotator task task-src labels theme locale storage>`. */
export declare class LassoAnnotatorElement extends HTMLElement {
  /** The mounted editor (null until `ready`). */
  readonly editor: LassoEditor | null;
  /** Resolves to the editor once mounted. */
  readonly ready: Promise<LassoEditor | null>;
  addEventListener<K extends keyof LassoAnnotatorEventMap>(
    type: K,
    listener: (this: LassoAnnotatorElement, event: LassoAnnotatorEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** Defines `<lasso-annotator>` (or `name`); returns its class. */
export function defineElement(name?: string): typeof LassoAnnotatorElement;

declare global {
  interface HTMLElementTagNameMap {
    "lasso-annotator": LassoAnnotatorElement;
  }
}
