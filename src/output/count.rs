//! Counts as dateline writes them for people, on the command line and on the page alike:
//! thousands separated by commas, and the noun in the singular for one.

/// `4390` as `4,390`.
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and its noun: `1 article`, `4,390 articles`.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_and_agree_in_number() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(23804u64), "23,804");
        assert_eq!(thousands(1234567u64), "1,234,567");
        assert_eq!(counted(1u64, "article", "articles"), "1 article");
        assert_eq!(counted(0u64, "article", "articles"), "0 articles");
        assert_eq!(counted(23804u64, "article", "articles"), "23,804 articles");
    }
}
