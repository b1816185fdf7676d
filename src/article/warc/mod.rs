//! WARC files (web crawls, as Common Crawl and the Internet Archive write them): each
//! `response` record with status 200 and an HTML payload is an article page, read as
//! [`super::html`] reads one, with its `WARC-Target-URI` as the url. Other records
//! (requests, metadata, images, redirects, errors) are not articles and not problems.
//!
//! Records are framed by hand (a version line, header lines, `Content-Length` bytes of
//! block): the format is that small, and doing it here bounds what one record may cost.
//! The HTTP message inside a response is read with `httparse`.

use std::io::{self, BufRead, BufReader, Read};

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use super::{html, FileParse, Problem, Record, Severity, Sink};

/// A record whose page is larger than this is skipped (and reported), so one record never
/// costs more memory than this.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// A record's WARC headers longer than this mean the file is not a WARC file.
const MAX_HEADER_BYTES: u64 = 64 << 10;

/// Most HTTP headers a response may have.
const MAX_HTTP_HEADERS: usize = 256;

/// Reads WARC records from `input` (already decompressed: a `.warc.gz` is one gzip member
/// per record, which a multi-member gzip reader turns into one stream) and hands each
/// article, numbered by its record's 1-based position, to `sink`. A record whose length
/// lies ends the reading with a problem; what was read before it stays.
pub fn read(input: &mut dyn Read, sink: &mut dyn Sink) {
    read_capped(input, sink, MAX_RECORD_BYTES);
}

/// As [`read`], with records whose page is over `max_record` bytes skipped and reported
/// (`--max-article-mb`).
pub fn read_capped(input: &mut dyn Read, sink: &mut dyn Sink, max_record: u64) {
    let mut reader = BufReader::with_capacity(64 << 10, input);
    let mut number = 0;
    loop {
        number += 1;
        if let Err(reason) = next_record(&mut reader, number, max_record, sink) {
            let Some(reason) = reason else {
                return;
            };
            sink.problem(Problem {
                record: Some(number),
                severity: Severity::Skipped,
                reason,
                ..Default::default()
            });
            return;
        }
    }
}

/// A record's WARC headers.
struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads record `number` and gives what it holds to `sink`. `Err(None)` is the end of the
/// file; `Err(Some(reason))` means the rest of the file cannot be read.
fn next_record(
    reader: &mut BufReader<&mut dyn Read>,
    number: u64,
    max_record: u64,
    sink: &mut dyn Sink,
) -> Result<(), Option<String>> {
    let Some(headers) = headers(reader, number)? else {
        return Err(None);
    };
    let length: u64 = headers
        .get("Content-Length")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            format!("record {number} has no valid Content-Length, so where it ends is unknown: the rest of the file is not read")
        })?;
    let kind = headers
        .get("WARC-Type")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let content_type = headers
        .get("Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_page = (kind == "response" && content_type.starts_with("application/http"))
        || (kind == "resource" && is_html_type(&content_type));
    if !is_page {
        skip_block(reader, length, number)?;
        sink.passed_over();
        return Ok(());
    }
    if length > max_record {
        skip_block(reader, length, number)?;
        let mb = length.div_ceil(1 << 20);
        sink.problem(Problem {
            record: Some(number),
            severity: Severity::Skipped,
            reason: format!(
                "record {number} is {mb} MB, over the {} MB cap for one page: skipped",
                max_record >> 20
            ),
            ..Default::default()
        });
        return Ok(());
    }
    let block = read_block(reader, length, number)?;
    let Some(page) = page_of(&kind, &content_type, block, number, max_record, sink) else {
        return Ok(());
    };
    let uri = headers.get("WARC-Target-URI").map(|u| {
        u.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    });
    let parse = html::parse_with_charset(&page.bytes, uri.as_deref(), page.charset.as_deref());
    hand_out(parse, headers.get("WARC-Date"), number, sink);
    Ok(())
}

/// The `length` bytes of a record's block; `Err` when the file ends before them.
fn read_block(
    reader: &mut BufReader<&mut dyn Read>,
    length: u64,
    number: u64,
) -> Result<Vec<u8>, Option<String>> {
    let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
    reader
        .by_ref()
        .take(length)
        .read_to_end(&mut block)
        .map_err(|e| Some(format!("record {number} could not be read: {e}")))?;
    if (block.len() as u64) < length {
        return Err(Some(cut_short(number, block.len() as u64, length)));
    }
    Ok(block)
}

