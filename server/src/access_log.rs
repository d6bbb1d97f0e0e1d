//! The access log a client's data-protection officer asks for: which board was
//! created, opened, exported, shared or deleted, when, with which role and from
//! which address. Never what a board holds, never a token. Kept in the store
//! (under `access/`, in time order) for `--access-log-days`, read by the operator
//! (`GET /api/admin/access-log`, `tafel access-log`).
//!
//! Entries are written through the storage writer as best effort: a lost entry
//! must not fail the action it records. Their keys are [`crate::storage`]'s.

use crate::app::App;
use crate::durability::Stakes;
use std::net::IpAddr;
use tafel_shared::api::{AccessAction, AccessEntry};
use tafel_shared::ids::BoardId;
use tafel_shared::roles::Role;

impl App {
    /// Records one access (best effort, never blocking the caller).
    pub fn record_access(
        &self,
        action: AccessAction,
        board: Option<&BoardId>,
        role: Option<Role>,
        address: Option<IpAddr>,
        detail: Option<String>,
    ) {
        let entry = AccessEntry {
            at_ms: self.clock.unix_ms(),
            action,
            board: board.map(|b| b.as_str().to_owned()),
            role,
            address: address.map(|a| a.to_string()),
            // Bounded: a template name may come from an imported file.
            detail: detail.map(|d| d.chars().take(80).collect()),
        };
        self.committer
            .submit(Stakes::BestEffort, Box::new(move |s| s.put_access(&entry)));
    }

    /// Drops entries older than the configured retention (run hourly).
    pub fn prune_access_log(&self) {
        let keep_ms = self.config.access_log_days.saturating_mul(86_400_000);
        let before = self.clock.unix_ms().saturating_sub(keep_ms);
        self.committer.submit(
            Stakes::BestEffort,
            Box::new(move |s| s.prune_access(before).map(|_| ())),
        );
    }
}

/// A cell a spreadsheet shows as text: one that starts like a formula gets a
/// leading apostrophe (a board's template name comes from an imported file).
fn cell(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// The log as CSV (RFC 4180, a header row), for spreadsheets.
pub fn to_csv(entries: &[AccessEntry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "time_utc", "at_ms", "action", "board", "role", "address", "detail",
    ]);
    for e in entries {
        let _ = w.write_record([
            crate::clock::utc_minute(e.at_ms),
            e.at_ms.to_string(),
            e.action.as_str().to_owned(),
            cell(e.board.clone().unwrap_or_default()),
            e.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            cell(e.address.clone().unwrap_or_default()),
            cell(e.detail.clone().unwrap_or_default()),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        let entry = AccessEntry {
            at_ms: 0,
            action: AccessAction::Create,
            board: Some("b".into()),
            role: None,
            address: Some("::1".into()),
            detail: Some("=HYPERLINK(\"http://x\")".into()),
        };
        let csv = String::from_utf8(to_csv(&[entry])).unwrap();
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
    }
}
