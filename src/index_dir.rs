//! Opening (for reading or updating), creating and checking the index directory, and the
//! metadata dateline keeps in tantivy's commit payload (so it is written atomically with the
//! documents it describes). Searching opens its reader here, never through the indexer.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::{LockError, OpenReadError};
use tantivy::directory::{Directory, DirectoryLock, MmapDirectory, INDEX_WRITER_LOCK, META_LOCK};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings, TantivyError};

use crate::schema::{self, Fields, SCHEMA_VERSION};

/// What dateline stores in each commit's payload.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Meta {
    pub dateline_schema: u32,
    /// Absolute folders the index was built from, re-read by a bare `dateline index`.
    pub roots: Vec<PathBuf>,
    /// Path ids of files read in pieces (archives, large JSON Lines files) that a commit
    /// caught part-way: the index holds some of their articles. The next run reads them
    /// again whole. Absent from indexes written before it was kept, and when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<u64>,
    /// The collection each folder of `roots` is indexed as (`dateline index --collection`,
    /// else the folder's own name, [`default_collection`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub collections: BTreeMap<PathBuf, String>,
    /// Folders whose collection was renamed and whose articles are not all labelled with
    /// the new name yet: every file under them is read again until a pass completes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relabel: Vec<PathBuf>,
}

impl Meta {
    /// The collection the articles under folder `root` are indexed as.
    pub fn collection_of(&self, root: &Path) -> String {
        self.collections
            .get(root)
            .cloned()
            .unwrap_or_else(|| default_collection(root))
    }
}

/// A folder's collection when none is named: its own name (`/archive/bbc` is `bbc`), or the
/// whole path for a folder that has none (`/`).
pub fn default_collection(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| root.display().to_string())
}

/// An opened dateline index.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
    pub meta: Meta,
    pub path: PathBuf,
}

fn has_meta(path: &Path) -> bool {
    path.join("meta.json").is_file()
}

/// True when `path` holds a tantivy index (of any schema).
pub fn exists(path: &Path) -> bool {
    has_meta(path)
}

/// True when `path` holds an index whose last commit is whole: its metadata opens and so does
/// every file of every segment it lists (tantivy opens them under its metadata lock, so a
/// commit running beside this cannot make it fail). A folder being removed under a running
/// update fails this while its `meta.json` is still in place.
pub fn whole(path: &Path) -> bool {
    Index::open_in_dir(path).is_ok_and(|index| reader(&index).is_ok())
}

/// The folders an index at `path` remembers and their collections, read straight from its
/// metadata so that even an index of an older schema tells `--rebuild` what to read again.
pub fn remembered(path: &Path) -> Meta {
    raw_payload(path)
        .and_then(|p| serde_json::from_value::<Meta>(p).ok())
        .unwrap_or_default()
}

/// dateline's commit payload in `meta.json`, read as plain JSON: also from an index of an
/// older schema, or one tantivy itself can no longer open.
fn raw_payload(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&text).ok()?;
    serde_json::from_str(meta.get("payload")?.as_str()?).ok()
}

/// The dateline schema version an index was written with.
fn written_by(path: &Path) -> Option<u32> {
    u32::try_from(raw_payload(path)?.get("dateline_schema")?.as_u64()?).ok()
}

fn rebuild_hint(path: &Path) -> String {
    format!(
        "run `dateline index --rebuild --index {}` to build it again",
        path.display()
    )
}

/// The error for a command run where no index is: how to build one, and how to point at
/// one kept elsewhere (the usual cause when a command is run from another folder).
pub fn no_index(path: &Path) -> anyhow::Error {
    let shown = if path.is_relative() && !path.starts_with(".") {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    };
    anyhow::anyhow!(
        "no index at {}: build one with `dateline index FOLDER`, or point to yours with \
         --index PATH (or DATELINE_INDEX=PATH)",
        shown.display()
    )
}

