//! Votes, private notes, freeze and identities against the real server, with raw
//! protocol clients that ignore any UI: ballots and private notes are in no byte
//! another socket receives before the end or the reveal, one identity cannot vote
//! beyond its allowance even over two sockets, nobody acts as someone else, every
//! refusal has a code and changes nothing, and a frozen board takes writes from
//! facilitators only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, elements_json, has, refused};
use std::time::Duration;
use tafel_shared::action::{Action, RefusalCode, TimerCommand};
use tafel_shared::geometry::Rect;
use tafel_shared::ids::ParticipantCredential;
use tafel_shared::protocol::{Message, MSG_SYNC};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::workshop::{BoardView, RoundSettings, WorkshopView};
use tafel_tests::server::Board;
use tafel_tests::{ServerProcess, SyncClient, TestServer};

/// Long enough for anything the server would send to have arrived on loopback.
const SETTLE: Duration = Duration::from_millis(300);

fn board_view(c: &SyncClient) -> BoardView {
    c.board_view
        .clone()
        .expect("content sockets get the board view")
}

/// Whether any frame `c` received that is not document sync holds `needle`.
fn leaked_outside_sync(c: &SyncClient, needle: &str) -> bool {
    c.received()
        .iter()
        .filter(|f| f.first() != Some(&(MSG_SYNC as u8)))
        .any(|f| contains(f, needle.as_bytes()))
}

