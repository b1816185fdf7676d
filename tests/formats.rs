//! End-to-end tests of reading packed files (zip, tar, compressed files, archives inside
//! archives) as folders, and of telling files apart by their content as well as their name.

mod common;

use std::io::Write;
use std::path::Path;

use common::Archive;
use serde_json::Value;

fn story(title: &str, date: &str, body: &str) -> String {
    format!("{title}\nBy Jo Park\n{date}\n\n{body}\n")
}

fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, data) in members {
            if name.ends_with('/') {
                zip.add_directory(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                continue;
            }
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn tar_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn problems(summary: &Value) -> Vec<(String, Option<String>, String)> {
    summary["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = p["path"].as_str().unwrap();
            let file = Path::new(path).file_name().unwrap().to_string_lossy();
            (
                file.into_owned(),
                p["member"].as_str().map(str::to_string),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn sorted_titles(a: &Archive, query: &str) -> Vec<String> {
    let mut titles = a.titles(query, &["--limit", "100"]);
    titles.sort();
    titles
}

#[test]
fn a_zip_is_read_as_a_folder_and_skips_hidden_and_other_members() {
    let a = Archive::new();
    let first = story(
        "Harbor dredging approved",
        "March 3, 2017",
        "The harbor will be dredged.",
    );
    let jsonl = concat!(
        r#"{"title": "Harbor fees rise", "date": "2017-03-04", "body": "Harbor fees rise in April."}"#,
        "\n",
        r#"{"title": "Harbor undated", "body": "A harbor story with no date."}"#,
        "\n"
    );
    let zip = zip_bytes(&[
        ("2017/", b""),
        ("2017/a.txt", first.as_bytes()),
        ("2017/b.jsonl", jsonl.as_bytes()),
        // macOS resource forks, hidden files and folders, and files that are not articles:
        // passed by without a word, as a folder's would be... but never read.
        ("__MACOSX/2017/._a.txt", b"\0\x05\x16\x07 resource fork"),
        (
            ".hidden/c.txt",
            story("Hidden harbor", "March 5, 2017", "x").as_bytes(),
        ),
        (
            "2017/.d.txt",
            story("Dot harbor", "March 5, 2017", "x").as_bytes(),
        ),
        ("scans/page.pdf", b"%PDF-1.4 harbor"),
    ]);
    a.write("march.zip", zip);
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 3, "{summary:#}");
    assert_eq!(summary["added"], 1, "one file: the zip");
    assert_eq!(summary["skipped"], 0, "{summary:#}");
    assert_eq!(
        problems(&summary),
        [(
            "march.zip".to_string(),
            Some("2017/b.jsonl".to_string()),
            "no date: indexed, but date filters will not find it".to_string()
        )]
    );
    assert_eq!(summary["problems"][0]["line"], 2);
    assert_eq!(
        sorted_titles(&a, "harbor"),
        [
            "Harbor dredging approved",
            "Harbor fees rise",
            "Harbor undated"
        ]
    );
}

#[test]
fn a_zip_inside_a_tgz_is_read_and_its_members_are_joined_with_a_bang() {
    let a = Archive::new();
    let inner = zip_bytes(&[(
        "x.jsonl",
        br#"{"title": "Nested ferry story", "body": "The ferry is nested two deep."}"#,
    )]);
    let tar = tar_bytes(&[
        ("./day/inner.zip", &inner),
        (
            "./day/top.txt",
            story("Top ferry story", "March 3, 2017", "The ferry runs.").as_bytes(),
        ),
    ]);
    a.write("day.tgz", gzip(&tar));
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 2, "{summary:#}");
    assert_eq!(
        problems(&summary),
        [(
            "day.tgz".to_string(),
            Some("day/inner.zip!x.jsonl".to_string()),
            "no date: indexed, but date filters will not find it".to_string()
        )]
    );
    assert_eq!(
        sorted_titles(&a, "ferry"),
        ["Nested ferry story", "Top ferry story"]
    );
}

#[test]
fn compressed_files_of_every_kind_are_read() {
    let a = Archive::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    for name in [
        "packed_story.txt.xz",
        "packed_story.txt.bz2",
        "packed_story.txt.zst",
    ] {
        a.write(name, std::fs::read(fixtures.join(name)).unwrap());
    }
    // Two gzip members one after the other are one file (`cat a.gz b.gz`).
    let mut two = gzip(br#"{"title": "Ferry one", "date": "2017-03-04", "body": "ferry"}"#);
    two.extend(gzip(
        b"\n{\"title\": \"Ferry two\", \"date\": \"2017-03-05\", \"body\": \"ferry\"}\n",
    ));
    a.write("feed.jsonl.gz", two);
    let summary = a.index_json(&[]);
    assert_eq!(summary["added"], 4, "{summary:#}");
    assert_eq!(summary["indexed"], 5, "{summary:#}");
    assert_eq!(summary["problems"], Value::Array(vec![]));
    assert_eq!(summary["articles"], 5);
    // The three copies of one story show as one.
    assert_eq!(
        sorted_titles(&a, "ferry"),
        [
            "Ferry one",
            "Ferry timetable changes for winter",
            "Ferry two"
        ]
    );
}

#[test]
fn a_file_whose_name_lies_is_read_by_its_content() {
    let a = Archive::new();
    // A gzip named .txt, and a tar named .gz... of gzip: the bytes decide.
    a.write(
        "story.txt",
        gzip(story("Gzip named txt", "March 3, 2017", "Lighthouse.").as_bytes()),
    );
    let tar = tar_bytes(&[(
        "in.txt",
        story("Tar in a jsonl.gz", "March 3, 2017", "Lighthouse.").as_bytes(),
    )]);
    a.write("misnamed.jsonl.gz", gzip(&tar));
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 2, "{summary:#}");
    assert_eq!(
        sorted_titles(&a, "lighthouse"),
        ["Gzip named txt", "Tar in a jsonl.gz"]
    );
}

#[test]
fn a_member_over_the_cap_is_skipped_and_costs_no_more_than_the_cap() {
    let a = Archive::new();
    // 8 MB of text, deflated to a few KB: a small bomb.
    let big = "bomb ".repeat(8 << 18);
    let ok = story("Small pier story", "March 3, 2017", "The pier.");
    a.write(
        "bomb.zip",
        zip_bytes(&[("big.txt", big.as_bytes()), ("ok.txt", ok.as_bytes())]),
    );
    // In a tar the header's size is not trusted: the reading stops at the cap.
    let tar = tar_bytes(&[("big.txt", big.as_bytes()), ("ok.txt", ok.as_bytes())]);
    a.write("bomb.tgz", gzip(&tar));
    let summary = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(summary["indexed"], 2, "{summary:#}");
    let got = problems(&summary);
    assert_eq!(got.len(), 2, "{got:?}");
    for (file, member, reason) in got {
        assert!(file == "bomb.zip" || file == "bomb.tgz");
        assert_eq!(member.as_deref(), Some("big.txt"));
        assert!(
            reason.starts_with("larger than --max-article-mb 1")
                && reason.ends_with("when unpacked"),
            "{reason}"
        );
    }
}

#[test]
fn damaged_archives_are_reported_and_what_is_readable_is_indexed() {
    let a = Archive::new();
    // A gzip cut short: the lines before the cut are indexed.
    let lines: String = (0..2000)
        .map(|i| format!("{{\"title\": \"Tide {i}\", \"date\": \"2017-03-04\", \"body\": \"tide {i} {}\"}}\n", i * 7919 % 104729))
        .collect();
    let whole = gzip(lines.as_bytes());
    a.write("cut.jsonl.gz", &whole[..whole.len() / 2]);
    // Named gzip, not gzip at all.
    a.write("plain.txt.gz", story("Not gzip", "March 3, 2017", "tide"));
    // A zip cut short has lost its directory: its member is read from its own header.
    let zip = zip_bytes(&[(
        "a.txt",
        story("Cut zip", "March 3, 2017", "tide").as_bytes(),
    )]);
    a.write("cut.zip", &zip[..zip.len() - 30]);
    // A member whose bytes no longer match its CRC; the other member is fine.
    let good = story("Good member tide", "March 3, 2017", "tide");
    let bad = story("Bad member", "March 3, 2017", "tide water level");
    let mut zip = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("bad.txt", stored).unwrap();
        w.write_all(bad.as_bytes()).unwrap();
        w.start_file("good.txt", stored).unwrap();
        w.write_all(good.as_bytes()).unwrap();
        w.finish().unwrap();
        out.into_inner()
    };
    let at = zip.windows(11).position(|w| w == b"water level").unwrap();
    zip[at] = b'W';
    a.write("crc.zip", zip);
    let summary = a.index_json(&[]);
    let got = problems(&summary);
    let find = |file: &str| -> Vec<(Option<String>, String)> {
        got.iter()
            .filter(|p| p.0 == file)
            .map(|p| (p.1.clone(), p.2.clone()))
            .collect()
    };
    // The line cut in two, and the cut.
    let cut = find("cut.jsonl.gz");
    assert_eq!(cut.len(), 2, "{got:?}");
    assert!(cut[1].1.contains("truncated gzip data"), "{cut:?}");
    assert_eq!(
        find("plain.txt.gz"),
        [(
            None,
            "not gzip data despite its name (.gz): the file is damaged or misnamed".to_string()
        )]
    );
    let cut_zip = find("cut.zip");
    assert_eq!(cut_zip.len(), 1, "{got:?}");
    assert!(cut_zip[0].1.starts_with("damaged zip"), "{cut_zip:?}");
    let crc = find("crc.zip");
    assert_eq!(crc.len(), 1, "{got:?}");
    assert_eq!(crc[0].0.as_deref(), Some("bad.txt"));
    assert!(crc[0].1.to_lowercase().contains("checksum"), "{crc:?}");
    // Everything readable is in: the good member, and the lines before the cut.
    let indexed = summary["indexed"].as_u64().unwrap();
    let tides = a.search("tide", &["--limit", "1"])["total_hits"]
        .as_u64()
        .unwrap();
    assert_eq!(tides, indexed);
    assert!(indexed > 100 && indexed < 2000, "{indexed}");
    assert_eq!(a.titles("\"Good member tide\"", &[]), ["Good member tide"]);
    assert_eq!(a.titles("\"Cut zip\"", &[]), ["Cut zip"]);
}

#[test]
fn a_container_is_one_file_for_incremental_indexing() {
    let a = Archive::new();
    let one = story("Pier one", "March 3, 2017", "pier");
    let two = story("Pier two", "March 4, 2017", "pier");
    let three = story("Pier three", "March 5, 2017", "pier");
    let path = a.write(
        "piers.zip",
        zip_bytes(&[("one.txt", one.as_bytes()), ("two.txt", two.as_bytes())]),
    );
    let first = a.index_json(&[]);
    assert_eq!(
        (first["added"].as_u64(), first["indexed"].as_u64()),
        (Some(1), Some(2))
    );
    // Unchanged: not opened again.
    let again = a.reindex_json(&[]);
    assert_eq!(again["unchanged"], 1, "{again:#}");
    assert_eq!(again["indexed"], 0);
    // Changed: all its articles replaced.
    std::fs::write(
        &path,
        zip_bytes(&[("one.txt", one.as_bytes()), ("three.txt", three.as_bytes())]),
    )
    .unwrap();
    let changed = a.reindex_json(&[]);
    assert_eq!(changed["updated"], 1, "{changed:#}");
    assert_eq!(changed["articles"], 2);
    assert_eq!(sorted_titles(&a, "pier"), ["Pier one", "Pier three"]);
    // Deleted: all its articles gone.
    std::fs::remove_file(&path).unwrap();
    let gone = a.reindex_json(&[]);
    assert_eq!(gone["removed"], 1, "{gone:#}");
    assert_eq!(gone["articles"], 0);
}

#[test]
fn a_container_of_many_articles_is_streamed_into_the_index() {
    let a = Archive::new();
    // More records than one piece holds, so they reach the indexing thread in several.
    let lines: String = (0..5000)
        .map(|i| {
            format!("{{\"title\": \"Quay {i}\", \"date\": \"2017-03-04\", \"body\": \"quay\"}}\n")
        })
        .collect();
    let tar = tar_bytes(&[("a.jsonl", lines.as_bytes()), ("b.jsonl", lines.as_bytes())]);
    a.write("many.tgz", gzip(&tar));
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 10_000, "{summary:#}");
    assert_eq!(summary["articles"], 10_000);
    assert_eq!(summary["problems"], Value::Array(vec![]));
}

// The fixtures through the real readers: these pass once the HTML, XML and WARC readers
// of the other issue-16 branches are merged.

#[test]
fn the_fixture_archives_give_their_articles() {
    let a = Archive::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    for name in ["bundle.zip", "bundle.tar.gz", "nyt_nitf.xml.gz"] {
        a.write(name, std::fs::read(fixtures.join(name)).unwrap());
    }
    let summary = a.index_json(&[]);
    // bundle.zip: 3 articles and its empty member; bundle.tar.gz: 3; the .gz: 1.
    assert_eq!(summary["indexed"], 7, "{summary:#}");
    let got = problems(&summary);
    assert!(
        got.iter().any(|(file, member, reason)| file == "bundle.zip"
            && member.as_deref() == Some("feeds/empty.xml")
            && reason == "empty file"),
        "{got:?}"
    );
}

#[test]
fn a_warc_gz_counts_the_records_it_passes_over() {
    let a = Archive::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    a.write(
        "crawl.warc.gz",
        std::fs::read(fixtures.join("crawl.warc.gz")).unwrap(),
    );
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 1, "{summary:#}");
    // warcinfo, 3 requests, metadata, the 404 and the 301.
    assert_eq!(summary["passed_over"], 7, "{summary:#}");
    let text = a.index_stdout(&["--rebuild"]);
    assert!(text.contains("7 records passed over"), "{text}");
}

