//! Problems met while indexing, as the summary reports them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing from this file (or JSONL line) was indexed.
    Skipped,
    /// Indexed, but part of it could not be read.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub line: Option<u64>,
    /// The member of a zip or tar archive, and the 1-based record of a feed, WARC file or
    /// NewsML message, the problem is in (null when the file is not one of those).
    pub member: Option<String>,
    pub record: Option<u64>,
    pub reason: String,
    pub kind: Severity,
}

impl Problem {
    pub fn skipped(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            line: None,
            member: None,
            record: None,
            reason: reason.into(),
            kind: Severity::Skipped,
        }
    }
}

impl From<crate::article::Severity> for Severity {
    fn from(s: crate::article::Severity) -> Severity {
        match s {
            crate::article::Severity::Skipped => Severity::Skipped,
            crate::article::Severity::Warning => Severity::Warning,
        }
    }
}
