//! Problems met while reading archive folders, as a run's summary reports them: each one
//! located by its file's path.

use serde::Serialize;

use crate::article;

/// One severity for the readers' problems and the reported ones: the readers say how bad a
/// problem is, and the summary reports it as they said.
pub use crate::article::Severity;

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

    pub fn warning(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            kind: Severity::Warning,
            ..Problem::skipped(path, reason)
        }
    }

    /// A reader's problem with a file, as reported: located by the file's path (`key`).
    pub fn in_file(key: &str, p: article::Problem) -> Problem {
        Problem {
            path: key.to_string(),
            line: p.line,
            member: p.member,
            record: p.record,
            reason: p.reason,
            kind: p.severity,
        }
    }
}
