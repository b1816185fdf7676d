//! The identities of files and folders in the index: hashes of their absolute paths.
//!
//! Article ids, which are made from a file's id and the article's place in it, are
//! `schema::article_hash` and shown as `schema::format_id` writes them; they belong here
//! too, and move once `schema` has settled.

use std::path::Path;

/// The identity of a file (or folder) in the index: a 64-bit hash of its absolute path.
/// Numbers keep the term dictionary and the incremental bookkeeping small; a collision
/// between two paths of one archive is vanishingly unlikely (about 1 in 10^7 for a million
/// files).
pub fn path_id(path: &Path) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_os_str().as_encoded_bytes())
}
