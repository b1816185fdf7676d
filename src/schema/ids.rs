//! Ids: of files and folders (hashes of their absolute paths), and of articles (the stable
//! 64-bit hash that names an article by where it is read from), the article id's
//! fixed-width base62 form, and looking an article up by it.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;

use tantivy::query::RangeQuery;
use tantivy::{DocAddress, Searcher, Term};

use super::{Fields, ID};

/// The identity of a file (or folder) in the index: a 64-bit hash of its absolute path.
/// Numbers keep the term dictionary and the incremental bookkeeping small; a collision
/// between two paths of one archive is vanishingly unlikely (about 1 in 10^7 for a million
/// files).
pub fn path_id(path: &Path) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_os_str().as_encoded_bytes())
}

/// File ids are already hashes of their paths ([`path_id`]): a no-op run looks up
/// every file's id twice, and with std's SipHash those lookups were a large share of its
/// CPU, so they use foldhash.
pub type IdMap<V> = HashMap<u64, V, foldhash::fast::RandomState>;
pub type IdSet = HashSet<u64, foldhash::fast::RandomState>;

/// How many characters an article id has: 64 bits in base62 need 11.
pub const ID_LEN: usize = 11;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The article's id: a 64-bit hash that names it in this index and stays the same across
/// runs, updates and rebuilds as long as it is read from the same place: where the article
/// is (the file's path id, the archive member, the JSON Lines line and the record's
/// position). It is kept as this number and shown as [`format_id`] writes it.
pub fn article_hash(
    path_id: u64,
    member: Option<&str>,
    line: Option<u64>,
    record: Option<u64>,
) -> u64 {
    // Every part with its presence and length, so no two locations share an input.
    let mut key = Vec::with_capacity(48 + member.map_or(0, str::len));
    key.extend_from_slice(&path_id.to_le_bytes());
    for n in [line, record] {
        key.push(u8::from(n.is_some()));
        key.extend_from_slice(&n.unwrap_or(0).to_le_bytes());
    }
    if let Some(member) = member {
        key.push(1);
        key.extend_from_slice(&(member.len() as u64).to_le_bytes());
        key.extend_from_slice(member.as_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&key)
}

/// The article's id as it is shown: [`article_hash`] in [`ID_LEN`] base62 characters, so a
/// person can copy it.
pub fn article_id(
    path_id: u64,
    member: Option<&str>,
    line: Option<u64>,
    record: Option<u64>,
) -> String {
    format_id(article_hash(path_id, member, line, record))
}

/// An id as it is shown: `n` in [`ID_LEN`] base62 characters, zero-padded.
pub fn format_id(mut n: u64) -> String {
    let mut out = [b'0'; ID_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// The number an id as shown stands for; `None` if `text` is not one ([`format_id`]'s
/// inverse: the wrong length, a character outside base62, or a value past 64 bits).
pub fn parse_id(text: &str) -> Option<u64> {
    if text.len() != ID_LEN {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        n.checked_mul(62)?.checked_add(u64::from(digit))
    })
}

/// Whether `text` could be an article id (the right length, base62 only).
pub fn looks_like_id(text: &str) -> bool {
    text.len() == ID_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The documents whose id is `id`: a range `[id, id]` over the fast column.
pub fn id_query(fields: &Fields, id: u64) -> RangeQuery {
    let term = Term::from_field_u64(fields.id, id);
    RangeQuery::new(Bound::Included(term.clone()), Bound::Included(term))
}

/// The id of the document at `address`, as shown; empty if it has none.
pub fn id_at(searcher: &Searcher, address: DocAddress) -> tantivy::Result<String> {
    let column = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64(ID)?;
    Ok(column
        .first(address.doc_id)
        .map(format_id)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_ids_are_short_stable_and_tell_locations_apart() {
        let id = article_id(42, None, None, None);
        assert_eq!(id.len(), ID_LEN);
        assert!(looks_like_id(&id), "{id}");
        assert_eq!(id, article_id(42, None, None, None));
        let others = [
            article_id(43, None, None, None),
            article_id(42, Some(""), None, None),
            article_id(42, Some("a.xml"), None, None),
            article_id(42, None, Some(0), None),
            article_id(42, None, Some(1), None),
            article_id(42, None, None, Some(1)),
            article_id(42, Some("a.xml"), None, Some(1)),
        ];
        for (i, other) in others.iter().enumerate() {
            assert!(looks_like_id(other), "{other}");
            assert_ne!(&id, other);
            for later in &others[i + 1..] {
                assert_ne!(other, later);
            }
        }
        // Fixed width even for small hashes; base62 only.
        assert!(!looks_like_id("short"));
        assert!(!looks_like_id("abc-def_ghi"));
        assert!(!looks_like_id("café123456"));
    }

    #[test]
    fn ids_are_base62_of_the_hash_and_read_back() {
        // The shown form is the contract: fixed width, zero-padded, digits then A-Z then a-z.
        assert_eq!(format_id(0), "00000000000");
        assert_eq!(format_id(61), "0000000000z");
        assert_eq!(format_id(62), "00000000010");
        assert_eq!(format_id(u64::MAX), "LygHa16AHYF");
        assert_eq!(
            article_id(42, Some("a.xml"), Some(3), None),
            format_id(article_hash(42, Some("a.xml"), Some(3), None))
        );
        for n in [
            0,
            1,
            61,
            62,
            3_843,
            1 << 32,
            article_hash(7, None, None, None),
            u64::MAX,
        ] {
            assert_eq!(parse_id(&format_id(n)), Some(n), "{n}");
        }
        // One past u64::MAX, and text that is not an id, stand for no number.
        assert_eq!(parse_id("LygHa16AHYG"), None);
        assert_eq!(parse_id("zzzzzzzzzzz"), None);
        assert_eq!(parse_id("0000000000"), None);
        assert_eq!(parse_id("0000000000-"), None);
        assert_eq!(parse_id("000000000é"), None);
    }
}
