//! Dot voting around the canvas: the banner while a round is open (votes left,
//! how to take one back; progress and End for facilitators), the facilitator's
//! panel to set a round up, and the results panel (ranked list, earlier rounds,
//! CSV download).

use super::shell::PanelShell;
use super::timer::clock_face;
use crate::commands::Commands;
use crate::i18n::{t, t_with};
use crate::state::Panel;
use crate::timer::Interval;
use crate::workshop::may_vote;
use leptos::prelude::*;
use tafel_shared::schema::ElementKind;
use tafel_shared::session::MINUTE_MS;
use tafel_shared::workshop::{results_csv, Round, RoundSettings, MAX_VOTES_PER_PERSON};
use wasm_bindgen::{JsCast, JsValue};

/// The banner over the canvas while a round is open.
#[component]
pub fn VoteBanner(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let s = cmd.session();
    let (role, peers) = (s.role, s.peers);
    let open = Memo::new(move |_| cmd.session().workshop.open_round());
    let now = RwSignal::new(cmd.session().workshop.server_now_ms());
    let ticker = StoredValue::new_local(Some(Interval::every(500, move || {
        now.set(cmd.session().workshop.server_now_ms());
    })));
    on_cleanup(move || ticker.set_value(None));
    // When a round ends, everyone gets its results.
    Effect::new(move |before: Option<Option<u32>>| {
        let id = open.with(|r| r.as_ref().map(|r| r.id));
        if matches!(before, Some(Some(_))) && id.is_none() {
            cmd.state.vote.shown.set(None);
            cmd.state.vote.hide_results.set(false);
            cmd.state.ui.panel.set(Panel::Results);
        }
        id
    });
    let facilitator = move || role.get().is_some_and(|r| r.can_facilitate());
    let banner = move || {
        let round = open.get()?;
        let title = if round.settings.title.trim().is_empty() {
            t("vote-default-title")
        } else {
            round.settings.title.clone()
        };
        let allowance = round.settings.votes_per_person;
        let left = move || {
            let used = cmd.session().workshop.ballot().len() as u32;
            allowance.saturating_sub(used)
        };
        let paused = move || cmd.state.vote.paused.get() == Some(round.id);
        let ends = round.ends_ms;
        let countdown = move || {
            ends.map(|end| {
                let ms = end.saturating_sub(now.get());
                if ms == 0 {
                    t("vote-time-up")
                } else {
                    t_with("vote-time-left", &[("time", clock_face(ms).into())])
                }
            })
        };
        let (voters, finished) = (round.voters, round.finished);
        let present = move || {
            let others = peers.with(|p| p.values().filter(|p| may_vote(p.role)).count());
            let me = usize::from(may_vote(role.get()));
            (others + me).max(voters as usize)
        };
        let voter = move || may_vote(role.get());
        Some(view! {
            <div class="vote-banner" data-testid="vote-banner" role="status" data-round=round.id>
                <strong>{t_with("vote-banner-title", &[("title", title.into())])}</strong>
                <Show when=voter fallback=|| view! { <span class="muted">{t("vote-viewers-watch")}</span> }>
                    <span class="vote-left" data-testid="vote-left" data-left=left>
                        {move || t_with("vote-left", &[("left", left().into()), ("total", allowance.into())])}
                    </span>
                    <span class="hint muted">{move || if paused() {
                        t("vote-hint-paused")
                    } else {
                        t("vote-hint-active")
                    }}</span>
                    <button data-testid="vote-pause" aria-pressed=move || paused().to_string()
                        title=t("vote-pause-title")
                        on:click=move |_| cmd.toggle_vote_pause()>
                        {move || if paused() { t("vote-resume") } else { t("vote-pause") }}
                    </button>
                </Show>
                {ends.map(|_| view! { <span class="vote-countdown" role="timer">{countdown}</span> })}
                <Show when=facilitator>
                    <span class="vote-progress" data-testid="vote-progress" data-voters=voters data-finished=finished>
                        {move || t_with("vote-progress", &[
                            ("voters", voters.into()),
                            ("present", present().into()),
                            ("finished", finished.into()),
                        ])}
                    </span>
                    <button class="danger" data-testid="vote-end" on:click=move |_| cmd.end_round()>{t("vote-end")}</button>
                </Show>
            </div>
        })
    };
    view! { {banner} }
}

