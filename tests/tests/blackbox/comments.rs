//! Comments against the real server, with raw protocol clients that ignore any
//! UI: the server stamps every comment with the verified participant id, nobody
//! edits or deletes someone else's comment (facilitators may delete), a stock Yjs
//! client cannot write the comments document at all, viewers only read, and a
//! refusal leaves the server's copy and every other socket untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{comment_texts, has_thread, refused};
use std::time::Duration;
use tafel_shared::action::{Action, RefusalCode};
use tafel_shared::comments::{Anchor, CommentCommand, Discussion, Maps, Mention};
use tafel_shared::ids::{ParticipantCredential, ParticipantId};
use tafel_shared::roles::{DocKind, Role};
use tafel_tests::server::Board;
use tafel_tests::{SyncClient, TestServer};
use yrs::{Map, Transact};

/// Long enough for anything the server would send to have arrived on loopback.
const SETTLE: Duration = Duration::from_millis(300);

fn comment(command: CommentCommand) -> Action {
    Action::Comment { command }
}

fn id_of(credential: &str) -> ParticipantId {
    ParticipantCredential::parse(credential).unwrap().id
}

fn discussion(c: &SyncClient) -> Discussion {
    let maps = Maps::of(&c.doc);
    let d = Discussion::read(&c.doc.transact(), &maps);
    d
}

struct Review {
    srv: TestServer,
    board: Board,
}

impl Review {
    async fn start() -> Self {
        let srv = TestServer::start().await.unwrap();
        let board = srv.api().create_board("Review", "").await.unwrap();
        Self { srv, board }
    }

    async fn person(&self) -> String {
        self.srv.api().participant().await.unwrap()
    }

    async fn comments(&self, role: Role, me: &str) -> SyncClient {
        let url = self.srv.ws_as(
            &self.board.id,
            DocKind::Comments,
            self.board.token(role),
            me,
        );
        SyncClient::connect(&url).await.unwrap()
    }
}

fn open_on_note(thread: &str, text: &str, name: &str, mentions: Vec<Mention>) -> Action {
    comment(CommentCommand::Open {
        thread: thread.into(),
        comment: format!("{thread}-1"),
        anchor: Anchor::Element {
            id: "note-1".into(),
            dx: 8.0,
            dy: 8.0,
            x: 108.0,
            y: 208.0,
        },
        text: text.into(),
        name: name.into(),
        mentions,
    })
}

#[tokio::test]
async fn authorship_is_the_servers_and_nobody_changes_anyone_elses_comment() {
    let r = Review::start().await;
    let (ada_cred, bo_cred, coach_cred) = (r.person().await, r.person().await, r.person().await);
    let mut ada = r.comments(Role::Commenter, &ada_cred).await;
    let mut bo = r.comments(Role::Commenter, &bo_cred).await;
    let mut coach = r.comments(Role::Facilitator, &coach_cred).await;
    let mut watcher = r.comments(Role::Viewer, &r.person().await).await;

    // Ada opens a thread on a note and mentions Bo.
    let mention = Mention {
        id: id_of(&bo_cred),
        name: "Bo".into(),
    };
    let opened = ada
        .act(open_on_note(
            "t1",
            "Ist das unser Ziel?",
            "Ada",
            vec![mention.clone()],
        ))
        .await
        .unwrap();
    assert_eq!(refused(&opened), None);
    // Bo replies claiming to be Ada: the name is his to choose, the author is not.
    let reply = bo
        .act(comment(CommentCommand::Reply {
            thread: "t1".into(),
            comment: "t1-2".into(),
            text: "Ja, für Q3".into(),
            name: "Ada".into(),
            mentions: vec![],
        }))
        .await
        .unwrap();
    assert_eq!(refused(&reply), None);
    watcher
        .pump_until(|c| comment_texts(c).len() == 2)
        .await
        .unwrap();
    let d = discussion(&watcher);
    let thread = &d.threads["t1"];
    assert_eq!(thread.author, id_of(&ada_cred));
    assert_eq!(thread.anchor.element(), Some("note-1"));
    let [first, second] = d.of("t1") else {
        panic!("two comments: {d:?}")
    };
    assert_eq!(
        (first.author.clone(), first.mentions.clone()),
        (id_of(&ada_cred), vec![mention])
    );
    assert_eq!(
        second.author,
        id_of(&bo_cred),
        "the server stamps the author"
    );

    // Bo cannot edit or delete Ada's comment through the action...
    let before = watcher.state();
    for attempt in [
        comment(CommentCommand::Edit {
            comment: "t1-1".into(),
            text: "Bo was here".into(),
            mentions: vec![],
        }),
        comment(CommentCommand::Delete {
            comment: "t1-1".into(),
        }),
    ] {
        assert_eq!(
            refused(&bo.act(attempt).await.unwrap()),
            Some(RefusalCode::Forbidden)
        );
    }
    // ...nor as a stock Yjs client writing the document: a commenter's update is
    // refused, stored nowhere and relayed to no one.
    let maps = Maps::of(&bo.doc);
    let forged = {
        let txn = bo.doc.transact();
        maps.comments.get(&txn, "t1-1").unwrap().to_string(&txn)
    }
    .replace("Ist das unser Ziel?", "FORGED by Bo");
    bo.edit(|txn| {
        maps.comments.insert(txn, "t1-1", forged.clone());
        maps.comments.remove(txn, "t1-2");
    })
    .await
    .unwrap();
    bo.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    watcher.pump_for(SETTLE).await.unwrap();
    assert_eq!(watcher.state(), before, "the watcher saw no change");
    let fresh = r.comments(Role::Viewer, &r.person().await).await;
    assert_eq!(fresh.state(), before, "the server's copy is unchanged");
    assert!(!fresh
        .received()
        .iter()
        .any(|f| f.windows(6).any(|w| w == b"FORGED")));

    // Ada edits her own; a facilitator deletes Bo's reply; Bo cannot resolve as
    // a viewer would, but as a commenter he can.
    assert_eq!(
        refused(
            &ada.act(comment(CommentCommand::Edit {
                comment: "t1-1".into(),
                text: "Ist das unser Ziel für Q3?".into(),
                mentions: vec![],
            }))
            .await
            .unwrap()
        ),
        None
    );
    assert_eq!(
        refused(
            &coach
                .act(comment(CommentCommand::Delete {
                    comment: "t1-2".into()
                }))
                .await
                .unwrap()
        ),
        None
    );
    assert_eq!(
        refused(
            &bo.act(comment(CommentCommand::Resolve {
                thread: "t1".into(),
                name: "Bo".into()
            }))
            .await
            .unwrap()
        ),
        None
    );
    watcher
        .pump_until(|c| discussion(c).threads["t1"].resolved.is_some())
        .await
        .unwrap();
    let d = discussion(&watcher);
    let texts: Vec<&str> = d.of("t1").iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Ist das unser Ziel für Q3?"]);
    assert!(d.of("t1")[0].edited_ms.is_some());
    assert_eq!(
        d.threads["t1"].resolved.as_ref().unwrap().by,
        id_of(&bo_cred)
    );
}

