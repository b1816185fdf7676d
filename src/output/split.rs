//! NDJSON written to numbered files of bounded size (`NAME-00001.ndjson`, `NAME-00002.ndjson`,
//! ...), each appearing whole: a file is written under a hidden temporary name, synced, and
//! only then renamed to its own, so a run killed or failing midway leaves no partial file
//! under a final name for a loading script to pick up.
//!
//! What is written comes in units (one document, or an OpenSearch action and its document)
//! that are never split between two files.
//!
//! Also the shard files of an `xmlpipe2` export ([`ShardFiles`]): a fixed number of files
//! written side by side, each appearing whole in the same way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub struct SplitFiles {
    dir: PathBuf,
    prefix: String,
    limit: u64,
    /// The number of the file being written (1-based), 0 before the first.
    number: u32,
    current: Option<(BufWriter<File>, PathBuf)>,
    /// Bytes in the file being written.
    bytes: u64,
    written: Vec<PathBuf>,
}

impl SplitFiles {
    /// Creates `dir` as needed. Refuses a folder that already holds files of this name (an
    /// earlier export): mixing two exports' files would load stale articles.
    pub fn create(dir: &Path, prefix: &str, limit_bytes: u64) -> Result<SplitFiles> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {}: check the --out path", dir.display()))?;
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}: check the --out path", dir.display()))?;
        for entry in entries {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&format!("{prefix}-")) && name.ends_with(".ndjson") {
                anyhow::bail!(
                    "{} already holds an export ({name}): remove its {prefix}-*.ndjson files or \
                     pass another --out folder",
                    dir.display()
                );
            }
        }
        Ok(SplitFiles {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            limit: limit_bytes.max(1),
            number: 0,
            current: None,
            bytes: 0,
            written: Vec::new(),
        })
    }

    fn final_path(&self, number: u32) -> PathBuf {
        self.dir.join(format!("{}-{number:05}.ndjson", self.prefix))
    }

    /// Writes one unit, in a new file when it would take the current one past the limit.
    /// A unit larger than the limit gets a file of its own.
    pub fn write_unit(&mut self, unit: &[u8]) -> Result<()> {
        let len = unit.len() as u64;
        if self.current.is_some() && self.bytes > 0 && self.bytes + len > self.limit {
            self.close_current()?;
        }
        if self.current.is_none() {
            self.number += 1;
            let temp = self.dir.join(format!(
                ".{}-{:05}.ndjson.partial",
                self.prefix, self.number
            ));
            let file =
                File::create(&temp).with_context(|| format!("cannot write {}", temp.display()))?;
            self.current = Some((BufWriter::with_capacity(256 * 1024, file), temp));
            self.bytes = 0;
        }
        if let Some((out, temp)) = self.current.as_mut() {
            out.write_all(unit)
                .with_context(|| format!("cannot write {}", temp.display()))?;
        }
        self.bytes += len;
        Ok(())
    }

    /// Flushes, syncs and renames the file being written to its final name.
    fn close_current(&mut self) -> Result<()> {
        let Some((out, temp)) = self.current.take() else {
            return Ok(());
        };
        let target = self.final_path(self.number);
        seal(out, &temp, &target)?;
        self.written.push(target);
        Ok(())
    }

    /// Ends the last file; returns the files written, in order.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        self.close_current()?;
        // The renames are durable once the folder itself is synced.
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(std::mem::take(&mut self.written))
    }
}

