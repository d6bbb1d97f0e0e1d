//! The workshop timer: everyone sees the time left, computed from the server's
//! clock, and hears a soft chime when it runs out (unless they muted it on their
//! browser); facilitators get its controls next to it, with any length typed in.

use crate::facilitation::Facilitation;
use crate::i18n::t;
use crate::timer::Interval;
use leptos::prelude::*;
use std::rc::Rc;
use tafel_shared::action::{Action, TimerCommand};
use tafel_shared::roles::Role;
use tafel_shared::session::{Timer, TimerPhase, MINUTE_MS};

/// Longest time box one can type in.
const MAX_TIMER_MS: u64 = 24 * 60 * MINUTE_MS;

/// A typed timer length in ms: minutes (`5`, `1.5`, `2,5`), `m:ss` or `h:mm:ss`;
/// `None` if it is not one or not more than zero.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches("min").trim();
    let ms = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
        let numbers = numbers?;
        let (h, m, s) = match numbers.as_slice() {
            [m, s] => (0, *m, *s),
            [h, m, s] if *m < 60 => (*h, *m, *s),
            _ => return None,
        };
        if s >= 60 || parts.last().is_some_and(|s| s.len() != 2) {
            return None;
        }
        ((h * 60 + m) * 60 + s).checked_mul(1000)?
    } else {
        let minutes: f64 = text.replace(',', ".").parse().ok()?;
        if !minutes.is_finite() || minutes <= 0.0 {
            return None;
        }
        (minutes * MINUTE_MS as f64).round().min(u64::MAX as f64) as u64
    };
    (ms > 0 && ms <= MAX_TIMER_MS).then_some(ms)
}

/// Whether the timer ran out just now (not long ago, as found after a reload).
fn just_ran_out(timer: &Timer, now_ms: u64) -> bool {
    timer.is_up(now_ms) && now_ms.saturating_sub(timer.changed_ms + timer.remaining_ms) < 3000
}

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
    let muted = RwSignal::new(crate::prefs::timer_muted());
    let ran_out = Memo::new(move |_| just_ran_out(&timer.get(), now.get()));
    Effect::new(move |before: Option<bool>| {
        let out = ran_out.get();
        if before == Some(false) && out && !muted.get_untracked() {
            crate::sound::chime();
        }
        out
    });
    let toggle_mute = move |_| {
        let m = !muted.get_untracked();
        crate::prefs::set_timer_muted(m);
        muted.set(m);
    };
    let typed = RwSignal::new(String::new());
    let set_typed = move |e: web_sys::SubmitEvent| {
        e.prevent_default();
        match parse_duration(&typed.get_untracked()) {
            Some(duration_ms) => {
                act(TimerCommand::Set { duration_ms });
                typed.set(String::new());
            }
            None => fac.with_value(|f| f.notify(&t("timer-invalid-duration"))),
        }
    };
    view! {
        <div class="timerbar" role="group" aria-label=t("timer-group-label")>
            <Show when=shown>
                <span class="timer" class:up=up data-phase=phase role="timer" aria-live="off">{face}</span>
                <button class="mute" data-action="timer-mute" aria-pressed=move || muted.get().to_string()
                    title=move || if muted.get() { t("timer-sound-off-title") } else { t("timer-sound-on-title") }
                    aria-label=t("timer-mute-label")
                    on:click=toggle_mute>{move || if muted.get() { "🔕" } else { "🔔" }}</button>
            </Show>
            <Show when=coach>
                <button data-action="timer-set" title=t("timer-set-five-title")
                    on:click=move |_| act(TimerCommand::Set { duration_ms: 5 * MINUTE_MS })>{t("timer-set-five")}</button>
                <form class="timer-custom" on:submit=set_typed>
                    <input data-action="timer-duration" aria-label=t("timer-duration-label") placeholder=t("timer-duration-placeholder")
                        prop:value=move || typed.get() on:input=move |e| typed.set(event_target_value(&e))/>
                    <button type="submit" data-action="timer-set-custom" title=t("timer-set-custom-title")>{t("timer-set-custom")}</button>
                </form>
                {move || match timer.get().phase {
                    TimerPhase::Ready => view! {
                        <button data-action="timer-start" on:click=move |_| act(TimerCommand::Start)>{t("timer-start")}</button>
                    }.into_any(),
                    TimerPhase::Running => view! {
                        <button data-action="timer-pause" on:click=move |_| act(TimerCommand::Pause)>{t("timer-pause")}</button>
                    }.into_any(),
                    TimerPhase::Paused => view! {
                        <button data-action="timer-resume" on:click=move |_| act(TimerCommand::Resume)>{t("timer-resume")}</button>
                    }.into_any(),
                    TimerPhase::Stopped => ().into_any(),
                }}
                <Show when=shown>
                    <button data-action="timer-add" title=t("timer-add-title")
                        on:click=move |_| act(TimerCommand::AddMinute)>{t("timer-add")}</button>
                    <button data-action="timer-stop" title=t("timer-stop-title")
                        on:click=move |_| act(TimerCommand::Stop)>{t("timer-stop")}</button>
                </Show>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_minutes_or_clock_form() {
        assert_eq!(parse_duration("5"), Some(5 * MINUTE_MS));
        assert_eq!(parse_duration(" 1.5 "), Some(90_000));
        assert_eq!(parse_duration("2,5"), Some(150_000));
        assert_eq!(parse_duration("10 min"), Some(10 * MINUTE_MS));
        assert_eq!(parse_duration("2:30"), Some(150_000));
        assert_eq!(parse_duration("0:45"), Some(45_000));
        assert_eq!(parse_duration("1:05:00"), Some(65 * MINUTE_MS));
        for bad in [
            "", "0", "-3", "0:00", "2:3", "2:75", "abc", "1:2:3:4", "NaN", "inf", "1441",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_chime_is_for_running_out_now_not_long_ago() {
        let timer = Timer {
            phase: TimerPhase::Running,
            duration_ms: 60_000,
            remaining_ms: 60_000,
            changed_ms: 1_000,
        };
        assert!(!just_ran_out(&timer, 60_999));
        assert!(just_ran_out(&timer, 61_000));
        assert!(just_ran_out(&timer, 62_500));
        assert!(!just_ran_out(&timer, 200_000));
    }
}