#[tokio::test]
async fn viewers_read_comments_and_comments_go_only_to_their_socket() {
    let r = Review::start().await;
    let mut ada = r.comments(Role::Editor, &r.person().await).await;
    crate::common::open_thread(&mut ada, "t1", "Bitte prüfen").await;

    let viewer_cred = r.person().await;
    let mut viewer = r.comments(Role::Viewer, &viewer_cred).await;
    assert!(has_thread(&viewer, "t1"), "viewers read comments");
    let before = viewer.state();
    let attempts = [
        open_on_note("v1", "Darf ich?", "Vi", vec![]),
        comment(CommentCommand::Reply {
            thread: "t1".into(),
            comment: "v2".into(),
            text: "Darf ich?".into(),
            name: "Vi".into(),
            mentions: vec![],
        }),
        comment(CommentCommand::Resolve {
            thread: "t1".into(),
            name: "Vi".into(),
        }),
    ];
    for attempt in attempts {
        assert_eq!(
            refused(&viewer.act(attempt).await.unwrap()),
            Some(RefusalCode::Forbidden)
        );
    }
    // A comment sent to the content socket is refused there.
    let url = r.srv.ws_as(
        &r.board.id,
        DocKind::Content,
        r.board.token(Role::Commenter),
        &r.person().await,
    );
    let mut content = SyncClient::connect(&url).await.unwrap();
    assert_eq!(
        refused(
            &content
                .act(open_on_note("c1", "Hier?", "Cy", vec![]))
                .await
                .unwrap()
        ),
        Some(RefusalCode::WrongDocument)
    );
    ada.pump_for(SETTLE).await.unwrap();
    let fresh = r.comments(Role::Viewer, &viewer_cred).await;
    assert_eq!(fresh.state(), before, "nothing changed");
    assert_eq!(comment_texts(&fresh).len(), 1);
}

#[tokio::test]
async fn an_anonymous_socket_owns_only_its_own_comments() {
    let r = Review::start().await;
    // A stock client without a credential may comment: it gets an identity of
    // its own for this socket, so it can never act as anyone else.
    let stock_url = r.srv.ws(
        &r.board.id,
        DocKind::Comments,
        r.board.token(Role::Commenter),
    );
    let mut stock = SyncClient::connect(&stock_url).await.unwrap();
    assert_eq!(
        refused(
            &stock
                .act(open_on_note("s1", "Anonym", "Gast", vec![]))
                .await
                .unwrap()
        ),
        None
    );
    let mut again = SyncClient::connect(&stock_url).await.unwrap();
    assert_eq!(
        refused(
            &again
                .act(comment(CommentCommand::Delete {
                    comment: "s1-1".into()
                }))
                .await
                .unwrap()
        ),
        Some(RefusalCode::Forbidden),
        "another socket is another person"
    );
    assert!(has_thread(&again, "s1"), "the thread is still there");
}
