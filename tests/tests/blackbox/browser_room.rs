//! Browser tests of the room controls: a facilitator and two participants in
//! three headless Chromiums on a track → think → make board. Summon, follow-me
//! (with one participant breaking away), the agenda filled from the frames,
//! raised hands in order, a reaction on the others' screens, hidden cursors,
//! the roster and a hint, in one test so that three browsers start once; and
//! present mode with following someone from the presence strip, with two.
//!
//! Cameras are compared through the readout the client keeps in
//! `[data-testid=camera]` (the board point at the view's centre and the zoom).
//! Screenshots go to `$TAFEL_SHOTS` when it is set.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use std::time::Duration;
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// The camera readout: centre x, centre y, zoom.
async fn camera(b: &Client) -> (f64, f64, f64) {
    let v = js(
        b,
        "const d = document.querySelector('[data-testid=camera]').dataset; return [+d.x, +d.y, +d.zoom];",
    )
    .await;
    (
        v[0].as_f64().unwrap(),
        v[1].as_f64().unwrap(),
        v[2].as_f64().unwrap(),
    )
}

/// JS: whether this page's camera shows centre (x, y) at `zoom`.
fn camera_at((x, y, zoom): (f64, f64, f64)) -> String {
    format!(
        "const d = document.querySelector('[data-testid=camera]').dataset; \
         return Math.abs(d.x - {x}) < 1 && Math.abs(d.y - {y}) < 1 && Math.abs(d.zoom - {zoom}) < 0.002;"
    )
}

/// Pans with the wheel over the canvas, as a trackpad does.
async fn pan(b: &Client, dx: f64, dy: f64) {
    js(
        b,
        &format!(
            "const c = document.querySelector('.canvas'); const r = c.getBoundingClientRect(); \
             c.dispatchEvent(new WheelEvent('wheel', {{deltaX: {dx}, deltaY: {dy}, clientX: r.x + 200, clientY: r.y + 200, bubbles: true, cancelable: true}})); \
             return true;"
        ),
    )
    .await;
    settle(b).await;
}

