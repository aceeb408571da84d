//! No line twice, none lost: what the tail has shown, counted per line.
//!
//! A tail reads the same interval more than once on purpose: on opening (the backfill
//! overlaps the new Live Tail session), after a reconnect (the re-read overlaps what the
//! last session delivered) and while polling (each poll re-reads the last minute, so late
//! lines still appear). Live Tail's events carry no event id, so lines are told apart by
//! their content: log group, log stream, timestamp and a hash of the whole message.
//!
//! Two identical lines in one millisecond are two lines, so a key is not just "seen":
//! each reading counts its copies of a key, and the tail shows as many copies as the
//! reading that saw the most. A live session counts across its updates (its events never
//! repeat); a re-read counts within itself (it reads the whole interval). A late line makes
//! the next re-read's count higher than what was shown, and the extra copy is shown.
//! Within one re-read, FilterLogEvents' event ids drop an event a page repeated.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// A line's identity: its timestamp (for forgetting old keys) and a hash of the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct LineKey {
    timestamp_ms: i64,
    content: u64,
}

impl LineKey {
    fn of(line: &RawEvent) -> Self {
        let mut hasher = DefaultHasher::new();
        (line.target, &line.log_stream, &line.message).hash(&mut hasher);
        LineKey { timestamp_ms: line.timestamp_ms, content: hasher.finish() }
    }
}

/// A log event as CloudWatch Logs delivered it, before it is read as a [`super::lines::TailLine`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// Index of the tail's target (function) the event's log group belongs to.
    pub target: u16,
    pub log_stream: String,
    pub timestamp_ms: i64,
    pub message: String,
    /// FilterLogEvents' event id; Live Tail gives none.
    pub event_id: Option<String>,
}

/// What one tail (of up to 10 log groups) has shown.
#[derive(Debug, Default)]
pub struct Deduper {
    /// Copies shown of each key.
    shown: HashMap<LineKey, u32>,
    /// Copies the current live session delivered of each key.
    live: HashMap<LineKey, u32>,
}

impl Deduper {
    pub fn new() -> Self {
        Deduper::default()
    }

    /// A new live session starts counting from zero (it delivers only lines that arrive
    /// after it started; what came before is the re-read's to find).
    pub fn begin_live_session(&mut self) {
        self.live.clear();
    }

    /// Whether a line delivered by the live session is new.
    pub fn admit_live(&mut self, event: &RawEvent) -> bool {
        let key = LineKey::of(event);
        let delivered = self.live.entry(key).or_insert(0);
        *delivered += 1;
        let shown = self.shown.entry(key).or_insert(0);
        if *delivered > *shown {
            *shown = *delivered;
            true
        } else {
            false
        }
    }

    /// The lines of a complete reading of an interval that were not shown yet, in the
    /// order given.
    pub fn admit_reread(&mut self, events: Vec<RawEvent>) -> Vec<RawEvent> {
        let mut ids = HashSet::new();
        let mut copies: HashMap<LineKey, u32> = HashMap::new();
        let mut new_events = Vec::new();
        for event in events {
            if let Some(id) = &event.event_id {
                if !ids.insert(id.clone()) {
                    continue;
                }
            }
            let key = LineKey::of(&event);
            let read = copies.entry(key).or_insert(0);
            *read += 1;
            let shown = self.shown.entry(key).or_insert(0);
            if *read > *shown {
                *shown = *read;
                new_events.push(event);
            }
        }
        new_events
    }

    /// Forgets lines stamped before `timestamp_ms`: no reading will cover them again.
    pub fn forget_before(&mut self, timestamp_ms: i64) {
        self.shown.retain(|key, _| key.timestamp_ms >= timestamp_ms);
        self.live.retain(|key, _| key.timestamp_ms >= timestamp_ms);
    }

