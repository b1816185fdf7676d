//! Everything dateline shows, in one place: for people, lines of text and charts (coloured
//! on a terminal), and for programs, JSON, JSON Lines and CSV, and citations (RIS, CSL-JSON).
//!
//! Text from strangers reaches a terminal only through [`terminal_safe`] (which every
//! [`Paint`] call applies), and a spreadsheet only through [`csv::csv_safe`].
//!
//! - [`terminal`]: width, colour, and making text safe to show
//! - [`human`]: result lists, facet counts, the index summary
//! - [`chart`]: timeline bar charts and sparklines
//! - [`count`]: counts as people read them (`1 article`, `23,804 articles`)
//! - [`json`]: JSON objects and JSON Lines
//! - [`csv`]: CSV tables, safe for spreadsheets
//! - [`cite`]: citations, as RIS records and CSL-JSON
//! - [`split`]: NDJSON in numbered files of bounded size, each appearing whole
//! - [`terms`]: the frequent and distinctive terms of `dateline terms`
//! - [`atom`]: Atom feeds of a search's newest matches (`serve`'s `/feed`)

pub mod atom;
pub mod chart;
pub mod cite;
pub mod count;
pub mod csv;
pub mod human;
pub mod json;
pub mod split;
pub mod terminal;
pub mod terms;

use std::io::{self, Write};

use crate::export::{self, Row};

pub use human::{
    display_path, location, print_article, print_facets, print_facets_compared, print_hit,
    print_results, print_summary, print_undated_left_out, problem_line,
};
pub use terminal::{one_line, stdout_color, terminal_safe, terminal_width, Paint};

/// True when `e` is a write to a pipe whose reader has gone (`| head`): a normal end, which
/// `main` turns into a quiet exit.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Writes exported rows (`search --format`) in the format asked for, one at a time.
pub enum RowWriter<W: Write> {
    // Boxed: the csv writer holds its buffer state inline.
    Csv(Box<csv::CsvRows<W>>),
    Jsonl(json::JsonLines<W>),
    Ris(cite::RisRecords<W>),
    Csljson(cite::CslItems<W>),
}

impl<W: Write> RowWriter<W> {
    /// Starts the output (a CSV header row, with the `added` columns of an
    /// [`export::Analysis`] after the others; a CSL-JSON array's opening bracket).
    pub fn new(options: export::Options, added: &[String], out: W) -> io::Result<RowWriter<W>> {
        Ok(match options.format {
            export::Format::Csv => RowWriter::Csv(Box::new(csv::CsvRows::new(
                out,
                options.csv_raw,
                options.bom,
                added,
            )?)),
            export::Format::Jsonl => RowWriter::Jsonl(json::JsonLines::new(out)),
            export::Format::Ris => RowWriter::Ris(cite::RisRecords::new(out)),
            export::Format::Csljson => RowWriter::Csljson(cite::CslItems::new(out)?),
        })
    }

    /// Writes one row; its path as the user would type it (see [`display_path`]).
    pub fn write(&mut self, row: Row) -> io::Result<()> {
        match self {
            RowWriter::Csv(w) => w.write(row),
            RowWriter::Jsonl(w) => w.write(row),
            RowWriter::Ris(w) => w.write(row),
            RowWriter::Csljson(w) => w.write(row),
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            RowWriter::Csv(w) => w.finish(),
            RowWriter::Jsonl(w) => w.finish(),
            RowWriter::Ris(w) => w.finish(),
            RowWriter::Csljson(w) => w.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipes_are_told_apart() {
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&e));
        assert!(is_broken_pipe(&e.context("writing")));
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&e));
    }
}
