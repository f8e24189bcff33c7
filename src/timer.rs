//! Waiting in the page without blocking it.

/// Resolves after `ms` milliseconds (a `setTimeout`), letting the page draw and handle input
/// meanwhile; 0 yields one turn of the event loop.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
