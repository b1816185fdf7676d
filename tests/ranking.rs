//! End-to-end tests of ranking: all words first, words together next, recall kept.

mod common;

use common::Archive;

#[test]
fn articles_with_all_the_words_come_first_and_some_words_still_follow() {
    let a = Archive::new();
    a.article(
        "all.txt",
        "Defence news",
        "",
        "2017-03-17",
        &format!(
            "{} The THAAD battery is now in South Korea after weeks of talks. {}",
            "Long background paragraph about many things. ".repeat(20),
            "More background about the region and its politics. ".repeat(20)
        ),
    );
    a.article(
        "some.txt",
        "South south south",
        "",
        "2017-03-18",
        "South. South. South wind.",
    );
    a.article("other.txt", "Korea", "", "2017-03-19", "Korea Korea Korea.");
    a.index_json(&[]);
    let titles = a.titles("THAAD South Korea", &[]);
    assert_eq!(titles[0], "Defence news", "{titles:?}");
    assert_eq!(titles.len(), 3, "{titles:?}");
}

#[test]
fn words_standing_together_rank_higher() {
    let a = Archive::new();
    a.article(
        "apart.txt",
        "Report one",
        "",
        "2017-03-17",
        "Interest grew strongly all year while rates fell.",
    );
    a.article(
        "together.txt",
        "Report two",
        "",
        "2017-03-17",
        "The central bank kept interest rates unchanged, traders said, and the new bond sold well \
         after a long day of trading in the city, with dealers busy until late in the evening.",
    );
    a.index_json(&[]);
    assert_eq!(a.titles("interest rates", &[])[0], "Report two");
}

#[test]
fn queries_with_syntax_are_taken_as_written() {
    let a = Archive::new();
    a.article("x.txt", "Coffee", "", "2017-03-17", "coffee quota");
    a.article("y.txt", "Tea", "", "2017-03-17", "tea quota");
    a.index_json(&[]);
    assert_eq!(a.titles("+coffee quota", &[]), ["Coffee"]);
    assert_eq!(a.titles("coffee OR tea", &[]).len(), 2);
}
