//! Facilitation through server-applied actions, against the real server with raw
//! protocol clients: only facilitators run the timer, everyone sees the server's
//! state, refusals carry a code and change nothing, and nobody writes the session
//! document directly.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::add_sticky;
use tafel_shared::action::{Action, RefusalCode, TimerCommand};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::session::{self, Timer, TimerPhase};
use tafel_tests::{SyncClient, TestServer};
use yrs::Transact;

fn timer_of(c: &SyncClient) -> Timer {
    let map = session::timer_map(&c.doc);
    let txn = c.doc.transact();
    Timer::read(&txn, &map)
}

fn timer(command: TimerCommand) -> Action {
    Action::Timer { command }
}

#[tokio::test]
async fn the_facilitators_timer_reaches_everyone_from_the_servers_clock() {
    let srv = TestServer::start().await.unwrap();
    let board = srv
        .api()
        .create_board("Workshop", "track-think-make")
        .await
        .unwrap();
    let url = |role| srv.ws(&board.id, DocKind::Session, board.token(role));
    let mut coach = SyncClient::connect(&url(Role::Facilitator)).await.unwrap();
    let mut viewer = SyncClient::connect(&url(Role::Viewer)).await.unwrap();
    // The template brings its agenda: one step per phase, each at its frame.
    let agenda = room_of(&viewer).agenda;
    assert_eq!(agenda.len(), 3);
    assert_eq!(agenda[0].frame.as_deref(), Some("frame-0"));
    assert!(agenda[0].title.starts_with("Track"));

    let set = coach
        .act(timer(TimerCommand::Set {
            duration_ms: 5 * 60_000,
        }))
        .await
        .unwrap();
    assert_eq!(set.refused, None);
    let started = coach.act(timer(TimerCommand::Start)).await.unwrap();
    assert_eq!(started.refused, None);
    // The caller holds the new state when the confirmation arrives.
    let t = timer_of(&coach);
    assert_eq!(t.phase, TimerPhase::Running);
    assert_eq!(
        t.changed_ms, started.server_ms,
        "stamped with the server's clock"
    );
    assert_eq!(t.remaining_at(started.server_ms + 60_000), 4 * 60_000);
    viewer
        .pump_until(|c| timer_of(c).phase == TimerPhase::Running)
        .await
        .unwrap();
    assert_eq!(timer_of(&viewer), t, "everyone derives the same time left");

    // A reconnect (or a reload) finds it still running, from the store.
    drop(viewer);
    let late = SyncClient::connect(&url(Role::Commenter)).await.unwrap();
    assert_eq!(timer_of(&late), t);

    // Anyone may ask for the server's clock; it moves forward.
    let mut editor = SyncClient::connect(&url(Role::Editor)).await.unwrap();
    let clock = editor.act(Action::Clock).await.unwrap();
    assert_eq!(clock.refused, None);
    assert!(clock.server_ms >= started.server_ms);
}

#[tokio::test]
async fn timer_actions_of_other_roles_or_out_of_turn_are_refused_and_change_nothing() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Workshop", "").await.unwrap();
    let url = |doc, role| srv.ws(&board.id, doc, board.token(role));
    let mut coach = SyncClient::connect(&url(DocKind::Session, Role::Facilitator))
        .await
        .unwrap();
    coach
        .act(timer(TimerCommand::Set {
            duration_ms: 60_000,
        }))
        .await
        .unwrap();
    let before = timer_of(&coach);
    for role in [Role::Editor, Role::Commenter, Role::Viewer] {
        let mut other = SyncClient::connect(&url(DocKind::Session, role))
            .await
            .unwrap();
        for command in [
            TimerCommand::Start,
            TimerCommand::Stop,
            TimerCommand::Set { duration_ms: 1_000 },
        ] {
            let result = other.act(timer(command)).await.unwrap();
            let refusal = result.refused.expect("refused");
            assert_eq!(refusal.code, RefusalCode::Forbidden, "{role} {command:?}");
            assert!(refusal.reason.contains(role.as_str()), "{}", refusal.reason);
        }
        assert!(other.closed.is_none(), "a refusal keeps the socket open");
    }
    // Out of turn or out of range, even for the facilitator.
    let paused = coach.act(timer(TimerCommand::Pause)).await.unwrap();
    assert_eq!(paused.refused.map(|r| r.code), Some(RefusalCode::NotNow));
    let zero = coach
        .act(timer(TimerCommand::Set { duration_ms: 0 }))
        .await
        .unwrap();
    assert_eq!(
        zero.refused.map(|r| r.code),
        Some(RefusalCode::InvalidArgument)
    );
    // On the content socket the timer does not exist.
    let mut on_content = SyncClient::connect(&url(DocKind::Content, Role::Facilitator))
        .await
        .unwrap();
    let wrong = on_content.act(timer(TimerCommand::Start)).await.unwrap();
    assert_eq!(
        wrong.refused.map(|r| r.code),
        Some(RefusalCode::WrongDocument)
    );

    let fresh = SyncClient::connect(&url(DocKind::Session, Role::Viewer))
        .await
        .unwrap();
    assert_eq!(
        timer_of(&fresh),
        before,
        "no refused action changed the server's copy"
    );
}