#[test]
fn problems_in_an_archive_name_the_member_as_show_takes_it() {
    let a = Archive::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    a.write(
        "bundle.zip",
        std::fs::read(fixtures.join("bundle.zip")).unwrap(),
    );
    let (_, text) = a.index_output(&[]);
    assert!(
        text.contains("bundle.zip!feeds/empty.xml: empty file"),
        "{text}"
    );
}

#[test]
fn a_gzip_bomb_is_reported_as_over_the_cap_not_at_a_made_up_size() {
    let a = Archive::new();
    a.write("bomb.txt.gz", gzip(&vec![b'a'; 10 << 20]));
    let summary = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(
        problems(&summary),
        [(
            "bomb.txt.gz".to_string(),
            None,
            "larger than --max-article-mb 1 (over 1 MB): raise the cap to index it when unpacked"
                .to_string()
        )]
    );
}

#[test]
fn a_zip_member_compressed_with_lzma_is_not_supported_not_damaged() {
    let a = Archive::new();
    let text = story("Lzma story", "March 3, 2017", "Lzma.");
    let mut zip = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("lzma.txt", stored).unwrap();
        w.write_all(text.as_bytes()).unwrap();
        w.finish().unwrap();
        out.into_inner()
    };
    // Method 14 (LZMA) in the local header and in the central directory's entry.
    zip[8] = 14;
    let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    zip[central + 10] = 14;
    a.write("lzma.zip", zip);
    let summary = a.index_json(&[]);
    let got = problems(&summary);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1.as_deref(), Some("lzma.txt"));
    assert_eq!(
        got[0].2,
        "compressed with zip method 14 (Lzma), which is not supported: re-pack the zip with deflate"
    );
}

