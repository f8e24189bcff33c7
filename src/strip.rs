//! The strip of images the editor moves through: a local dataset's images or the bucket's
//! task list, whichever was opened last, with what is known of each (its thumbnail, how many
//! annotations this browser holds for it). PageUp and PageDown step along it.

use crate::store::ImageInfo;
use std::collections::HashMap;

/// One image of the strip.
#[derive(Clone, Debug, PartialEq)]
pub enum StripEntry {
    /// An image of a local dataset (its task id is the image's id).
    Local(ImageInfo),
    /// A task manifest in the bucket, by key.
    Bucket(String),
}

impl StripEntry {
    /// The entry's identity: the local image's task id, or the manifest key.
    pub fn id(&self) -> &str {
        match self {
            StripEntry::Local(image) => &image.id,
            StripEntry::Bucket(key) => key,
        }
    }

    /// The name people read: the path inside the folder, or the manifest's file name.
    pub fn name(&self) -> &str {
        match self {
            StripEntry::Local(image) => &image.path,
            StripEntry::Bucket(key) => {
                let file = key.rsplit('/').next().unwrap_or(key);
                file.strip_suffix(".json").unwrap_or(file)
            }
        }
    }
}

/// The strip's images and what is known of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Strip {
    /// The images in order.
    pub entries: Vec<StripEntry>,
    /// The task id of each manifest opened from the bucket, by key (known once it is read).
    pub bucket_tasks: HashMap<String, String>,
    /// Annotations this browser holds per entry id (absent: not known yet, or never opened).
    pub counts: HashMap<String, usize>,
    /// Thumbnail URLs (object URLs of local images) per entry id.
    pub thumbs: HashMap<String, String>,
}

impl Strip {
    /// The position of the entry showing the task `open_task`: a local image with that task
    /// id, or a manifest that was read as that task.
    pub fn position(&self, open_task: &str) -> Option<usize> {
        self.entries.iter().position(|e| match e {
            StripEntry::Local(image) => image.id == open_task,
            StripEntry::Bucket(key) => self.bucket_tasks.get(key).is_some_and(|t| t == open_task),
        })
    }
}
