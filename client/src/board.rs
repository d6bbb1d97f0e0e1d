//! One board: its elements rendered live from the yrs replica, and the tools to add
//! to it.

use crate::net::{Connection, Status};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use tafel_shared::roles::DocKind;
use tafel_shared::schema::{self, ElementKind, Placement};
use tafel_shared::sync::ClientSync;
use yrs::{Doc, GetString, Map, Out, Transact};

/// What the view needs of one element.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementView {
    /// Element id.
    pub id: String,
    /// Its kind, as stored.
    pub kind: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Stacking order.
    pub z: String,
    /// Text of stickies, title of frames.
    pub text: String,
    /// Background colour of stickies.
    pub color: String,
}

/// Every element of a replica, bottom to top.
pub fn read_elements(doc: &Doc) -> Vec<ElementView> {
    let elements = schema::elements(doc);
    let txn = doc.transact();
    let mut out: Vec<ElementView> = elements
        .iter(&txn)
        .filter_map(|(id, value)| {
            let Out::YMap(m) = value else { return None };
            let text = match m.get(&txn, schema::F_TEXT) {
                Some(Out::YText(t)) => t.get_string(&txn),
                _ => schema::get_str(&txn, &m, schema::F_TITLE).unwrap_or_default(),
            };
            Some(ElementView {
                id: id.to_owned(),
                kind: schema::get_str(&txn, &m, schema::F_KIND).unwrap_or_default(),
                x: schema::get_f64(&txn, &m, schema::F_X).unwrap_or(0.0),
                y: schema::get_f64(&txn, &m, schema::F_Y).unwrap_or(0.0),
                w: schema::get_f64(&txn, &m, schema::F_W).unwrap_or(160.0),
                h: schema::get_f64(&txn, &m, schema::F_H).unwrap_or(160.0),
                z: schema::get_str(&txn, &m, schema::F_Z).unwrap_or_default(),
                text,
                color: schema::get_str(&txn, &m, schema::F_COLOR).unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.z.cmp(&b.z).then_with(|| a.id.cmp(&b.id)));
    out
}

fn ws_url(board: &str, token: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!(
        "{scheme}://{host}{}?token={token}",
        DocKind::Content.ws_path(board)
    ))
}

/// A short random element id (the replica's client id keeps ids of different
/// people apart; the counter keeps one person's apart).
fn new_id(doc: &Doc, n: usize) -> String {
    format!(
        "e{}-{n}-{}",
        doc.client_id().get(),
        js_sys::Date::now() as u64
    )
}

/// The board page.
#[component]
pub fn BoardPage(
    /// The board id.
    id: String,
    /// The share token from the link.
    token: String,
) -> impl IntoView {
    let elements = RwSignal::new(Vec::<ElementView>::new());
    let status = RwSignal::new(Status::Connecting);
    let doc = Doc::new();
    let sync = Rc::new(RefCell::new(ClientSync::new(doc.clone())));
    let refresh_doc = doc.clone();
    let connection = ws_url(&id, &token).and_then(|url| {
        Connection::open(
            &url,
            Rc::clone(&sync),
            move || elements.set(read_elements(&refresh_doc)),
            move |s| status.set(s),
        )
        .ok()
    });
    let connection = StoredValue::new_local(connection);
    let added = StoredValue::new_local(0usize);
    // A stored handle keeps the click handler `Copy`, as `<Show>` re-creates it.
    let doc_handle = StoredValue::new(doc.clone());
    let add_sticky = move |_| {
        let add_doc = doc_handle.get_value();
        let n = added.get_value();
        added.set_value(n + 1);
        let map = schema::elements(&add_doc);
        let update = {
            let mut txn = add_doc.transact_mut();
            let at = Placement {
                x: 40.0 + (n % 8) as f64 * 180.0,
                y: 560.0 + (n / 8) as f64 * 180.0,
                w: 160.0,
                h: 160.0,
                // New notes land on top of everything.
                z: elements.with_untracked(|els| {
                    tafel_shared::order::key_above(els.iter().map(|e| e.z.as_str()))
                }),
            };
            schema::insert_sticky(
                &mut txn,
                &map,
                &new_id(&add_doc, n),
                &at,
                "",
                "#ffe066",
                "",
                "",
                js_sys::Date::now() as u64,
            );
            txn.encode_update_v1()
        };
        elements.set(read_elements(&add_doc));
        connection.with_value(|c| {
            if let Some(c) = c {
                c.send_update(update);
            }
        });
    };
    // Title and role come from the board API; until the role is known, no tools.
    let info = RwSignal::new(None::<tafel_shared::api::BoardInfo>);
    let load_error = RwSignal::new(None::<String>);
    {
        let (id, token) = (id.clone(), token.clone());
        leptos::task::spawn_local(async move {
            match crate::api::board_info(&id, &token).await {
                Ok(i) => info.set(Some(i)),
                Err(e) => load_error.set(Some(crate::api::describe(&e))),
            }
        });
    }
    let can_edit = move || {
        info.with(|i| {
            i.as_ref()
                .is_some_and(|i| i.role.can_write(DocKind::Content))
        })
    };
    let title = move || info.with(|i| i.as_ref().map(|i| i.title.clone()).unwrap_or_default());
    let role = move || info.with(|i| i.as_ref().map(|i| i.role.to_string()).unwrap_or_default());
    let status_text = move || match status.get() {
        Status::Connecting => "Connecting…".to_owned(),
        Status::Live => "Live".to_owned(),
        Status::Closed(why) => why,
    };
    let status_class = move || match status.get() {
        Status::Connecting => "status connecting",
        Status::Live => "status live",
        Status::Closed(_) => "status closed",
    };
    view! {
        <div class="board">
            <header class="toolbar" role="toolbar" aria-label="Tools">
                <a class="home-link" href="/">"Tafel"</a>
                <h1 class="board-title">{title}</h1>
                <Show when=can_edit>
                    <button class="tool" data-tool="sticky" on:click=add_sticky>"Sticky note"</button>
                </Show>
                <span class="role" data-role=role>{role}</span>
                <span class=status_class role="status">{status_text}</span>
            </header>
            {move || load_error.get().map(|e| view! { <p class="banner error" role="alert">{e}</p> })}
            <div class="canvas" aria-label="Board">
                <div class="world">
                {move || {
                    elements
                        .get()
                        .into_iter()
                        .map(|e| {
                            // Positions go through CSSOM (`style:`), which the strict
                            // Content-Security-Policy allows; a `style` attribute it
                            // would block.
                            let background = (e.kind == ElementKind::Sticky.as_str()).then(|| e.color.clone());
                            view! {
                                <div
                                    class=format!("element {}", e.kind)
                                    data-id=e.id.clone()
                                    style:left=format!("{}px", e.x)
                                    style:top=format!("{}px", e.y)
                                    style:width=format!("{}px", e.w)
                                    style:height=format!("{}px", e.h)
                                    style:background=background
                                >
                                    <span class="label">{e.text.clone()}</span>
                                </div>
                            }
                        })
                        .collect_view()
                }}
                </div>
            </div>
        </div>
    }
}