#[test]
fn a_tar_cut_inside_a_member_skips_and_names_it_in_every_container() {
    let a = Archive::new();
    let whole = story("Whole quay story", "March 3, 2017", "The quay is whole.");
    let long = story("Cut quay story", "March 3, 2017", &"The quay. ".repeat(900));
    let tar = tar_bytes(&[("a.txt", whole.as_bytes()), ("b.txt", long.as_bytes())]);
    // Cut 2,148 bytes into b.txt's data (its header and a.txt's take the first 1,536).
    let cut = &tar[..1536 + 2148];
    a.write("plain.tar", cut);
    a.write("whole-gzip.tgz", gzip(cut));
    a.write("in.zip", zip_bytes(&[("day.tar", cut)]));
    let summary = a.index_json(&[]);
    let got = problems(&summary);
    assert_eq!(got.len(), 3, "{got:?}");
    for (file, member) in [
        ("plain.tar", "b.txt"),
        ("whole-gzip.tgz", "b.txt"),
        ("in.zip", "day.tar!b.txt"),
    ] {
        let (_, m, reason) = got.iter().find(|p| p.0 == file).expect(file);
        assert_eq!(m.as_deref(), Some(member), "{got:?}");
        assert!(
            reason.contains("truncated tar data") && reason.contains("2148 of its 9"),
            "{reason}"
        );
    }
    assert_eq!(summary["indexed"], 3, "{summary:#}");
    assert!(sorted_titles(&a, "quay")
        .iter()
        .all(|t| t == "Whole quay story"));
}

