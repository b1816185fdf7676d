//! Zip archives read as folders: by their directory, or, when that is damaged or cut off,
//! by walking the members' own headers from the start, so that what can be read is.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};

use super::super::{too_large, FileKind, Problem, Severity, Sink};
use super::{clean_name, member_kind, read_member, skipped, too_deep, InMember, Labelled, Reading};

/// Reads a zip archive by its directory, or, when that is damaged, by walking its
/// members' headers from the start.
pub(super) fn read_zip<R: Read + Seek>(
    mut input: R,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
) {
    if too_deep(depth, sink) {
        return;
    }
    let damage = match zip::ZipArchive::new(&mut input) {
        Ok(archive) => return read_zip_directory(archive, sink, reading, depth),
        Err(e) => e,
    };
    // No directory (a zip cut short loses it first): the members are walked from the
    // start, each by its own header.
    match input.seek(SeekFrom::Start(0)) {
        Ok(_) => read_zip_headers(input, &damage, sink, reading, depth),
        Err(e) => sink.problem(skipped(format!(
            "not a readable zip archive (truncated or damaged: {damage}; {e})"
        ))),
    }
}

/// Reads a zip's members as its directory lists them, but for those sharing their data
/// with another, as a zip bomb's do.
fn read_zip_directory<R: Read + Seek>(
    mut archive: zip::ZipArchive<R>,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
) {
    let shared = sharing_members(&mut archive);
    let refused: Vec<String> = (0..archive.len())
        .filter(|&i| shared[i])
        .filter_map(|i| {
            let entry = archive.by_index_data(i).ok()?;
            let name = clean_name(&zip_name(entry.name(), entry.name_raw()));
            (entry.is_file() && member_kind(&name).is_some()).then_some(name)
        })
        .collect();
    if let Some(first) = refused.first() {
        let mut reason =
            "its data overlaps another member's, as in a zip bomb: skipped".to_string();
        if refused.len() > 1 {
            reason.push_str(&format!(
                ", as are {} more members like it",
                refused.len() - 1
            ));
        }
        InMember {
            sink,
            member: Some(first),
        }
        .problem(skipped(reason));
    }
    for (i, shared) in shared.into_iter().enumerate() {
        if reading.over() {
            return;
        }
        if shared {
            continue;
        }
        let name = archive
            .name_for_index(i)
            .and_then(Result::ok)
            .map(std::borrow::Cow::into_owned);
        let file = match archive.by_index(i) {
            Ok(file) => file,
            Err(e) => {
                if name.as_deref().is_some_and(|n| member_kind(n).is_none()) {
                    continue;
                }
                let reason = match e {
                    zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                        "encrypted: dateline cannot read it".to_string()
                    }
                    e => format!("cannot read this member: {e}"),
                };
                let mut member = InMember {
                    sink,
                    member: name.as_deref(),
                };
                member.problem(skipped(reason));
                continue;
            }
        };
        read_zip_member(file, sink, reading, depth, None);
    }
}

/// Which members of a zip share bytes with another (a bomb's trick: thousands of entries,
/// one deflated text): of each overlapping group only the first is kept.
fn sharing_members<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Vec<bool> {
    let mut shared = vec![false; archive.len()];
    // The crate's check also reads each member's own header, which says where its data
    // starts; a zip it finds sound needs no more.
    if let Ok(false) = archive.has_overlapping_entries() {
        return shared;
    }
    let mut spans: Vec<(u64, u64, usize)> = (0..archive.len())
        .filter_map(|i| {
            // Raw: where its data starts, not a byte of it unpacked.
            let entry = archive.by_index_raw(i).ok()?;
            let start = entry.header_start();
            let data = entry.data_start()?;
            Some((start, data.saturating_add(entry.compressed_size()), i))
        })
        .collect();
    spans.sort_unstable();
    let mut end = 0;
    for (start, stop, i) in spans {
        if start < end {
            shared[i] = true;
        } else {
            end = end.max(stop);
        }
    }
    shared
}

/// Walks a zip whose directory cannot be read (`damage` says why) member by member from
/// its start: everything before a cut or damage is read, and the rest reported.
fn read_zip_headers<R: Read>(
    input: R,
    damage: &zip::result::ZipError,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
) {
    let ends = Ends::default();
    let mut input = Noting {
        inner: input,
        ends: &ends,
    };
    let mut members = 0u64;
    loop {
        if reading.over() {
            return;
        }
        match zip::read::read_zipfile_from_stream(&mut input) {
            Ok(Some(file)) => {
                members += 1;
                read_zip_member(file, sink, reading, depth, Some(&ends));
            }
            Ok(None) => {
                sink.problem(Problem {
                    severity: Severity::Warning,
                    reason: format!(
                        "damaged zip: its directory cannot be read ({damage}); its members \
                         were read from their own headers"
                    ),
                    ..Default::default()
                });
                return;
            }
            // The member the file ends in is reported as cut.
            Err(_) if ends.in_member.get() => return,
            Err(e) => {
                sink.problem(skipped(walk_stopped(&e, damage, members, ends.eof.get())));
                return;
            }
        }
    }
}

