//! CSV tables: `timeline --csv` and `search --format csv`.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) get a leading `'`, as OWASP advises against CSV injection: article
//! titles and file names come from strangers. `--csv-raw` writes them as they are.

use std::io::{self, Write};

use crate::export::Row;
use crate::series::Compared;
use crate::timeline::Timeline;

use super::display_path;

/// The header of `search --format csv`, one column per [`Row`] field.
/// Columns are only ever added at the end: scripts read them by position.
pub const COLUMNS: [&str; 15] = [
    "title",
    "authors",
    "date",
    "place",
    "source",
    "path",
    "line",
    "score",
    "member",
    "record",
    "url",
    "id",
    "collection",
    "partial",
    "missing",
];

/// `text` as a CSV cell a spreadsheet shows rather than runs: a `'` before a leading `=`,
/// `+`, `-`, `@`, tab or carriage return (OWASP's CSV injection advice).
pub fn csv_safe(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// A csv error as the io::Error beneath it when there is one, so a closed pipe stays a
/// `BrokenPipe`.
pub fn csv_to_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// `timeline --csv`: `start,count,all,share` and a row per period.
pub fn write_timeline(out: impl Write, t: &Timeline) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let mut rows = || -> ::csv::Result<()> {
        w.write_record(["start", "count", "all", "share"])?;
        for (i, (start, count)) in t.periods.iter().enumerate() {
            w.write_record([
                start.format("%Y-%m-%d").to_string(),
                count.to_string(),
                t.all_in(i).to_string(),
                t.share(i).to_string(),
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    rows().map_err(csv_to_io)
}

/// `timeline --csv` for several series, in long form: `label,query,period,count,all,share`
/// and a row per period of each series, series in order. Labels and queries
/// are made [`csv_safe`]: a split's labels are values from the articles.
pub fn write_compared(out: impl Write, c: &Compared) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let mut rows = || -> ::csv::Result<()> {
        w.write_record(["label", "query", "period", "count", "all", "share"])?;
        for s in &c.series {
            let t = &s.timeline;
            for (i, (start, count)) in t.periods.iter().enumerate() {
                w.write_record([
                    csv_safe(s.label.clone()),
                    csv_safe(t.query.clone()),
                    start.format("%Y-%m-%d").to_string(),
                    count.to_string(),
                    t.all_in(i).to_string(),
                    t.share(i).to_string(),
                ])?;
            }
        }
        w.flush()?;
        Ok(())
    };
    rows().map_err(csv_to_io)
}

/// `search --format csv`: a header row, then one row per article, authors joined with "; ".
pub struct CsvRows<W: Write> {
    w: ::csv::Writer<W>,
    raw: bool,
}

impl<W: Write> CsvRows<W> {
    /// Writes the header, the `added` columns (`kwic`, `count:LABEL`) after [`COLUMNS`];
    /// `raw` leaves cells that look like formulas as they are; `bom` starts the file with
    /// a UTF-8 byte order mark, without which Excel reads `£` as `Â£`.
    pub fn new(mut out: W, raw: bool, bom: bool, added: &[String]) -> io::Result<CsvRows<W>> {
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = ::csv::Writer::from_writer(out);
        let added = added
            .iter()
            .map(|c| if raw { c.clone() } else { csv_safe(c.clone()) });
        let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).chain(added).collect();
        w.write_record(&header).map_err(csv_to_io)?;
        Ok(CsvRows { w, raw })
    }

    pub fn write(&mut self, row: Row) -> io::Result<()> {
        // Text cells only: numbers and dates cannot hold a formula.
        let text = |t: String| if self.raw { t } else { csv_safe(t) };
        let mut record = vec![
            text(row.title),
            text(row.authors.join("; ")),
            row.date.unwrap_or_default(),
            text(row.place.unwrap_or_default()),
            text(row.source.unwrap_or_default()),
            text(display_path(&row.path)),
            row.line.map(|l| l.to_string()).unwrap_or_default(),
            row.score.to_string(),
            text(row.member.unwrap_or_default()),
            row.record.map(|r| r.to_string()).unwrap_or_default(),
            text(row.url.unwrap_or_default()),
            row.id,
            text(row.collection.unwrap_or_default()),
            row.partial.to_string(),
            text(row.missing.join("; ")),
        ];
        // What an export's analysis adds, in the order of its columns.
        record.extend(row.kwic.map(text));
        record.extend(row.counts.0.iter().map(|(_, n)| n.to_string()));
        self.w.write_record(&record).map_err(csv_to_io)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_safe(cell.to_string()), format!("'{cell}"));
        }
        for cell in ["Gold 1+1", "", "'quoted", " =x"] {
            assert_eq!(csv_safe(cell.to_string()), cell);
        }
    }
}
