//! The tail windows: which functions each one follows, and the lines it keeps (the ring
//! buffer its exports read). A tail window's label is `tail-<n>`, the smallest number not
//! open, so the window-state plugin gives the n-th tail window its last size and place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use lambda_deck::logs::buffer::LineBuffer;

/// Labels of tail windows start with this.
pub const TAIL_WINDOW_PREFIX: &str = "tail-";

/// What one tail window follows and keeps.
#[derive(Debug, Clone)]
pub struct TailWindow {
    /// Function names, checked and without duplicates: a line's `function` indexes this.
    pub functions: Vec<String>,
    pub buffer: Arc<Mutex<LineBuffer>>,
}

#[derive(Debug, Default)]
pub struct TailWindows {
    by_label: Mutex<HashMap<String, TailWindow>>,
}

impl TailWindows {
    /// Registers a new tail window and returns its label.
    pub fn add(&self, functions: Vec<String>, capacity: usize) -> String {
        let mut windows = self.lock();
        let label = (1..)
            .map(|n| format!("{TAIL_WINDOW_PREFIX}{n}"))
            .find(|label| !windows.contains_key(label))
            .unwrap_or_default();
        let buffer = Arc::new(Mutex::new(LineBuffer::new(capacity)));
        windows.insert(label.clone(), TailWindow { functions, buffer });
        label
    }

    pub fn get(&self, label: &str) -> Option<TailWindow> {
        self.lock().get(label).cloned()
    }

    /// The window closed (or failed to open): its lines go.
    pub fn remove(&self, label: &str) {
        self.lock().remove(label);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, TailWindow>> {
        self.by_label.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_reuse_the_smallest_free_number() {
        let windows = TailWindows::default();
        assert_eq!(windows.add(vec!["a".into()], 10), "tail-1");
        assert_eq!(windows.add(vec!["b".into()], 10), "tail-2");
        windows.remove("tail-1");
        assert_eq!(windows.add(vec!["c".into()], 10), "tail-1");
        assert_eq!(windows.get("tail-1").unwrap().functions, ["c"]);
        assert!(windows.get("tail-9").is_none());
    }
}
