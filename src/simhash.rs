//! Fingerprints for near-identical articles: the same wire story filed twice, a reprint under
//! another headline, a copy with a sign-off added. A 64-bit SimHash of the body's word
//! triples changes in only a few bits when a few words change.

/// Articles whose fingerprints differ in at most this many bits are copies of each other.
pub const NEAR_BITS: u32 = 6;
/// Below this many words a body says too little to tell copies from look-alike briefs
/// ("Blah blah blah."), and false merges are worse than missed copies.
const MIN_WORDS: usize = 12;

/// Sign-offs that copies add or drop.
const SIGN_OFFS: &[&str] = &["reuter", "reuters", "ap", "afp", "upi"];

/// The story without what differs between filings of it: the dateline (place and day) and
/// the agency sign-off. `has_dateline`: whether `dateline::parse` finds one in `body`.
fn story(body: &str, has_dateline: bool) -> &str {
    let mut text = body.trim();
    if has_dateline {
        for dash in [" -- ", " - ", " — ", " – "] {
            if let Some(i) = text.lines().next().and_then(|l| l.find(dash)) {
                text = &text[i + dash.len()..];
                break;
            }
        }
    }
    if let Some((rest, last)) = text.trim_end().rsplit_once('\n') {
        if SIGN_OFFS.contains(&last.trim().to_lowercase().as_str()) {
            text = rest;
        }
    }
    text
}

/// The body's fingerprint, or 0 when the body is too short to have one.
pub fn fingerprint(body: &str) -> u64 {
    fingerprint_with(body, crate::article::dateline::parse(body).is_some())
}

/// [`fingerprint`] for a body whose dateline was already looked for (`has_dateline`: whether
/// `dateline::parse(body)` found one), so indexing parses it once per article.
pub fn fingerprint_with(body: &str, has_dateline: bool) -> u64 {
    // Runs on every article at index time: words are hashed in place (lower-cased into one
    // reused buffer, byte by byte for ASCII words) and triples combine the three word hashes.
    let mut word_hashes: Vec<u64> = Vec::with_capacity(256);
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    let mut lower = String::new();
    for word in story(body, has_dateline)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let bytes = if word.is_ascii() {
            buf.clear();
            buf.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
            &buf[..]
        } else {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            lower.as_bytes()
        };
        word_hashes.push(xxhash_rust::xxh3::xxh3_64(bytes));
    }
    if word_hashes.len() < MIN_WORDS {
        return 0;
    }
    // A bit is set in the fingerprint when more than half of the triples' hashes have it.
    // Ones are counted eight bits at a time: lane `j` of `lanes` holds, in each of its
    // bytes, the count for bits j, j+8, ..., j+56; bytes are emptied before they overflow.
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    let mut ones = [0u32; 64];
    let mut lanes = [0u64; 8];
    let mut pending = 0u32;
    let flush = |lanes: &mut [u64; 8], ones: &mut [u32; 64]| {
        for (j, lane) in lanes.iter_mut().enumerate() {
            for byte in 0..8 {
                ones[byte * 8 + j] += ((*lane >> (byte * 8)) & 0xff) as u32;
            }
            *lane = 0;
        }
    };
    for t in word_hashes.windows(3) {
        let h = mix(t[0] ^ mix(t[1] ^ mix(t[2])));
        for (j, lane) in lanes.iter_mut().enumerate() {
            *lane += (h >> j) & LOW_BITS;
        }
        pending += 1;
        if pending == 255 {
            flush(&mut lanes, &mut ones);
            pending = 0;
        }
    }
    flush(&mut lanes, &mut ones);
    let triples = (word_hashes.len() - 2) as u32;
    let mut out = 0u64;
    for (bit, n) in ones.iter().enumerate() {
        if 2 * n > triples {
            out |= 1 << bit;
        }
    }
    // 0 means "no fingerprint"; a real one that happens to be 0 is nudged.
    out.max(1)
}

/// A 64-bit finaliser (splitmix64), so the order of the three words matters.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Whether two fingerprints mark copies of one story.
pub fn are_copies(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && (a ^ b).count_ones() <= NEAR_BITS
}

