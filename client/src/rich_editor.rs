//! Editing formatted text in place: a `contenteditable` box whose every input
//! is taken over (`beforeinput`) and applied to the element's `Y.Text`, then
//! drawn again from the document, so what is on screen is always what the
//! document holds and co-typing merges character by character. Bold, italic,
//! strike-through, lists and links go through [`tafel_shared::rich`].
//!
//! The box holds one `div` per line; offsets on screen (UTF-16, as the DOM
//! counts) map to byte offsets in the document's plain string.

use crate::commands::Commands;
use crate::i18n::t;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use tafel_shared::element::text_ref;
use tafel_shared::rich::{self, ListKind, Mark, Marks};
use tafel_shared::text::{byte_to_utf16, carry_caret, utf16_to_byte};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Node};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The classes of a line: a list item's kind.
fn line_class(list: Option<ListKind>) -> &'static str {
    match list {
        Some(ListKind::Bullet) => "line li bullet",
        Some(ListKind::Ordered) => "line li ordered",
        None => "line",
    }
}

/// Formatted lines as HTML: one `div` per line, a `span` per run, links as
/// `a` with `rel=noopener` (only the addresses [`rich::safe_link`] keeps).
pub fn html(lines: &[rich::Line]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&format!("<div class=\"{}\">", line_class(line.list)));
        if line.spans.is_empty() {
            out.push_str("<br>");
        }
        for span in &line.spans {
            let mut classes = Vec::new();
            if span.marks.bold {
                classes.push("b");
            }
            if span.marks.italic {
                classes.push("i");
            }
            if span.marks.strike {
                classes.push("s");
            }
            let class = classes.join(" ");
            match &span.link {
                Some(href) => out.push_str(&format!(
                    "<a class=\"{class}\" href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{}</a>",
                    escape(href),
                    escape(&span.text)
                )),
                None => out.push_str(&format!("<span class=\"{class}\">{}</span>", escape(&span.text))),
            }
        }
        out.push_str("</div>");
    }
    out
}