/// The facilitator's panel: a form that starts a round, and the open round's
/// progress.
#[component]
pub fn VotingPanel(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let votes = RwSignal::new("3".to_owned());
    let several = RwSignal::new(false);
    let frame = RwSignal::new(String::new());
    let all_kinds = RwSignal::new(false);
    let minutes = RwSignal::new(String::new());
    let named = RwSignal::new(false);
    let frames = move || {
        let model = &cmd.session().model;
        model.order.track();
        let mut frames: Vec<(String, String)> = model.with_all(|all| {
            all.values()
                .filter(|e| e.is_frame())
                .map(|e| (e.base.id.clone(), frame_title(e)))
                .collect()
        });
        frames.sort_by(|a, b| a.1.cmp(&b.1));
        frames
    };
    let open = move || cmd.session().workshop.open_round();
    let start = move |e: web_sys::SubmitEvent| {
        e.prevent_default();
        let Some(per_person) = votes
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (1..=MAX_VOTES_PER_PERSON).contains(v))
        else {
            cmd.notify(&t_with(
                "vote-invalid-count",
                &[("max", MAX_VOTES_PER_PERSON.into())],
            ));
            return;
        };
        let limit = minutes.get_untracked();
        let time_limit_ms = match limit.trim() {
            "" => None,
            m => match m.replace(',', ".").parse::<f64>() {
                Ok(m) if m > 0.0 && m <= 24.0 * 60.0 => Some((m * MINUTE_MS as f64) as u64),
                _ => {
                    cmd.notify(&t("vote-invalid-time"));
                    return;
                }
            },
        };
        let scope = frame.get_untracked();
        let mut settings = RoundSettings::new(title.get_untracked().trim(), per_person);
        settings.several_per_element = several.get_untracked();
        settings.frame = (!scope.is_empty()).then_some(scope);
        // Notes only unless asked; empty means every kind the server admits.
        settings.kinds = if all_kinds.get_untracked() {
            Vec::new()
        } else {
            vec![ElementKind::Sticky]
        };
        settings.time_limit_ms = time_limit_ms;
        settings.named = named.get_untracked();
        cmd.start_round(settings);
    };
    view! {
        <PanelShell class="voting-panel" title=t("vote-panel-title") panel=cmd.state.ui.panel>
            {move || open().map(|r| view! {
                <section class="vote-status" data-testid="vote-status">
                    <p><strong>{r.settings.title.clone()}</strong>" "
                        {t_with("vote-status-open", &[("voters", r.voters.into()), ("finished", r.finished.into())])}</p>
                    <button class="danger" data-testid="vote-end-panel" on:click=move |_| cmd.end_round()>{t("vote-end")}</button>
                    <p class="muted">{t("vote-new-round-ends")}</p>
                </section>
            })}
            <form class="vote-form" on:submit=start>
                <label>{t("vote-question-label")}
                    <input data-testid="vote-title" maxlength="200" placeholder=t("vote-question-placeholder")
                        prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e))/>
                </label>
                <label>{t("vote-count-label")}
                    <input data-testid="vote-count" type="number" min="1" max=MAX_VOTES_PER_PERSON
                        prop:value=move || votes.get() on:input=move |e| votes.set(event_target_value(&e))/>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="vote-several" prop:checked=move || several.get()
                        on:change=move |e| several.set(event_target_checked(&e))/>
                    {t("vote-several-label")}
                </label>
                <label>{t("vote-scope-label")}
                    <select data-testid="vote-scope" on:change=move |e| frame.set(event_target_value(&e))>
                        <option value="" selected=move || frame.get().is_empty()>{t("vote-scope-board")}</option>
                        {move || frames().into_iter().map(|(id, name)| {
                            let selected = { let id = id.clone(); move || frame.get() == id };
                            view! { <option value=id selected=selected>{t_with("vote-scope-frame", &[("name", name.into())])}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{t("vote-kinds-label")}
                    <select data-testid="vote-kinds" on:change=move |e| all_kinds.set(event_target_value(&e) == "all")>
                        <option value="notes" selected=move || !all_kinds.get()>{t("vote-kinds-notes")}</option>
                        <option value="all" selected=move || all_kinds.get()>{t("vote-kinds-all")}</option>
                    </select>
                </label>
                <label>{t("vote-time-label")}
                    <input data-testid="vote-time" inputmode="decimal" placeholder=t("vote-time-placeholder")
                        prop:value=move || minutes.get() on:input=move |e| minutes.set(event_target_value(&e))/>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="vote-named" prop:checked=move || named.get()
                        on:change=move |e| named.set(event_target_checked(&e))/>
                    {t("vote-named-label")}
                </label>
                <button type="submit" class="primary" data-testid="vote-start">{t("vote-start")}</button>
            </form>
        </PanelShell>
    }
}

fn frame_title(e: &tafel_shared::element::Element) -> String {
    match &e.props {
        tafel_shared::element::Props::Frame(f) if !f.title.trim().is_empty() => f.title.clone(),
        _ => t("vote-untitled-frame"),
    }
}

/// Results of ended rounds, ranked, with a CSV download.
#[component]
pub fn ResultsPanel(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let board = cmd.session().workshop.board;
    let ended = move || {
        board.with(|b| {
            b.rounds
                .iter()
                .rev()
                .filter(|r| !r.is_open())
                .map(|r| (r.id, round_name(r)))
                .collect::<Vec<_>>()
        })
    };
    let vote = cmd.state.vote;
    let go = move |id: String| {
        if cmd.session().model.get(&id).is_some() {
            cmd.select(vec![id]);
            cmd.zoom_to_selection();
        }
    };
    let body = move || {
        let Some(round) = cmd.results_round() else {
            return view! { <p class="muted">{t("vote-no-results")}</p> }.into_any();
        };
        let shown_id = round.id;
        let options = ended()
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string() selected=id == shown_id>{name}</option> })
            .collect_view();
        let total: u32 = round.results.iter().map(|t| t.votes).sum();
        let summary = t_with(
            "vote-summary",
            &[
                ("votes", total.into()),
                ("people", round.voters.into()),
                (
                    "mode",
                    if round.settings.named {
                        "named"
                    } else {
                        "anonymous"
                    }
                    .into(),
                ),
            ],
        );
        let named = round.settings.named;
        let rows = round
            .results
            .iter()
            .map(|t| {
                let id = t.element.clone();
                let voters = named.then(|| {
                    board.with_untracked(|b| t.by.iter().map(|p| b.name_of(p)).collect::<Vec<_>>().join(", "))
                });
                view! {
                    <li class="vote-result" data-element=id.clone() data-votes=t.votes>
                        <span class="votes">{t.votes}</span>
                        <span class="what">
                            <button class="vote-result-label" on:click={ let id = id.clone(); move |_| go(id.clone()) }>
                                {cmd.element_label(&id)}
                            </button>
                            {voters.map(|v| view! { <span class="voters muted">{v}</span> })}
                        </span>
                    </li>
                }
            })
            .collect_view();
        let empty = round.results.is_empty();
        let csv_round = round.clone();
        view! {
            <label>{t("vote-round-label")}
                <select data-testid="vote-round"
                    on:change=move |e| vote.shown.set(event_target_value(&e).parse().ok())>{options}</select>
            </label>
            <p class="muted">{summary}</p>
            {empty.then(|| view! { <p class="muted">{t("vote-nobody-voted")}</p> })}
            <ol class="vote-results" data-testid="vote-results">{rows}</ol>
            <label class="check">
                <input type="checkbox" data-testid="vote-show" prop:checked=move || !vote.hide_results.get()
                    on:change=move |e| vote.hide_results.set(!event_target_checked(&e))/>
                {t("vote-show-totals")}
            </label>
            <button data-testid="vote-csv" on:click=move |_| download_csv(cmd, &csv_round)>{t("vote-download-csv")}</button>
        }
        .into_any()
    };
    view! {
        <PanelShell class="results-panel" title=t("vote-results-title") panel=cmd.state.ui.panel>
            {body}
        </PanelShell>
    }
}

fn round_name(r: &Round) -> String {
    let title = r.settings.title.trim();
    if title.is_empty() {
        t_with("vote-round-name", &[("id", r.id.into())])
    } else {
        t_with(
            "vote-round-name-titled",
            &[("id", r.id.into()), ("title", title.into())],
        )
    }
}

fn download_csv(cmd: Commands, round: &Round) {
    let board = cmd.session().workshop.board;
    let csv =
        board.with_untracked(|b| results_csv(round, |id| cmd.element_label(id), |p| b.name_of(p)));
    let name = format!("tafel-vote-{}.csv", round.id);
    if download(&name, "text/csv;charset=utf-8", &csv).is_err() {
        cmd.notify(&t("vote-download-failed"));
    }
}

/// Offers `text` as a file download, from a Blob URL: nothing goes to the server.
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // The browser has the file by the time this runs.
    crate::timer::after(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}
