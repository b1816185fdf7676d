//! Parameters that take one of a few words (a sort order, a period, a format): the error
//! their `FromStr` gives, shared by the command line and the HTTP API.

use std::fmt;

/// A word a parameter does not take, and the words it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChoice {
    /// The value as given.
    pub value: String,
    /// The words taken, as a sentence ends: "relevance, newest or oldest".
    pub choices: &'static str,
}

impl UnknownChoice {
    pub fn new(value: &str, choices: &'static str) -> UnknownChoice {
        UnknownChoice {
            value: value.to_string(),
            choices,
        }
    }

    /// The one-line message for the parameter spelled `name` (`--by`, `by`).
    pub fn message(&self, name: &str) -> String {
        format!("invalid {name} '{}': use {}", self.value, self.choices)
    }
}

impl fmt::Display for UnknownChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value '{}': use {}", self.value, self.choices)
    }
}

impl std::error::Error for UnknownChoice {}
