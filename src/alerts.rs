//! Saved searches and their alerts (`dateline alert`): each saved in the index folder with
//! the ids of the articles it has already reported, so that a check names only the articles
//! that match now and were never reported before.
//!
//! Each alert is one file, `INDEX/alerts/NAME.alert`: a line of JSON (the search, when it
//! was added and last checked, how many articles it has reported) and then the ids of the
//! articles it has seen (those matching when it was added, and every one reported since),
//! 8 bytes each, sorted. The file is only ever replaced whole
//! ([`index_dir::write_atomic`]), so a kill at any moment leaves the old state or the new
//! one. One lock over the folder ([`Alerts::lock`]) keeps two commands from reading and
//! replacing the same state at once: two checks of an alert cannot both report an article.
//! A check saves what it reported only once its report is written ([`Alerts::save`] comes
//! last), so a check killed before it ends counts as not made and the next one reports the
//! same articles again: none is ever lost.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::{Searcher, SegmentOrdinal};

use crate::export::{self, Match};
use crate::index_dir::{self, OpenIndex};
use crate::query::{self, Filters};
use crate::schema;
use crate::search::{Request, SortOrder};

/// The folder of the alerts inside the index folder (tantivy only touches the files it
/// lists as its own, so it never removes these).
const FOLDER: &str = "alerts";
/// What an alert's file name ends with.
const EXTENSION: &str = ".alert";
/// The file whose lock every command that reads and replaces an alert's state holds.
const LOCK: &str = ".lock";
/// The layout of an alert's file, for a later version to tell its own from ours.
const LAYOUT: u32 = 1;
/// Longest alert name.
const MAX_NAME: usize = 64;

/// The filters of a saved search, as its file stores them (dates as YYYY-MM-DD).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub author: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub place: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collection: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undated: bool,
}

impl SavedFilters {
    pub fn new(f: &Filters) -> SavedFilters {
        SavedFilters {
            from: f.from.map(|d| d.to_string()),
            to: f.to.map(|d| d.to_string()),
            author: f.authors.clone(),
            place: f.places.clone(),
            source: f.sources.clone(),
            collection: f.collections.clone(),
            undated: f.undated,
        }
    }

    /// The filters a search runs with; an unreadable date (a hand-edited file) is refused.
    pub fn filters(&self) -> Result<Filters> {
        let day = |d: &Option<String>, flag: &str| {
            d.as_deref()
                .map(|d| {
                    NaiveDate::from_str(d).map_err(|_| {
                        anyhow::anyhow!(
                            "the saved {flag} '{d}' is not a day (YYYY-MM-DD): remove the alert \
                             and add it again"
                        )
                    })
                })
                .transpose()
        };
        Ok(Filters {
            from: day(&self.from, "--from")?,
            to: day(&self.to, "--to")?,
            authors: self.author.clone(),
            places: self.place.clone(),
            sources: self.source.clone(),
            collections: self.collection.clone(),
            undated: self.undated,
        })
    }

    /// The filters as the flags that would give them (`--from 2017-01-01 --author 'A B'`).
    pub fn flags(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        out.extend(self.from.iter().map(|v| ("--from", v.clone())));
        out.extend(self.to.iter().map(|v| ("--to", v.clone())));
        out.extend(self.author.iter().map(|v| ("--author", v.clone())));
        out.extend(self.place.iter().map(|v| ("--place", v.clone())));
        out.extend(self.source.iter().map(|v| ("--source", v.clone())));
        out.extend(self.collection.iter().map(|v| ("--collection", v.clone())));
        if self.undated {
            out.push(("--undated", String::new()));
        }
        out
    }
}

/// One saved search and what it has reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alert {
    #[serde(default)]
    pub layout: u32,
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub filters: SavedFilters,
    /// When it was added and last checked (RFC 3339, UTC).
    pub added: String,
    #[serde(default)]
    pub last_check: Option<String>,
    /// Articles its checks have reported, in all.
    #[serde(default)]
    pub reported: u64,
    /// How many ids follow the JSON line (a check on the file's length).
    pub seen: u64,
    /// The ids of the articles it has seen, sorted: those that matched when it was added
    /// and those reported since.
    #[serde(skip)]
    seen_ids: Vec<u64>,
}

impl Alert {
    /// The search the alert runs: its matches newest first, so a report reads like a feed.
    pub fn request(&self) -> Result<Request> {
        Ok(Request {
            query: self.query.clone(),
            filters: self.filters.filters()?,
            sort: SortOrder::Newest,
            ..Request::default()
        })
    }

    /// Whether the article with id `id` was seen before.
    pub fn has_seen(&self, id: u64) -> bool {
        self.seen_ids.binary_search(&id).is_ok()
    }

    /// Counts `ids` as reported at `now`.
    pub fn remember(&mut self, ids: &[u64], now: String) {
        self.seen_ids.extend_from_slice(ids);
        self.seen_ids.sort_unstable();
        self.seen_ids.dedup();
        self.seen = self.seen_ids.len() as u64;
        self.reported += ids.len() as u64;
        self.last_check = Some(now);
    }

