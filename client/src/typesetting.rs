//! Text elements' type: the size picked for new text, setting it on the
//! selected text, and the box that grows with the words at that size (as in
//! Miro and Excalidraw) instead of shrinking the words to fit a fixed box.

use crate::commands::Commands;
use leptos::prelude::*;
use tafel_shared::edit;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::{Point, Rect};
use tafel_shared::schema;
use tafel_shared::text::{text_box, MAX_TEXT_SIZE, MIN_TEXT_SIZE};

/// The smallest type a note or shape shrinks its words to (as the board
/// draws them) before it grows instead.
const MIN_NOTE_TYPE: f64 = 9.0;

impl Commands {
    /// A text element at `at` (its first line's middle) in the picked size.
    pub fn new_text_at(&self, at: Point) -> Option<String> {
        let size = self.state.ui.text_size.get_untracked();
        let (w, h) = text_box("", size);
        let props = tafel_shared::element::TextProps {
            stroke: self.state.ui.ink.get_untracked().to_owned(),
            text: String::new(),
            size,
        };
        self.create(Rect::new(at.x, at.y - h / 2.0, w, h), Props::Text(props))
    }

    /// Makes element `id`'s box fit its words again (after typing): text
    /// that grows at its size, and a note or shape whose words do not fit
    /// even at the smallest type, which grows taller instead of cutting
    /// them off.
    pub fn fit_text_box(&self, id: &str) {
        let s = self.session();
        let Some(e) = s.model.get(id) else { return };
        if matches!(e.props, Props::Sticky(_) | Props::Shape(_)) {
            let r = e.base.rect;
            let pad = crate::views::PAD;
            let needed =
                tafel_shared::text::text_height(e.text(), r.w, pad, MIN_NOTE_TYPE) + 2.0 * pad;
            if needed > r.h + 0.5 {
                s.edit(|txn, map| {
                    edit::set_rect(txn, map, id, Rect::new(r.x, r.y, r.w, needed.ceil()))
                });
            }
            return;
        }
        let Some(size) = e.text_size() else { return };
        let (w, h) = text_box(e.text(), size);
        let r = e.base.rect;
        if (r.w - w).abs() > 0.5 || (r.h - h).abs() > 0.5 {
            s.edit(|txn, map| edit::set_rect(txn, map, id, Rect::new(r.x, r.y, w, h)));
        }
    }

    /// Sets the size of the selected text (and of text made next).
    pub fn set_text_size(&self, size: f64) {
        self.state.ui.text_size.set(size);
        let s = self.session();
        let targets: Vec<Element> = self.state.selection.ids.with_untracked(|ids| {
            ids.iter()
                .filter_map(|id| s.model.get(id))
                .filter(|e| s.changeable(e) && matches!(e.props, Props::Text(_)))
                .collect()
        });
        if targets.is_empty() {
            return;
        }
        self.edit_step(|txn, map| {
            for e in &targets {
                write_size(txn, map, e, e.base.rect, size);
            }
        });
    }

    /// Resizing a text element scales its type: the box follows the words at
    /// `size * factor`, anchored where the resized box `to` is.
    pub fn scale_text(&self, id: &str, size: f64, to: Rect, factor: f64) {
        let s = self.session();
        let Some(e) = s.model.get(id) else { return };
        let scaled = (size * factor).clamp(MIN_TEXT_SIZE, MAX_TEXT_SIZE).round();
        s.edit(|txn, map| write_size(txn, map, &e, to, scaled));
    }
}

/// Writes `size` and the box it needs at `at`'s corner into text element `e`.
fn write_size(txn: &mut yrs::TransactionMut, map: &yrs::MapRef, e: &Element, at: Rect, size: f64) {
    let (w, h) = text_box(e.text(), size);
    edit::set_rect(txn, map, &e.base.id, Rect::new(at.x, at.y, w, h));
    if let Some(yrs::Out::YMap(m)) = yrs::Map::get(map, txn, &e.base.id) {
        yrs::Map::insert(&m, txn, schema::F_SIZE, size);
    }
}
