//! Code deploys and downloads.