/// Whether any frame `c` received holds `needle`, whatever its kind.
fn leaked_anywhere(c: &SyncClient, needle: &str) -> bool {
    c.received().iter().any(|f| contains(f, needle.as_bytes()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

struct Workshop {
    srv: TestServer,
    board: Board,
}

impl Workshop {
    async fn start() -> Self {
        let srv = TestServer::start().await.unwrap();
        let board = srv.api().create_board("Workshop", "").await.unwrap();
        Self { srv, board }
    }

    async fn join(&self, role: Role, me: &str) -> SyncClient {
        let url = self
            .srv
            .ws_as(&self.board.id, DocKind::Content, self.board.token(role), me);
        let mut c = SyncClient::connect(&url).await.unwrap();
        c.pump_until(|c| c.own_view.is_some()).await.unwrap();
        c
    }

    async fn person(&self) -> String {
        self.srv.api().participant().await.unwrap()
    }
}

fn vote(round: u32, element: &str) -> Action {
    Action::Vote {
        round,
        element: element.into(),
    }
}

#[tokio::test]
async fn ballots_reach_no_other_socket_before_the_end_and_allowance_holds_across_sockets() {
    let w = Workshop::start().await;
    let (coach_id, ben_id, ada_id) = (w.person().await, w.person().await, w.person().await);
    let mut coach = w.join(Role::Facilitator, &coach_id).await;
    add_sticky(&mut coach, "idea-a", "Kundenportal").await;
    add_sticky(&mut coach, "idea-b", "Newsletter").await;
    let mut ben = w.join(Role::Editor, &ben_id).await;
    let mut ben_phone = w.join(Role::Editor, &ben_id).await;
    let mut ada = w.join(Role::Editor, &ada_id).await;
    // A stock Yjs client without any identity, and a viewer.
    let mut stock = SyncClient::connect(&w.srv.ws(
        &w.board.id,
        DocKind::Content,
        w.board.token(Role::Editor),
    ))
    .await
    .unwrap();
    let mut viewer = w.join(Role::Viewer, &w.person().await).await;
    for c in [&mut ben, &mut ben_phone, &mut ada, &mut stock, &mut viewer] {
        c.pump_until(|c| has(c, "idea-b")).await.unwrap();
    }

    let start = coach
        .act(Action::StartRound {
            settings: RoundSettings::new("Was bauen wir zuerst?", 2),
        })
        .await
        .unwrap();
    assert_eq!(refused(&start), None);
    let round = board_view(&coach).open_round().unwrap().id;

    // Ben votes from two sockets: the allowance is his, not the socket's.
    assert_eq!(
        refused(&ben.act(vote(round, "idea-a")).await.unwrap()),
        None
    );
    assert_eq!(
        refused(&ben_phone.act(vote(round, "idea-b")).await.unwrap()),
        None
    );
    assert_eq!(
        refused(&ben.act(vote(round, "idea-a")).await.unwrap()),
        Some(RefusalCode::LimitReached)
    );
    assert_eq!(
        refused(&ben_phone.act(vote(round, "idea-b")).await.unwrap()),
        Some(RefusalCode::LimitReached)
    );
    assert_eq!(
        refused(&ada.act(vote(round, "idea-a")).await.unwrap()),
        None
    );
    // Viewers watch.
    assert_eq!(
        refused(&viewer.act(vote(round, "idea-b")).await.unwrap()),
        Some(RefusalCode::Forbidden)
    );
    // Both of Ben's sockets know his ballot.
    ben.pump_until(|c| c.own_view.as_ref().is_some_and(|o| o.ballot.len() == 2))
        .await
        .unwrap();
    let mut ballot = ben.own_view.clone().unwrap().ballot;
    ballot.sort();
    assert_eq!(ballot, ["idea-a", "idea-b"]);

    for c in [
        &mut coach,
        &mut ben,
        &mut ben_phone,
        &mut ada,
        &mut stock,
        &mut viewer,
    ] {
        c.pump_for(SETTLE).await.unwrap();
    }
    // Everyone sees that people voted, nobody sees where: the element ids are in
    // no frame but the document's own (the notes themselves), and no document
    // frame arrived because of a vote.
    assert_eq!(board_view(&viewer).open_round().unwrap().voters, 2);
    assert_eq!(board_view(&viewer).open_round().unwrap().finished, 1);
    for (name, c) in [
        ("coach", &coach),
        ("ada", &ada),
        ("stock", &stock),
        ("viewer", &viewer),
    ] {
        assert!(
            !leaked_outside_sync(c, "idea-b"),
            "{name} received a frame naming Ben's choice"
        );
        assert!(
            c.received()
                .iter()
                .filter_map(|f| Message::decode(f).ok())
                .all(|m| !matches!(m, Message::Workshop(WorkshopView::Own(ref o)) if o.me.as_str() == ben_id.split('.').next().unwrap())),
            "{name} received Ben's own view"
        );
    }
    assert_eq!(ada.own_view.clone().unwrap().ballot, ["idea-a"]);

    // The end publishes the results to everyone, anonymous by default.
    let end = coach.act(Action::EndRound { round }).await.unwrap();
    assert_eq!(refused(&end), None);
    for c in [&mut ben, &mut ada, &mut stock, &mut viewer] {
        c.pump_until(|c| {
            c.board_view
                .as_ref()
                .is_some_and(|b| b.open_round().is_none())
        })
        .await
        .unwrap();
        let results = &board_view(c).rounds[0].results;
        let shown: Vec<(&str, u32)> = results
            .iter()
            .map(|t| (t.element.as_str(), t.votes))
            .collect();
        assert_eq!(shown, [("idea-a", 2), ("idea-b", 1)]);
        assert!(results.iter().all(|t| t.by.is_empty()), "anonymous round");
    }
    // No more votes once it ended.
    assert_eq!(
        refused(&ada.act(vote(round, "idea-b")).await.unwrap()),
        Some(RefusalCode::NotNow)
    );
}

#[tokio::test]
async fn named_rounds_show_who_voted_after_the_end_and_votes_survive_a_restart() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let board = srv.api().create_board("Workshop", "").await.unwrap();
    let (coach_id, ben_id) = (
        srv.api().participant().await.unwrap(),
        srv.api().participant().await.unwrap(),
    );
    let url = |srv: &ServerProcess, role, me: &str| {
        format!(
            "{}&me={me}",
            srv.ws(&board.id, DocKind::Content, board.token(role))
        )
    };
    let mut coach = SyncClient::connect(&url(&srv, Role::Facilitator, &coach_id))
        .await
        .unwrap();
    add_sticky(&mut coach, "idea-a", "Kundenportal").await;
    coach
        .act(Action::Introduce {
            name: "Coach".into(),
        })
        .await
        .unwrap();
    let started = coach
        .act(Action::StartRound {
            settings: RoundSettings {
                named: true,
                several_per_element: true,
                ..RoundSettings::new("Priorität", 3)
            },
        })
        .await
        .unwrap();
    assert_eq!(refused(&started), None);
    let mut ben = SyncClient::connect(&url(&srv, Role::Editor, &ben_id))
        .await
        .unwrap();
    ben.act(Action::Introduce { name: "Ben".into() })
        .await
        .unwrap();
    assert_eq!(refused(&ben.act(vote(1, "idea-a")).await.unwrap()), None);
    assert_eq!(refused(&ben.act(vote(1, "idea-a")).await.unwrap()), None);
    drop((coach, ben));

    // The server goes down mid-vote; the ballot is still Ben's after it is back.
    srv.terminate().await.unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let mut ben = SyncClient::connect(&url(&srv, Role::Editor, &ben_id))
        .await
        .unwrap();
    ben.pump_until(|c| c.own_view.is_some()).await.unwrap();
    assert_eq!(ben.own_view.clone().unwrap().ballot, ["idea-a", "idea-a"]);
    assert_eq!(refused(&ben.act(vote(1, "idea-a")).await.unwrap()), None);
    assert_eq!(
        refused(&ben.act(vote(1, "idea-a")).await.unwrap()),
        Some(RefusalCode::LimitReached)
    );
    let mut coach = SyncClient::connect(&url(&srv, Role::Facilitator, &coach_id))
        .await
        .unwrap();
    assert_eq!(
        refused(&coach.act(Action::EndRound { round: 1 }).await.unwrap()),
        None
    );
    ben.pump_until(|c| {
        c.board_view
            .as_ref()
            .is_some_and(|b| b.open_round().is_none())
    })
    .await
    .unwrap();
    let view = board_view(&ben);
    let tally = &view.rounds[0].results[0];
    assert_eq!(tally.votes, 3);
    let names: Vec<String> = tally.by.iter().map(|p| view.name_of(p)).collect();
    assert_eq!(names, ["Ben", "Ben", "Ben"]);
}

#[tokio::test]
async fn nobody_can_act_as_another_participant() {
    let w = Workshop::start().await;
    let (coach_id, ben_id, ada_id) = (w.person().await, w.person().await, w.person().await);
    let mut coach = w.join(Role::Facilitator, &coach_id).await;
    add_sticky(&mut coach, "idea-a", "A").await;
    coach
        .act(Action::StartRound {
            settings: RoundSettings::new("t", 1),
        })
        .await
        .unwrap();
    let mut ben = w.join(Role::Editor, &ben_id).await;
    ben.pump_until(|c| has(c, "idea-a")).await.unwrap();
    assert_eq!(refused(&ben.act(vote(1, "idea-a")).await.unwrap()), None);

    let ben_cred = ParticipantCredential::parse(&ben_id).unwrap();
    let ada_cred = ParticipantCredential::parse(&ada_id).unwrap();
    // Ben's id with Ada's proof, Ben's id with no proof, a made-up proof.
    for forged in [
        format!("{}.{}", ben_cred.id, ada_cred.proof),
        ben_cred.id.to_string(),
        format!("{}.{}", ben_cred.id, "A".repeat(22)),
    ] {
        let mut mallory = w.join(Role::Editor, &forged).await;
        let me = mallory.own_view.clone().unwrap();
        assert_ne!(me.me, ben_cred.id, "{forged} was taken for Ben");
        assert!(me.ballot.is_empty(), "Mallory sees Ben's ballot");
        // Mallory's vote counts as hers, not as Ben's (who has none left).
        assert_eq!(
            refused(&mallory.act(vote(1, "idea-a")).await.unwrap()),
            None
        );
        // Every own view she got was hers: no ballot of anyone else reached her.
        let own_views_are_hers = mallory
            .received()
            .iter()
            .filter_map(|f| Message::decode(f).ok())
            .all(|m| match m {
                Message::Workshop(WorkshopView::Own(o)) => o.me == me.me,
                _ => true,
            });
        assert!(own_views_are_hers);
    }
    ben.pump_for(SETTLE).await.unwrap();
    assert_eq!(ben.own_view.clone().unwrap().ballot, ["idea-a"]);
}

#[tokio::test]
async fn private_notes_reach_nobody_before_the_reveal_and_then_everyone() {
    let w = Workshop::start().await;
    let (coach_id, ben_id, ada_id) = (w.person().await, w.person().await, w.person().await);
    let mut coach = w.join(Role::Facilitator, &coach_id).await;
    let mut ben = w.join(Role::Editor, &ben_id).await;
    let mut ada = w.join(Role::Editor, &ada_id).await;
    let mut stock = SyncClient::connect(&w.srv.ws(
        &w.board.id,
        DocKind::Content,
        w.board.token(Role::Viewer),
    ))
    .await
    .unwrap();
    ben.act(Action::Introduce { name: "Ben".into() })
        .await
        .unwrap();

    let note = |id: &str, text: &str| Action::PrivateNote {
        element: Box::new(tafel_tests::sticky(
            id,
            Rect::new(0.0, 0.0, 160.0, 160.0),
            "n",
            text,
            "",
        )),
    };
    // Not before private mode, and only facilitators start it.
    assert_eq!(
        refused(&ben.act(note("ben-1", "zu früh")).await.unwrap()),
        Some(RefusalCode::NotNow)
    );
    assert_eq!(
        refused(&ben.act(Action::StartPrivate).await.unwrap()),
        Some(RefusalCode::Forbidden)
    );
    assert_eq!(
        refused(&coach.act(Action::StartPrivate).await.unwrap()),
        None
    );
    assert_eq!(
        refused(&ben.act(note("ben-1", "geheim-4711")).await.unwrap()),
        None
    );
    assert_eq!(
        refused(&ben.act(note("ben-2", "noch-geheimer-0815")).await.unwrap()),
        None
    );
    assert_eq!(
        refused(&ada.act(note("ada-1", "adas-idee-42")).await.unwrap()),
        None
    );
    // Ben reloads mid-round: his notes come back to him, and only to him.
    drop(ben);
    let mut ben = w.join(Role::Editor, &ben_id).await;
    let texts: Vec<String> = ben
        .own_view
        .clone()
        .unwrap()
        .notes
        .iter()
        .map(|n| n.text().to_owned())
        .collect();
    assert_eq!(texts, ["geheim-4711", "noch-geheimer-0815"]);

    for c in [&mut coach, &mut ada, &mut stock] {
        c.pump_for(SETTLE).await.unwrap();
    }
    for (name, c) in [("coach", &coach), ("ada", &ada), ("stock", &stock)] {
        for secret in ["geheim-4711", "noch-geheimer-0815", "ben-1"] {
            assert!(!leaked_anywhere(c, secret), "{name} received {secret}");
        }
        let hidden = board_view(c).private.unwrap().hidden;
        assert_eq!(hidden.len(), 2, "{name}: a count per person");
        let ben_id = ParticipantCredential::parse(&ben_id).unwrap().id;
        assert!(hidden.contains(&(ben_id, 2)), "{name}: Ben holds back 2");
    }
    assert!(!leaked_anywhere(&ben, "adas-idee-42"));
    // Not in the store's document either: a newcomer's replica lacks it.
    assert!(!has(&stock, "ben-1"));

    // Reveal: every note on the board at once, with its author's name.
    assert_eq!(
        refused(&ada.act(Action::Reveal { anonymous: false }).await.unwrap()),
        Some(RefusalCode::Forbidden)
    );
    assert_eq!(
        refused(
            &coach
                .act(Action::Reveal { anonymous: false })
                .await
                .unwrap()
        ),
        None
    );
    for c in [&mut ben, &mut ada, &mut stock] {
        c.pump_until(|c| {
            has(c, "ben-1")
                && has(c, "ben-2")
                && has(c, "ada-1")
                && c.board_view.as_ref().unwrap().private.is_none()
        })
        .await
        .unwrap();
    }
    assert!(elements_json(&stock).contains("geheim-4711"));
    assert!(elements_json(&stock).contains("\"author\":\"Ben\""));
    let late = SyncClient::connect(&w.srv.ws(
        &w.board.id,
        DocKind::Content,
        w.board.token(Role::Viewer),
    ))
    .await
    .unwrap();
    assert_eq!(
        elements_json(&late),
        elements_json(&stock),
        "revealed in the store"
    );
}

#[tokio::test]
async fn refused_actions_say_why_and_change_nothing() {
    let w = Workshop::start().await;
    let coach_id = w.person().await;
    let mut coach = w.join(Role::Facilitator, &coach_id).await;
    add_sticky(&mut coach, "idea-a", "A").await;
    let mut editor = w.join(Role::Editor, &w.person().await).await;
    let mut commenter = w.join(Role::Commenter, &w.person().await).await;
    editor.pump_until(|c| has(c, "idea-a")).await.unwrap();
    let before = board_view(&editor);
    let doc_before = elements_json(&editor);

    // Who asks: c = coach, e = editor, m = commenter.
    let cases: Vec<(char, Action, RefusalCode)> = vec![
        (
            'e',
            Action::StartRound {
                settings: RoundSettings::new("t", 3),
            },
            RefusalCode::Forbidden,
        ),
        ('e', vote(1, "idea-a"), RefusalCode::NotNow),
        ('e', Action::Freeze { frozen: true }, RefusalCode::Forbidden),
        ('m', Action::StartPrivate, RefusalCode::Forbidden),
        (
            'm',
            Action::Reveal { anonymous: true },
            RefusalCode::Forbidden,
        ),
        (
            'c',
            Action::StartRound {
                settings: RoundSettings::new("t", 0),
            },
            RefusalCode::InvalidArgument,
        ),
        (
            'c',
            Action::StartRound {
                settings: RoundSettings {
                    frame: Some("no-such-frame".into()),
                    ..RoundSettings::new("t", 3)
                },
            },
            RefusalCode::NotFound,
        ),
        ('c', Action::Reveal { anonymous: true }, RefusalCode::NotNow),
        ('c', Action::EndRound { round: 1 }, RefusalCode::NotNow),
        (
            'c',
            Action::Introduce { name: " ".into() },
            RefusalCode::InvalidArgument,
        ),
        (
            'c',
            Action::Timer {
                command: TimerCommand::Start,
            },
            RefusalCode::WrongDocument,
        ),
    ];
    for (who, action, code) in cases {
        let client = match who {
            'c' => &mut coach,
            'e' => &mut editor,
            _ => &mut commenter,
        };
        let result = client.act(action.clone()).await.unwrap();
        assert_eq!(refused(&result), Some(code), "{action:?}");
    }
    // Workshop actions on another document's socket are refused there too.
    let mut session = SyncClient::connect(&w.srv.ws_as(
        &w.board.id,
        DocKind::Session,
        w.board.token(Role::Facilitator),
        &coach_id,
    ))
    .await
    .unwrap();
    let result = session.act(Action::StartPrivate).await.unwrap();
    assert_eq!(refused(&result), Some(RefusalCode::WrongDocument));

    let fresh = w.join(Role::Viewer, &w.person().await).await;
    assert_eq!(board_view(&fresh), before);
    assert_eq!(elements_json(&fresh), doc_before);
}

#[tokio::test]
async fn a_frozen_board_takes_writes_from_facilitators_only() {
    let w = Workshop::start().await;
    let mut coach = w.join(Role::Facilitator, &w.person().await).await;
    let mut editor = w.join(Role::Editor, &w.person().await).await;
    assert_eq!(
        refused(&coach.act(Action::Freeze { frozen: true }).await.unwrap()),
        None
    );
    editor
        .pump_until(|c| c.board_view.as_ref().is_some_and(|b| b.frozen))
        .await
        .unwrap();
    add_sticky(&mut editor, "while-frozen", "nope").await;
    editor.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    add_sticky(&mut coach, "by-coach", "yes").await;
    assert_eq!(
        refused(&coach.act(Action::Freeze { frozen: false }).await.unwrap()),
        None
    );
    // A replica whose write was refused holds an update the server never took,
    // and its later updates build on it: clients start over from the server's
    // state (the browser client never writes while frozen).
    let mut editor = w.join(Role::Editor, &w.person().await).await;
    add_sticky(&mut editor, "after-thaw", "yes").await;
    let mut check = w.join(Role::Viewer, &w.person().await).await;
    check
        .pump_until(|c| has(c, "by-coach") && has(c, "after-thaw"))
        .await
        .unwrap();
    assert!(
        !has(&check, "while-frozen"),
        "the frozen write reached the store"
    );
}

/// One change an editor tries to make, as a local transaction.
type Attempt = Box<dyn FnOnce(&mut yrs::TransactionMut)>;

#[tokio::test]
async fn a_locked_element_resists_an_editors_stock_client_and_yields_to_a_facilitator() {
    use tafel_shared::edit;
    use tafel_shared::schema;
    use yrs::{Map, Transact};
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("SWOT", "swot").await.unwrap();
    let url = |doc, role| srv.ws(&board.id, doc, board.token(role));
    let mut coach_content = SyncClient::connect(&url(DocKind::Content, Role::Facilitator))
        .await
        .unwrap();
    let mut coach_layer = SyncClient::connect(&url(DocKind::Locked, Role::Facilitator))
        .await
        .unwrap();
    // The template's frames start locked.
    assert!(has(&coach_layer, "frame-0"));
    assert!(!has(&coach_content, "frame-0"));

    // The facilitator locks a note: it moves into the locked layer.
    add_sticky(&mut coach_content, "leitbild", "Unser Leitbild").await;
    let (content_map, layer_map) = (
        schema::elements(&coach_content.doc),
        schema::elements(&coach_layer.doc),
    );
    let layer_update = {
        let content_doc = coach_content.doc.clone();
        let mut content_txn = content_doc.transact_mut();
        let moved_update;
        {
            let layer_doc = coach_layer.doc.clone();
            let mut layer_txn = layer_doc.transact_mut();
            edit::move_between(
                (&mut content_txn, &content_map),
                (&mut layer_txn, &layer_map),
                &["leitbild".to_owned()],
                true,
            );
            moved_update = layer_txn.encode_update_v1();
        }
        let removal = content_txn.encode_update_v1();
        (moved_update, removal)
    };
    coach_layer
        .send(&tafel_shared::sync::ClientSync::local_update(
            layer_update.0,
        ))
        .await
        .unwrap();
    coach_content
        .send(&tafel_shared::sync::ClientSync::local_update(
            layer_update.1,
        ))
        .await
        .unwrap();

    let mut editor_layer = SyncClient::connect(&url(DocKind::Locked, Role::Editor))
        .await
        .unwrap();
    editor_layer
        .pump_until(|c| has(c, "leitbild"))
        .await
        .unwrap();
    let mut editor_content = SyncClient::connect(&url(DocKind::Content, Role::Editor))
        .await
        .unwrap();
    editor_content.pump_for(SETTLE).await.unwrap();
    assert!(!has(&editor_content, "leitbild"), "locking moved it");
    let before = elements_json(&editor_layer);

    // Move, restyle, edit, restack, delete, unlock: every write to the layer is
    // refused and reaches nobody.
    let layer = schema::elements(&editor_layer.doc);
    let attempts: Vec<Attempt> = vec![
        Box::new({
            let layer = layer.clone();
            move |txn| edit::set_rect(txn, &layer, "leitbild", Rect::new(900.0, 900.0, 10.0, 10.0))
        }),
        Box::new({
            let layer = layer.clone();
            move |txn| edit::set_str(txn, &layer, "leitbild", schema::F_COLOR, "#000000")
        }),
        Box::new({
            let layer = layer.clone();
            move |txn| {
                if let Some(text) = tafel_shared::element::text_ref(txn, &layer, "leitbild") {
                    use yrs::Text;
                    text.insert(txn, 0, "gehackt ");
                }
            }
        }),
        Box::new({
            let layer = layer.clone();
            move |txn| edit::set_str(txn, &layer, "frame-0", schema::F_Z, "zzz")
        }),
        Box::new({
            let layer = layer.clone();
            move |txn| {
                layer.remove(txn, "frame-0");
            }
        }),
        Box::new({
            let layer = layer.clone();
            move |txn| edit::set_locked(txn, &layer, &["leitbild".to_owned()], false)
        }),
    ];
    let count = attempts.len();
    for attempt in attempts {
        editor_layer.edit(attempt).await.unwrap();
    }
    editor_layer
        .pump_until(|c| c.denials.len() == count)
        .await
        .unwrap();
    // Unlocking by copying it back into the content: the layer copy stays, and
    // it is the one every Tafel client draws (the layer wins an id).
    add_sticky(&mut editor_content, "leitbild", "Schatten").await;

    coach_layer.pump_for(SETTLE).await.unwrap();
    let fresh = SyncClient::connect(&url(DocKind::Locked, Role::Viewer))
        .await
        .unwrap();
    assert_eq!(elements_json(&fresh), before, "the server's copy changed");
    assert_eq!(
        elements_json(&coach_layer),
        before,
        "the facilitator saw a change"
    );

    // The facilitator can change it (and unlock it the same way it was locked).
    let coach_map = schema::elements(&coach_layer.doc);
    coach_layer
        .edit(|txn| {
            edit::set_rect(
                txn,
                &coach_map,
                "leitbild",
                Rect::new(50.0, 60.0, 200.0, 200.0),
            )
        })
        .await
        .unwrap();
    let mut watcher = fresh;
    watcher
        .pump_until(|c| elements_json(c) != before)
        .await
        .unwrap();
    assert!(coach_layer.denials.is_empty());
}

#[tokio::test]
async fn the_roster_comes_whole_on_connect_and_then_only_as_changes() {
    let w = Workshop::start().await;
    let (coach_id, ben_id) = (w.person().await, w.person().await);
    let mut coach = w.join(Role::Facilitator, &coach_id).await;
    let mut ben = w.join(Role::Editor, &ben_id).await;
    let mut ada = w.join(Role::Editor, &w.person().await).await;
    coach
        .act(Action::Introduce {
            name: "Coach".into(),
        })
        .await
        .unwrap();
    ben.act(Action::Introduce { name: "Ben".into() })
        .await
        .unwrap();
    coach
        .act(Action::StartRound {
            settings: RoundSettings::new("t", 1),
        })
        .await
        .unwrap();
    ada.pump_until(|c| board_view(c).open_round().is_some() && board_view(c).people.len() == 2)
        .await
        .unwrap();
    let views: Vec<WorkshopView> = ada
        .received()
        .iter()
        .filter_map(|f| match Message::decode(f) {
            Ok(Message::Workshop(v)) => Some(v),
            _ => None,
        })
        .collect();
    // After the view on connect, board views carry no roster; names come one by one.
    let later_boards_with_people = views
        .iter()
        .skip_while(|v| !matches!(v, WorkshopView::Board(_)))
        .skip(1)
        .filter(|v| matches!(v, WorkshopView::Board(b) if !b.people.is_empty()))
        .count();
    assert_eq!(later_boards_with_people, 0);
    let introduced: Vec<String> = views
        .iter()
        .filter_map(|v| match v {
            WorkshopView::People { people } => {
                Some(people.iter().map(|p| p.name.clone()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(introduced, ["Coach", "Ben"]);
    // A newcomer gets everyone at once.
    let late = w.join(Role::Viewer, &w.person().await).await;
    let names: Vec<String> = board_view(&late)
        .people
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Ben".to_owned()) && names.contains(&"Coach".to_owned()));
}
