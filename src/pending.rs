//! Bounds the article text read but not yet indexed.
//!
//! Reading and parsing files is faster than indexing them, and two queues lie between: the
//! files read ahead of the indexing thread, and `IndexWriter::add_document`'s own queue,
//! which holds thousands of documents whatever their size. Counted in files or documents,
//! an archive of large articles could fill memory far past `--memory` while the indexing
//! threads catch up. Each file read, and each document handed to tantivy, therefore holds
//! a [`Held`] share of a cap in bytes, given back when it is dropped (tantivy drops a
//! document once it has indexed it); taking a share waits while the cap is full. One
//! holder is always let through, however large (`--max-article-mb` bounds it).
//!
//! A file read whole takes its share before it is read, and its documents carry that share
//! on into tantivy ([`Pending::admit_with`]): it comes back when tantivy has indexed the
//! last of them. So a file larger than the cap is read only once the files before it are
//! indexed, and the next waits until it is: of such files, one at a time is in memory,
//! from its first byte read to its last word indexed.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tantivy::schema::document::Document;
use tantivy::TantivyDocument;

/// The bytes out and how many are waiting for room, shared with the shares held.
type Shared = Arc<(Mutex<State>, Condvar)>;

#[derive(Default)]
struct State {
    out: u64,
    /// Holders waiting for room: a share given back wakes them only when there are some,
    /// since a wake is a system call and shares are given back once per document.
    waiting: u32,
}

/// Admits documents to tantivy's queue while their text stays under a cap.
pub struct Pending {
    shared: Shared,
    cap: u64,
}

/// How long one wait for room lasts before the document is let through anyway: tantivy's
/// indexing threads may have stopped on an error, and then nothing gives bytes back; the
/// next `add_document` reports that error instead of waiting forever.
const PATIENCE: Duration = Duration::from_secs(5);

impl Pending {
    pub fn new(cap_bytes: u64) -> Pending {
        Pending {
            shared: Arc::new((Mutex::new(State::default()), Condvar::new())),
            cap: cap_bytes.max(1),
        }
    }

    /// `doc`, holding `bytes` of the cap until tantivy is done with it; waits for room.
    pub fn admit(&self, doc: TantivyDocument, bytes: u64) -> BudgetedDoc {
        self.admit_with(doc, bytes, None)
    }

    /// As [`Pending::admit`], the document also keeping `file` (its file's share of
    /// another cap) until tantivy is done with it: the file's share comes back with the
    /// last of its documents.
    pub fn admit_with(
        &self,
        doc: TantivyDocument,
        bytes: u64,
        file: Option<Arc<Held>>,
    ) -> BudgetedDoc {
        BudgetedDoc {
            doc,
            _held: self.hold(bytes),
            _file: file,
        }
    }

    /// A share of `bytes` of the cap, given back when dropped; waits for room, at most
    /// [`PATIENCE`].
    pub fn hold(&self, bytes: u64) -> Held {
        let first = std::cell::Cell::new(true);
        self.hold_while(bytes, &|| first.replace(false))
    }

    /// As [`Pending::hold`], waiting for room however long that takes, until `stopped`
    /// says the run is ending (then the share is taken at once). For files read ahead,
    /// whose room comes back as tantivy indexes: a large article can take longer than
    /// [`PATIENCE`] to index, and letting the next through then would break the bound.
    pub fn hold_unless(&self, bytes: u64, stopped: &dyn Fn() -> bool) -> Held {
        self.hold_while(bytes, &|| !stopped())
    }

    /// Takes the share, waiting [`PATIENCE`] at a time for room while `again`, asked before
    /// each wait, says to.
    fn hold_while(&self, bytes: u64, again: &dyn Fn() -> bool) -> Held {
        let (lock, room) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let full = |s: &State| s.out > 0 && s.out + bytes > self.cap;
        if full(&state) {
            state.waiting += 1;
            while full(&state) && again() {
                let (guard, _) = room
                    .wait_timeout_while(state, PATIENCE, |s| full(s))
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                state = guard;
            }
            state.waiting -= 1;
        }
        state.out += bytes;
        Held {
            shared: Arc::clone(&self.shared),
            bytes,
        }
    }

    /// Bytes handed over and not yet given back.
    pub fn out(&self) -> u64 {
        self.shared
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .out
    }
}

/// A share of the cap, given back when dropped, so that no path (an error, a stop) can
/// keep it and leave a reader waiting.
pub struct Held {
    shared: Shared,
    bytes: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        let (lock, room) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.out = state.out.saturating_sub(self.bytes);
        if state.waiting > 0 {
            room.notify_all();
        }
    }
}

/// A tantivy document with its ticket; tantivy indexes it exactly as the document inside.
pub struct BudgetedDoc {
    doc: TantivyDocument,
    _held: Held,
    _file: Option<Arc<Held>>,
}

impl Document for BudgetedDoc {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_back_when_documents_are_dropped() {
        let pending = Pending::new(100);
        let a = pending.admit(TantivyDocument::default(), 60);
        let b = pending.admit(TantivyDocument::default(), 30);
        assert_eq!(pending.out(), 90);
        drop(a);
        assert_eq!(pending.out(), 30);
        drop(b);
        assert_eq!(pending.out(), 0);
    }

    #[test]
    fn a_document_over_the_cap_waits_for_room() {
        let pending = Arc::new(Pending::new(100));
        let first = pending.admit(TantivyDocument::default(), 80);
        let waiting = {
            let pending = Arc::clone(&pending);
            std::thread::spawn(move || {
                let doc = pending.admit(TantivyDocument::default(), 50);
                drop(doc);
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(!waiting.is_finished(), "admitted past the cap");
        drop(first);
        waiting.join().unwrap();
        assert_eq!(pending.out(), 0);
    }

    #[test]
    fn a_file_share_comes_back_with_the_last_of_its_documents() {
        let (read_ahead, pending) = (Pending::new(100), Pending::new(100));
        let file = Arc::new(read_ahead.hold(80));
        let a = pending.admit_with(TantivyDocument::default(), 10, Some(Arc::clone(&file)));
        let b = pending.admit_with(TantivyDocument::default(), 10, Some(file));
        assert_eq!(read_ahead.out(), 80);
        drop(a);
        assert_eq!(
            read_ahead.out(),
            80,
            "given back before the file's last document"
        );
        drop(b);
        assert_eq!(read_ahead.out(), 0);
    }

    #[test]
    fn a_large_file_waits_past_the_patience_until_the_one_before_is_indexed() {
        let read_ahead = Arc::new(Pending::new(100));
        let first = read_ahead.hold(500);
        let waiting = {
            let read_ahead = Arc::clone(&read_ahead);
            std::thread::spawn(move || drop(read_ahead.hold_unless(500, &|| false)))
        };
        // Past one PATIENCE: `hold` would have let it through by now.
        std::thread::sleep(PATIENCE + Duration::from_millis(500));
        assert!(!waiting.is_finished(), "a second large file let in");
        drop(first);
        waiting.join().unwrap();
        assert_eq!(read_ahead.out(), 0);
    }

    #[test]
    fn a_wait_for_room_ends_when_the_run_stops() {
        let read_ahead = Pending::new(100);
        let _first = read_ahead.hold(500);
        let second = read_ahead.hold_unless(500, &|| true);
        assert_eq!(read_ahead.out(), 1_000);
        drop(second);
    }

    #[test]
    fn one_document_larger_than_the_cap_is_let_through_alone() {
        let pending = Pending::new(10);
        let big = pending.admit(TantivyDocument::default(), 1_000);
        assert_eq!(pending.out(), 1_000);
        drop(big);
    }
}
