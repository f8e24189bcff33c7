//! `lasso pull` and `lasso build`: a team project in the bucket gathered into a dataset.
//!
//! `pull` lists the project, takes for each task the result the policy chooses (accepted,
//! consensus, latest, one annotator's), reads manifests, results and images in parallel
//! through a cache that survives an interrupted run, records every object read in a version
//! manifest, and writes the dataset by a recipe. `build` reads a version manifest and makes the
//! same dataset again, byte for byte, refusing objects that changed since.

use super::recipe;
use super::s3::{Endpoint, Listed, Store};
use super::Failure;
use lasso_core::dataset::version::{ConsensusSettings, LAYOUT};
use lasso_core::dataset::{
    choose, combine, Candidates, Choice, Recipe, Source, TaskSource, Version,
};
use lasso_core::formats::Dataset;
use lasso_core::model::{ImageRef, Task};
use lasso_core::team::{Project, ProjectKeys};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file a version manifest is written to beside the dataset.
pub const VERSION_FILE: &str = "lasso-version.json";

/// The folder inside the output that caches objects read from the bucket.
const CACHE: &str = ".lasso-pull";

/// What `lasso pull` was asked.
pub struct Pull {
    /// The bucket.
    pub endpoint: Endpoint,
    /// The project id.
    pub project: String,
    /// Which result each task takes.
    pub choose: Vec<Choice>,
    /// How a consensus is formed.
    pub consensus: ConsensusSettings,
    /// The steps to the files.
    pub recipe: Recipe,
    /// The output folder.
    pub output: PathBuf,
    /// Also save the version in the bucket under this name.
    pub name: Option<String>,
}

fn other(e: String) -> Failure {
    Failure::Other(e)
}

/// Runs `lasso pull`.
pub fn pull(job: &Pull) -> Result<(), Failure> {
    let keys = ProjectKeys::new(&job.project).map_err(other)?;
    if let Some(name) = &job.name {
        lasso_core::team::layout::check_project_id(name)
            .map_err(|e| other(format!("--name {name:?}: {e}")))?;
    }
    let bucket = job
        .endpoint
        .bucket
        .clone()
        .ok_or_else(|| other("give the bucket with --bucket (or LASSO_BUCKET)".into()))?;
    let store = Store::connect(&job.endpoint, &job.output.join(CACHE)).map_err(other)?;
    if let Some(name) = &job.name {
        // Refused before anything is downloaded (and again just before saving).
        refuse_existing_version(&store, &keys, name)?;
    }
    let spinner = super::folder::spinner(&format!("listing project {}", job.project));
    let listing = list_project(&store, &keys)?;
    spinner.finish_and_clear();
    let mut tasks = Vec::new();
    let mut left_out = 0usize;
    for (task, manifest) in &listing.manifests {
        let candidates = listing.candidates.get(task).cloned().unwrap_or_default();
        match choose(&job.choose, &candidates) {
            Some((taken, results)) => tasks.push((task.clone(), manifest.clone(), taken, results)),
            None => left_out += 1,
        }
    }
    // Every object recorded carries its ETag, so `build` can tell when it changed.
    let parallel = job.endpoint.parallel;
    let project_file = with_etags(&store, vec![listing.project_file.clone()], 1)?.remove(0);
    let manifest_sources = with_etags(
        &store,
        tasks.iter().map(|t| t.1.clone()).collect(),
        parallel,
    )?;
    for (task, source) in tasks.iter_mut().zip(&manifest_sources) {
        task.1 = source.clone();
    }
    let result_sources: Vec<Source> = tasks
        .iter()
        .flat_map(|t| t.3.iter().map(|(_, s)| s.clone()))
        .collect();
    let mut filled = with_etags(&store, result_sources, parallel)?.into_iter();
    for task in &mut tasks {
        for (_, source) in &mut task.3 {
            if let Some(s) = filled.next() {
                *source = s;
            }
        }
    }
    // Manifests name the images: read them first (small), then every image.
    let manifests = fetch_all(
        &store,
        &manifest_sources,
        job.endpoint.parallel,
        "reading tasks",
    )?;
    let mut taken = Vec::new();
    for ((task, manifest, rule, results), bytes) in tasks.into_iter().zip(manifests) {
        let parsed: Task = serde_json::from_slice(&bytes.0)
            .map_err(|e| other(format!("{} is not a task manifest: {e}", manifest.key)))?;
        let image = listing
            .images
            .get(&parsed.image.src)
            .cloned()
            .ok_or_else(|| {
                other(format!(
                    "task {task}: its image {} is not in the bucket",
                    parsed.image.src
                ))
            })?;
        taken.push(TaskSource {
            task,
            manifest,
            image,
            taken: rule,
            results,
        });
    }
    let images = with_etags(
        &store,
        taken.iter().map(|t| t.image.clone()).collect(),
        parallel,
    )?;
    for (t, image) in taken.iter_mut().zip(&images) {
        t.image = image.clone();
    }
    let downloaded = fetch_all_to_cache(&store, &images, parallel, "reading images")?;
    let version = Version {
        layout: LAYOUT,
        lasso: env!("CARGO_PKG_VERSION").to_string(),
        name: job.name.clone(),
        bucket,
        project: job.project.clone(),
        choose: job.choose.clone(),
        consensus: job.consensus,
        recipe: job.recipe.clone(),
        project_file,
        tasks: taken,
    };
    let by_rule = version
        .tasks
        .iter()
        .fold(BTreeMap::<String, usize>::new(), |mut m, t| {
            *m.entry(t.taken.to_string()).or_default() += 1;
            m
        });
    let rules: Vec<String> = by_rule.iter().map(|(r, n)| format!("{n} {r}")).collect();
    eprintln!(
        "lasso: {} tasks taken ({}), {left_out} without a result the policy takes; {} images downloaded, {} already here",
        version.tasks.len(),
        rules.join(", "),
        downloaded,
        images.len() - downloaded
    );
    write_version(&store, &version, &job.output, &keys)?;
    Ok(())
}

