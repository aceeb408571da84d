//! From the engine's events to what a window paints: lines gathered into at most one
//! batch per frame (a burst of thousands of lines is a few batches, not thousands of
//! messages), kept in the tail's ring buffer on the way, with the buffer's drop count.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::buffer::LineBuffer;
use super::lines::TailLine;
use super::tail::TailEvent;

/// One frame at 60 Hz: the window gets at most one batch per frame.
pub const FRAME: Duration = Duration::from_millis(16);
/// Lines per batch at most, so that painting one batch fits in a frame; the rest follow
/// in the next ones.
pub const MAX_LINES_PER_BATCH: usize = 1000;

/// What a tail window gets in one frame.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TailBatch {
    /// New lines, in time order within the batch.
    pub lines: Vec<TailLine>,
    /// What the tail said meanwhile (mode, sampling, reconnects, problems), in order.
    pub notices: Vec<TailEvent>,
    /// Lines the buffer has dropped since the tail started (its oldest, past capacity).
    pub dropped: f64,
}

/// Forwards the engine's events as batches until `cancel` or until `send` says the window
/// is gone (returns false). Every line also goes into `buffer` (for export).
pub async fn forward_in_frames(
    mut events: UnboundedReceiver<TailEvent>,
    buffer: Arc<Mutex<LineBuffer>>,
    cancel: CancellationToken,
    mut send: impl FnMut(TailBatch) -> bool,
) {
    let mut pending_lines: Vec<TailLine> = Vec::new();
    let mut notices: Vec<TailEvent> = Vec::new();
    let mut last_sent = Instant::now() - FRAME;
    loop {
        // Wait for something to send, unless lines are still queued from a burst.
        if pending_lines.is_empty() && notices.is_empty() {
            let first = tokio::select! {
                _ = cancel.cancelled() => return,
                event = events.recv() => event,
            };
            match first {
                Some(event) => take(event, &mut pending_lines, &mut notices),
                None => return,
            }
        }
        // Let the frame fill up: what arrives before it is due goes in the same batch.
        let due = last_sent + FRAME;
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep_until(due) => {}
        }
        while let Ok(event) = events.try_recv() {
            take(event, &mut pending_lines, &mut notices);
        }
        let rest = if pending_lines.len() > MAX_LINES_PER_BATCH {
            pending_lines.split_off(MAX_LINES_PER_BATCH)
        } else {
            Vec::new()
        };
        let lines = std::mem::replace(&mut pending_lines, rest);
        let dropped = {
            let mut buffer = buffer.lock().unwrap_or_else(|p| p.into_inner());
            buffer.extend(lines.iter().cloned());
            buffer.dropped() as f64
        };
        last_sent = Instant::now();
        if !send(TailBatch { lines, notices: std::mem::take(&mut notices), dropped }) {
            return;
        }
    }
}

fn take(event: TailEvent, lines: &mut Vec<TailLine>, notices: &mut Vec<TailEvent>) {
    match event {
        TailEvent::Lines { lines: new } => lines.extend(new),
        other => notices.push(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::tail::TailMode;

    fn lines(from: u32, count: u32) -> TailEvent {
        TailEvent::Lines {
            lines: (from..from + count)
                .map(|seq| {
                    let mut line = TailLine::new(0, i64::from(seq), "s", "x");
                    line.seq = seq;
                    line
                })
                .collect(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_arrives_as_a_few_frame_sized_batches_and_fills_the_buffer() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let buffer = Arc::new(Mutex::new(LineBuffer::new(2000)));
        for chunk in 0..25 {
            tx.send(lines(chunk * 100, 100)).unwrap();
        }
        tx.send(TailEvent::Mode { functions: vec![0], mode: TailMode::Live, reason: None }).unwrap();
        drop(tx);
        let mut batches: Vec<(usize, usize, f64, Instant)> = Vec::new();
        forward_in_frames(rx, buffer.clone(), CancellationToken::new(), |batch| {
            batches.push((batch.lines.len(), batch.notices.len(), batch.dropped, Instant::now()));
            true
        })
        .await;
        let sizes: Vec<usize> = batches.iter().map(|b| b.0).collect();
        assert_eq!(sizes, [1000, 1000, 500], "2,500 lines in three batches");
        assert_eq!(batches[0].1, 1, "the notice rides with the first batch");
        assert!(batches.windows(2).all(|pair| pair[1].3 - pair[0].3 >= FRAME), "one batch per frame at most");
        assert_eq!(batches.last().unwrap().2, 500.0, "the 2,000-line buffer dropped the oldest 500");
        let kept = buffer.lock().unwrap();
        assert_eq!(kept.iter().next().unwrap().seq, 500);
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_window_ends_the_forwarding() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(lines(0, 1)).unwrap();
        tx.send(lines(1, 1)).unwrap();
        let mut sent = 0;
        forward_in_frames(rx, Arc::new(Mutex::new(LineBuffer::new(10))), CancellationToken::new(), |_| {
            sent += 1;
            false
        })
        .await;
        assert_eq!(sent, 1);
        drop(tx);
    }
}