/// A zip of `n` small stories, members `s00.txt`...
fn zip_of_stories(n: usize) -> Vec<u8> {
    let stories: Vec<(String, String)> = (0..n)
        .map(|i| {
            let body = format!("Wharf report {i}. {}", "Boats came in. ".repeat(20));
            (
                format!("s{i:02}.txt"),
                story(&format!("Wharf {i:02}"), "March 3, 2017", &body),
            )
        })
        .collect();
    let members: Vec<(&str, &[u8])> = stories
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    zip_bytes(&members)
}

#[test]
fn a_zip_cut_short_gives_every_member_before_the_cut() {
    let a = Archive::new();
    let zip = zip_of_stories(30);
    // Cut inside the 26th member's data: the 25 before it are whole.
    let at = zip.windows(7).position(|w| w == b"s25.txt").unwrap() + 20;
    a.write("cut.zip", &zip[..at]);
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 25, "{summary:#}");
    let got = problems(&summary);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1.as_deref(), Some("s25.txt"), "{got:?}");
    assert!(got[0].2.contains("truncated zip"), "{got:?}");
    let hits = &a.search("wharf", &["--limit", "1", "--all-copies"])["total_hits"];
    assert_eq!(hits, 25);
    assert_eq!(a.titles("\"wharf report 24\"", &[]), ["Wharf 24"]);
}