    /// How many keys are remembered (for tests and the memory benchmark).
    pub fn remembered(&self) -> usize {
        self.shown.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn event(stream: &str, timestamp_ms: i64, message: &str) -> RawEvent {
        RawEvent { target: 0, log_stream: stream.into(), timestamp_ms, message: message.into(), event_id: None }
    }

    fn messages(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn an_overlapping_reread_shows_only_what_is_new() {
        let mut deduper = Deduper::new();
        let first = deduper.admit_reread(vec![event("s", 1, "a"), event("s", 2, "b")]);
        assert_eq!(messages(&first), ["a", "b"]);
        let second = deduper.admit_reread(vec![event("s", 2, "b"), event("s", 3, "c")]);
        assert_eq!(messages(&second), ["c"]);
    }

    #[test]
    fn identical_lines_in_one_millisecond_are_two_lines() {
        let mut deduper = Deduper::new();
        let first = deduper.admit_reread(vec![event("s", 5, "same"), event("s", 5, "same")]);
        assert_eq!(first.len(), 2);
        // Reading the interval again shows neither again.
        assert!(deduper.admit_reread(vec![event("s", 5, "same"), event("s", 5, "same")]).is_empty());
        // A third copy arriving late is shown once.
        let late = deduper.admit_reread(vec![event("s", 5, "same"), event("s", 5, "same"), event("s", 5, "same")]);
        assert_eq!(late.len(), 1);
    }

    #[test]
    fn the_same_text_in_another_stream_or_millisecond_is_another_line() {
        let mut deduper = Deduper::new();
        let shown = deduper.admit_reread(vec![event("a", 5, "x"), event("b", 5, "x"), event("a", 6, "x")]);
        assert_eq!(shown.len(), 3);
        let mut other_target = event("a", 5, "x");
        other_target.target = 1;
        assert_eq!(deduper.admit_reread(vec![other_target]).len(), 1);
    }

    #[test]
    fn a_late_line_inside_an_already_polled_interval_appears() {
        let mut deduper = Deduper::new();
        deduper.admit_reread(vec![event("s", 10, "a"), event("s", 30, "c")]);
        // "b" was stamped at 20 but reached CloudWatch after the first poll.
        let next = deduper.admit_reread(vec![event("s", 10, "a"), event("s", 20, "b"), event("s", 30, "c")]);
        assert_eq!(messages(&next), ["b"]);
    }

    #[test]
    fn a_live_session_and_the_reread_around_it_show_each_line_once() {
        let mut deduper = Deduper::new();
        deduper.begin_live_session();
        // The live session delivers "b" while the re-read of the gap also finds it.
        assert!(deduper.admit_live(&event("s", 2, "b")));
        let reread = deduper.admit_reread(vec![event("s", 1, "a"), event("s", 2, "b")]);
        assert_eq!(messages(&reread), ["a"]);
        // Delivered after the re-read: the live session's copy was already shown.
        assert!(!deduper.admit_live(&event("s", 1, "a")));
        // A second identical live line is a new line.
        assert!(deduper.admit_live(&event("s", 2, "b")));
    }

    #[test]
    fn a_copy_only_the_reread_saw_is_shown_even_when_live_saw_another() {
        let mut deduper = Deduper::new();
        deduper.begin_live_session();
        // Two identical lines: the first was written before the session started (live
        // never sees it), the second after.
        assert!(deduper.admit_live(&event("s", 7, "dup")));
        assert_eq!(deduper.admit_reread(vec![event("s", 7, "dup"), event("s", 7, "dup")]).len(), 1);
    }

    #[test]
    fn a_new_live_session_does_not_repeat_what_the_last_one_showed() {
        let mut deduper = Deduper::new();
        deduper.begin_live_session();
        assert!(deduper.admit_live(&event("s", 1, "a")));
        deduper.begin_live_session();
        assert!(!deduper.admit_live(&event("s", 1, "a")));
        assert!(deduper.admit_live(&event("s", 1, "b")));
    }

    #[test]
    fn an_event_a_page_repeats_counts_once() {
        let mut deduper = Deduper::new();
        let mut repeated = event("s", 1, "a");
        repeated.event_id = Some("id-1".into());
        let mut twin = event("s", 1, "a");
        twin.event_id = Some("id-2".into());
        let shown = deduper.admit_reread(vec![repeated.clone(), repeated, twin]);
        assert_eq!(shown.len(), 2, "one repeat dropped, the twin with its own id kept");
    }

    #[test]
    fn forgetting_old_keys_bounds_memory() {
        let mut deduper = Deduper::new();
        deduper.admit_reread((0..100).map(|t| event("s", t, "x")).collect());
        deduper.forget_before(90);
        assert_eq!(deduper.remembered(), 10);
    }

    proptest! {
        /// However the lines are read — live in any order, and re-read through any set of
        /// overlapping windows — each copy is shown exactly once.
        #[test]
        fn overlapping_readings_show_every_copy_exactly_once(
            lines in proptest::collection::vec((0i64..20, 0u8..3), 1..60),
            live_mask in proptest::collection::vec(any::<bool>(), 60),
            windows in proptest::collection::vec((0i64..20, 0i64..20), 1..6),
        ) {
            let all: Vec<RawEvent> = lines.iter().map(|(t, m)| event("s", *t, &format!("m{m}"))).collect();
            let mut deduper = Deduper::new();
            deduper.begin_live_session();
            let mut shown: Vec<RawEvent> = Vec::new();
            for (line, live) in all.iter().zip(&live_mask) {
                if *live && deduper.admit_live(line) {
                    shown.push(line.clone());
                }
            }
            for (a, b) in windows {
                let (from, to) = (a.min(b), a.max(b));
                let window: Vec<RawEvent> = all.iter().filter(|e| e.timestamp_ms >= from && e.timestamp_ms <= to).cloned().collect();
                shown.extend(deduper.admit_reread(window));
            }
            // A final reading of everything finds whatever is still missing.
            shown.extend(deduper.admit_reread(all.clone()));
            let mut expected: Vec<(i64, String)> = all.iter().map(|e| (e.timestamp_ms, e.message.clone())).collect();
            let mut got: Vec<(i64, String)> = shown.iter().map(|e| (e.timestamp_ms, e.message.clone())).collect();
            expected.sort();
            got.sort();
            prop_assert_eq!(got, expected);
        }
    }
}
