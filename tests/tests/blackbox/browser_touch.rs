//! A tablet, in headless Chromium against the real server: at 768 px the
//! toolbar fits; one finger pans, two pinch, a stylus draws, and resting a
//! finger on a note opens its actions (as a right click does with a mouse).
//! Touches and the pen are real WebDriver touch and pen input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::actions::{
    Actions, InputSource, MouseActions, PenActions, PointerAction, TouchActions, MOUSE_BUTTON_LEFT,
    MOUSE_BUTTON_RIGHT,
};
use fantoccini::Client;
use std::time::Duration;
use tafel_shared::geometry::Rect;
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// A finger (or pen) pressing at `a`, moving to `b` in steps, lifting.
fn stroke(a: (f64, f64), b: (f64, f64), pause_ms: u64) -> Vec<PointerAction> {
    let mut out = vec![
        PointerAction::MoveTo {
            duration: None,
            x: a.0,
            y: a.1,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    if pause_ms > 0 {
        out.push(PointerAction::Pause {
            duration: Duration::from_millis(pause_ms),
        });
    }
    for step in 1..=6 {
        let t = f64::from(step) / 6.0;
        out.push(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(20)),
            x: a.0 + (b.0 - a.0) * t,
            y: a.1 + (b.1 - a.1) * t,
        });
    }
    out.push(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    out
}

fn finger(name: &str, steps: Vec<PointerAction>) -> TouchActions {
    steps
        .into_iter()
        .fold(TouchActions::new(name.into()), |f, s| f.then(s))
}

async fn zoom_percent(browser: &Client) -> f64 {
    let text = js(
        browser,
        "return document.querySelector('[data-action=zoom-reset]').textContent",
    )
    .await;
    text.as_str()
        .unwrap()
        .trim_end_matches('%')
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_tablet_fingers_pan_and_pinch_a_pen_draws_and_a_long_press_opens_actions() {
    let srv = app_server().await;
    let note = ("karte", Rect::new(0.0, 0.0, 160.0, 160.0), "Karte");
    let (board, mut obs) = board_with_notes(&srv, "blank", &[note]).await;
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    ada.set_window_size(768, 1024).await.unwrap();
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    wait_for_count(&ada, ".element.sticky", 1).await;
    click_css(&ada, "[data-action=zoom-reset]").await;
    settle(&ada).await;

    // Everything fits 768 px: nothing cut off, nothing off screen.
    let overflow = js(
        &ada,
        "const t = document.querySelector('.toolbar'); \
         const out = []; if (t.scrollWidth > t.clientWidth) out.push('toolbar ' + (t.scrollWidth - t.clientWidth)); \
         for (const css of ['.toolrail', '.stylebar', '.zoom', '.roombar']) { \
           const r = document.querySelector(css).getBoundingClientRect(); \
           if (r.right > innerWidth || r.bottom > innerHeight) out.push(css + ' ' + r.right + ',' + r.bottom); } \
         return out;",
    )
    .await;
    assert_eq!(overflow, serde_json::json!([]), "at 768 px");

    // One finger on the empty board pans it.
    let note = ".element[data-id=karte]";
    let before = rect_of(&ada, note).await;
    ada.perform_actions(finger("one", stroke((500.0, 700.0), (400.0, 620.0), 0)))
        .await
        .unwrap();
    settle(&ada).await;
    let after = rect_of(&ada, note).await;
    assert!(
        (after[0] - before[0] + 100.0).abs() < 4.0 && (after[1] - before[1] + 80.0).abs() < 4.0,
        "the board followed the finger: {before:?} -> {after:?}"
    );
    assert_eq!(
        js(&ada, "return document.querySelectorAll('.marquee').length").await,
        serde_json::json!(0)
    );

    // Two fingers moving apart zoom in.
    let zoom = zoom_percent(&ada).await;
    let pinch = Actions::from(finger("a", stroke((350.0, 650.0), (300.0, 600.0), 0)))
        .and(finger("b", stroke((450.0, 750.0), (500.0, 800.0), 0)));
    ada.perform_actions(pinch).await.unwrap();
    settle(&ada).await;
    let zoomed = zoom_percent(&ada).await;
    assert!(zoomed > zoom * 1.3, "pinched from {zoom} % to {zoomed} %");

    // A stylus on the empty board draws a line, with the select tool on.
    let pen = stroke((200.0, 800.0), (450.0, 850.0), 0)
        .into_iter()
        .fold(PenActions::new("pen".into()), |p, s| p.then(s));
    ada.perform_actions(pen).await.unwrap();
    server_until(&mut obs, "a pen line", |all| {
        all.iter()
            .any(|e| e.kind() == Some(tafel_shared::schema::ElementKind::Pen))
    })
    .await;

    // A finger resting on the note opens its actions; duplicate is one of them.
    let at = center_of(&ada, note).await;
    let rest = vec![
        PointerAction::MoveTo {
            duration: None,
            x: at.0,
            y: at.1,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
        PointerAction::Pause {
            duration: Duration::from_millis(800),
        },
        PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    ada.perform_actions(finger("rest", rest)).await.unwrap();
    wait_for_count(&ada, ".context-menu [data-menu=duplicate]", 1).await;
    click_css(&ada, ".context-menu [data-menu=duplicate]").await;
    server_until(&mut obs, "the note duplicated", |all| {
        stickies(all).len() == 2
    })
    .await;
    wait_until(
        &ada,
        "the menu closed after the choice",
        "return !document.querySelector('.context-menu')",
    )
    .await;

    // A right click with a mouse opens the same menu.
    let at = center_of(&ada, note).await;
    let right = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: at.0,
            y: at.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_RIGHT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_RIGHT,
        });
    ada.perform_actions(right).await.unwrap();
    wait_for_count(&ada, ".context-menu [data-menu=delete]", 1).await;
    ada.close().await.unwrap();
}
