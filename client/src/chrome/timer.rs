//! The workshop timer: everyone sees the time left, computed from the server's
//! clock; facilitators get its controls next to it.

use crate::facilitation::Facilitation;
use crate::timer::Interval;
use leptos::prelude::*;
use std::rc::Rc;
use tafel_shared::action::{Action, TimerCommand};
use tafel_shared::roles::Role;
use tafel_shared::session::{TimerPhase, MINUTE_MS};

/// `m:ss` (or `h:mm:ss`) of a duration, rounded up so 0:00 means "time is up".
pub fn clock_face(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The timer for everyone, and its controls for facilitators.
#[component]
pub fn TimerBar(
    /// The session document's connection.
    facilitation: Rc<Facilitation>,
    /// This participant's role.
    role: RwSignal<Option<Role>>,
) -> impl IntoView {
    let fac = StoredValue::new_local(facilitation);
    let timer = fac.with_value(|f| f.timer);
    // Time moves on screen four times a second; the stored timer does not change.
    let now = RwSignal::new(fac.with_value(|f| f.server_now_ms()));
    let ticker = StoredValue::new_local(Some(Interval::every(250, move || {
        now.set(fac.with_value(|f| f.server_now_ms()));
    })));
    on_cleanup(move || ticker.set_value(None));
    let act = move |command: TimerCommand| fac.with_value(|f| f.act(Action::Timer { command }));
    let shown = move || timer.get().phase != TimerPhase::Stopped;
    let up = move || timer.get().is_up(now.get());
    let face = move || clock_face(timer.get().remaining_at(now.get()));
    let phase = move || timer.get().phase.as_str();
    let coach = move || role.get().is_some_and(|r| r.can_facilitate());
    view! {
        <div class="timerbar" role="group" aria-label="Timer">
            <Show when=shown>
                <span class="timer" class:up=up data-phase=phase role="timer" aria-live="off">{face}</span>
            </Show>
            <Show when=coach>
                <button data-action="timer-set" title="Set a five-minute timer"
                    on:click=move |_| act(TimerCommand::Set { duration_ms: 5 * MINUTE_MS })>"5 min"</button>
                {move || match timer.get().phase {
                    TimerPhase::Ready => view! {
                        <button data-action="timer-start" on:click=move |_| act(TimerCommand::Start)>"Start"</button>
                    }.into_any(),
                    TimerPhase::Running => view! {
                        <button data-action="timer-pause" on:click=move |_| act(TimerCommand::Pause)>"Pause"</button>
                    }.into_any(),
                    TimerPhase::Paused => view! {
                        <button data-action="timer-resume" on:click=move |_| act(TimerCommand::Resume)>"Resume"</button>
                    }.into_any(),
                    TimerPhase::Stopped => ().into_any(),
                }}
                <Show when=shown>
                    <button data-action="timer-add" title="Add a minute"
                        on:click=move |_| act(TimerCommand::AddMinute)>"+1 min"</button>
                    <button data-action="timer-stop" title="Stop the timer"
                        on:click=move |_| act(TimerCommand::Stop)>"Stop"</button>
                </Show>
            </Show>
        </div>
    }
}