    /// The file's bytes: the JSON line, then the ids.
    fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec(self)?;
        out.push(b'\n');
        out.reserve(self.seen_ids.len() * 8);
        for id in &self.seen_ids {
            out.extend_from_slice(&id.to_le_bytes());
        }
        Ok(out)
    }

    /// Reads an alert's file; a damaged one is refused with the way out.
    fn from_bytes(bytes: &[u8], path: &Path) -> Result<Alert> {
        let damaged = || {
            anyhow::anyhow!(
                "{} is damaged: remove it (`dateline alert remove`) and add the alert again",
                path.display()
            )
        };
        let newline = bytes.iter().position(|&b| b == b'\n').ok_or_else(damaged)?;
        let mut alert: Alert = serde_json::from_slice(&bytes[..newline]).map_err(|_| damaged())?;
        if alert.layout != LAYOUT {
            bail!(
                "{} was saved by another version of dateline: remove the alert and add it again",
                path.display()
            );
        }
        let ids = &bytes[newline + 1..];
        if ids.len() as u64 != alert.seen.saturating_mul(8) {
            return Err(damaged());
        }
        alert.seen_ids = ids
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        // Written sorted; a file edited by hand is put back in order for the lookups.
        if !alert.seen_ids.is_sorted() {
            alert.seen_ids.sort_unstable();
            alert.seen_ids.dedup();
            alert.seen = alert.seen_ids.len() as u64;
        }
        Ok(alert)
    }
}

/// The time now, as an alert's file stores it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Refuses a name that is not a plain file name of letters, digits, `-` and `_`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = (1..=MAX_NAME).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        bail!(
            "invalid alert name '{name}': use 1 to {MAX_NAME} letters, digits, - or _, starting \
             with a letter or digit (e.g. cocoa-prices)"
        );
    }
    Ok(())
}

fn folder(index: &Path) -> PathBuf {
    index.join(FOLDER)
}

fn unknown(name: &str) -> anyhow::Error {
    anyhow::anyhow!("no alert named '{name}': `dateline alert list` shows the saved ones")
}

