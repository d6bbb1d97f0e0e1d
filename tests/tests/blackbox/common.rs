//! Helpers shared by the black-box tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared by test binaries that each use a part

use tafel_shared::geometry::Rect;
use tafel_shared::schema;
use tafel_tests::SyncClient;
use yrs::types::ToJson;
use yrs::{Map, Transact};

/// The elements map as JSON, for comparing replicas.
pub fn elements_json(c: &SyncClient) -> String {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    // Through serde_json's sorted maps, so key order cannot differ between replicas.
    serde_json::to_value(elements.to_json(&txn))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// The ids of a replica's elements.
pub fn element_ids(c: &SyncClient) -> std::collections::BTreeSet<String> {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    elements.keys(&txn).map(str::to_owned).collect()
}

/// Fails the test with the first few of `seen` that `stored` lacks.
pub fn assert_none_lost(
    seen: &std::collections::BTreeSet<String>,
    stored: &std::collections::BTreeSet<String>,
) {
    let lost: Vec<&String> = seen.difference(stored).collect();
    assert!(
        lost.is_empty(),
        "{} updates seen by clients were lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
}

/// Number of elements in a replica.
pub fn element_count(c: &SyncClient) -> u32 {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    elements.len(&txn)
}

/// Adds a sticky note through the client (one update).
pub async fn add_sticky(c: &mut SyncClient, id: &str, text: &str) {
    let elements = schema::elements(&c.doc);
    let note = tafel_tests::sticky(id, Rect::new(10.0, 20.0, 160.0, 160.0), "m", text, "test");
    c.edit(|txn| {
        note.insert(txn, &elements);
    })
    .await
    .expect("send sticky");
}

/// Whether a replica has an element.
pub fn has(c: &SyncClient, id: &str) -> bool {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    elements.contains_key(&txn, id)
}

/// Returns once a fresh viewer of `board` sees element `id`. Exports read
/// what is stored, and the server shows nothing before it is stored (durable
/// before visible): an export after this call holds the element.
pub async fn stored(srv: &tafel_tests::TestServer, board: &tafel_tests::server::Board, id: &str) {
    use tafel_shared::roles::{DocKind, Role};
    let mut witness =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();
    witness.pump_until(|c| has(c, id)).await.unwrap();
}

/// Opens a comment thread pinned to a point, through the server (the only way
/// comments are written); panics if the server refuses.
pub async fn open_thread(c: &mut SyncClient, thread: &str, text: &str) {
    use tafel_shared::comments::{Anchor, CommentCommand};
    let result = c
        .act(tafel_shared::action::Action::Comment {
            command: CommentCommand::Open {
                thread: thread.into(),
                comment: format!("{thread}-1"),
                anchor: Anchor::Point { x: 10.0, y: 20.0 },
                text: text.into(),
                name: "Tester".into(),
                mentions: vec![],
            },
        })
        .await
        .expect("comment action answered");
    assert_eq!(result.refused, None, "opening a thread");
}

/// The comments of a replica of a comments document, as (thread, author, text).
pub fn comment_texts(c: &SyncClient) -> Vec<(String, String, String)> {
    use tafel_shared::comments::{Discussion, Maps};
    let maps = Maps::of(&c.doc);
    let d = Discussion::read(&c.doc.transact(), &maps);
    d.comments
        .values()
        .flatten()
        .map(|c| (c.thread.clone(), c.author.to_string(), c.text.clone()))
        .collect()
}

/// Whether a replica of a comments document has a thread.
pub fn has_thread(c: &SyncClient, thread: &str) -> bool {
    comment_texts(c).iter().any(|(t, _, _)| t == thread)
}

/// The code of a refused action (asserting it says why), `None` if applied.
pub fn refused(
    result: &tafel_shared::action::ActionResult,
) -> Option<tafel_shared::action::RefusalCode> {
    result.refused.as_ref().map(|r| {
        assert!(!r.reason.is_empty(), "a refusal says why");
        r.code
    })
}

/// `GET path` on the test server, which must answer 200 with JSON of type `T`.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    srv: &tafel_tests::TestServer,
    path: &str,
) -> T {
    let (status, body) = srv
        .api()
        .call(reqwest::Method::GET, path, None)
        .await
        .expect("the server answers");
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_value(body).expect("the answer's shape")
}
