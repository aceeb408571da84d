//! The lines a tail keeps: a ring buffer in time order that drops the oldest past its
//! capacity and counts what it dropped, so a tail left open all day stays bounded.

use std::collections::VecDeque;
use std::sync::Arc;

use super::lines::TailLine;
use crate::store::{run_blocking, Store};
use crate::{Error, FieldError};

/// Lines a tail keeps by default (Settings → Local data can change it).
pub const DEFAULT_CAPACITY: u32 = 100_000;
/// The range Settings accepts.
pub const CAPACITY_RANGE: std::ops::RangeInclusive<u32> = 1_000..=1_000_000;
/// Where the chosen capacity is kept.
pub const CAPACITY_SETTING: &str = "tail_buffer_lines";

/// The lines a tail keeps, as chosen in Settings.
pub async fn capacity(store: &Arc<Store>) -> Result<u32, Error> {
    run_blocking(store, |store| {
        Ok(store
            .setting(CAPACITY_SETTING)?
            .and_then(|value| value.parse().ok())
            .filter(|lines| CAPACITY_RANGE.contains(lines))
            .unwrap_or(DEFAULT_CAPACITY))
    })
    .await
}

/// Sets the lines a tail keeps (tails opened afterwards use it).
pub async fn set_capacity(store: &Arc<Store>, lines: u32) -> Result<(), Error> {
    if !CAPACITY_RANGE.contains(&lines) {
        return Err(Error::InvalidFields(vec![FieldError::new(
            "tail_buffer_lines",
            format!("Keep between {} and {} lines per tail.", CAPACITY_RANGE.start(), CAPACITY_RANGE.end()),
        )]));
    }
    run_blocking(store, move |store| store.set_setting(CAPACITY_SETTING, Some(&lines.to_string()))).await
}

#[derive(Debug)]
pub struct LineBuffer {
    lines: VecDeque<TailLine>,
    capacity: usize,
    dropped: u64,
}

impl LineBuffer {
    pub fn new(capacity: usize) -> Self {
        LineBuffer { lines: VecDeque::with_capacity(capacity.min(4096)), capacity: capacity.max(1), dropped: 0 }
    }

    /// Adds lines in time order (a line stamped earlier than the newest goes to its
    /// place; lines of one millisecond keep their arrival order) and drops the oldest past
    /// the capacity.
    pub fn extend(&mut self, batch: impl IntoIterator<Item = TailLine>) {
        for line in batch {
            // Searched from the newest end: lines nearly always arrive in order.
            let after_newer = self.lines.iter().rev().position(|kept| kept.timestamp_ms <= line.timestamp_ms);
            let index = self.lines.len() - after_newer.unwrap_or(self.lines.len());
            self.lines.insert(index, line);
        }
        while self.lines.len() > self.capacity {
            self.lines.pop_front();
            self.dropped += 1;
        }
    }

    /// Lines dropped because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// A smaller capacity drops the oldest lines at once.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        self.extend(std::iter::empty());
    }

    pub fn clear(&mut self) {
        self.lines.clear();
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TailLine> + ExactSizeIterator {
        self.lines.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u32, timestamp_ms: i64) -> TailLine {
        let mut line = TailLine::new(0, timestamp_ms, "s", &format!("line {seq}"));
        line.seq = seq;
        line
    }

    fn seqs(buffer: &LineBuffer) -> Vec<u32> {
        buffer.iter().map(|l| l.seq).collect()
    }

    #[test]
    fn lines_are_kept_in_time_order_and_a_late_line_goes_to_its_place() {
        let mut buffer = LineBuffer::new(10);
        buffer.extend([line(1, 10), line(2, 30)]);
        buffer.extend([line(3, 20), line(4, 30), line(5, 5)]);
        assert_eq!(seqs(&buffer), [5, 1, 3, 2, 4]);
    }

    #[tokio::test]
    async fn the_capacity_setting_is_checked_and_kept() {
        let store = Store::in_memory().unwrap();
        assert_eq!(capacity(&store).await.unwrap(), DEFAULT_CAPACITY);
        set_capacity(&store, 5000).await.unwrap();
        assert_eq!(capacity(&store).await.unwrap(), 5000);
        let Err(Error::InvalidFields(fields)) = set_capacity(&store, 10).await else { panic!("10 lines accepted") };
        assert_eq!(fields[0].field, "tail_buffer_lines");
        assert_eq!(capacity(&store).await.unwrap(), 5000, "nothing changed");
    }

    #[test]
    fn past_its_capacity_the_oldest_are_dropped_and_counted() {
        let mut buffer = LineBuffer::new(3);
        buffer.extend((1..=5).map(|n| line(n, i64::from(n))));
        assert_eq!(seqs(&buffer), [3, 4, 5]);
        assert_eq!(buffer.dropped(), 2);
        buffer.set_capacity(1);
        assert_eq!((seqs(&buffer), buffer.dropped()), (vec![5], 4));
    }
}