#[tokio::test]
async fn nobody_writes_the_session_document_directly_not_even_a_facilitator() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Workshop", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Session, board.token(Role::Facilitator));
    let mut forger = SyncClient::connect(&url).await.unwrap();
    // A modified client forges a running timer as a free CRDT write.
    let map = session::timer_map(&forger.doc);
    forger
        .edit(|txn| {
            Timer {
                phase: TimerPhase::Running,
                duration_ms: 1,
                remaining_ms: 1,
                changed_ms: 1,
            }
            .write(txn, &map);
        })
        .await
        .unwrap();
    forger.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    add_sticky(&mut forger, "also-refused", "x").await;
    let fresh = SyncClient::connect(&url).await.unwrap();
    assert_eq!(timer_of(&fresh), Timer::default());
    assert!(!crate::common::has(&fresh, "also-refused"));
}

fn room_of(c: &SyncClient) -> session::RoomState {
    let map = session::room_map(&c.doc);
    let txn = c.doc.transact();
    session::RoomState::read(&txn, &map)
}

fn room(command: tafel_shared::action::RoomCommand) -> Action {
    Action::Room { command }
}

#[tokio::test]
async fn agenda_summon_follow_and_hands_go_through_the_server() {
    use tafel_shared::action::RoomCommand;
    use tafel_shared::session::{AgendaStep, ViewTarget};
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Workshop", "").await.unwrap();
    let api = srv.api();
    let (coach_id, ben_id, ada_id) = (
        api.participant().await.unwrap(),
        api.participant().await.unwrap(),
        api.participant().await.unwrap(),
    );
    let url = |role, me: &str| srv.ws_as(&board.id, DocKind::Session, board.token(role), me);
    let mut coach = SyncClient::connect(&url(Role::Facilitator, &coach_id))
        .await
        .unwrap();
    let mut ben = SyncClient::connect(&url(Role::Editor, &ben_id))
        .await
        .unwrap();
    let mut ada = SyncClient::connect(&url(Role::Viewer, &ada_id))
        .await
        .unwrap();

    // Participants steer nothing but their own hand.
    for command in [
        RoomCommand::Summon {
            target: ViewTarget::Frame { id: "f".into() },
            name: "Ben".into(),
        },
        RoomCommand::Lead {
            client: 1,
            name: "Ben".into(),
        },
        RoomCommand::HideCursors { hidden: true },
        RoomCommand::SetAgenda { steps: vec![] },
    ] {
        let result = ben.act(room(command)).await.unwrap();
        assert_eq!(result.refused.map(|r| r.code), Some(RefusalCode::Forbidden));
    }
    // Hands go up in order, viewers included; raising twice keeps one's place.
    ben.act(room(RoomCommand::RaiseHand { name: "Ben".into() }))
        .await
        .unwrap();
    ada.act(room(RoomCommand::RaiseHand { name: "Ada".into() }))
        .await
        .unwrap();
    ben.act(room(RoomCommand::RaiseHand { name: "Ben".into() }))
        .await
        .unwrap();
    coach
        .pump_until(|c| room_of(c).hands.len() == 2)
        .await
        .unwrap();
    let names: Vec<String> = room_of(&coach)
        .hands
        .iter()
        .map(|h| h.name.clone())
        .collect();
    assert_eq!(names, ["Ben", "Ada"]);
    // Ben cannot lower Ada's hand; the facilitator can.
    let ada_pid = room_of(&coach).hands[1].who.clone();
    let lower_ada = room(RoomCommand::LowerHand {
        participant: Some(ada_pid),
    });
    let result = ben.act(lower_ada.clone()).await.unwrap();
    assert_eq!(result.refused.map(|r| r.code), Some(RefusalCode::Forbidden));
    assert_eq!(coach.act(lower_ada).await.unwrap().refused, None);

    // An agenda step takes everyone to its frame and starts its time box.
    let steps = vec![
        AgendaStep {
            title: "Track".into(),
            frame: Some("frame-track".into()),
            minutes: Some(15),
        },
        AgendaStep {
            title: "Think".into(),
            frame: Some("frame-think".into()),
            minutes: None,
        },
    ];
    assert_eq!(
        coach
            .act(room(RoomCommand::SetAgenda { steps }))
            .await
            .unwrap()
            .refused,
        None
    );
    let went = coach
        .act(room(RoomCommand::GoToStep { index: 0 }))
        .await
        .unwrap();
    assert_eq!(went.refused, None);
    ada.pump_until(|c| room_of(c).step == Some(0))
        .await
        .unwrap();
    let state = room_of(&ada);
    assert_eq!(
        state.summon.unwrap().target,
        ViewTarget::Frame {
            id: "frame-track".into()
        }
    );
    let t = timer_of(&ada);
    assert_eq!(t.phase, TimerPhase::Running);
    assert_eq!(t.remaining_at(went.server_ms), 15 * 60_000);

    // Follow me until released.
    coach
        .act(room(RoomCommand::Lead {
            client: 77,
            name: "Coach".into(),
        }))
        .await
        .unwrap();
    ben.pump_until(|c| room_of(c).lead.is_some()).await.unwrap();
    assert_eq!(room_of(&ben).lead.unwrap().client, 77);
    coach.act(room(RoomCommand::Release)).await.unwrap();
    ben.pump_until(|c| room_of(c).lead.is_none()).await.unwrap();
    // Nobody writes the room state directly.
    let map = session::room_map(&ben.doc);
    ben.edit(|txn| {
        use yrs::Map;
        map.insert(txn, session::F_STATE, "{}");
    })
    .await
    .unwrap();
    ben.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    let fresh = SyncClient::connect(&url(Role::Viewer, &ada_id))
        .await
        .unwrap();
    assert_eq!(room_of(&fresh).agenda.len(), 2);
}