/// Saves a screenshot under `$TAFEL_SHOTS`, if set.
async fn shot(b: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("TAFEL_SHOTS") {
        let png = b.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// How many elements `css` matches now.
async fn count(b: &Client, css: &str) -> usize {
    b.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_steers_the_room_and_everyone_follows() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Workshop", "track-think-make")
        .await
        .unwrap();
    let links = &board.created.links;
    let driver = Driver::start().await;
    let people = [
        (Role::Facilitator, "Coach"),
        (Role::Editor, "Ben"),
        (Role::Editor, "Cleo"),
    ];
    let [coach, ben, cleo]: [Client; 3] = open_people(&driver, links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("three people, three browsers"));
    for b in [&coach, &ben, &cleo] {
        wait_for_count(b, ".element.frame", 3).await;
        wait_for_count(b, ".presence .avatar[data-name]", 2).await;
    }
    // Participants get no facilitator controls.
    assert_eq!(count(&ben, "[data-testid=summon]").await, 0);
    assert_eq!(count(&ben, "[data-testid=raise-hand]").await, 1);

    // (a) Summon: the facilitator looks elsewhere and brings everyone there.
    pan(&coach, 700.0, 400.0).await;
    let there = camera(&coach).await;
    click_css(&coach, "[data-testid=summon]").await;
    for b in [&ben, &cleo] {
        wait_until(b, "summoned to the facilitator's view", &camera_at(there)).await;
    }
    wait_until(
        &ben,
        "the summon is announced",
        "return document.querySelector('.notice')?.textContent.includes('Coach brought everyone here') ?? false",
    )
    .await;

    // (b) Follow-me: both follow the facilitator's view as it moves ...
    click_css(&coach, "[data-testid=lead]").await;
    for b in [&ben, &cleo] {
        wait_for_count(b, "[data-testid=follow-bar][data-lead=true]", 1).await;
    }
    wait_for_count(&coach, "[data-testid=release]", 1).await;
    pan(&coach, -300.0, 250.0).await;
    let led = camera(&coach).await;
    for b in [&ben, &cleo] {
        wait_until(b, "following the facilitator's view", &camera_at(led)).await;
    }
    // ... the facilitator sees who follows whom ...
    wait_for_count(&coach, "[data-testid=presence-following]", 2).await;
    shot(&ben, "follow-bar").await;
    // ... Ben looks around by himself and is free; Cleo keeps following.
    pan(&ben, 0.0, 500.0).await;
    wait_until(
        &ben,
        "panning ends following",
        "return !document.querySelector('[data-testid=follow-bar]')",
    )
    .await;
    let ben_alone = camera(&ben).await;
    pan(&coach, 400.0, 0.0).await;
    let led = camera(&coach).await;
    wait_until(&cleo, "Cleo still follows", &camera_at(led)).await;
    settle(&ben).await;
    assert_eq!(camera(&ben).await, ben_alone, "Ben stays where he went");
    click_css(&coach, "[data-testid=release]").await;
    wait_until(
        &cleo,
        "released",
        "return !document.querySelector('[data-testid=follow-bar]')",
    )
    .await;

    // (c) Agenda from the template's frames; the first step gets a time box.
    click_css(&coach, "[data-testid=agenda-open]").await;
    click_css(&coach, "[data-testid=agenda-fill]").await;
    let steps = wait_for_count(&coach, "li.agenda-step", 3).await;
    let minutes = coach
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("li.agenda-step .agenda-minutes"))
        .await
        .unwrap();
    minutes.send_keys("5\u{e004}").await.unwrap(); // Tab: the change is sent on blur
    wait_until(
        &coach,
        "the step keeps its minutes",
        "return document.querySelector('li.agenda-step .agenda-minutes')?.value === '5'",
    )
    .await;
    let first_frame = js(
        &coach,
        "return document.querySelector('li.agenda-step select').value",
    )
    .await;
    let first_frame = first_frame.as_str().unwrap().to_owned();
    assert!(!first_frame.is_empty(), "each step names its frame");
    // Everyone looks elsewhere first, so the step visibly moves them.
    pan(&ben, 2000.0, 0.0).await;
    pan(&cleo, -2000.0, 0.0).await;
    click_css(&coach, "[data-testid=agenda-next]").await;
    for b in [&ben, &cleo] {
        wait_until(
            b,
            "everyone sees the step's frame",
            &frame_centred(&first_frame),
        )
        .await;
        wait_for_count(b, ".timer[data-phase=running]", 1).await;
    }
    wait_for_count(&coach, "li.agenda-step.current[data-index='0']", 1).await;
    click_css(&ben, "[data-testid=agenda-open]").await;
    assert_eq!(wait_for_count(&ben, "li.agenda-step", steps).await, steps);
    wait_for_count(&ben, "li.agenda-step.current[data-index='0']", 1).await;
    shot(&coach, "agenda").await;
    // Ben wanders off: the facilitator is told quietly.
    pan(&ben, 3000.0, 3000.0).await;
    wait_for_count(&coach, "[data-testid=hints] [data-hint=not-looking]", 1).await;

    // (d) Hands, in the order they went up.
    click_css(&ben, "[data-testid=raise-hand]").await;
    wait_for_count(&coach, "[data-testid=hands] li.hand", 1).await;
    click_css(&cleo, "[data-testid=raise-hand]").await;
    wait_for_count(&coach, "[data-testid=hands] li.hand", 2).await;
    let order = js(
        &coach,
        "return [...document.querySelectorAll('[data-testid=hands] li.hand')].map(h => h.dataset.name)",
    )
    .await;
    assert_eq!(order, serde_json::json!(["Ben", "Cleo"]));
    wait_for_count(&cleo, ".presence .person[data-name=Ben] .hand-mark", 1).await;
    shot(&coach, "hands-and-hints").await;
    click_css(&coach, "li.hand[data-name=Ben] .hand-lower").await;
    wait_until(
        &ben,
        "Ben's hand is down",
        "return document.querySelector('[data-testid=raise-hand]').getAttribute('aria-pressed') === 'false'",
    )
    .await;

    // (e) A reaction floats on the others' screens.
    click_css(&ben, "[data-testid=react]").await;
    click_css(&ben, "button.reaction-choice[data-emoji='🎉']").await;
    for b in [&coach, &cleo] {
        wait_for_count(b, ".reaction-float[data-from=Ben][data-emoji='🎉']", 1).await;
    }
    shot(&cleo, "reaction").await;

    // (f) Hidden cursors: Cleo's pointer leaves Ben's screen.
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(50)),
            x: 640.0,
            y: 420.0,
        })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(50)),
            x: 660.0,
            y: 440.0,
        });
    cleo.perform_actions(mouse).await.unwrap();
    wait_for_count(&ben, ".cursor[data-name=Cleo]", 1).await;
    click_css(&coach, "[data-testid=hide-cursors]").await;
    wait_until(
        &ben,
        "Cleo's cursor is hidden",
        "return !document.querySelector('.cursor[data-name=Cleo]')",
    )
    .await;
    // The facilitator still sees everyone's.
    wait_for_count(&coach, ".cursor[data-name=Cleo]", 1).await;

    // Who is who: the roster for the facilitator.
    click_css(&coach, "[data-testid=people-open]").await;
    wait_for_count(&coach, "[data-testid=roster] li[data-online=true]", 3).await;
    shot(&coach, "roster").await;

    for b in [coach, ben, cleo] {
        b.close().await.unwrap();
    }
}

