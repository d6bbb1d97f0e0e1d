//! Arranging what is selected: align, distribute, tidy, group and ungroup,
//! connector routing and re-attaching a connector's end, and the snapping of a
//! moved selection. The geometry is [`tafel_shared::layout`]'s; these commands
//! check the role, write one undo step and tell the user when nothing could
//! change.

use crate::commands::Commands;
use crate::i18n::t;
use leptos::prelude::*;
use tafel_shared::edit;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::{Point, Rect, Routing};
use tafel_shared::layout::{self, Align, Placement, Snapped};
use tafel_shared::schema;

/// How close (in screen pixels) an edge must come to snap.
const SNAP_PX: f64 = 6.0;

/// Which end of a connector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectorEnd {
    /// Where it starts.
    From,
    /// Where it ends (the arrow).
    To,
}

impl ConnectorEnd {
    /// Its name in `data-end` attributes and the document field it sets.
    pub fn name(self) -> &'static str {
        match self {
            ConnectorEnd::From => schema::F_FROM,
            ConnectorEnd::To => schema::F_TO,
        }
    }

    /// The end a `data-end` attribute names.
    pub fn parse(name: &str) -> Option<ConnectorEnd> {
        match name {
            schema::F_FROM => Some(ConnectorEnd::From),
            schema::F_TO => Some(ConnectorEnd::To),
            _ => None,
        }
    }
}

impl Commands {
    /// The selection's units for arranging (see [`edit::arrangeable`]).
    fn units(&self) -> (Vec<Element>, Vec<String>, Vec<(String, Rect)>) {
        let all = self.session().model.all();
        let sel = self.state.selection.ids.get_untracked();
        let units = edit::arrangeable(&all, &sel);
        (all, sel, units)
    }

    /// Moves the selection's units as `placements` say, as one undo step.
    fn place(&self, all: &[Element], sel: &[String], placements: Vec<Placement>) {
        if placements.is_empty() || !self.session().can_edit_now() {
            return;
        }
        self.edit_step(|txn, map| edit::place_units(txn, map, all, sel, &placements));
    }

    /// How many units of the selection align, distribute and tidy would move.
    pub fn arrangeable_count(&self) -> usize {
        // Only the selected elements count, so reading them alone (not a copy
        // of the whole board) is enough: this runs on every move of a drag.
        let s = self.session();
        let sel = self.state.selection.ids.get_untracked();
        let picked: Vec<Element> = sel.iter().filter_map(|id| s.model.get(id)).collect();
        edit::arrangeable(&picked, &sel).len()
    }

    /// Lines the selection up.
    pub fn align(&self, how: Align) {
        let (all, sel, units) = self.units();
        self.place(&all, &sel, layout::align(&units, how));
    }

    /// Spaces the selection evenly across (or down).
    pub fn distribute(&self, horizontal: bool) {
        let (all, sel, units) = self.units();
        self.place(&all, &sel, layout::distribute(&units, horizontal));
    }

    /// Arranges the selection in a tidy grid.
    pub fn tidy(&self) {
        let (all, sel, units) = self.units();
        self.place(&all, &sel, layout::tidy(&units, layout::TIDY_GAP));
    }

    /// Whether the selection can be grouped: two or more elements that are not
    /// already one group.
    pub fn can_group(&self, ids: &[String]) -> bool {
        let s = self.session();
        let groups: Vec<String> = ids
            .iter()
            .filter_map(|id| s.model.get(id))
            .map(|e| e.base.group)
            .collect();
        groups.len() >= 2 && (groups[0].is_empty() || groups.iter().any(|g| *g != groups[0]))
    }

    /// Whether anything selected is in a group.
    pub fn can_ungroup(&self, ids: &[String]) -> bool {
        let s = self.session();
        ids.iter()
            .filter_map(|id| s.model.get(id))
            .any(|e| !e.base.group.is_empty())
    }

