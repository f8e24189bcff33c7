//! Rendering preprocessed and augmented images off the page's main thread: a
//! [`ModuleWorker`] calls [`render_pipeline_images`]; the page sends it one source image and
//! the plans drawn from it at a time. Where no worker can be started (a host page without the
//! worker file, the module's URLs not found in the page), the same function runs in the page
//! between turns of its event loop, so the export still works.

use crate::module_worker::{ModuleWorker, WorkerError};
use lasso_core::dataset::ImagePlan;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Decodes `source` (upright by EXIF orientation) once and renders and encodes each plan of
/// `plans` (JSON: `[[ImagePlan, output name], …]`); called by the worker, and inline.
#[wasm_bindgen(js_name = renderPipelineImages)]
pub async fn render_pipeline_images(
    source: Vec<u8>,
    plans: String,
) -> Result<js_sys::Array, JsValue> {
    let images = render(&source, &plans)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    Ok(images
        .into_iter()
        .map(|bytes| JsValue::from(js_sys::Uint8Array::from(bytes.as_slice())))
        .collect())
}

async fn render(source: &[u8], plans: &str) -> Result<Vec<Vec<u8>>, String> {
    crate::on_demand::pixels::render_plans(source, plans).await?
}

/// Where images are rendered.
pub enum Renderer {
    /// In a worker.
    Worker(ModuleWorker),
    /// In the page.
    Inline,
}

impl Renderer {
    /// A worker when the page names the module's files (preload links), else inline.
    pub fn start() -> Renderer {
        ModuleWorker::start().map_or(Renderer::Inline, Renderer::Worker)
    }

    /// Whether images go to a worker.
    pub fn in_worker(&self) -> bool {
        matches!(self, Renderer::Worker(_))
    }

    /// Renders the plans drawn from one source image; the outputs in order.
    pub async fn render(
        &self,
        source: &[u8],
        plans: &[(ImagePlan, String)],
    ) -> Result<Vec<Vec<u8>>, String> {
        let json = crate::on_demand::pixels::plans_text(plans).await??;
        let Renderer::Worker(worker) = self else {
            // Let the page draw its progress before the work.
            crate::timer::sleep(0).await;
            return render(source, &json).await;
        };
        let bytes = js_sys::Uint8Array::from(source);
        let args = js_sys::Array::of2(&bytes, &JsValue::from_str(&json));
        let images = match worker
            .call(
                "renderPipelineImages",
                &args,
                &js_sys::Array::of1(&bytes.buffer()),
            )
            .await
        {
            Ok(images) => images,
            Err(WorkerError::Unavailable) => return render(source, &json).await,
            Err(WorkerError::Failed(e)) => return Err(e),
        };
        let images = images
            .dyn_into::<js_sys::Array>()
            .ok()
            .ok_or("the image worker answered without images")?;
        Ok(images
            .iter()
            .map(|image| js_sys::Uint8Array::new(&image).to_vec())
            .collect())
    }
}