/// UTF-16 length of a string.
fn len16(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The UTF-16 offset in the plain text of a DOM position inside `root`.
fn offset_of(root: &HtmlElement, node: &Node, offset: u32) -> Option<usize> {
    let root_node: &Node = root.as_ref();
    if node == root_node {
        // Between lines: the start of line `offset`.
        let lines = root.children();
        let mut at = 0;
        for i in 0..offset.min(lines.length()) {
            at += len16(&lines.item(i)?.text_content().unwrap_or_default()) + 1;
        }
        return Some(at);
    }
    // The line the node is in.
    let mut line: Node = node.clone();
    while line.parent_node().as_ref() != Some(root_node) {
        line = line.parent_node()?;
    }
    let mut at = 0;
    let lines = root.children();
    for i in 0..lines.length() {
        let l: Node = lines.item(i)?.into();
        if l == line {
            break;
        }
        at += len16(&l.text_content().unwrap_or_default()) + 1;
    }
    // Within the line: the text before the position.
    let range = web_sys::window()?.document()?.create_range().ok()?;
    range.set_start(&line, 0).ok()?;
    range.set_end(node, offset).ok()?;
    Some(at + len16(&String::from(range.to_string())))
}

/// The DOM position of UTF-16 offset `at` in the plain text.
fn position_of(root: &HtmlElement, mut at: usize) -> Option<(Node, u32)> {
    let lines = root.children();
    for i in 0..lines.length() {
        let line: Node = lines.item(i)?.into();
        let len = len16(&line.text_content().unwrap_or_default());
        if at <= len || i + 1 == lines.length() {
            // Walk the line's text nodes to the offset.
            let doc = web_sys::window()?.document()?;
            let walker = doc.create_tree_walker_with_what_to_show(&line, 4).ok()?;
            while let Ok(Some(node)) = walker.next_node() {
                let n = len16(&node.text_content().unwrap_or_default());
                if at <= n {
                    return Some((node, at as u32));
                }
                at -= n;
            }
            return Some((line, 0));
        }
        at -= len + 1;
    }
    Some((root.clone().into(), 0))
}

/// The selection inside `root` as UTF-16 offsets (start, end), start first.
fn selection(root: &HtmlElement) -> Option<(usize, usize)> {
    let sel = web_sys::window()?.get_selection().ok()??;
    let anchor = offset_of(root, &sel.anchor_node()?, sel.anchor_offset())?;
    let focus = offset_of(root, &sel.focus_node()?, sel.focus_offset())?;
    Some((anchor.min(focus), anchor.max(focus)))
}

/// Puts the caret (or a selection) at UTF-16 offsets.
fn select(root: &HtmlElement, start: usize, end: usize) {
    let (Some((a, ao)), Some((b, bo))) = (position_of(root, start), position_of(root, end)) else {
        return;
    };
    let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else {
        return;
    };
    let _ = sel.set_base_and_extent(&a, ao, &b, bo);
}

/// One step back or forward from UTF-16 offset `at` in `plain`, a whole
/// character (a surrogate pair is one).
fn step(plain: &str, at: usize, back: bool) -> usize {
    let units: Vec<u16> = plain.encode_utf16().collect();
    if back {
        if at == 0 {
            return 0;
        }
        let mut p = at - 1;
        if p > 0 && (0xDC00..0xE000).contains(&units[p]) {
            p -= 1;
        }
        p
    } else if at >= units.len() {
        units.len()
    } else if (0xD800..0xDC00).contains(&units[at]) {
        (at + 2).min(units.len())
    } else {
        at + 1
    }
}

/// The edit box's state, kept while it is open.
pub struct RichEditor {
    cmd: Commands,
    id: String,
    node: NodeRef<leptos::html::Div>,
    /// Marks picked with the caret alone (bold on, then type).
    pending: Cell<Option<Marks>>,
    /// Where an IME composition began (UTF-16 start and end).
    composing: Cell<Option<(usize, usize)>>,
    /// The plain text last drawn, to carry the caret over others' changes.
    known: RefCell<String>,
    /// While a link's address is asked for: the box may lose the focus to the
    /// browser's dialog (and get it back), which must not end the editing.
    asking: std::rc::Rc<Cell<bool>>,
}

impl RichEditor {
    /// An editor for element `id` drawn into `node`.
    pub fn new(cmd: Commands, id: String, node: NodeRef<leptos::html::Div>) -> RichEditor {
        RichEditor {
            cmd,
            id,
            node,
            pending: Cell::new(None),
            composing: Cell::new(None),
            asking: std::rc::Rc::default(),
            known: RefCell::new(String::new()),
        }
    }

    fn root(&self) -> Option<HtmlElement> {
        self.node.get_untracked().map(|d| d.unchecked_into())
    }

    fn element(&self) -> Option<tafel_shared::element::Element> {
        self.cmd.session().model.get(&self.id)
    }

    fn plain(&self) -> String {
        self.element()
            .map(|e| e.text().to_owned())
            .unwrap_or_default()
    }

    fn lines(&self) -> Vec<rich::Line> {
        self.element()
            .map(|e| {
                e.base.rich.clone().unwrap_or_else(|| {
                    e.text()
                        .split('\n')
                        .map(|l| rich::Line {
                            spans: if l.is_empty() {
                                Vec::new()
                            } else {
                                vec![rich::Span {
                                    text: l.to_owned(),
                                    ..Default::default()
                                }]
                            },
                            list: None,
                        })
                        .collect()
                })
            })
            .unwrap_or_default()
    }

    /// Draws the document's text, keeping the caret at `caret` (UTF-16).
    pub fn draw(&self, caret: Option<(usize, usize)>) {
        let Some(root) = self.root() else { return };
        root.set_inner_html(&html(&self.lines()));
        *self.known.borrow_mut() = self.plain();
        if let Some((a, b)) = caret {
            select(&root, a, b);
        }
    }

    /// After the element changed (here or elsewhere): draws it, the caret
    /// carried over what others inserted or removed before it.
    pub fn changed(&self) {
        if self.composing.get().is_some() {
            return;
        }
        let Some(root) = self.root() else { return };
        let before = self.known.borrow().clone();
        let before = before.as_str();
        let now = self.plain();
        let caret = selection(&root).map(|(a, b)| {
            let carry = |at: usize| {
                let byte = utf16_to_byte(before, at);
                byte_to_utf16(&now, carry_caret(before, &now, byte))
            };
            (carry(a), carry(b))
        });
        self.draw(caret);
    }

    /// Replaces UTF-16 `start..end` with `chunk`, formatted as typing there
    /// is; the caret goes after it.
    fn replace(&self, start: usize, end: usize, chunk: &str, list_enter: bool) {
        let plain = self.plain();
        let (from, to) = (utf16_to_byte(&plain, start), utf16_to_byte(&plain, end));
        let lines = self.lines();
        let marks = self
            .pending
            .take()
            .unwrap_or_else(|| rich::marks_at(&lines, from).0);
        let id = self.id.clone();
        let chunk_owned = chunk.to_owned();
        self.cmd.session().edit(move |txn, map| {
            let Some(text) = text_ref(txn, map, &id) else {
                return;
            };
            if to > from {
                yrs::Text::remove_range(&text, txn, from as u32, (to - from) as u32);
            }
            if list_enter {
                // A new item of the same list: the newline carries the list.
                let now = rich::read(txn, &text);
                let line = yrs::GetString::get_string(&text, txn)[..from]
                    .matches('\n')
                    .count();
                let list = now.get(line).and_then(|l| l.list);
                let mut attrs = rich::attrs(Marks::default(), None);
                attrs.insert(
                    rich::A_LIST.into(),
                    list.map_or(yrs::Any::Null, |l| yrs::Any::from(l.name())),
                );
                yrs::Text::insert_with_attributes(&text, txn, from as u32, &chunk_owned, attrs);
            } else if !chunk_owned.is_empty() {
                rich::insert(txn, &text, from, &chunk_owned, marks, None);
            }
        });
        self.cmd.fit_text_box(&self.id);
        let caret = start + len16(chunk);
        self.draw(Some((caret, caret)));
    }

    /// Handles one `beforeinput`: every change goes to the document.
    pub fn before_input(&self, e: &web_sys::InputEvent) {
        let kind = e.input_type();
        if kind == "insertCompositionText" {
            // Not cancelable; the composition is taken at its end.
            return;
        }
        e.prevent_default();
        let Some(root) = self.root() else { return };
        let plain = self.plain();
        let (start, end) = selection(&root).unwrap_or((len16(&plain), len16(&plain)));
        match kind.as_str() {
            "insertText" | "insertReplacementText" => {
                let data = e.data().or_else(|| {
                    e.data_transfer()
                        .and_then(|d| d.get_data("text/plain").ok())
                });
                if let Some(data) = data {
                    self.replace(start, end, &data, false);
                }
            }
            "insertFromPaste" | "insertFromDrop" => {
                if let Some(data) = e
                    .data_transfer()
                    .and_then(|d| d.get_data("text/plain").ok())
                {
                    self.replace(start, end, &data.replace("\r\n", "\n"), false);
                }
            }
            "insertParagraph" | "insertLineBreak" => {
                let lines = self.lines();
                let byte = utf16_to_byte(&plain, start);
                let line = plain[..byte].matches('\n').count();
                let current = lines.get(line);
                let in_list = current.and_then(|l| l.list);
                if let (Some(kind), true) = (in_list, current.is_some_and(|l| l.spans.is_empty())) {
                    // Enter on an empty item ends the list.
                    self.list(kind);
                } else {
                    self.replace(start, end, "\n", in_list.is_some());
                }
            }
            "deleteContentBackward"
            | "deleteWordBackward"
            | "deleteSoftLineBackward"
            | "deleteHardLineBackward" => {
                let from = if start == end {
                    step(&plain, start, true)
                } else {
                    start
                };
                self.replace(from, end, "", false);
            }
            "deleteContentForward"
            | "deleteWordForward"
            | "deleteSoftLineForward"
            | "deleteHardLineForward" => {
                let to = if start == end {
                    step(&plain, end, false)
                } else {
                    end
                };
                self.replace(start, to, "", false);
            }
            "deleteByCut" | "deleteContent" | "deleteByDrag" => self.replace(start, end, "", false),
            "formatBold" => self.mark(Mark::Bold),
            "formatItalic" => self.mark(Mark::Italic),
            "formatStrikeThrough" => self.mark(Mark::Strike),
            "historyUndo" => self.cmd.undo(),
            "historyRedo" => self.cmd.redo(),
            _ => {}
        }
    }

    /// Opens the box: the text drawn, the caret at its end.
    pub fn open(&self) {
        let end = len16(&self.plain());
        self.draw(Some((end, end)));
    }

    /// The composition began: remember where.
    pub fn composition_start(&self) {
        if let Some(root) = self.root() {
            self.composing.set(selection(&root));
        }
    }

    /// The composition ended with `data`: it goes into the document where it
    /// began, and the box is drawn again.
    pub fn composition_end(&self, data: &str) {
        if let Some((start, end)) = self.composing.take() {
            self.replace(start, end, data, false);
        }
    }

    /// Switches `mark` over the selection, or for what is typed next.
    pub fn mark(&self, mark: Mark) {
        let Some(root) = self.root() else { return };
        let plain = self.plain();
        let Some((start, end)) = selection(&root) else {
            return;
        };
        if start == end {
            let lines = self.lines();
            let now = self
                .pending
                .get()
                .unwrap_or_else(|| rich::marks_at(&lines, utf16_to_byte(&plain, start)).0);
            self.pending.set(Some(rich::switched(now, mark)));
            return;
        }
        let (from, to) = (utf16_to_byte(&plain, start), utf16_to_byte(&plain, end));
        let id = self.id.clone();
        self.cmd.session().edit(move |txn, map| {
            if let Some(text) = text_ref(txn, map, &id) {
                rich::toggle(txn, &text, from, to, mark);
            }
        });
        self.draw(Some((start, end)));
    }

    /// Makes the selected lines a list of `kind`, or takes them out of it.
    pub fn list(&self, kind: ListKind) {
        let Some(root) = self.root() else { return };
        let plain = self.plain();
        let (start, end) = selection(&root).unwrap_or((0, 0));
        let (from, to) = (utf16_to_byte(&plain, start), utf16_to_byte(&plain, end));
        let id = self.id.clone();
        self.cmd.session().edit(move |txn, map| {
            if let Some(text) = text_ref(txn, map, &id) {
                rich::toggle_list(txn, &text, from, to, kind);
            }
        });
        self.cmd.fit_text_box(&self.id);
        self.draw(Some((start, end)));
    }

    /// Whether a dialog of this editor is open (a blur then does not end the
    /// editing).
    pub fn is_asking(&self) -> bool {
        self.asking.get()
    }

    /// Links the selection to an address asked for (http, https or mailto).
    pub fn link(&self) {
        let Some(root) = self.root() else { return };
        let plain = self.plain();
        let Some((start, end)) = selection(&root).filter(|(a, b)| a < b) else {
            self.cmd.notify(&t("format-link-select-first"));
            return;
        };
        self.asking.set(true);
        let answer = web_sys::window()
            .and_then(|w| {
                w.prompt_with_message_and_default(&t("format-link-question"), "https://")
                    .ok()
            })
            .flatten();
        // The focus back in the box, and a blur the dialog queued passes by
        // before the flag goes down.
        let _ = root.focus();
        let asking = std::rc::Rc::clone(&self.asking);
        crate::timer::after(0, move || asking.set(false));
        let Some(address) = answer else {
            select(&root, start, end);
            return;
        };
        let (from, to) = (utf16_to_byte(&plain, start), utf16_to_byte(&plain, end));
        let id = self.id.clone();
        let address = address.trim().to_owned();
        let unlink = address.is_empty();
        let ok = self
            .cmd
            .session()
            .edit(move |txn, map| {
                text_ref(txn, map, &id).is_some_and(|text| {
                    rich::set_link(txn, &text, from, to, (!unlink).then_some(address.as_str()))
                })
            })
            .unwrap_or(false);
        if !ok {
            self.cmd.notify(&t("format-link-refused"));
        }
        self.draw(Some((start, end)));
    }
}

/// The formatting buttons over the edit box. They keep the focus in the box
/// (their pointer-down does nothing else), so the selection stays.
#[component]
pub fn FormatBar(
    /// The open edit box the buttons act on.
    editor: StoredValue<RichEditor, LocalStorage>,
) -> impl IntoView {
    let keep_focus = |e: web_sys::PointerEvent| {
        e.prevent_default();
        e.stop_propagation();
    };
    let button =
        move |action: &'static str, label: String, symbol: &'static str, run: fn(&RichEditor)| {
            view! {
                <button type="button" data-format=action title=label.clone() aria-label=label
                    on:pointerdown=keep_focus on:mousedown=|e| e.prevent_default()
                    on:click=move |_| editor.with_value(run)>{symbol}</button>
            }
        };
    view! {
        <div class="format-bar" role="toolbar" aria-label=t("format-bar-label")>
            {button("bold", t("format-bold"), "B", |r| r.mark(Mark::Bold))}
            {button("italic", t("format-italic"), "I", |r| r.mark(Mark::Italic))}
            {button("strike", t("format-strike"), "S", |r| r.mark(Mark::Strike))}
            {button("bullet", t("format-bullets"), "•", |r| r.list(ListKind::Bullet))}
            {button("ordered", t("format-numbers"), "1.", |r| r.list(ListKind::Ordered))}
            <button type="button" data-format="link" title=t("format-link") aria-label=t("format-link")
                on:pointerdown=keep_focus on:mousedown=|e| e.prevent_default()
                on:click=move |_| editor.with_value(|r| r.link())>{crate::icons::link()}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_html_with_safe_links_and_escaped_text() {
        let lines = vec![
            rich::Line {
                spans: vec![
                    rich::Span {
                        text: "<b>".into(),
                        marks: Marks {
                            bold: true,
                            ..Marks::default()
                        },
                        link: None,
                    },
                    rich::Span {
                        text: "Seite".into(),
                        marks: Marks::default(),
                        link: Some("https://a.example/?x=\"1\"".into()),
                    },
                ],
                list: Some(ListKind::Bullet),
            },
            rich::Line::default(),
        ];
        let out = html(&lines);
        assert_eq!(
            out,
            "<div class=\"line li bullet\"><span class=\"b\">&lt;b&gt;</span>\
             <a class=\"\" href=\"https://a.example/?x=&quot;1&quot;\" target=\"_blank\" rel=\"noopener noreferrer\">Seite</a></div>\
             <div class=\"line\"><br></div>"
        );
    }

    #[test]
    fn steps_take_whole_characters() {
        let s = "a😀b";
        assert_eq!(step(s, 3, true), 1, "back over the pair");
        assert_eq!(step(s, 1, false), 3, "forward over the pair");
        assert_eq!(step(s, 0, true), 0);
        assert_eq!(step(s, 4, false), 4);
    }
}
