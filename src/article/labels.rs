//! The lines a page or an export leaves where furniture was, once its links and pictures are
//! gone: the label of a box of related stories ("Related articles", "Das könnte Sie auch
//! interessieren", "Leia também") and of an advertisement or a teaser link ("Advertisement -
//! Continue Reading Below", "Read more"), and of a page's controls ("Table of contents",
//! "Show more", "Loading..."). A line that is one of them whole says nothing of the story;
//! the same words inside a sentence are never touched.

/// Labels of boxes of related stories, in the languages news pages most often come in
/// (lower case, punctuation as spaces).
const RELATED: &[&str] = &[
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "related coverage",
    "related news",
    "read also",
    "also read",
    "see also",
    "more stories",
    "more from",
    "more on this",
    "more on this story",
    "more on this topic",
    "you may also like",
    "you might also like",
    "you may be interested in",
    "recommended",
    "recommended for you",
    "recommended articles",
    "most popular",
    "top stories",
    "most read",
    "latest news",
    "latest articles",
    "latest posts",
    "trending",
    "trending now",
    "related topics",
    "related reading",
    "further reading",
    "more news",
    "more like this",
    "read next",
    "what to read next",
    "popular posts",
    "recent posts",
    "editor s picks",
    "editors picks",
    "you might be interested in",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "lesen sie auch",
    "lies auch",
    "mehr zum thema",
    "weitere artikel",
    "neueste artikel",
    "meistgelesen",
    "meistgelesene artikel",
    "zum weiterlesen",
    "auch interessant",
    "ähnliche artikel",
    "passend zum thema",
    "weitere beiträge",
    "weitere nachrichten",
    "ähnliche beiträge",
    "verwandte artikel",
    "verwandte beiträge",
    "das könnte dich interessieren",
    "das könnte sie interessieren",
    "mehr dazu",
    "meist gelesen",
    "am meisten gelesen",
    "beliebte artikel",
    "beliebte beiträge",
    "neueste beiträge",
    "aktuelle beiträge",
    "letzte beiträge",
    "à lire aussi",
    "lire aussi",
    "sur le même sujet",
    "articles similaires",
    "à voir aussi",
    "à lire également",
    "les plus lus",
    "dans la même rubrique",
    "te puede interesar",
    "lee también",
    "noticias relacionadas",
    "más noticias",
    "lo más leído",
    "más leídas",
    "también te puede interesar",
    "contenido relacionado",
    "artículos relacionados",
    "te recomendamos",
    "leia também",
    "veja também",
    "notícias relacionadas",
    "leggi anche",
    "articoli correlati",
    "potrebbe interessarti",
    "ti potrebbe interessare",
    "più letti",
    "czytaj także",
    "czytaj też",
    "zobacz także",
    "zobacz też",
    "najczęściej czytane",
    "mais lidas",
];

/// Labels left where an advertisement or a teaser link was, and the prompts to read on
/// around them, a teaser's "Learn more" and "Mehr erfahren" among them (lower case,
/// punctuation as spaces).
const AD: &[&str] = &[
    "advertisement",
    "advertising",
    "anzeige",
    "werbung",
    "publicité",
    "sponsored",
    "advertiser disclosure",
    "read more",
    "continue reading",
    "continue reading below",
    "continue reading the main story",
    "article continues below",
    "story continues below",
    "story continues below advertisement",
    "advertisement continue reading below",
    "scroll to continue reading",
    "advertisement scroll to continue reading",
    "learn more",
    "find out more",
    "mehr erfahren",
    "mehr lesen",
    "weiterlesen",
    "en savoir plus",
    "lire la suite",
    "leer más",
    "seguir leyendo",
    "saiba mais",
    "leia mais",
    "scopri di più",
    "leggi di più",
    "see more",
    "view more",
    "see all",
    "view all",
];

