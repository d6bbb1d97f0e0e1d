//! The agenda panel: everyone sees the steps and which one is current;
//! facilitators add, change and remove steps (a title, a frame picked by its
//! title, optional minutes), fill the agenda from the board's frames, and move
//! everyone to a step (its frame and its time box).
//!
//! Every change sends the whole agenda (`SetAgenda`): only the server writes it,
//! and a facilitator edits what the server last wrote.

use crate::i18n::{t, t_with};
use crate::room::{FrameInfo, Room};
use leptos::prelude::*;
use tafel_shared::session::AgendaStep;

/// The agenda, beside the room bar.
#[component]
pub fn AgendaPanel(
    /// The room controls.
    room: Room,
    /// Whether the panel is open (its close button clears it).
    open: RwSignal<bool>,
) -> impl IntoView {
    let role = room.cmd.session().role;
    let coach = move || role.get().is_some_and(|r| r.can_facilitate());
    let frames = Memo::new(move |_| room.frames());
    let agenda = move || room.state.with(|r| r.agenda.clone());
    let current = move || room.state.with(|r| r.step);
    let change = move |index: usize, f: Box<dyn FnOnce(&mut AgendaStep)>| {
        let mut steps = room.state.get_untracked().agenda;
        if let Some(s) = steps.get_mut(index) {
            f(s);
            room.set_agenda(steps);
        }
    };
    let remove = move |index: usize| {
        let mut steps = room.state.get_untracked().agenda;
        if index < steps.len() {
            steps.remove(index);
            room.set_agenda(steps);
        }
    };
    let add = move |_| {
        let mut steps = room.state.get_untracked().agenda;
        let number = steps.len() + 1;
        steps.push(AgendaStep {
            title: t_with("agenda-default-step-title", &[("number", number.into())]),
            frame: None,
            minutes: None,
        });
        room.set_agenda(steps);
    };
    let rows = move || {
        let cur = current();
        let coach = coach();
        let frames = frames.get();
        agenda()
            .into_iter()
            .enumerate()
            .map(|(i, step)| {
                let is_current = cur == Some(i);
                let frame_title = step
                    .frame
                    .as_ref()
                    .and_then(|id| frames.iter().find(|f| &f.id == id))
                    .map(|f| f.title.clone());
                let minutes = step
                    .minutes
                    .map(|m| t_with("agenda-minutes", &[("minutes", m.into())]));
                let body = if coach {
                    view! { <StepEditor step=step.clone() index=i frames=frames.clone() change remove/> }.into_any()
                } else {
                    view! {
                        <span class="agenda-title">{step.title.clone()}</span>
                        {frame_title.map(|t| view! { <span class="muted">{t}</span> })}
                        {minutes.map(|m| view! { <span class="muted">{m}</span> })}
                    }
                    .into_any()
                };
                view! {
                    <li class="agenda-step" class:current=is_current data-index=i
                        aria-current=is_current.then_some("step")>
                        <span class="agenda-number">{i + 1}</span>
                        {body}
                        {coach.then(|| view! {
                            <button class="agenda-go" data-testid="agenda-go" title=t("agenda-go-title")
                                on:click=move |_| room.go_to_step(i)>{t("agenda-go")}</button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <aside class="agenda-panel" role="dialog" aria-label=t("agenda-title")>
            <header>
                <h2>{t("agenda-title")}</h2>
                <button class="close" aria-label=t("agenda-close") on:click=move |_| open.set(false)>"×"</button>
            </header>
            {move || {
                let howto = room.state.with(|r| r.howto.clone());
                (coach() && !howto.is_empty()).then(|| view! {
                    <details class="howto" open>
                        <summary>{t("agenda-howto")}</summary>
                        <p>{howto}</p>
                    </details>
                })
            }}
            <Show when=move || agenda().is_empty()>
                <p class="muted">{move || if coach() {
                    t("agenda-empty-facilitator")
                } else {
                    t("agenda-empty")
                }}</p>
            </Show>
            <ol class="agenda">{rows}</ol>
            <Show when=coach>
                <div class="agenda-actions">
                    <button data-testid="agenda-next" class="primary"
                        disabled=move || room.state.with(|r| r.step.map_or(0, |s| s + 1) >= r.agenda.len())
                        on:click=move |_| room.next_step()>{t("agenda-next")}</button>
                    <button data-testid="agenda-add" on:click=add>{t("agenda-add")}</button>
                    <button data-testid="agenda-fill" title=t("agenda-fill-title")
                        disabled=move || frames.with(Vec::is_empty)
                        on:click=move |_| room.fill_from_frames()>{t("agenda-fill")}</button>
                </div>
            </Show>
        </aside>
    }
}

/// One step's fields, for facilitators; each change is sent when made.
#[component]
fn StepEditor(
    step: AgendaStep,
    index: usize,
    frames: Vec<FrameInfo>,
    change: impl Fn(usize, Box<dyn FnOnce(&mut AgendaStep)>) + Copy + 'static,
    remove: impl Fn(usize) + Copy + 'static,
) -> impl IntoView {
    let chosen = step.frame.clone().unwrap_or_default();
    view! {
        <span class="agenda-fields">
            <input class="agenda-title-input" aria-label=t("agenda-step-title-label") maxlength="120" prop:value=step.title.clone()
                on:change=move |e| {
                    let t = event_target_value(&e).trim().to_owned();
                    if !t.is_empty() {
                        change(index, Box::new(move |s| s.title = t));
                    }
                }/>
            <select aria-label=t("agenda-frame-label") on:change=move |e| {
                let id = event_target_value(&e);
                change(index, Box::new(move |s| s.frame = (!id.is_empty()).then_some(id)));
            }>
                <option value="" selected=chosen.is_empty()>{t("agenda-no-frame")}</option>
                {frames.into_iter().map(|f| {
                    let selected = f.id == chosen;
                    view! { <option value=f.id.clone() selected=selected>{f.title}</option> }
                }).collect_view()}
            </select>
            <input class="agenda-minutes" type="number" min="1" max="600" aria-label=t("agenda-minutes-label") placeholder=t("agenda-minutes-placeholder")
                prop:value=step.minutes.map(|m| m.to_string()).unwrap_or_default()
                on:change=move |e| {
                    let m = event_target_value(&e).trim().parse::<u32>().ok().filter(|m| *m > 0);
                    change(index, Box::new(move |s| s.minutes = m));
                }/>
            <button class="agenda-remove" aria-label=t("agenda-remove-step") title=t("agenda-remove-step") on:click=move |_| remove(index)>"×"</button>
        </span>
    }
}
