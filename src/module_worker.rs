//! Work off the page's main thread: a module worker (`www/worker.js`) loads this same wasm
//! module and calls one of its exported functions by name. The page finds the module's files
//! from its preload `<link>`s (`lasso.js`, `lasso_bg.wasm`, as `index.html` names them); where there are none (a host page that bundles the
//! module itself) or the worker cannot load the module, the caller does the work in the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A worker running this wasm module, and the URLs it loads the module from.
pub struct ModuleWorker {
    worker: web_sys::Worker,
    glue: String,
    wasm: String,
}

/// Why a call made in the worker did not answer.
#[derive(Debug)]
pub enum WorkerError {
    /// The worker cannot run the module here: the caller should do the work in the page.
    Unavailable,
    /// The function failed; its message.
    Failed(String),
}

/// The `href` of the first `<link>` matching `selector` whose URL path ends with `suffix`.
fn link(selector: &str, suffix: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let links = document.query_selector_all(selector).ok()?;
    (0..links.length())
        .filter_map(|i| links.item(i)?.dyn_into::<web_sys::HtmlLinkElement>().ok())
        .map(|l| l.href())
        .find(|href| {
            let path = href.split(['?', '#']).next().unwrap_or(href);
            path.rsplit('/')
                .next()
                .is_some_and(|file| file.starts_with("lasso") && file.ends_with(suffix))
        })
}

impl ModuleWorker {
    /// A worker when the page names the module's files in preload links, else `None`.
    pub fn start() -> Option<ModuleWorker> {
        let glue = link("link[rel=modulepreload]", ".js")?;
        let wasm = link("link[rel=preload]", "_bg.wasm")?;
        let script = web_sys::Url::new_with_base("worker.js", &glue).ok()?;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(&script.href(), &options).ok()?;
        Some(ModuleWorker { worker, glue, wasm })
    }

    /// Calls the module's exported function `function` with `args` in the worker (the buffers
    /// in `transfer` are moved, not copied) and resolves to what it returned. One call at a
    /// time per worker.
    pub async fn call(
        &self,
        function: &str,
        args: &js_sys::Array,
        transfer: &js_sys::Array,
    ) -> Result<JsValue, WorkerError> {
        let message = js_sys::Object::new();
        for (key, value) in [
            ("glue", JsValue::from_str(&self.glue)),
            ("wasm", JsValue::from_str(&self.wasm)),
            ("call", JsValue::from_str(function)),
            ("args", args.into()),
        ] {
            js_sys::Reflect::set(&message, &JsValue::from_str(key), &value)
                .map_err(|e| WorkerError::Failed(format!("{e:?}")))?;
        }
        let worker = &self.worker;
        let reply = js_sys::Promise::new(&mut |resolve, reject| {
            let done = resolve.clone();
            let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
                let _ = done.call1(&JsValue::NULL, &event.data());
            });
            // A script that fails to load fires a plain `Event` (no `message`), an exception
            // in the worker an `ErrorEvent`.
            let on_error = Closure::once_into_js(move |event: JsValue| {
                let message = js_sys::Reflect::get(&event, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "the worker did not start".to_string());
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
            });
            worker.set_onmessage(Some(on_message.unchecked_ref()));
            worker.set_onerror(Some(on_error.unchecked_ref()));
        });
        if worker
            .post_message_with_transfer(&message, transfer)
            .is_err()
        {
            return Err(WorkerError::Unavailable);
        }
        // The worker itself failed (its script missing or not running): the page works instead.
        let answer = wasm_bindgen_futures::JsFuture::from(reply)
            .await
            .map_err(|_| WorkerError::Unavailable)?;
        let field = |name: &str| {
            js_sys::Reflect::get(&answer, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        };
        if !field("unavailable").is_undefined() {
            // The worker runs but cannot load the module.
            return Err(WorkerError::Unavailable);
        }
        if let Some(e) = field("error").as_string() {
            return Err(WorkerError::Failed(e));
        }
        Ok(field("result"))
    }
}

impl Drop for ModuleWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