/// Why the walk of a zip without its directory (`damage` says why) stopped after
/// `members` members, at `error`; `eof`: the file had ended.
fn walk_stopped(
    error: &zip::result::ZipError,
    damage: &zip::result::ZipError,
    members: u64,
    eof: bool,
) -> String {
    let after_data = matches!(error, zip::result::ZipError::UnsupportedArchive(m)
        if m.contains("not available in the local header"));
    if after_data && members == 0 {
        // A zip written as a stream: each size follows the data it measures.
        format!(
            "damaged zip: its directory cannot be read ({damage}), and its members have their \
             sizes written after their data (a zip written as a stream), so none can be found \
             without it"
        )
    } else if after_data {
        format!(
            "damaged zip: its directory cannot be read ({damage}), and member {} has its size \
             written after its data, so its end cannot be found without the directory: the \
             {members} members before it were read",
            members + 1
        )
    } else if members == 0 {
        format!("not a readable zip archive (truncated or damaged: {damage})")
    } else if eof {
        format!(
            "truncated zip (the file ends early, and its directory with it): the {members} \
             members before the cut were read"
        )
    } else {
        format!(
            "damaged zip: its directory cannot be read ({damage}), nor its members followed \
             past member {members} ({error}): the rest is not read"
        )
    }
}

/// Where a zip walked by its headers ends.
#[derive(Default)]
struct Ends {
    /// The file has ended.
    eof: Cell<bool>,
    /// A member's reading failed because the file ended (and is reported).
    in_member: Cell<bool>,
}

/// The file under a zip walked by its headers, noting where it ends.
struct Noting<'a, R> {
    inner: R,
    ends: &'a Ends,
}

impl<R: Read> Read for Noting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ends.eof.set(true);
        }
        Ok(n)
    }
}

/// A zip member's data: read from a zip walked by its headers, an error once the file has
/// ended is the file being cut short (a deflated member cut short fails its checksum).
struct ZipData<'a, R> {
    inner: R,
    ends: Option<&'a Ends>,
}

impl<R: Read> Read for ZipData<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match self.ends {
            Some(ends) if ends.eof.get() && e.kind() != io::ErrorKind::Interrupted => {
                ends.in_member.set(true);
                io::Error::new(io::ErrorKind::UnexpectedEof, e)
            }
            _ => e,
        })
    }
}

/// Reads one zip member, from its directory or, without one, from its own header
/// (`ends` then says where the file ends).
fn read_zip_member<R: Read>(
    file: zip::read::ZipFile<'_, R>,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
    ends: Option<&Ends>,
) {
    if !file.is_file() {
        return;
    }
    let name = clean_name(&zip_name(file.name(), file.name_raw()));
    let Some(kind) = member_kind(&name) else {
        return;
    };
    let mut member = InMember {
        sink,
        member: Some(&name),
    };
    if let Some(method) = unsupported_method(file.compression()) {
        member.problem(skipped(format!(
            "compressed with zip method {method} ({}), which is not supported: re-pack the \
             zip with deflate",
            zip::CompressionMethod::name_from_u16(method)
        )));
        return;
    }
    if file.encrypted() {
        member.problem(skipped("encrypted: dateline cannot read it"));
        return;
    }
    if file.size() > reading.max_bytes() && kind != FileKind::Xml {
        // Its header says so: not even the cap is unpacked. (XML is read one item at a
        // time, each under the cap.)
        member.problem(skipped(format!(
            "{} when unpacked",
            too_large(file.size(), reading.limits.max_mb)
        )));
        return;
    }
    let mut file = Labelled {
        inner: Box::new(ZipData { inner: file, ends }),
        what: "zip",
        reading,
    };
    read_member(kind, &name, &mut file, sink, reading, depth, true);
}

/// The number of a zip member's compression method when the zip crate cannot unpack it.
#[allow(deprecated)] // `Unsupported` is the crate's one name for every method it lacks.
fn unsupported_method(method: zip::CompressionMethod) -> Option<u16> {
    match method {
        zip::CompressionMethod::Unsupported(method) => Some(method),
        _ => None,
    }
}

/// A zip member's name, as UTF-8 where its bytes are not.
fn zip_name(name: zip::result::ZipResult<std::borrow::Cow<'_, str>>, raw: &[u8]) -> String {
    match name {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}
