//! The identities of files and folders in the index: hashes of their absolute paths.
//!
//! Article ids, which are made from a file's id and the article's place in it, are
//! `schema::article_hash` and shown as `schema::format_id` writes them; they belong here
//! too, and move once `schema` has settled.

use std::collections::{HashMap, HashSet};
use std::path::Path;

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