/// Opens an existing dateline index for reading or updating; fails with an actionable
/// message when it is missing, foreign, or from an incompatible version.
pub fn open(path: &Path) -> Result<OpenIndex> {
    Ok(open_with_metas(path)?.0)
}

/// [`open`], and the metadata of the commit it read.
fn open_with_metas(path: &Path) -> Result<(OpenIndex, tantivy::IndexMeta)> {
    if !has_meta(path) {
        if path.is_dir() && dir_has_entries(path)? {
            bail!(
                "{} is not a dateline index (no meta.json); pass --index a new or empty folder",
                path.display()
            );
        }
        return Err(no_index(path));
    }
    let index = Index::open_in_dir(path).map_err(|e| {
        // tantivy quotes the whole meta.json in its error; an index of another dateline
        // version is the likely cause, and says so in fewer words.
        if written_by(path).is_some_and(|v| v != SCHEMA_VERSION) {
            return anyhow::anyhow!(
                "{} was written by an incompatible version of dateline; {}",
                path.display(),
                rebuild_hint(path)
            );
        }
        let mut reason = one_line(&e);
        if let Some((cut, _)) = reason.char_indices().nth(200) {
            reason.truncate(cut);
            reason.push('…');
        }
        anyhow::anyhow!(
            "cannot open index {}: {}; {}",
            path.display(),
            reason,
            rebuild_hint(path)
        )
    })?;
    let (expected, _) = schema::build_schema();
    if index.schema() != expected {
        bail!(
            "{} was written by an incompatible version of dateline (or another program); {}",
            path.display(),
            rebuild_hint(path)
        );
    }
    let metas = index.load_metas().context("reading index metadata")?;
    let meta = match metas.payload.as_deref() {
        Some(p) => serde_json::from_str::<Meta>(p).ok(),
        // A new index whose first commit has not happened yet.
        None if metas.segments.is_empty() => Some(Meta {
            dateline_schema: SCHEMA_VERSION,
            ..Meta::default()
        }),
        None => None,
    };
    let Some(meta) = meta.filter(|m| m.dateline_schema == SCHEMA_VERSION) else {
        bail!(
            "{} was written by an incompatible version of dateline; {}",
            path.display(),
            rebuild_hint(path)
        );
    };
    schema::prepare(&index);
    let fields = schema::fields_of(&index.schema());
    Ok((
        OpenIndex {
            index,
            fields,
            meta,
            path: path.to_path_buf(),
        },
        metas,
    ))
}

/// Most threads a search runs on; past this, starting them costs more than they save on
/// the segment counts `--memory` gives.
const MAX_SEARCH_THREADS: usize = 8;
/// Articles per search thread. Starting threads and handing segments to them costs about
/// what they save on an archive of a couple of segments; on larger ones they save time on
/// every broad query.
const ARTICLES_PER_SEARCH_THREAD: usize = 200_000;

/// [`open`], with searches run over the segments on every core (up to one thread per
/// segment): a ranked search is otherwise one thread working through each segment in turn.
/// On a large archive a broad query spends most of its time in its all-words pass on one
/// core, while a search process has the machine's other cores idle.
pub fn open_for_search(path: &Path) -> Result<OpenIndex> {
    let (mut open, metas) = open_with_metas(path)?;
    let articles: usize = metas.segments.iter().map(|s| s.num_docs() as usize).sum();
    let wanted = metas
        .segments
        .len()
        .min(articles / ARTICLES_PER_SEARCH_THREAD)
        .min(MAX_SEARCH_THREADS);
    // The cores are only asked for when the archive wants more than one thread: finding
    // them reads the cgroup's files, work every search of a small archive would do for
    // nothing.
    let threads = if wanted > 1 {
        wanted.min(std::thread::available_parallelism().map_or(1, |n| n.get()))
    } else {
        wanted
    };
    if threads > 1 {
        // A pool that cannot start leaves the search on this thread, as it was.
        let _ = open.index.set_multithread_executor(threads);
    }
    Ok(open)
}