/// The page a `response` (inside its HTTP message) or `resource` record's block holds;
/// `None` when there is none, the record having been counted or reported to `sink`.
fn page_of(
    kind: &str,
    content_type: &str,
    block: Vec<u8>,
    number: u64,
    max_record: u64,
    sink: &mut dyn Sink,
) -> Option<Page> {
    if kind != "response" {
        return Some(Page {
            charset: charset_of(content_type),
            bytes: block,
        });
    }
    match http_payload(&block, max_record) {
        Ok(Some(page)) => Some(page),
        Ok(None) => {
            sink.passed_over();
            None
        }
        Err(reason) => {
            sink.problem(Problem {
                record: Some(number),
                severity: Severity::Skipped,
                reason: format!("record {number}: {reason}"),
                ..Default::default()
            });
            None
        }
    }
}

/// Gives what the page of record `number` held to `sink`, numbered; an article without a
/// date of its own is dated by its crawl (`warc_date`), with a warning.
fn hand_out(parse: FileParse, warc_date: Option<&str>, number: u64, sink: &mut dyn Sink) {
    for problem in parse.problems {
        sink.problem(Problem {
            record: Some(number),
            ..problem
        });
    }
    for mut record in parse.records {
        if record.article.date.is_none() {
            if let Some(date) = warc_date.and_then(html::date) {
                record.article.date = Some(date);
                sink.problem(Problem {
                    record: Some(number),
                    severity: Severity::Warning,
                    reason: "the page states no date: its crawl date (WARC-Date) is used".into(),
                    ..Default::default()
                });
            }
        }
        sink.record(Record {
            record: Some(number),
            ..record
        });
    }
}

fn cut_short(number: u64, got: u64, length: u64) -> String {
    format!(
        "record {number} is cut short: its Content-Length says {length} bytes but the file \
         ends after {got} (a truncated download?)"
    )
}

/// Reads past a block that is not wanted, without holding it.
fn skip_block(
    reader: &mut BufReader<&mut dyn Read>,
    length: u64,
    number: u64,
) -> Result<(), Option<String>> {
    let copied = io::copy(&mut reader.by_ref().take(length), &mut io::sink())
        .map_err(|e| Some(format!("record {number} could not be read: {e}")))?;
    if copied < length {
        return Err(Some(cut_short(number, copied, length)));
    }
    Ok(())
}