/// Runs `lasso build`: the dataset of a version manifest, again.
pub fn build(version_file: &Path, endpoint: &Endpoint, output: &Path) -> Result<(), Failure> {
    let text =
        std::fs::read(version_file).map_err(|e| Failure::Io(version_file.to_path_buf(), e))?;
    let version: Version = serde_json::from_slice(&text).map_err(|e| {
        other(format!(
            "{}: not a dataset version: {e}",
            version_file.display()
        ))
    })?;
    if version.layout > LAYOUT {
        return Err(other(format!(
            "{}: layout {} is newer than this lasso reads ({LAYOUT})",
            version_file.display(),
            version.layout
        )));
    }
    let mut endpoint = endpoint.clone();
    endpoint
        .bucket
        .get_or_insert_with(|| version.bucket.clone());
    let store = Store::connect(&endpoint, &output.join(CACHE)).map_err(other)?;
    let mut sources = vec![version.project_file.clone()];
    for t in &version.tasks {
        sources.push(t.manifest.clone());
        sources.push(t.image.clone());
        sources.extend(t.results.iter().map(|(_, s)| s.clone()));
    }
    let downloaded = fetch_all_to_cache(&store, &sources, endpoint.parallel, "reading objects")?;
    eprintln!(
        "lasso: {} objects of version {}: {downloaded} downloaded",
        sources.len(),
        version_file.display()
    );
    let mut version = version;
    // Rebuilding never saves a version in the bucket again.
    let saved_name = version.name.take();
    write_dataset(&store, &version, output, saved_name)?;
    Ok(())
}