#[test]
fn a_zip_whose_directory_is_cut_off_gives_all_its_members_and_a_warning() {
    let a = Archive::new();
    let zip = zip_of_stories(30);
    // Cut inside the central directory, after the last member's data.
    let at = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap() + 100;
    a.write("cut.zip", &zip[..at]);
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 30, "{summary:#}");
    let got = problems(&summary);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, None, "{got:?}");
    assert!(got[0].2.starts_with("damaged zip"), "{got:?}");
    assert_eq!(summary["warnings"], 1, "{summary:#}");
}

#[test]
fn a_cut_zip_whose_sizes_follow_their_data_is_reported_as_unreadable_without_its_directory() {
    let a = Archive::new();
    // Written as a stream, each member's sizes follow its data.
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("a.txt", options).unwrap();
    zip.write_all(story("Streamed", "March 3, 2017", "Quay.").as_bytes())
        .unwrap();
    let zip = zip.finish().unwrap().into_inner();
    a.write("stream.zip", &zip[..zip.len() - 30]);
    let summary = a.index_json(&[]);
    let got = problems(&summary);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].2.starts_with("damaged zip") && got[0].2.contains("sizes written after their data"),
        "{got:?}"
    );
}

#[test]
fn zip_members_that_share_their_data_are_refused_after_the_first() {
    let a = Archive::new();
    let text = story(
        "Shared quay story",
        "March 3, 2017",
        &"The quay. ".repeat(1000),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("a.txt", options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        for i in 0..50 {
            zip.shallow_copy_file("a.txt", &format!("m{i:02}.txt"))
                .unwrap();
        }
        zip.finish().unwrap();
    }
    a.write("bomb.zip", out.into_inner());
    let summary = a.index_json(&[]);
    assert_eq!(summary["indexed"], 1, "{summary:#}");
    let got = problems(&summary);
    assert_eq!(
        got,
        [(
            "bomb.zip".to_string(),
            Some("m00.txt".to_string()),
            "its data overlaps another member's, as in a zip bomb: skipped, \
             as are 49 more members like it"
                .to_string()
        )]
    );
}

#[test]
fn an_archive_that_unpacks_to_over_100_times_its_size_stops_there() {
    let a = Archive::new();
    // 20 MB of zeros between two stories, packed into some 20 KB: skipping the zeros
    // unpacks them.
    let first = story("First jetty story", "March 3, 2017", "The jetty.");
    let after = story("Jetty story after the zeros", "March 3, 2017", "The jetty.");
    let zeros = vec![0u8; 20 << 20];
    let tar = tar_bytes(&[
        ("a.txt", first.as_bytes()),
        ("zeros.bin", &zeros),
        ("b.txt", after.as_bytes()),
    ]);
    // Gzip members one after another are one stream: the zeros are packed 1 MB at a time,
    // once.
    let (head, rest) = tar.split_at(1536);
    let mut tgz = gzip(head);
    let packed = gzip(&zeros[..1 << 20]);
    for _ in 0..20 {
        tgz.extend(&packed);
    }
    tgz.extend(gzip(&rest[20 << 20..]));
    a.write("zeros.tgz", tgz);
    // With a cap of 1 MB, the file may unpack 16 MB: 100 times its size is less.
    let summary = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(summary["indexed"], 1, "{summary:#}");
    assert_eq!(
        problems(&summary),
        [(
            "zeros.tgz".to_string(),
            None,
            "the file unpacks to over 100× its size, as a zip bomb does: the rest of it is not \
             read (unpack it yourself to index it)"
                .to_string()
        )]
    );
    assert_eq!(sorted_titles(&a, "jetty"), ["First jetty story"]);
}

#[test]
fn a_feed_over_the_article_cap_in_a_gz_a_zip_or_a_tar_loses_only_the_item_over_it() {
    let a = Archive::new();
    let item = |title: &str, body: &str| {
        format!(
            "<item><title>{title}</title><pubDate>Tue, 11 Jun 2024 21:15:00 EDT</pubDate>\
             <description>{body}</description></item>"
        )
    };
    let huge = format!("kudu {}", "grazing herds ".repeat(200_000));
    let feed = |tiny: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss><channel>{}{}</channel></rss>",
            item("Huge", &huge),
            item(tiny, "kudu tiny")
        )
    };
    let (in_gz, in_zip, in_tar) = (feed("In gz"), feed("In zip"), feed("In tar"));
    a.write("feed.rss.gz", gzip(in_gz.as_bytes()));
    a.write(
        "bundle.zip",
        zip_bytes(&[("feeds/feed.rss", in_zip.as_bytes())]),
    );
    a.write(
        "bundle.tar",
        tar_bytes(&[("feeds/feed.rss", in_tar.as_bytes())]),
    );
    let summary = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(summary["indexed"], 3, "{summary:#}");
    let mut got: Vec<(String, Option<String>, u64, String)> = summary["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = Path::new(p["path"].as_str().unwrap());
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                p["member"].as_str().map(str::to_string),
                p["record"].as_u64().unwrap(),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let reason = "larger than --max-article-mb 1 (3 MB): raise the cap to index it".to_string();
    let member = Some("feeds/feed.rss".to_string());
    assert_eq!(
        got,
        [
            ("bundle.tar".into(), member.clone(), 1, reason.clone()),
            ("bundle.zip".into(), member, 1, reason.clone()),
            ("feed.rss.gz".into(), None, 1, reason),
        ]
    );
    assert_eq!(sorted_titles(&a, "kudu"), ["In gz", "In tar", "In zip"]);
}

