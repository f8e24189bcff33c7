//! The `pixel_tools` chunk: the code of the brush, the eraser, the magic wand, the segmentation
//! tool and the scissors (`lasso_core::edit::install_pixel_tools`). `mount` fetches it beside
//! the side bar; input given to one of these tools before it is in waits for it
//! (`app/tool_input.rs`).

use super::NotLoaded;

split! {
    pixel_tools;
    /// Installs the pixel tools in the editor.
    fn install() -> Result<(), NotLoaded> {
        lasso_core::edit::install_pixel_tools();
        Ok(())
    }
}

/// Fetches and installs the pixel tools, unless they are in.
pub async fn load() -> Result<(), NotLoaded> {
    if lasso_core::edit::pixel_tools_ready() {
        return Ok(());
    }
    install().await
}
