//! The black-box tests: the real server (and, for `browser_*`, real Chromium
//! with the built client) driven from outside, as users and modified clients
//! would. One test binary for all of them: each module used to be a binary of
//! its own, and linking 31 of them took minutes of every CI run.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod common;

mod assets;
mod bad_input;
mod browser;
mod browser_arrange;
mod browser_comments;
mod browser_export;
mod browser_far;
mod browser_finish;
mod browser_german;
mod browser_history;
mod browser_images;
mod browser_private;
mod browser_rich;
mod browser_room;
mod browser_since;
mod browser_templates;
mod browser_touch;
mod browser_workshop;
mod cluster;
mod cluster_bus;
mod comments;
mod convergence;
mod deploy;
mod durability;
mod export;
mod facilitation;
mod history;
mod images;
mod permissions;
mod presence;
mod sync;
mod templates;
mod workshop;