    /// Makes the selection one group (Ctrl+G).
    pub fn group(&self) {
        let ids: Vec<String> = self
            .selected_unlocked()
            .into_iter()
            .map(|e| e.base.id)
            .collect();
        if !self.can_group(&ids) {
            return;
        }
        let group = self.session().model.new_id();
        self.edit_step(|txn, map| edit::set_group(txn, map, &ids, &group));
        self.notify(&t("arrange-grouped"));
    }

    /// Takes the selection out of its groups (Ctrl+Shift+G).
    pub fn ungroup(&self) {
        let ids: Vec<String> = self
            .selected_unlocked()
            .into_iter()
            .filter(|e| !e.base.group.is_empty())
            .map(|e| e.base.id)
            .collect();
        if ids.is_empty() {
            return;
        }
        self.edit_step(|txn, map| edit::set_group(txn, map, &ids, ""));
        self.notify(&t("arrange-ungrouped"));
    }

    /// `ids` and every element grouped with one of them.
    pub fn with_groups(&self, ids: Vec<String>) -> Vec<String> {
        let s = self.session();
        let grouped = ids
            .iter()
            .any(|id| s.model.get(id).is_some_and(|e| !e.base.group.is_empty()));
        if !grouped {
            return ids;
        }
        edit::with_groups(&s.model.all(), &ids)
    }

    /// The ids of `id`'s group, or just `id` when it has none.
    pub fn group_of(&self, id: &str) -> Vec<String> {
        self.with_groups(vec![id.to_owned()])
    }

    /// Sets how the selected connectors run, and how new ones will.
    pub fn set_routing(&self, routing: Routing) {
        self.state.ui.routing.set(routing);
        let ids: Vec<String> = self
            .selected_unlocked()
            .into_iter()
            .filter(|e| matches!(&e.props, Props::Connector(c) if c.route != routing))
            .map(|e| e.base.id)
            .collect();
        if ids.is_empty() {
            return;
        }
        self.edit_step(|txn, map| {
            for id in &ids {
                edit::set_str(txn, map, id, schema::F_ROUTE, routing.name());
            }
        });
    }

    /// Moves one end of connector `id` to `at`, attached to `onto` (an element
    /// id) or free (empty). Called on every pointer move of the drag, so the
    /// others see the end follow; one undo step ends it.
    pub fn move_connector_end(&self, id: &str, end: ConnectorEnd, onto: &str, at: Point) {
        let s = self.session();
        let Some(c) = s.model.get(id).filter(|c| s.changeable(c)) else {
            return;
        };
        let Props::Connector(p) = &c.props else {
            return;
        };
        // Keep the other end where it is drawn now, in case it is free.
        let mut points = p.points.clone();
        let r = c.base.rect;
        points.resize(2, Point::new(r.x, r.y));
        points[match end {
            ConnectorEnd::From => 0,
            ConnectorEnd::To => 1,
        }] = at;
        let bounds = Rect::from_corners(points[0], points[1]);
        s.edit(|txn, map| {
            edit::set_str(txn, map, id, end.name(), onto);
            if let Some(yrs::Out::YMap(m)) = yrs::Map::get(map, txn, id) {
                yrs::Map::insert(
                    &m,
                    txn,
                    schema::F_POINTS,
                    tafel_shared::element::flat_points(&points),
                );
            }
            edit::set_rect(txn, map, id, bounds);
        });
    }

    /// Where a selection being moved snaps: to the edges and centres of the
    /// elements in `others`, else to the grid when it is on. `moving` is the
    /// selection's bounds where the pointer would put it.
    pub fn snap(&self, moving: Rect, others: &[Rect]) -> Snapped {
        let zoom = self.state.camera.view.get_untracked().zoom;
        let grid = self
            .state
            .ui
            .grid_snap
            .get_untracked()
            .then_some(layout::GRID);
        layout::snap(moving, others, SNAP_PX / zoom, grid)
    }

    /// Turns snapping to the grid on or off (Shift+G).
    pub fn toggle_grid_snap(&self) {
        let on = !self.state.ui.grid_snap.get_untracked();
        self.state.ui.grid_snap.set(on);
        self.notify(&t(if on {
            "arrange-grid-on"
        } else {
            "arrange-grid-off"
        }));
    }
}