/// Structured formats name their publication; it is the article's source when neither the
/// format's own source (a JSON Lines `source`) nor an agency in the dateline names one.
#[test]
fn structured_formats_give_their_publication_as_the_source() {
    let a = Archive::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    for name in [
        "nyt_nitf.xml",
        "newsml1_envelope_latin1.xml",
        "g2_newsmessage.xml",
        "rss2.xml",
        "atom.xml",
        "news_page.html",
    ] {
        a.write(name, std::fs::read(fixtures.join(name)).unwrap());
    }
    a.write(
        "wire.xml",
        r#"<rss version="2.0"><channel><title>Daily Ledger</title><item><title>Senate votes</title>
<pubDate>Tue, 11 Jun 2024 09:00:00 GMT</pubDate>
<description>WASHINGTON (AP) - The Senate voted on the budget today.</description></item></channel></rss>"#,
    );
    a.write(
        "feed.jsonl",
        r#"{"title": "Copper rises", "date": "2017-03-19", "body": "LUSAKA (Reuters) - Copper rose.", "source": "Mining Weekly"}"#,
    );
    a.index_json(&[]);
    let source_of = |title: &str| {
        let r = a.search(&format!("title:\"{title}\""), &["--limit", "1"]);
        r["hits"][0]["source"].clone()
    };
    assert_eq!(
        source_of("Harbor Commission Approves Plan"),
        "The New York Times"
    );
    assert_eq!(source_of("Lyon opens tram line"), "AFP");
    assert_eq!(source_of("River Ouse flood warning"), "York Press Agency");
    assert_eq!(source_of("Skeldergate Bridge closed"), "York Evening Post");
    assert_eq!(source_of("Library reopens"), "Valley Courier — Local News");
    assert_eq!(source_of("Ferry fares rise"), "Harbor News");
    assert_eq!(
        source_of("Orchard growers count losses"),
        "The Riverside Gazette"
    );
    // A dateline's agency comes before the publication; a JSON Lines source before both.
    assert_eq!(source_of("Senate votes"), "AP");
    assert_eq!(source_of("Copper rises"), "Mining Weekly");
    let v = a.run_json(&["facets", "*", "--json", "--limit", "20"]);
    let sources = v["facets"]["sources"].as_array().unwrap();
    assert!(
        sources
            .iter()
            .any(|s| s["value"] == "Harbor News" && s["count"] == 2),
        "{v}"
    );
}