/// JS: whether the frame `id` is centred in this page's canvas and fits in it.
fn frame_centred(id: &str) -> String {
    format!(
        "const f = document.querySelector('.element.frame[data-id={id}]'); if (!f) return false; \
         const a = f.getBoundingClientRect(), c = document.querySelector('.canvas').getBoundingClientRect(); \
         return Math.abs(a.x + a.width / 2 - (c.x + c.width / 2)) < 2 && Math.abs(a.y + a.height / 2 - (c.y + c.height / 2)) < 2 \
           && a.width <= c.width && a.height <= c.height;"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn present_mode_walks_everyone_through_the_frames_and_anyone_can_follow_anyone() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Workshop", "track-think-make")
        .await
        .unwrap();
    let links = &board.created.links;
    let driver = Driver::start().await;
    let people = [(Role::Facilitator, "Coach"), (Role::Editor, "Ben")];
    let [coach, ben]: [Client; 2] = open_people(&driver, links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("two people, two browsers"));
    for b in [&coach, &ben] {
        wait_for_count(b, ".element.frame", 3).await;
        wait_for_count(b, ".presence .avatar[data-name]", 1).await;
    }

    // Anyone may follow anyone, without a lead: Ben picks the coach in the
    // presence strip, and the coach's own moves carry him along.
    click_css(&ben, ".presence .avatar[data-name=Coach]").await;
    click_css(&ben, "[data-testid=follow-person]").await;
    wait_for_count(&ben, "[data-testid=follow-bar][data-lead=false]", 1).await;
    pan(&coach, 500.0, 300.0).await;
    let there = camera(&coach).await;
    wait_until(&ben, "Ben follows the coach's view", &camera_at(there)).await;
    wait_for_count(&coach, "[data-testid=presence-following]", 1).await;
    click_css(&ben, "[data-testid=follow-stop]").await;
    wait_until(
        &ben,
        "one click stops following",
        "return !document.querySelector('[data-testid=follow-bar]')",
    )
    .await;
    pan(&coach, -900.0, 0.0).await;
    settle(&ben).await;
    assert_eq!(camera(&ben).await, there, "Ben no longer follows");

    // Present mode: frame by frame, for everyone.
    pan(&ben, 3000.0, 3000.0).await;
    click_css(&coach, "[data-testid=present]").await;
    wait_for_count(&coach, "[data-testid=present-bar]", 1).await;
    wait_until(
        &ben,
        "everyone sees the first frame",
        &frame_centred("frame-0"),
    )
    .await;
    click_css(&coach, "[data-testid=present-next]").await;
    wait_for_count(&coach, "[data-testid=present-bar] .present-where", 1).await;
    wait_until(&ben, "and then the second", &frame_centred("frame-1")).await;
    wait_until(&coach, "the presenter too", &frame_centred("frame-1")).await;
    wait_until(
        &coach,
        "the bar says where",
        "return document.querySelector('[data-testid=present-bar] .present-where')?.textContent === 'Frame 2 of 3'",
    )
    .await;
    shot(&coach, "present").await;
    click_css(&coach, "[data-testid=present-exit]").await;
    wait_until(
        &coach,
        "present mode ends",
        "return !document.querySelector('[data-testid=present-bar]')",
    )
    .await;
    for b in [coach, ben] {
        b.close().await.unwrap();
    }
}