/// Labels of a page's controls and of the boxes around the story, left as a line of their
/// own when the control or the box's links are gone: a table of contents' heading, a
/// button to show, print or close, a placeholder for a picture or embed, the links to the
/// previous and next story or page, a shop's "Add to cart".
const CONTROLS: &[&str] = &[
    "table of contents",
    "contents",
    "inhaltsverzeichnis",
    "inhalt",
    "sommaire",
    "índice",
    "indice",
    "tabla de contenidos",
    "show more",
    "show less",
    "load more",
    "mehr anzeigen",
    "weniger anzeigen",
    "bild anzeigen",
    "bild vergrößern",
    "quellen anzeigen",
    "quellen ausblenden",
    "voir plus",
    "ver más",
    "mostra di più",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this post",
    "comments",
    "view comments",
    "leave a reply",
    "kommentare",
    "kommentar schreiben",
    "artikel teilen",
    "seite teilen",
    "beitrag teilen",
    "teilen",
    "partager",
    "partager cet article",
    "compartir",
    "condividi",
    "skip to content",
    "skip to main content",
    "zum inhalt springen",
    "back to top",
    "nach oben",
    "zurück nach oben",
    "retour en haut",
    "print",
    "drucken",
    "imprimer",
    "imprimir",
    "close",
    "schließen",
    "fermer",
    "cerrar",
    "loading",
    "wird geladen",
    "chargement",
    "cargando",
    "externer inhalt",
    "external content",
    "beitragsbild",
    "enlarge image",
    "view image",
    "view gallery",
    "open gallery",
    "zur bildergalerie",
    "hide caption",
    "show caption",
    "text size",
    "ad feedback",
    "video ad feedback",
    "previous next",
    "previous page",
    "next page",
    "previous article",
    "next article",
    "previous post",
    "next post",
    "older posts",
    "newer posts",
    "vorheriger artikel",
    "nächster artikel",
    "vorheriger beitrag",
    "nächster beitrag",
    "vorherige seite",
    "nächste seite",
    "ältere beiträge",
    "neuere beiträge",
    "article précédent",
    "article suivant",
    "artículo anterior",
    "artículo siguiente",
    "add to cart",
    "add to basket",
    "add to wishlist",
    "in den warenkorb",
    "your cart is empty",
    "ihr warenkorb ist leer",
    "dein warenkorb ist leer",
    "was this helpful",
    "was this article helpful",
    "was this article helpful for you",
    "was this article helpful to you",
    "was this page helpful",
    "was this page helpful to you",
    "was this post helpful",
    "war dieser artikel hilfreich",
    "war dieser beitrag hilfreich",
    "war diese seite hilfreich",
    "download the app",
    "get the app",
    "download our app",
];

/// The longest label, in bytes, with room for the punctuation and spaces around it: a
/// longer line is not looked up.
const MAX_LABEL_BYTES: usize = 64;

/// Whether `line` is, whole, the label of a box of related stories, of an advertisement or of
/// a control (case, punctuation and spacing aside: "RELATED COVERAGE", "Zum Weiterlesen:",
/// "Advertisement - Continue Reading Below").
pub(crate) fn is_furniture_label(line: &str) -> bool {
    if line.len() > MAX_LABEL_BYTES {
        return false;
    }
    // The line's words, lower case, one space between: compared whole with each label, as
    // the plain-text reader asks of every line of a long export.
    let lower = line.to_lowercase();
    let mut key = String::with_capacity(lower.len());
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    !key.is_empty()
        && RELATED
            .iter()
            .chain(AD)
            .chain(CONTROLS)
            .any(|&label| label == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_whole_lines_whatever_their_case_and_punctuation() {
        for line in [
            "RELATED COVERAGE",
            "Zum Weiterlesen:",
            "Advertisement - Continue Reading Below",
            "You may also like...",
            "Leia também",
            "Table of Contents",
            "Loading ...",
            "Quellen ausblenden",
            "HIDE CAPTION",
            "Video Ad Feedback",
            "Learn more »",
            "Mehr erfahren",
            "« Previous article",
            "Add to cart",
            "Your cart is empty.",
            "Was this article helpful?",
            "War dieser Artikel hilfreich?",
            "Download the App",
        ] {
            assert!(is_furniture_label(line), "{line}");
        }
        for line in [
            "Related coverage of the election follows on page 4.",
            "Read more about the council's budget in our guide",
            "Learn more about the plan at the library.",
            "Next, the council voted.",
            // A plain-text export's story can end on a one-word sentence.
            "Next.",
            "The contents of the report were leaked on Monday.",
            "Loading the ferry took three hours",
            "Was this article helpful to the defence, the judge asked.",
            "",
        ] {
            assert!(!is_furniture_label(line), "{line}");
        }
    }

    #[test]
    fn no_label_is_longer_than_the_longest_line_looked_up() {
        assert!(RELATED
            .iter()
            .chain(AD)
            .chain(CONTROLS)
            .all(|l| l.len() < MAX_LABEL_BYTES));
    }

    #[test]
    fn every_label_is_written_as_a_line_is_compared() {
        for label in RELATED.iter().chain(AD).chain(CONTROLS) {
            assert!(is_furniture_label(label), "{label}");
            let mut chars = label.chars();
            let capital: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .collect();
            assert!(
                is_furniture_label(&format!("{capital}{}:", chars.as_str())),
                "{label}"
            );
        }
    }
}
