// Types of lasso-annotator/react.
import type { CSSProperties, ReactElement } from "react";
import type { EventDetails, Label, LassoEditor, Locale, Task, Theme } from "./index.js";

export interface LassoAnnotatorProps {
  task?: Task;
  taskSrc?: string;
  labels?: Label[];
  theme?: Theme;
  locale?: Locale;
  storage?: string;
  className?: string;
  style?: CSSProperties;
  onReady?: (editor: LassoEditor) => void;
  onChange?: (annotations: EventDetails["change"]) => void;
  onSelect?: (ids: EventDetails["select"]) => void;
  onSave?: (detail: EventDetails["save"]) => void;
  onUpload?: (detail: EventDetails["upload"]) => void;
  onTask?: (detail: EventDetails["task"]) => void;
  onReview?: (detail: EventDetails["review"]) => void;
  onError?: (message: string) => void;
}

export function LassoAnnotator(props: LassoAnnotatorProps): ReactElement;