impl Drop for SplitFiles {
    /// A run that fails (a full disk) removes its temporary file; a kill leaves it hidden.
    fn drop(&mut self) {
        if let Some((_, temp)) = self.current.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Flushes and syncs the file written under the temporary name `temp`, then renames it to
/// `target`: the file appears whole under its final name, or not at all.
fn seal(out: BufWriter<File>, temp: &Path, target: &Path) -> Result<()> {
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", temp.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(temp, target)
        .with_context(|| format!("cannot rename {} into place", temp.display()))
}

/// Files `DIR/NAME_0.xml` ... `DIR/NAME_{N-1}.xml`, all open at once, each a document
/// set: `head` first, the units written to it, `tail` last. Like [`SplitFiles`], each is
/// written under a hidden temporary name and renamed only when whole.
pub struct ShardFiles {
    shards: Vec<(BufWriter<File>, PathBuf, PathBuf)>,
    tail: &'static str,
}

impl ShardFiles {
    /// Creates `dir` as needed and starts `count` files. Refuses a folder that already holds
    /// files of this name (an earlier export, perhaps with another number of shards).
    pub fn create(
        dir: &Path,
        name: &str,
        count: u32,
        head: &str,
        tail: &'static str,
    ) -> Result<ShardFiles> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {}: check the --out path", dir.display()))?;
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}: check the --out path", dir.display()))?;
        for entry in entries {
            let file = entry?.file_name();
            let file = file.to_string_lossy();
            if file.starts_with(&format!("{name}_")) && file.ends_with(".xml") {
                anyhow::bail!(
                    "{} already holds an export ({file}): remove its {name}_*.xml files or \
                     pass another --out folder",
                    dir.display()
                );
            }
        }
        let mut shards = Vec::with_capacity(count as usize);
        for k in 0..count {
            let temp = dir.join(format!(".{name}_{k}.xml.partial"));
            let target = dir.join(format!("{name}_{k}.xml"));
            let file =
                File::create(&temp).with_context(|| format!("cannot write {}", temp.display()))?;
            let mut out = BufWriter::with_capacity(256 * 1024, file);
            out.write_all(head.as_bytes())
                .with_context(|| format!("cannot write {}", temp.display()))?;
            shards.push((out, temp, target));
        }
        Ok(ShardFiles { shards, tail })
    }

    /// Writes one unit to shard `shard` (taken modulo the number of shards).
    pub fn write_unit(&mut self, shard: u32, unit: &[u8]) -> Result<()> {
        let count = self.shards.len().max(1);
        match self.shards.get_mut(shard as usize % count) {
            Some((out, temp, _)) => out
                .write_all(unit)
                .with_context(|| format!("cannot write {}", temp.display())),
            None => Ok(()),
        }
    }

    /// Ends every file with the tail and renames it into place; returns them, in order.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.shards.len());
        for (mut out, temp, target) in std::mem::take(&mut self.shards) {
            out.write_all(self.tail.as_bytes())
                .with_context(|| format!("cannot write {}", temp.display()))?;
            seal(out, &temp, &target)?;
            written.push(target);
        }
        if let Some(dir) = written.first().and_then(|p| p.parent()) {
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(written)
    }
}

impl Drop for ShardFiles {
    /// A run that fails removes its temporary files; a kill leaves them hidden.
    fn drop(&mut self) {
        for (_, temp, _) in self.shards.drain(..) {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Where an export goes: standard output, or split files.
pub enum NdjsonOut<W: Write> {
    Stream(W),
    Files(SplitFiles),
}

impl<W: Write> NdjsonOut<W> {
    pub fn write_unit(&mut self, unit: &[u8]) -> Result<()> {
        match self {
            NdjsonOut::Stream(out) => out.write_all(unit).context("writing output"),
            NdjsonOut::Files(files) => files.write_unit(unit),
        }
    }

    /// Flushes the stream, or ends the last file; returns the files written.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
        match self {
            NdjsonOut::Stream(mut out) => {
                out.flush().context("writing output")?;
                Ok(Vec::new())
            }
            NdjsonOut::Files(files) => files.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_fill_files_up_to_the_limit_and_never_split() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = SplitFiles::create(dir.path(), "x", 10).unwrap();
        for unit in ["aaaa\n", "bbbb\n", "cc\n", "dddddddddddddddd\n", "e\n"] {
            files.write_unit(unit.as_bytes()).unwrap();
        }
        let written = files.finish().unwrap();
        let texts: Vec<String> = written
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(texts, ["aaaa\nbbbb\n", "cc\n", "dddddddddddddddd\n", "e\n"]);
        assert!(written[0].ends_with("x-00001.ndjson"));
        // Nothing else is left in the folder, and a second export there is refused.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
        assert!(SplitFiles::create(dir.path(), "x", 10).is_err());
        assert!(SplitFiles::create(dir.path(), "y", 10).is_ok());
    }
}
