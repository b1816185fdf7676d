//! Which kind of article file a file is: by its name during the walk, then from its first
//! bytes when it is read.

use std::path::Path;

use super::container;

/// What kind of article file a path names: by its name during the walk (cheap), then
/// confirmed from its first bytes when it is read ([`confirm_kind`]), so that a name that
/// lies is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    JsonLines,
    /// A saved web page (`.html`, `.htm`, `.xhtml`).
    Html,
    /// News XML: NITF, NewsML, RSS, Atom (`.xml`, `.rss`, `.atom`, `.nitf`).
    Xml,
    /// A web crawl (`.warc`).
    Warc,
    /// A zip archive, read as a folder.
    Zip,
    /// A tar archive, read as a folder.
    Tar,
    /// A compressed file: what it holds is named by its name without the compression's
    /// extension (`x.xml.gz` holds `x.xml`, `x.tgz` a tar).
    Compressed(Codec),
}

/// The compressions dateline unpacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Codec {
    /// In words, for problems.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
            Codec::Zstd => "zstd",
        }
    }

    /// Its extensions (lower case, with the dot), and whether the extension also says the
    /// file holds a tar (`.tgz`).
    pub fn extensions(self) -> &'static [(&'static str, bool)] {
        match self {
            Codec::Gzip => &[(".gz", false), (".tgz", true)],
            Codec::Bzip2 => &[(".bz2", false), (".tbz2", true), (".tbz", true)],
            Codec::Xz => &[(".xz", false), (".txz", true)],
            Codec::Zstd => &[(".zst", false), (".zstd", false), (".tzst", true)],
        }
    }
}

const CODECS: [Codec; 4] = [Codec::Gzip, Codec::Bzip2, Codec::Xz, Codec::Zstd];

/// Returns the kind of article file `path` is, by its name, or `None` when it is not an
/// article file. A compressed file is one when what it holds is (`x.xml.gz`, `x.tgz`;
/// not `x.log.gz`).
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str().map(str::to_ascii_lowercase)?;
    for codec in CODECS {
        for (ext, _) in codec.extensions() {
            if name.ends_with(ext) && name.len() > ext.len() {
                let inner = container::inner_name(&name, codec);
                return kind_of(Path::new(&inner)).map(|_| FileKind::Compressed(codec));
            }
        }
    }
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "txt" => FileKind::Text,
        "jsonl" | "ndjson" => FileKind::JsonLines,
        "html" | "htm" | "xhtml" => FileKind::Html,
        "xml" | "rss" | "atom" | "nitf" => FileKind::Xml,
        "warc" => FileKind::Warc,
        "zip" => FileKind::Zip,
        "tar" => FileKind::Tar,
        _ => return None,
    })
}

/// Whether a file's name says it is a collection's own notes rather than an article:
/// `README.TXT` (as datasets ship beside their articles), `LICENSE.txt`,
/// `COPYING`, `CHANGELOG.md`, `NOTICE`, any case, any extension. Indexed, such a file would
/// be counted as an article and found by searches for the collection's name.
pub fn is_notes_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    matches!(
        stem.as_str(),
        "readme" | "license" | "licence" | "copying" | "changelog" | "notice"
    )
}

/// The extensions [`kind_of`] takes, for messages.
pub const EXTENSIONS: &str = ".txt, .jsonl, .ndjson, .html, .htm, .xhtml, .xml, .rss, .atom, \
     .warc, .zip, .tar, .tgz, and those with .gz, .bz2, .xz or .zst added";

/// The kind a file's first bytes show it is, when they show one by themselves: a
/// compression's or archive's signature, or a WARC record's first line.
pub fn sniff_kind(head: &[u8]) -> Option<FileKind> {
    const SIGNATURES: [(&[u8], FileKind); 7] = [
        (b"\x1F\x8B", FileKind::Compressed(Codec::Gzip)),
        (b"\xFD7zXZ\x00", FileKind::Compressed(Codec::Xz)),
        (b"\x28\xB5\x2F\xFD", FileKind::Compressed(Codec::Zstd)),
        (b"PK\x03\x04", FileKind::Zip),
        // An empty zip: only its end record.
        (b"PK\x05\x06", FileKind::Zip),
        (b"WARC/1.", FileKind::Warc),
        (b"\xEF\xBB\xBFWARC/1.", FileKind::Warc),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(*kind);
    }
    // "BZh" and the block size, 1 to 9.
    if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
        return Some(FileKind::Compressed(Codec::Bzip2));
    }
    if head.get(257..262) == Some(b"ustar") {
        return Some(FileKind::Tar);
    }
    None
}

/// Whether markup is an HTML page or XML, from its root element (after a BOM, the XML
/// declaration, comments and the doctype): `None` when the start does not say.
pub fn markup_kind(head: &[u8]) -> Option<FileKind> {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<?") {
            rest = &rest[rest.windows(2).position(|w| w == b"?>")? + 2..];
        } else if rest.starts_with(b"<!--") {
            rest = &rest[rest.windows(3).position(|w| w == b"-->")? + 3..];
        } else if rest.starts_with(b"<!") {
            let doctype = rest.get(2..14).unwrap_or_default();
            if doctype.eq_ignore_ascii_case(b"DOCTYPE html") {
                return Some(FileKind::Html);
            }
            rest = &rest[rest.iter().position(|&b| b == b'>')? + 1..];
        } else if let Some(tag) = rest.strip_prefix(b"<") {
            let end = tag
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(tag.len());
            let root = &tag[..end];
            if root.is_empty() {
                return None;
            }
            let html = [&b"html"[..], b"head", b"body"]
                .iter()
                .any(|h| root.eq_ignore_ascii_case(h));
            return Some(if html { FileKind::Html } else { FileKind::Xml });
        } else {
            return None;
        }
    }
}

/// Confirms, from a file's first bytes, the kind its name says (see [`FileKind`]); `Err`
/// with the reason when the name says packed and the bytes are not.
pub fn confirm_kind(named: FileKind, name: &str, head: &[u8]) -> Result<FileKind, String> {
    container::confirm_kind(named, name, head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of(Path::new("a/b.txt")), Some(FileKind::Text));
        assert_eq!(kind_of(Path::new("B.TXT")), Some(FileKind::Text));
        assert_eq!(kind_of(Path::new("x.jsonl")), Some(FileKind::JsonLines));
        assert_eq!(kind_of(Path::new("x.ndjson")), Some(FileKind::JsonLines));
        assert_eq!(kind_of(Path::new("x.json")), None);
        assert_eq!(kind_of(Path::new("txt")), None);
        for notes in [
            "README.TXT",
            "readme",
            "License.txt",
            "COPYING",
            "CHANGELOG.md",
        ] {
            assert!(is_notes_file(Path::new(notes)), "{notes}");
        }
        for article in [
            "001.txt",
            "readme-the-news.txt",
            "notices.txt",
            "1987/03/x.txt",
        ] {
            assert!(!is_notes_file(Path::new(article)), "{article}");
        }
    }
}