/// Writes the dataset and the version manifest beside it; with a name, also saves the manifest
/// in the bucket (refusing to replace one of that name).
fn write_version(
    store: &Store,
    version: &Version,
    output: &Path,
    keys: &ProjectKeys,
) -> Result<(), Failure> {
    if let Some(name) = &version.name {
        refuse_existing_version(store, keys, name)?;
    }
    let mut unnamed = version.clone();
    let name = unnamed.name.take();
    write_dataset(store, &unnamed, output, name.clone())?;
    if let Some(name) = name {
        let key = format!("{}/datasets/{name}/version.json", keys.id());
        store
            .put(&key, &manifest_bytes(version)?, "application/json")
            .map_err(other)?;
        eprintln!("lasso: version saved as {key}");
    }
    Ok(())
}

/// Fails when the bucket already holds a version of this name (versions are never replaced).
fn refuse_existing_version(store: &Store, keys: &ProjectKeys, name: &str) -> Result<(), Failure> {
    let key = format!("{}/datasets/{name}/version.json", keys.id());
    if store.exists(&key).map_err(other)? {
        return Err(other(format!(
            "a version named {name} exists already ({key}); choose another --name"
        )));
    }
    Ok(())
}

fn manifest_bytes(version: &Version) -> Result<Vec<u8>, Failure> {
    let mut bytes = serde_json::to_vec_pretty(version).map_err(|e| other(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The dataset of `version` (every object in the cache) written to `output` with the manifest
/// beside it; `name` is written into the local manifest only.
fn write_dataset(
    store: &Store,
    version: &Version,
    output: &Path,
    name: Option<String>,
) -> Result<(), Failure> {
    let dataset = assemble(store, version)?;
    recipe::write(&version.recipe, dataset, &store.cached_path(""), output)?;
    let mut local = version.clone();
    local.name = name;
    let path = output.join(VERSION_FILE);
    std::fs::write(&path, manifest_bytes(&local)?).map_err(|e| Failure::Io(path, e))
}

/// The project as listed: its file, manifests by task, images by key, results by task.
struct Listing {
    project_file: Source,
    manifests: BTreeMap<String, Source>,
    images: BTreeMap<String, Source>,
    candidates: BTreeMap<String, Candidates>,
}

fn list_project(store: &Store, keys: &ProjectKeys) -> Result<Listing, Failure> {
    let id = keys.id();
    let project_file = store
        .list(&keys.project_json())
        .map_err(other)?
        .into_iter()
        .find(|l| l.source.key == keys.project_json())
        .ok_or_else(|| {
            other(format!(
                "no project {id} in this bucket ({} is missing)",
                keys.project_json()
            ))
        })?
        .source;
    let mut manifests = BTreeMap::new();
    let mut images = BTreeMap::new();
    for l in store.list(&format!("{id}/src/")).map_err(other)? {
        if let Some(task) = keys.task_of_manifest(&l.source.key) {
            manifests.insert(task.to_string(), l.source);
        } else {
            images.insert(l.source.key.clone(), l.source);
        }
    }
    let mut candidates: BTreeMap<String, Candidates> = BTreeMap::new();
    for Listed { source, modified } in store.list(&keys.results_prefix()).map_err(other)? {
        // Only the result itself (`target/<t>/<u>.json`), not files stored beside it.
        if let Some((task, owner)) = keys.parse_result(&source.key) {
            let (task, owner) = (task.to_string(), owner.to_string());
            candidates
                .entry(task)
                .or_default()
                .results
                .push((owner, source, modified));
        }
    }
    for l in store.list(&keys.accepted_prefix()).map_err(other)? {
        if let Some(task) = keys.parse_accepted(&l.source.key) {
            candidates.entry(task.to_string()).or_default().accepted = Some(l.source.clone());
        }
    }
    Ok(Listing {
        project_file,
        manifests,
        images,
        candidates,
    })
}

/// Reads every source (cached ones from the cache); bytes in order, each with whether it was
/// downloaded.
fn fetch_all(
    store: &Store,
    sources: &[Source],
    parallel: usize,
    what: &str,
) -> Result<Vec<(Vec<u8>, bool)>, Failure> {
    super::parallel::all(sources, parallel, what, |s| store.fetch(s))
}

/// The sources with their ETags (asked for where the listing left them out).
fn with_etags(
    store: &Store,
    sources: Vec<Source>,
    parallel: usize,
) -> Result<Vec<Source>, Failure> {
    if sources.iter().all(|s| !s.etag.is_empty()) {
        return Ok(sources);
    }
    super::parallel::all(&sources, parallel, "looking up", |s| store.with_etag(s))
}

/// Makes sure every source is in the cache; returns how many were downloaded. Bytes are
/// dropped as soon as they are cached: images are read again from the cache when written.
fn fetch_all_to_cache(
    store: &Store,
    sources: &[Source],
    parallel: usize,
    what: &str,
) -> Result<usize, Failure> {
    let missing: Vec<Source> = sources
        .iter()
        .filter(|s| !store.is_cached(s))
        .cloned()
        .collect();
    let downloaded = super::parallel::all(&missing, parallel, what, |s| {
        store.fetch(s).map(|(_, fresh)| fresh)
    })?;
    Ok(downloaded.into_iter().filter(|fresh| *fresh).count())
}

/// The dataset a version describes, from the cache: the project's label set, each task's image
/// (named as the manifest names it) and the annotations and tags of the result it took.
fn assemble(store: &Store, version: &Version) -> Result<Dataset, Failure> {
    let read =
        |source: &Source| -> Result<Vec<u8>, Failure> { Ok(store.fetch(source).map_err(other)?.0) };
    let project: Project = serde_json::from_slice(&read(&version.project_file)?).map_err(|e| {
        other(format!(
            "{} is not a project file: {e}",
            version.project_file.key
        ))
    })?;
    let mut tasks = Vec::new();
    for t in &version.tasks {
        let manifest: Task = serde_json::from_slice(&read(&t.manifest)?)
            .map_err(|e| other(format!("{} is not a task manifest: {e}", t.manifest.key)))?;
        let mut results = Vec::new();
        for (who, source) in &t.results {
            let result: Task = serde_json::from_slice(&read(source)?)
                .map_err(|e| other(format!("{} is not a result: {e}", source.key)))?;
            results.push((who.clone(), result));
        }
        let (annotations, tags) =
            combine(&t.task, &t.taken, &results, version.consensus).map_err(other)?;
        let (width, height) = image_size(store, &t.image, &manifest)?;
        let name = if manifest.image.name.is_empty() {
            t.image
                .key
                .rsplit('/')
                .next()
                .unwrap_or(&t.image.key)
                .to_string()
        } else {
            manifest.image.name.clone()
        };
        tasks.push(Task {
            id: t.task.clone(),
            image: ImageRef {
                src: t.image.key.clone(),
                name,
                width,
                height,
                license: manifest.image.license.clone(),
                kind: manifest.image.kind,
                geo: manifest.image.geo.clone(),
                // The dataset holds the original; the bucket's pyramid stays in the bucket.
                tiles: None,
            },
            labels: project.labels.clone(),
            annotations,
            tags,
        });
    }
    Ok(Dataset {
        labels: project.labels,
        tasks,
        ..Dataset::default()
    })
}

/// The image's upright size: the manifest's, or read from the cached file.
fn image_size(store: &Store, image: &Source, manifest: &Task) -> Result<(u32, u32), Failure> {
    if manifest.image.width > 0 && manifest.image.height > 0 {
        return Ok((manifest.image.width, manifest.image.height));
    }
    let path = store.cached_path(&image.key);
    let size = imagesize::size(&path).map_err(|e| {
        Failure::Io(
            path.clone(),
            std::io::Error::other(format!("cannot read the image size: {e}")),
        )
    })?;
    let head = std::fs::read(&path).map_err(|e| Failure::Io(path.clone(), e))?;
    Ok(lasso_core::orientation::upright(
        &head,
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    ))
}