/// The next record's headers, `None` at the end of the file.
fn headers(
    reader: &mut BufReader<&mut dyn Read>,
    number: u64,
) -> Result<Option<Headers>, Option<String>> {
    let io_error = |e: io::Error| Some(format!("record {number} could not be read: {e}"));
    // The blank lines that end the previous record.
    loop {
        let buf = reader.fill_buf().map_err(io_error)?;
        if buf.is_empty() {
            return Ok(None);
        }
        let blank = buf
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if blank == 0 {
            break;
        }
        reader.consume(blank);
    }
    let mut limited = reader.by_ref().take(MAX_HEADER_BYTES);
    let mut line = Vec::new();
    let mut fields = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        limited.read_until(b'\n', &mut line).map_err(io_error)?;
        if !line.ends_with(b"\n") {
            return Err(Some(if limited.limit() == 0 {
                format!("record {number} has more than 64 KB of headers: this is not a WARC file, or it is damaged")
            } else {
                format!(
                    "the file ends inside the headers of record {number} (a truncated download?)"
                )
            }));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if first {
            if !text.starts_with("WARC/") {
                let shown: String = text.chars().take(40).filter(|c| !c.is_control()).collect();
                return Err(Some(if number == 1 {
                    format!("not a WARC file: it starts with {shown:?}, not \"WARC/1.0\"")
                } else {
                    format!("record {number} does not start with a WARC version line (it starts with {shown:?}): the record before it is longer than its Content-Length says, or the file is damaged")
                }));
            }
            first = false;
            continue;
        }
        if text.is_empty() {
            return Ok(Some(Headers(fields)));
        }
        if let Some((name, value)) = text.split_once(':') {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
}

/// A page to read: its bytes and the charset its transport named.
struct Page {
    bytes: Vec<u8>,
    charset: Option<String>,
}

/// The page in an HTTP response, `None` when the response is not a page (not 200, not
/// HTML), `Err` when it cannot be read.
fn http_payload(block: &[u8], max_record: u64) -> Result<Option<Page>, String> {
    let mut headers = vec![httparse::EMPTY_HEADER; MAX_HTTP_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let parsed = httparse::ParserConfig::default()
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .ignore_invalid_headers_in_responses(true)
        .parse_response(&mut response, block);
    let start = match parsed {
        Ok(httparse::Status::Complete(start)) => start,
        Ok(httparse::Status::Partial) => return Err("the HTTP headers are cut short".into()),
        Err(e) => return Err(format!("the HTTP response cannot be read ({e})")),
    };
    if response.code != Some(200) {
        return Ok(None);
    }
    let header = |name: &str| -> Option<String> {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let body = &block[start..];
    let content_type = header("Content-Type");
    let is_html = match &content_type {
        Some(t) => is_html_type(t),
        None => looks_like_html(body),
    };
    if !is_html {
        return Ok(None);
    }
    let mut bytes = body.to_vec();
    if header("Transfer-Encoding").is_some_and(|t| t.contains("chunked")) {
        bytes = dechunk(&bytes).ok_or("its chunked transfer encoding is damaged")?;
    }
    if let Some(encoding) = header("Content-Encoding") {
        bytes = decompress(bytes, &encoding, max_record)?;
    }
    Ok(Some(Page {
        bytes,
        charset: content_type.as_deref().and_then(charset_of),
    }))
}

fn is_html_type(content_type: &str) -> bool {
    let t = content_type.trim().to_ascii_lowercase();
    t.starts_with("text/html") || t.starts_with("application/xhtml+xml")
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = body[start..body.len().min(start + 15)].to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// The `charset` parameter of a content type.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// A chunked body's data (trailers dropped); `None` when a chunk size is unreadable. A body
/// that ends without its last, empty chunk keeps the chunks it has.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    loop {
        let Some(end) = bytes.iter().position(|&b| b == b'\n') else {
            return Some(out);
        };
        let line = std::str::from_utf8(&bytes[..end]).ok()?;
        let size = line.split(';').next()?.trim();
        if size.is_empty() && out.is_empty() {
            bytes = &bytes[end + 1..];
            continue;
        }
        let size = usize::from_str_radix(size, 16).ok()?;
        bytes = &bytes[end + 1..];
        if size == 0 {
            return Some(out);
        }
        let take = size.min(bytes.len());
        out.extend_from_slice(&bytes[..take]);
        bytes = &bytes[take..];
        bytes = bytes.strip_prefix(b"\r").unwrap_or(bytes);
        bytes = bytes.strip_prefix(b"\n").unwrap_or(bytes);
    }
}

/// A body as its `Content-Encoding` names, decompressed up to `max` bytes. Some crawlers
/// store the page already decompressed but keep the header: a body that is HTML as it is
/// is taken as it is.
fn decompress(bytes: Vec<u8>, encoding: &str, max: u64) -> Result<Vec<u8>, String> {
    let inflate = |reader: &mut dyn Read| -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        reader.take(max.saturating_add(1)).read_to_end(&mut out)?;
        Ok(out)
    };
    let result = match encoding.trim() {
        "" | "identity" | "none" => return Ok(bytes),
        "gzip" | "x-gzip" => inflate(&mut MultiGzDecoder::new(&bytes[..])),
        "deflate" => inflate(&mut ZlibDecoder::new(&bytes[..]))
            .or_else(|_| inflate(&mut DeflateDecoder::new(&bytes[..]))),
        other => {
            if looks_like_html(&bytes) {
                return Ok(bytes);
            }
            return Err(format!(
                "the page is compressed with {other:?}, which dateline cannot read: skipped"
            ));
        }
    };
    match result {
        Ok(out) if out.len() as u64 > max => Err(format!(
            "the page is over the {} MB cap for one page once decompressed: skipped",
            max >> 20
        )),
        Ok(out) => Ok(out),
        Err(_) if looks_like_html(&bytes) => Ok(bytes),
        Err(e) => Err(format!(
            "the page's {encoding} compression is damaged ({e})"
        )),
    }
}

#[cfg(test)]
mod tests;
