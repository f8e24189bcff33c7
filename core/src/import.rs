//! Local image folders: which files are images, which class a folder-per-class layout gives an
//! image, and the stable task id of an image in a local dataset.
//!
//! Paths are relative to the dataset's root and use `/` (a browser gives `webkitRelativePath`
//! like `pets/cats/a.png`, whose first component is the picked folder itself; see
//! [`strip_root`]). A folder-per-class layout (`cats/…`, `dogs/…`) is the common way image
//! classification datasets are shipped (ImageNet, torchvision's `ImageFolder`), so the innermost
//! folder names the image's tag.

/// File extensions the browser can decode and Lasso accepts as images (lowercase).
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "webp", "gif", "bmp", "avif", "tif", "tiff",
];

/// Normalises a relative path: backslashes become `/`, empty and `.` components are dropped.
pub fn normalize(path: &str) -> String {
    path.replace('\\', "/")
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The path without its first component: `pets/cats/a.png` → `cats/a.png`. A path with a single
/// component is returned unchanged (a file dropped on its own has no root folder).
pub fn strip_root(path: &str) -> String {
    let path = normalize(path);
    match path.split_once('/') {
        Some((_, rest)) => rest.to_string(),
        None => path,
    }
}

/// The first component of a path (the picked folder's name), if the path has a folder.
pub fn root_name(path: &str) -> Option<String> {
    let path = normalize(path);
    path.split_once('/').map(|(root, _)| root.to_string())
}

/// Whether a path names an image Lasso can open: a known extension, and neither the file nor any
/// folder on its way is hidden (`.DS_Store`, `.git/…`, `__MACOSX/…` are skipped).
pub fn is_image_path(path: &str) -> bool {
    let path = normalize(path);
    if path
        .split('/')
        .any(|c| c.starts_with('.') || c == "__MACOSX")
    {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        _ => false,
    }
}

/// The class of an image in a folder-per-class layout: its innermost folder (`train/cats/a.png`
/// → `cats`), or `None` for an image at the dataset's root.
pub fn class_from_path(path: &str) -> Option<String> {
    let path = normalize(path);
    let (folders, _file) = path.rsplit_once('/')?;
    let class = folders.rsplit('/').next().unwrap_or(folders);
    (!class.is_empty()).then(|| class.to_string())
}

/// The sorted, distinct classes of a set of image paths.
pub fn classes<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = paths.into_iter().filter_map(class_from_path).collect();
    out.sort();
    out.dedup();
    out
}

/// The task id of an image in a local dataset: `local:{dataset}/{path}`. Opening the same folder
/// again gives the same ids, so earlier annotations of its images come back.
pub fn local_task_id(dataset: &str, path: &str) -> String {
    format!("local:{dataset}/{}", normalize(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_folder_is_the_class() {
        for (path, class) in [
            ("cats/a.png", Some("cats")),
            ("train/dogs/b.jpg", Some("dogs")),
            ("a.png", None),
            ("cats\\c.png", Some("cats")),
            ("./birds//d.png", Some("birds")),
        ] {
            assert_eq!(class_from_path(path).as_deref(), class, "{path}");
        }
    }

    #[test]
    fn root_is_stripped_once() {
        assert_eq!(strip_root("pets/cats/a.png"), "cats/a.png");
        assert_eq!(strip_root("pets/a.png"), "a.png");
        assert_eq!(strip_root("a.png"), "a.png");
        assert_eq!(root_name("pets/cats/a.png").as_deref(), Some("pets"));
        assert_eq!(root_name("a.png"), None);
    }

    #[test]
    fn only_visible_images_are_accepted() {
        for (path, ok) in [
            ("cats/a.PNG", true),
            ("a.jpeg", true),
            ("cats/notes.txt", false),
            (".DS_Store", false),
            ("cats/.hidden.png", false),
            (".git/x.png", false),
            ("__MACOSX/cats/a.png", false),
            ("cats/png", false),
            ("cats/.png", false),
        ] {
            assert_eq!(is_image_path(path), ok, "{path}");
        }
    }

    #[test]
    fn classes_are_sorted_and_distinct() {
        let got = classes(["dogs/1.png", "cats/2.png", "dogs/3.png", "root.png"]);
        assert_eq!(got, vec!["cats".to_string(), "dogs".to_string()]);
    }

    #[test]
    fn task_ids_are_stable_and_distinct() {
        assert_eq!(local_task_id("pets", "cats/a.png"), "local:pets/cats/a.png");
        assert_eq!(
            local_task_id("pets", "cats\\a.png"),
            local_task_id("pets", "cats/a.png")
        );
        assert_ne!(
            local_task_id("pets", "cats/a.png"),
            local_task_id("pets", "dogs/a.png")
        );
    }
}