/// A reader of the last commit; reloaded by hand, so no file watcher thread is started.
pub fn reader(index: &Index) -> Result<tantivy::IndexReader> {
    index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| match &e {
            // A file of the last commit is gone (tantivy opens them under its metadata lock,
            // so no commit beside this one removed it): another program did.
            TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => {
                let path = file.parent().unwrap_or(Path::new("."));
                anyhow::anyhow!(
                    "{} is damaged: files of its last commit are missing (removed by another \
                     program?); {}",
                    path.display(),
                    rebuild_hint(path)
                )
            }
            _ => anyhow::Error::new(e).context("opening index reader"),
        })
}

fn dir_has_entries(path: &Path) -> Result<bool> {
    Ok(std::fs::read_dir(path)
        .with_context(|| format!("reading {}", path.display()))?
        .next()
        .is_some())
}

/// Creates a new, empty dateline index at `path`. Files in the folder that tantivy did not
/// write are never touched. (`--rebuild` builds in [`staging_path`] and swaps it in with
/// [`replace_with_staging`], so an existing index is never emptied first.)
pub fn create(path: &Path) -> Result<OpenIndex> {
    if path.exists() && !path.is_dir() {
        bail!(
            "{} is a file, not a folder: pass --index a new or empty folder",
            path.display()
        );
    }
    if has_meta(path) {
        bail!("{} already holds an index", path.display());
    } else if path.is_dir() && dir_has_entries(path)? && !only_dateline_files(path)? {
        bail!(
            "{} is not empty and not a dateline index; pass --index a new or empty folder",
            path.display()
        );
    }
    std::fs::create_dir_all(path)
        .with_context(|| format!("creating index folder {}", path.display()))?;
    let (schema, fields) = schema::build_schema();
    let dir = MmapDirectory::open(path)
        .with_context(|| format!("opening index folder {}", path.display()))?;
    let index = Index::create(dir, schema, settings())
        .with_context(|| format!("creating index in {}", path.display()))?;
    schema::prepare(&index);
    Ok(OpenIndex {
        index,
        fields,
        meta: Meta {
            dateline_schema: SCHEMA_VERSION,
            ..Meta::default()
        },
        path: path.to_path_buf(),
    })
}

/// Stored article text is most of an index; zstd keeps it well under the size of the text
/// itself (lz4, tantivy's default, leaves the index larger than the archive).
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        ..IndexSettings::default()
    }
}

/// The project's own `index/` folder ships a README and .gitignore; those do not make it foreign.
fn only_dateline_files(path: &Path) -> Result<bool> {
    for entry in std::fs::read_dir(path)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') || name == "README.md") {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Where `--rebuild` builds the new index: inside the index folder, so that its files are
/// on the same file system and can be renamed into place, under a hidden name that neither
/// tantivy (which only touches the files it lists) nor a walk of the folder ever reads.
pub fn staging_path(index: &Path) -> PathBuf {
    index.join(".rebuild")
}

/// Removes a staging folder a rebuild left (killed, interrupted, or failed). The caller holds
/// the index's writer lock, so no rebuild is using it.
pub fn remove_staging(index: &Path) -> Result<()> {
    let staging = staging_path(index);
    match std::fs::remove_dir_all(&staging) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", staging.display())),
    }
}

/// Takes the index's writer lock without opening it with tantivy (it may be of another
/// version): a rebuild holds it from start to switch, so other indexers are refused.
pub fn lock_writer(path: &Path) -> Result<DirectoryLock> {
    let dir = MmapDirectory::open(path)
        .with_context(|| format!("opening index folder {}", path.display()))?;
    dir.acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| writer_error(path, e.into()))
}

const MANAGED: &str = ".managed.json";
const META: &str = "meta.json";

/// The files tantivy lists as its own in `.managed.json` (plain names only: a crafted list
/// must not reach outside the folder).
fn managed_files(path: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(path.join(MANAGED))
        .ok()
        .and_then(|text| serde_json::from_str::<Vec<PathBuf>>(&text).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.components().count() == 1)
        .collect()
}