/// How many stories `prints` hold: prints that are copies of each other, directly or through
/// a third, count once. `prints` are distinct and non-zero (an article without a fingerprint
/// is a story of its own, counted apart).
pub fn count_stories(prints: &[u64]) -> usize {
    // Copies differ in at most NEAR_BITS bits, so with the bits cut into NEAR_BITS + 1
    // blocks, any two copies agree on a whole block: only prints sharing a block's value are
    // compared, one block at a time, and copies joined as connected components. A block is
    // at most 10 bits wide, so prints are bucketed by its value (a counting sort: two passes,
    // no comparisons) rather than sorted.
    const BLOCKS: u32 = NEAR_BITS + 1;
    const MAX_WIDTH: u32 = 64_u32.div_ceil(BLOCKS);
    let Ok(n) = u32::try_from(prints.len()) else {
        // Over four billion distinct prints cannot come from one index's matches.
        return prints.len();
    };
    if n < 2 {
        return prints.len();
    }
    let mut parent: Vec<u32> = (0..n).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            let up = parent[parent[i as usize] as usize];
            parent[i as usize] = up;
            i = up;
        }
        i
    }
    let mut stories = prints.len();
    // Each print with its position, in the order of the current block's value.
    let mut bucketed: Vec<(u64, u32)> = vec![(0, 0); prints.len()];
    let mut ends = [0u32; 1 << MAX_WIDTH];
    for block in 0..BLOCKS {
        let (lo, hi) = (block * 64 / BLOCKS, (block + 1) * 64 / BLOCKS);
        let mask = (1u64 << (hi - lo)) - 1;
        let key = |p: u64| ((p >> lo) & mask) as usize;
        let ends = &mut ends[..=mask as usize];
        ends.fill(0);
        for &p in prints {
            ends[key(p)] += 1;
        }
        // Running totals: `ends[k]` becomes where bucket k starts, then (filled) ends.
        let mut start = 0;
        for end in ends.iter_mut() {
            let size = *end;
            *end = start;
            start += size;
        }
        for (i, &p) in (0..n).zip(prints) {
            let slot = &mut ends[key(p)];
            bucketed[*slot as usize] = (p, i);
            *slot += 1;
        }
        let mut start = 0;
        for &end in ends.iter() {
            let run = &bucketed[start..end as usize];
            start = end as usize;
            for (x, &(p, i)) in run.iter().enumerate() {
                for &(q, j) in &run[x + 1..] {
                    if are_copies(p, q) {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        if a != b {
                            parent[a as usize] = b;
                            stories -= 1;
                        }
                    }
                }
            }
        }
    }
    stories
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The International Cocoa Organization council agreed standard price \
        differentials for different origin cocoas to form part of the buffer stock buying and \
        selling procedure, delegates said. The differentials will apply from next week.";

    #[test]
    fn copies_with_small_changes_match() {
        let a = fingerprint(STORY);
        assert!(are_copies(a, fingerprint(&format!("{STORY}\n\nReuter"))));
        assert!(are_copies(a, fingerprint(&STORY.to_uppercase())));
        assert!(are_copies(a, a));
    }

    #[test]
    fn datelines_and_sign_offs_do_not_count() {
        assert_eq!(
            fingerprint(&format!("LONDON, March 17 - {STORY}\n\nReuter")),
            fingerprint(&format!("LONDON, March 18 - {STORY}"))
        );
    }

    #[test]
    fn a_dateline_looked_for_once_gives_the_same_print() {
        for body in [
            format!("LONDON, March 17 - {STORY}\n\nReuter"),
            format!("  TOKYO (Kyodo) -- {STORY}  \n"),
            format!("{STORY} - more"),
            STORY.to_string(),
            "TOKYO - ".to_string(),
        ] {
            let has = crate::article::dateline::parse(&body).is_some();
            let before = if crate::article::dateline::parse(body.trim()).is_some() {
                fingerprint_with(&body, true)
            } else {
                fingerprint_with(&body, false)
            };
            assert_eq!(fingerprint_with(&body, has), before, "{body}");
            assert_eq!(fingerprint(&body), before, "{body}");
        }
    }

    #[test]
    fn different_stories_do_not() {
        let other = "Madagascar's cocoa production is estimated 13 pct higher this year at \
            2,720 tonnes, up from 2,400 in 1986, Agriculture Ministry officials said on Monday.";
        assert!(!are_copies(fingerprint(STORY), fingerprint(other)));
    }

    #[test]
    fn short_bodies_have_no_fingerprint() {
        assert_eq!(fingerprint("Blah blah blah."), 0);
        assert!(!are_copies(
            fingerprint("Blah blah blah."),
            fingerprint("Blah blah blah.")
        ));
    }

    /// The straightforward version the fast one must match bit for bit.
    fn reference(body: &str) -> u64 {
        let mut word_hashes = Vec::new();
        // As `story` first read it: the dateline looked for in the trimmed body.
        let has_dateline = crate::article::dateline::parse(body.trim()).is_some();
        for word in story(body, has_dateline)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let lower: String = word.chars().flat_map(char::to_lowercase).collect();
            word_hashes.push(xxhash_rust::xxh3::xxh3_64(lower.as_bytes()));
        }
        if word_hashes.len() < MIN_WORDS {
            return 0;
        }
        let mut counts = [0i32; 64];
        for t in word_hashes.windows(3) {
            let h = mix(t[0] ^ mix(t[1] ^ mix(t[2])));
            for (bit, count) in counts.iter_mut().enumerate() {
                *count += ((h >> bit) & 1) as i32 * 2 - 1;
            }
        }
        let mut out = 0u64;
        for (bit, count) in counts.iter().enumerate() {
            if *count > 0 {
                out |= 1 << bit;
            }
        }
        out.max(1)
    }

    #[test]
    fn same_fingerprints_as_the_reference() {
        let long = STORY.repeat(40); // over 255 triples: the byte counters are emptied
        let accented = "Café société À PARIS Ärger über Öl, ÉTÉ İstanbul ǅemal ﬁnance ".repeat(30);
        let seed = include_str!("../corpus/000_5ce300c1a8ebbb27.txt");
        for body in [STORY, &long, &accented, seed, "Blah blah blah.", ""] {
            assert_eq!(fingerprint(body), reference(body), "{body:.40}");
        }
        for n in [12, 13, 254, 255, 256, 257, 258, 511, 512, 513] {
            let words: Vec<String> = (0..n).map(|i| format!("w{}", i * 7919 % 1013)).collect();
            let body = words.join(" ");
            assert_eq!(fingerprint(&body), reference(&body), "{n} words");
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_the_reference_on_any_text(body in "([a-zA-Z0-9éÉßİ]{1,9}[ ,.'\n-]{1,2}){0,700}") {
            proptest::prop_assert_eq!(fingerprint(&body), reference(&body));
        }
    }

    /// The count as first written (a sort of positions by each block's value), which the
    /// bucketed one must match.
    fn reference_count_stories(prints: &[u64]) -> usize {
        const BLOCKS: u32 = NEAR_BITS + 1;
        let mut parent: Vec<usize> = (0..prints.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut stories = prints.len();
        let mut order: Vec<usize> = (0..prints.len()).collect();
        for block in 0..BLOCKS {
            let (lo, hi) = (block * 64 / BLOCKS, (block + 1) * 64 / BLOCKS);
            let key = |i: usize| (prints[i] >> lo) & ((1u64 << (hi - lo)) - 1);
            order.sort_unstable_by_key(|&i| key(i));
            for run in order.chunk_by(|&a, &b| key(a) == key(b)) {
                for (x, &i) in run.iter().enumerate() {
                    for &j in &run[x + 1..] {
                        if are_copies(prints[i], prints[j]) {
                            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                            if a != b {
                                parent[a] = b;
                                stories -= 1;
                            }
                        }
                    }
                }
            }
        }
        stories
    }

    /// Distinct non-zero prints built from `seeds`, each followed by copies of it with the
    /// bits of `flips` (masks of a few bits) flipped: chains, clusters and strangers.
    fn prints_from(seeds: &[u64], flips: &[u64]) -> Vec<u64> {
        let mut prints: Vec<u64> = Vec::new();
        for (k, &seed) in seeds.iter().enumerate() {
            let mut p = seed;
            prints.push(p);
            for &f in flips.iter().skip(k % 3).step_by(1 + k % 2) {
                p ^= f;
                prints.push(p);
            }
        }
        prints.retain(|p| *p != 0);
        prints.sort_unstable();
        prints.dedup();
        prints
    }

    proptest::proptest! {
        #[test]
        fn counts_stories_as_the_reference_does(
            seeds in proptest::collection::vec(proptest::num::u64::ANY, 0..60),
            // Masks of 1 to 8 random bits: copies, and near misses just past NEAR_BITS.
            flips in proptest::collection::vec(
                proptest::strategy::Strategy::prop_map(
                    proptest::collection::vec(0u32..64, 1..9),
                    |bits| bits.iter().fold(0u64, |m, b| m | 1 << b),
                ),
                0..12,
            ),
            // Few distinct high bits, so many prints share blocks and land in one bucket.
            narrow in proptest::bool::ANY,
        ) {
            let seeds: Vec<u64> = if narrow {
                seeds.iter().map(|s| s & 0x0000_0000_00ff_f00f).collect()
            } else {
                seeds
            };
            let prints = prints_from(&seeds, &flips);
            proptest::prop_assert_eq!(count_stories(&prints), reference_count_stories(&prints));
        }
    }

    #[test]
    fn stories_count_copies_once() {
        let a = 0x0123_4567_89ab_cdef_u64;
        // b is a copy of a, c of b (7 bits from a), d unrelated.
        let (b, c, d) = (a ^ 0b111_1110, a ^ 0b1111_1111, !a);
        assert_eq!(count_stories(&[]), 0);
        assert_eq!(count_stories(&[a, d]), 2);
        assert_eq!(count_stories(&[a, b, d]), 2);
        assert_eq!(count_stories(&[a, b, c, d]), 2);
        assert_eq!(count_stories(&[a, c, d]), 3);
        // Differences spread over every block.
        let spread = a ^ (1 | 1 << 10 | 1 << 20 | 1 << 30 | 1 << 40 | 1 << 63);
        assert_eq!(count_stories(&[a, spread]), 1);
    }
}
