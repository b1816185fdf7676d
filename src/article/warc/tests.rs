use super::*;
use crate::article::FileParse;

fn read_bytes(bytes: &[u8], max: u64) -> FileParse {
    let mut sink = FileParse::default();
    read_capped(&mut &bytes[..], &mut sink, max);
    sink
}

const PAGE: &str = "<html><head><title>Ferry fares rise | Harbor News</title>\
    <meta property=\"article:published_time\" content=\"2024-03-01T09:30:00-05:00\"></head>\
    <body><article><h1>Ferry fares rise</h1>\
    <p>Island ferry fares will rise 10 percent on April 1, the harbor authority said on Friday, citing higher fuel costs for the fleet.</p>\
    <p>A round trip for a car and driver will cost $46, up from $42. Foot passengers will pay $9 for the crossing each way.</p>\
    </article></body></html>";

fn record(kind: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <https://harbor.example/fares>\r\n\
         WARC-Date: 2024-03-02T10:00:00Z\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn response(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    http.extend_from_slice(body);
    record("response", "application/http; msgtype=response", &http)
}

#[test]
fn a_chunked_gzipped_response_is_read_like_a_plain_one() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(PAGE.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let mut chunked = Vec::new();
    for piece in gz.chunks(100) {
        chunked.extend_from_slice(format!("{:x};ext=1\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\nX-Trailer: 1\r\n\r\n");
    let raw = response(
        "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
        &chunked,
    );
    let plain = response("Content-Type: text/html\r\n", PAGE.as_bytes());
    let (a, b) = (read_bytes(&raw, 1 << 20), read_bytes(&plain, 1 << 20));
    assert_eq!(a.records.len(), 1, "{:?}", a.problems);
    assert_eq!(a.records, b.records);
    let article = &a.records[0].article;
    assert_eq!(article.title, "Ferry fares rise");
    assert_eq!(article.url.as_deref(), Some("https://harbor.example/fares"));
    assert!(
        article.body.starts_with("Island ferry fares"),
        "{}",
        article.body
    );
}

#[test]
fn the_crawl_date_stands_in_only_for_a_page_without_one() {
    let undated = PAGE.replace("article:published_time", "x");
    let got = read_bytes(
        &response("Content-Type: text/html\r\n", undated.as_bytes()),
        1 << 20,
    );
    let date = got.records[0].article.date.unwrap();
    assert_eq!(date.datetime.to_string(), "2024-03-02 10:00:00");
    assert!(got.problems[0].reason.contains("WARC-Date"));
    let dated = read_bytes(
        &response("Content-Type: text/html\r\n", PAGE.as_bytes()),
        1 << 20,
    );
    let date = dated.records[0].article.date.unwrap();
    assert_eq!(date.datetime.to_string(), "2024-03-01 09:30:00");
    assert!(dated.problems.is_empty());
}

#[test]
fn non_pages_are_passed_over_not_reported() {
    let mut file = record("warcinfo", "application/warc-fields", b"software: x\r\n");
    file.extend(record(
        "request",
        "application/http; msgtype=request",
        b"GET / HTTP/1.1\r\n\r\n",
    ));
    file.extend(response("Content-Type: image/jpeg\r\n", b"\xFF\xD8\xFF"));
    let not_found = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>";
    file.extend(record("response", "application/http", not_found));
    file.extend(record("revisit", "application/http", b""));
    let got = read_bytes(&file, 1 << 20);
    assert!(got.records.is_empty());
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.passed_over, 5);
}

#[test]
fn a_record_over_the_cap_is_skipped_and_the_next_is_read() {
    let mut file = response("Content-Type: text/html\r\n", PAGE.repeat(20).as_bytes());
    file.extend(response("Content-Type: text/html\r\n", PAGE.as_bytes()));
    let got = read_bytes(&file, (PAGE.len() * 5) as u64);
    assert_eq!(got.records.len(), 1);
    assert_eq!(got.records[0].record, Some(2));
    assert_eq!(got.problems.len(), 1);
    assert_eq!(got.problems[0].record, Some(1));
    assert!(got.problems[0].reason.contains("cap"), "{:?}", got.problems);
}

#[test]
fn a_gzip_bomb_inside_a_record_stops_at_the_cap() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b' '; 4 << 20]).unwrap();
    let gz = gz.finish().unwrap();
    let file = response("Content-Type: text/html\r\nContent-Encoding: gzip\r\n", &gz);
    let got = read_bytes(&file, 1 << 20);
    assert!(got.records.is_empty());
    assert!(
        got.problems[0].reason.contains("decompressed"),
        "{:?}",
        got.problems
    );
}

#[test]
fn unknown_compression_and_broken_http_are_reported_and_reading_goes_on() {
    let mut file = response(
        "Content-Type: text/html\r\nContent-Encoding: br\r\n",
        b"\x1b\x00\x00",
    );
    file.extend(record(
        "response",
        "application/http",
        b"HTTP/1.1 200 OK\r\nContent-Ty",
    ));
    file.extend(response("Content-Type: text/html\r\n", PAGE.as_bytes()));
    let got = read_bytes(&file, 1 << 20);
    assert_eq!(got.records.len(), 1);
    let reasons: Vec<_> = got
        .problems
        .iter()
        .map(|p| (p.record, p.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].1.contains("\"br\""), "{reasons:?}");
    assert!(reasons[1].1.contains("cut short"), "{reasons:?}");
}

#[test]
fn a_resource_record_holding_html_is_a_page() {
    let file = record("resource", "text/html; charset=utf-8", PAGE.as_bytes());
    let got = read_bytes(&file, 1 << 20);
    assert_eq!(got.records.len(), 1, "{:?}", got.problems);
}

#[test]
fn headers_that_never_end_or_are_not_warc_stop_the_file_with_a_reason() {
    let got = read_bytes(b"<html>not a warc</html>\n", 1 << 20);
    assert!(got.problems[0].reason.starts_with("not a WARC file"));
    let endless = [b"WARC/1.0\r\n".as_slice(), &b"X: y\r\n".repeat(20_000)].concat();
    let got = read_bytes(&endless, 1 << 20);
    assert!(
        got.problems[0].reason.contains("64 KB"),
        "{:?}",
        got.problems
    );
    let got = read_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n\r\nabc", 1 << 20);
    assert!(got.problems[0].reason.contains("Content-Length"));
    let got = read_bytes(b"", 1 << 20);
    assert!(got.problems.is_empty() && got.records.is_empty());
}

#[test]
fn dechunk_and_charset() {
    assert_eq!(
        dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(),
        b"abcde"
    );
    assert_eq!(dechunk(b"3\r\nabc\r\n").unwrap(), b"abc");
    assert!(dechunk(b"zz\r\nabc").is_none());
    assert_eq!(
        charset_of("text/html; Charset=\"ISO-8859-1\"").as_deref(),
        Some("ISO-8859-1")
    );
    assert_eq!(charset_of("text/html"), None);
}