/// Writes `.managed.json` as tantivy does, replacing it whole (write, sync, rename).
fn write_managed(path: &Path, files: &BTreeSet<PathBuf>) -> Result<()> {
    let mut text = serde_json::to_vec(files)?;
    text.push(b'\n');
    write_atomic(path, MANAGED, &text)
}

/// Replaces the file `name` in folder `dir` with `bytes` whole, for readers and across a
/// crash alike: written to a temporary file beside it and synced, renamed over it, and the
/// folder synced so the rename itself survives a power cut. Killed at any moment, the file
/// holds the old bytes or the new ones; the caller keeps two writers of one file apart.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let tmp = dir.join(format!("{name}.dateline-tmp"));
    let target = dir.join(name);
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&tmp, &target))
        .with_context(|| format!("writing {}", target.display()))?;
    sync_dir(dir)
}

/// Makes the entries of folder `path` (files created, renamed or removed in it) durable.
pub fn sync_dir(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing {}", path.display()))
}

/// Replaces the index at `index` with the complete one built in its [`staging_path`], in
/// one step for everyone reading it: the new segment files (new names, so the old index
/// does not see them) are moved in first, then the new `meta.json` replaces the old one by
/// rename(2), tantivy's own commit point. Killed at any moment, the folder holds the old
/// index or the new one, whole; files left over are listed in `.managed.json` beforehand,
/// so tantivy's next clean-up removes them. Files tantivy did not write (the project's
/// README, .gitignore) are never touched.
pub fn replace_with_staging(index: &Path) -> Result<()> {
    let staging = staging_path(index);
    let old: BTreeSet<PathBuf> = managed_files(index).into_iter().collect();
    let mut new = BTreeSet::new();
    for entry in
        std::fs::read_dir(&staging).with_context(|| format!("reading {}", staging.display()))?
    {
        let entry = entry?;
        let name = PathBuf::from(entry.file_name());
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type()?.is_file() && !hidden && name != Path::new(META) {
            new.insert(name);
        }
    }
    let mut listed: BTreeSet<PathBuf> = old.union(&new).cloned().collect();
    listed.insert(PathBuf::from(META));
    write_managed(index, &listed)?;
    for name in &new {
        std::fs::rename(staging.join(name), index.join(name))
            .with_context(|| format!("moving {} into {}", name.display(), index.display()))?;
    }
    sync_dir(index)?;
    std::fs::rename(staging.join(META), index.join(META))
        .with_context(|| format!("replacing {}", index.join(META).display()))?;
    sync_dir(index)?;
    {
        // A reader holds this lock while it opens the segments `meta.json` named, as
        // tantivy's own clean-up respects.
        let dir = MmapDirectory::open(index)
            .with_context(|| format!("opening index folder {}", index.display()))?;
        let _meta_lock = dir
            .acquire_lock(&META_LOCK)
            .map_err(|e| writer_error(index, e.into()))?;
        for name in old.difference(&new) {
            if name == Path::new(META) {
                continue;
            }
            match std::fs::remove_file(index.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("removing {}", name.display())),
            }
        }
    }
    new.insert(PathBuf::from(META));
    write_managed(index, &new)?;
    remove_staging(index)
}

/// Turns tantivy's lock error into the message users see when two indexers collide.
pub fn writer_error(path: &Path, err: TantivyError) -> anyhow::Error {
    match err {
        TantivyError::LockFailure(LockError::LockBusy, _) => anyhow::anyhow!(
            "index {} is being updated by another dateline process (perhaps a `dateline index \
             --watch`, which runs until stopped with Ctrl-C); try again when it has finished",
            path.display()
        ),
        other => anyhow::anyhow!(
            "cannot update index {}: {}",
            path.display(),
            one_line(&other)
        ),
    }
}

pub fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
