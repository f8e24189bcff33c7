// The React example: <LassoAnnotator> from `lasso-annotator/react`, its changes counted in the
// page's own state. Built with esbuild into `app.js` (see ../README.md).
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { LassoAnnotator } from "lasso-annotator/react";

const LABELS = [
  { name: "cat", color: "#e6194b", hotkey: "1" },
  { name: "dog", color: "#3cb44b", hotkey: "2" },
];

function App() {
  const [count, setCount] = useState(0);
  const [status, setStatus] = useState("loading");
  return (
    <main>
      <h1>Label the cat (React)</h1>
      <LassoAnnotator
        labels={LABELS}
        taskSrc="task.json"
        theme="light"
        onReady={() => setStatus("ready")}
        onChange={(annotations) => setCount(annotations.length)}
        onSave={() => setStatus("saved")}
        onError={(message) => setStatus(`error: ${message}`)}
      />
      <p>
        <output id="count">{count}</output> annotations, <output id="status">{status}</output>
      </p>
    </main>
  );
}

createRoot(document.getElementById("root")).render(<App />);