/// The alerts of an index, read as they are (no lock: each file is replaced whole), in
/// name order.
pub fn list(index: &Path) -> Result<Vec<Alert>> {
    let dir = folder(index);
    let mut names = Vec::new();
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries {
                let name = entry?.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(EXTENSION) {
                    if check_name(stem).is_ok() {
                        names.push(stem.to_string());
                    }
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    }
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in &names {
        // One removed since the folder was read is left out.
        out.extend(read(&dir, name)?);
    }
    Ok(out)
}

/// The alert `name` in folder `dir`, None if there is none.
fn read(dir: &Path, name: &str) -> Result<Option<Alert>> {
    let path = dir.join(format!("{name}{EXTENSION}"));
    match std::fs::read(&path) {
        Ok(bytes) => {
            let alert = Alert::from_bytes(&bytes, &path)?;
            if alert.name != name {
                bail!(
                    "{} names another alert ('{}'): rename the file back to {}{EXTENSION}",
                    path.display(),
                    alert.name,
                    alert.name
                );
            }
            Ok(Some(alert))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The alerts folder of an index, locked for this process until dropped.
pub struct Alerts {
    dir: PathBuf,
    /// Held open for its lock (released when closed, also by a kill).
    _lock: File,
}

impl Alerts {
    /// Locks the alerts of the index at `index` (waiting for another command that holds
    /// them), creating their folder the first time. The index must exist.
    pub fn lock(index: &Path) -> Result<Alerts> {
        if !index_dir::exists(index) {
            return Err(index_dir::no_index(index));
        }
        let dir = folder(index);
        if !dir.is_dir() {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            index_dir::sync_dir(index)?;
        }
        let path = dir.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .with_context(|| format!("locking {}", path.display()))?;
        Ok(Alerts { dir, _lock: file })
    }

    /// The alert `name`, refused in one line when there is none.
    pub fn get(&self, name: &str) -> Result<Alert> {
        check_name(name)?;
        read(&self.dir, name)?.ok_or_else(|| unknown(name))
    }

    /// The alerts named, in the order named, or every alert in name order when `names` is
    /// empty.
    pub fn get_all(&self, names: &[String]) -> Result<Vec<Alert>> {
        if names.is_empty() {
            return list(self.dir.parent().unwrap_or(&self.dir));
        }
        let mut out: Vec<Alert> = Vec::new();
        for name in names {
            if !out.iter().any(|a| &a.name == name) {
                out.push(self.get(name)?);
            }
        }
        Ok(out)
    }

    /// Saves a new alert `name` for `query` and `filters`; the articles that match them now
    /// count as seen, so its first check reports only articles indexed after this. A
    /// duplicate name (in any case) or a query that does not build is refused.
    pub fn add(
        &self,
        open: &OpenIndex,
        searcher: &Searcher,
        name: &str,
        query: &str,
        filters: &Filters,
    ) -> Result<Alert> {
        check_name(name)?;
        if let Some(same) = list(&open.path)?
            .into_iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
        {
            bail!(
                "an alert named '{}' already exists: choose another name, or `dateline alert \
                 remove {}` first",
                same.name,
                same.name
            );
        }
        let mut alert = Alert {
            layout: LAYOUT,
            name: name.to_string(),
            query: query.to_string(),
            filters: SavedFilters::new(filters),
            added: now(),
            last_check: None,
            reported: 0,
            seen: 0,
            seen_ids: Vec::new(),
        };
        let (_, matches) = export::all_matches(searcher, open, &alert.request()?, false)?;
        alert.seen_ids = ids_of(searcher, &matches)?;
        alert.seen_ids.sort_unstable();
        alert.seen_ids.dedup();
        alert.seen = alert.seen_ids.len() as u64;
        self.save(&alert)?;
        Ok(alert)
    }

    /// Replaces the alert's saved state whole.
    pub fn save(&self, alert: &Alert) -> Result<()> {
        let bytes = alert.to_bytes()?;
        index_dir::write_atomic(&self.dir, &format!("{}{EXTENSION}", alert.name), &bytes)
    }

    /// Removes the alert `name`; refused in one line when there is none.
    pub fn remove(&self, name: &str) -> Result<()> {
        self.get(name)?;
        let path = self.dir.join(format!("{name}{EXTENSION}"));
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        index_dir::sync_dir(&self.dir)
    }
}

/// What a check of one alert found: its matches not reported before, newest first, with
/// the query they were found with (for their snippets) and their ids.
pub struct Unseen {
    pub request: Request,
    pub built: query::Built,
    pub matches: Vec<Match>,
    pub ids: Vec<u64>,
}

/// The articles `alert` matches in what `searcher` sees and has not seen before.
pub fn unseen(searcher: &Searcher, open: &OpenIndex, alert: &Alert) -> Result<Unseen> {
    let request = alert.request()?;
    let (built, matches) = export::all_matches(searcher, open, &request, false)?;
    let ids = ids_of(searcher, &matches)?;
    let (matches, ids) = matches
        .into_iter()
        .zip(ids)
        .filter(|(_, id)| !alert.has_seen(*id))
        .unzip();
    Ok(Unseen {
        request,
        built,
        matches,
        ids,
    })
}

/// The article ids of `matches`, in their order, from the id column (opened once per
/// segment).
fn ids_of(searcher: &Searcher, matches: &[Match]) -> Result<Vec<u64>> {
    let mut columns: HashMap<SegmentOrdinal, Column<u64>> = HashMap::new();
    let mut out = Vec::with_capacity(matches.len());
    for m in matches {
        let a = m.address;
        let column = match columns.entry(a.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .u64(schema::ID)?,
            ),
        };
        // Every article dateline indexes has an id; a document without one cannot be
        // told apart from others, and is counted as the id 0.
        out.push(column.first(a.doc_id).unwrap_or(0));
    }
    Ok(out)
}

/// Only in debug builds (the tests'), and only when `DATELINE_TEST_ALERT_PAUSE` names
/// `point`: says so on standard error and waits there for good, so a test can kill the
/// process at that point of a check, not at a moment a timer guesses.
pub fn pause_for_test(point: &str) {
    if cfg!(debug_assertions)
        && std::env::var_os("DATELINE_TEST_ALERT_PAUSE").is_some_and(|v| v == point)
    {
        let _ = writeln!(std::io::stderr(), "dateline: test pause at {point}");
        loop {
            std::thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("cocoa-prices_2").is_ok());
        for bad in ["", "-x", "a/b", "..", "a b", "é", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    fn sample() -> Alert {
        Alert {
            layout: LAYOUT,
            name: "a".into(),
            query: "cocoa".into(),
            filters: SavedFilters::default(),
            added: now(),
            last_check: None,
            reported: 0,
            seen: 0,
            seen_ids: Vec::new(),
        }
    }

    #[test]
    fn ids_out_of_order_are_put_in_order_when_read() {
        let mut alert = sample();
        alert.seen_ids = vec![9, 3, 3];
        alert.seen = 3;
        let bytes = alert.to_bytes().unwrap();
        let back = Alert::from_bytes(&bytes, Path::new("a.alert")).unwrap();
        assert_eq!(back.seen_ids, [3, 9]);
        assert!(back.has_seen(3) && back.has_seen(9));
    }

    #[test]
    fn state_round_trips_and_damage_is_refused() {
        let mut alert = sample();
        alert.remember(&[9, 3, u64::MAX], now());
        let bytes = alert.to_bytes().unwrap();
        let back = Alert::from_bytes(&bytes, Path::new("a.alert")).unwrap();
        assert_eq!(back.seen_ids, [3, 9, u64::MAX]);
        assert_eq!(back.reported, 3);
        assert!(back.has_seen(9) && !back.has_seen(4));
        for cut in [0, 5, bytes.len() - 1] {
            let err = Alert::from_bytes(&bytes[..cut], Path::new("a.alert")).unwrap_err();
            assert!(err.to_string().contains("damaged"), "{err}");
        }
    }
}
