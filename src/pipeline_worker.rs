//! Rendering preprocessed and augmented images off the page's main thread: a module worker
//! (`www/pipeline-worker.js`) loads this same wasm module and calls
//! [`render_pipeline_images`]; the page sends it one source image and the plans drawn from it at
//! a time. Where no worker can be started (a host page without the worker file, the module's
//! URLs not found in the page), the same function runs in the page between turns of its event
//! loop, so the export still works.

use lasso_core::dataset::{pixels, ImagePlan};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Decodes `source` (upright by EXIF orientation) once and renders and encodes each plan of
/// `plans` (JSON: `[[ImagePlan, output name], …]`); called by the worker, and inline.
#[wasm_bindgen(js_name = renderPipelineImages)]
pub fn render_pipeline_images(source: &[u8], plans: &str) -> Result<js_sys::Array, JsValue> {
    let images = render(source, plans).map_err(|e| JsValue::from_str(&e))?;
    Ok(images
        .into_iter()
        .map(|bytes| JsValue::from(js_sys::Uint8Array::from(bytes.as_slice())))
        .collect())
}

fn render(source: &[u8], plans: &str) -> Result<Vec<Vec<u8>>, String> {
    let plans: Vec<(ImagePlan, String)> =
        serde_json::from_str(plans).map_err(|e| format!("bad plans: {e}"))?;
    let decoded = pixels::decode(source)?;
    plans
        .iter()
        .map(|(plan, name)| pixels::encode(&plan.render(&decoded)?, name))
        .collect()
}

/// Where images are rendered.
pub enum Renderer {
    /// In a worker: its handle and the module's glue and wasm URLs it loads.
    Worker {
        /// The worker.
        worker: web_sys::Worker,
        /// URL of the wasm-bindgen glue module.
        glue: String,
        /// URL of the wasm file.
        wasm: String,
    },
    /// In the page.
    Inline,
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
                .is_some_and(|file| file.starts_with("lasso-") && file.ends_with(suffix))
        })
}

impl Renderer {
    /// A worker when the page names the module's files (as Trunk's build does), else inline.
    pub fn start() -> Renderer {
        let (Some(glue), Some(wasm)) = (
            link("link[rel=modulepreload]", ".js"),
            link("link[rel=preload]", "_bg.wasm"),
        ) else {
            return Renderer::Inline;
        };
        let Ok(script) = web_sys::Url::new_with_base("pipeline-worker.js", &glue) else {
            return Renderer::Inline;
        };
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        match web_sys::Worker::new_with_options(&script.href(), &options) {
            Ok(worker) => Renderer::Worker { worker, glue, wasm },
            Err(_) => Renderer::Inline,
        }
    }

    /// Whether images go to a worker.
    pub fn in_worker(&self) -> bool {
        matches!(self, Renderer::Worker { .. })
    }

    /// Renders the plans drawn from one source image; the outputs in order.
    pub async fn render(
        &self,
        source: &[u8],
        plans: &[(ImagePlan, String)],
    ) -> Result<Vec<Vec<u8>>, String> {
        let json = serde_json::to_string(plans).map_err(|e| e.to_string())?;
        let Renderer::Worker { worker, glue, wasm } = self else {
            // Let the page draw its progress before the work.
            crate::timer::sleep(0).await;
            return render(source, &json);
        };
        let message = js_sys::Object::new();
        let buffer = js_sys::Uint8Array::from(source).buffer();
        for (key, value) in [
            ("glue", JsValue::from_str(glue)),
            ("wasm", JsValue::from_str(wasm)),
            ("source", buffer.clone().into()),
            ("plans", JsValue::from_str(&json)),
        ] {
            js_sys::Reflect::set(&message, &JsValue::from_str(key), &value)
                .map_err(|e| format!("{e:?}"))?;
        }
        let reply = js_sys::Promise::new(&mut |resolve, reject| {
            let done = resolve.clone();
            let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
                let _ = done.call1(&JsValue::NULL, &event.data());
            });
            let on_error = Closure::once_into_js(move |event: web_sys::ErrorEvent| {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&event.message()));
            });
            worker.set_onmessage(Some(on_message.unchecked_ref()));
            worker.set_onerror(Some(on_error.unchecked_ref()));
        });
        worker
            .post_message_with_transfer(&message, &js_sys::Array::of1(&buffer))
            .map_err(|e| format!("the image worker refused the job: {e:?}"))?;
        let Ok(answer) = wasm_bindgen_futures::JsFuture::from(reply).await else {
            // The worker itself failed (its script missing or not running): the page renders
            // instead.
            return render(source, &json);
        };
        let field = |name: &str| {
            js_sys::Reflect::get(&answer, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        };
        if !field("unavailable").is_undefined() {
            // The worker runs but cannot load the module: the page renders instead.
            return render(source, &json);
        }
        let error = field("error");
        if let Some(e) = error.as_string() {
            return Err(e);
        }
        let images = field("images")
            .dyn_into::<js_sys::Array>()
            .ok()
            .ok_or("the image worker answered without images")?;
        Ok(images
            .iter()
            .map(|image| js_sys::Uint8Array::new(&image).to_vec())
            .collect())
    }
}

impl Drop for Renderer {
    fn drop(&mut self) {
        if let Renderer::Worker { worker, .. } = self {
            worker.terminate();
        }
    }
}
