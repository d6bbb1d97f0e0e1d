//! The board's comment threads as this page knows them: the comments document's
//! replica and socket (the server alone writes it, see
//! [`tafel_shared::comments`]), what this person has read, and the page's comment
//! state (the open thread, a pin being placed, the panel's filter).
//!
//! Everything a view decides from the threads (which pass a filter, which are
//! unread, where a pin sits, which names an `@` is asking for) is a plain
//! function here, so it is tested without a browser.

use crate::actions::Actions;
use crate::net::{Connection, Handlers};
pub use crate::review_state::{CommentUi, DraftPin, Filter};
use crate::state::Notice;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use tafel_shared::action::Action;
use tafel_shared::comments::{Anchor, Comment, CommentCommand, Discussion, Maps, Mention, Thread};
use tafel_shared::geometry::{Point, Rect};
use tafel_shared::ids::ParticipantId;
use tafel_shared::roles::DocKind;
use tafel_shared::sync::ClientSync;
use tafel_shared::workshop::Person;
use yrs::{Doc, Transact};

/// Width of a side panel on screen (CSS `.panel`, with its margin).
const PANEL_WIDTH: f64 = 400.0;
/// Width of a thread's card (CSS `.comment-card`).
const CARD_WIDTH: f64 = 320.0;

/// The newest time anything in `comments` was written or edited.
pub fn last_activity(comments: &[Comment]) -> u64 {
    comments
        .iter()
        .map(|c| c.edited_ms.unwrap_or(c.created_ms))
        .max()
        .unwrap_or(0)
}

/// Whether a thread has news for `me`: something someone else wrote or edited
/// after `seen_ms` (what this person had read of it).
pub fn is_unread(comments: &[Comment], seen_ms: u64, me: Option<&ParticipantId>) -> bool {
    comments
        .iter()
        .filter(|c| Some(&c.author) != me)
        .any(|c| c.edited_ms.unwrap_or(c.created_ms) > seen_ms)
}

/// Where a thread's pin sits: on its element (which moves it), or where it was
/// when the element was deleted. The flag says the element is gone.
pub fn pin_point(anchor: &Anchor, element: Option<Rect>) -> (Point, bool) {
    match (anchor, element) {
        (Anchor::Element { dx, dy, .. }, Some(r)) => (Point::new(r.x + dx, r.y + dy), false),
        (Anchor::Element { x, y, .. }, None) => (Point::new(*x, *y), true),
        (Anchor::Point { x, y }, _) => (Point::new(*x, *y), false),
    }
}

/// The name being typed after an `@` that ends at `caret` (a char index), if the
/// caret is in one: "Hi @Be|" asks for "Be".
pub fn mention_query(text: &str, caret: usize) -> Option<String> {
    let before: Vec<char> = text.chars().take(caret).collect();
    let at = before.iter().rposition(|c| *c == '@')?;
    // An @ inside a word (an e-mail address) is not a mention.
    if at > 0 && before[at - 1].is_alphanumeric() {
        return None;
    }
    let query: String = before[at + 1..].iter().collect();
    // Names have spaces, but a query that long is a sentence.
    (query.chars().count() <= 30 && !query.contains('\n')).then_some(query)
}

/// People whose names start a word with `query` (case-insensitive), at most
/// `limit`, those whose name starts with it first.
pub fn suggestions<'a>(people: &'a [Person], query: &str, limit: usize) -> Vec<&'a Person> {
    let q = query.to_lowercase();
    let mut starts: Vec<&Person> = Vec::new();
    let mut inner: Vec<&Person> = Vec::new();
    for p in people {
        let name = p.name.to_lowercase();
        if name.starts_with(&q) {
            starts.push(p);
        } else if name.split_whitespace().any(|w| w.starts_with(&q)) {
            inner.push(p);
        }
    }
    starts.extend(inner);
    starts.truncate(limit);
    starts
}

/// Replaces the `@query` that ends at `caret` with `@Name ` and returns the new
/// text and caret (char index).
pub fn complete_mention(text: &str, caret: usize, name: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let caret = caret.min(chars.len());
    let at = chars[..caret]
        .iter()
        .rposition(|c| *c == '@')
        .unwrap_or(caret);
    let mut out: String = chars[..at].iter().collect();
    out.push('@');
    out.push_str(name);
    out.push(' ');
    let new_caret = out.chars().count();
    out.extend(chars[caret..].iter());
    (out, new_caret)
}

/// The chosen mentions whose `@Name` is still in the text.
pub fn mentions_in(text: &str, chosen: &[Mention]) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for m in chosen {
        if text.contains(&format!("@{}", m.name)) && !out.iter().any(|o| o.id == m.id) {
            out.push(m.clone());
        }
    }
    out
}

/// The page's handle on comments: the document, the shared UI state and the
/// board's commands (camera, model, roster), `Copy` for the views.
#[derive(Clone, Copy)]
pub struct Review {
    doc: StoredValue<Rc<CommentsDoc>, LocalStorage>,
    /// The board's commands.
    pub cmd: crate::commands::Commands,
    /// Open thread, pin being placed, filter.
    pub ui: CommentUi,
}

impl Review {
    /// Opens the comments of `cmd`'s board.
    pub fn open(cmd: crate::commands::Commands) -> Review {
        let s = cmd.session();
        let doc = CommentsDoc::open(&s.id, &s.token, cmd.state.ui.notice);
        Review {
            doc: StoredValue::new_local(doc),
            cmd,
            ui: cmd.state.comments,
        }
    }

    /// The comments document.
    pub fn doc(&self) -> Rc<CommentsDoc> {
        self.doc.get_value()
    }

    /// Every thread and comment.
    pub fn discussion(&self) -> RwSignal<Discussion> {
        self.doc.with_value(|d| d.discussion)
    }

    /// Per thread, what this person has read.
    pub fn seen(&self) -> RwSignal<BTreeMap<String, u64>> {
        self.doc.with_value(|d| d.seen)
    }

    /// Who this browser is (to tell one's own comments).
    pub fn me(&self) -> Option<ParticipantId> {
        crate::identity::credential().map(|c| c.id)
    }

    /// Whether this person's role may write comments.
    pub fn can_comment(&self) -> bool {
        self.cmd
            .session()
            .role
            .get()
            .is_some_and(|r| r.can_comment())
    }

    /// Whether this person facilitates (and may delete any comment).
    pub fn is_facilitator(&self) -> bool {
        self.cmd
            .session()
            .role
            .get()
            .is_some_and(|r| r.can_facilitate())
    }

    /// Asks the server to apply `command`.
    pub fn act(&self, command: CommentCommand) {
        self.doc.with_value(|d| d.act(command));
    }

    /// This person's display name.
    pub fn my_name(&self) -> String {
        self.cmd.session().me.get_untracked().name
    }

    /// People who have been on the board, for mentions.
    pub fn people(&self) -> Vec<Person> {
        self.cmd.session().workshop.board.with(|b| b.people.clone())
    }

    /// Where `thread`'s pin sits now, and whether its element is gone.
    pub fn pin_of(&self, thread: &Thread) -> (Point, bool) {
        let model = &self.cmd.session().model;
        model.layout.track();
        model.order.track();
        let rect = thread
            .anchor
            .element()
            .and_then(|id| model.get(id))
            .map(|e| e.base.rect);
        pin_point(&thread.anchor, rect)
    }

    /// Opens `thread` (and marks it read), bringing its pin into view.
    pub fn show(&self, thread: &str) {
        let found = self
            .discussion()
            .with_untracked(|d| d.threads.get(thread).cloned());
        let Some(t) = found else {
            return;
        };
        let (at, _) = self.pin_of(&t);
        // The pin left of the middle of what the panel leaves free, so that the
        // card beside it is in view too.
        let (w, h) = self.cmd.state.camera.screen.get_untracked();
        let panel_open = self.cmd.state.ui.panel.get_untracked() != crate::state::Panel::None;
        let free = if panel_open {
            (w - PANEL_WIDTH).max(w / 2.0)
        } else {
            w
        };
        self.cmd
            .bring_to(at, Point::new((free - CARD_WIDTH) / 2.0, h / 3.0));
        self.ui.draft.set(None);
        self.ui.open.set(Some(thread.to_owned()));
        self.doc.with_value(|d| d.mark_read(thread));
    }

    /// Opens a new thread at the draft pin with `text`.
    pub fn open_thread(&self, text: String, mentions: Vec<Mention>) {
        let Some(draft) = self.ui.draft.get_untracked() else {
            return;
        };
        let (thread, comment) = self.doc.with_value(|d| (d.new_id(), d.new_id()));
        self.act(CommentCommand::Open {
            thread: thread.clone(),
            comment,
            anchor: draft.anchor,
            text,
            name: self.my_name(),
            mentions,
        });
        self.ui.draft.set(None);
        self.ui.open.set(Some(thread));
    }

    /// Answers `thread`.
    pub fn reply(&self, thread: &str, text: String, mentions: Vec<Mention>) {
        let comment = self.doc.with_value(|d| d.new_id());
        self.act(CommentCommand::Reply {
            thread: thread.to_owned(),
            comment,
            text,
            name: self.my_name(),
            mentions,
        });
    }

    /// Marks every thread as read.
    pub fn mark_all_read(&self) {
        let ids: Vec<String> = self
            .discussion()
            .with_untracked(|d| d.threads.keys().cloned().collect());
        self.doc.with_value(|d| {
            for id in &ids {
                d.mark_read(id);
            }
        });
    }

    /// How many threads have news for this person.
    pub fn unread_count(&self) -> usize {
        let me = self.me();
        let seen = self.seen();
        self.discussion().with(|d| {
            d.threads
                .keys()
                .filter(|id| {
                    let read = seen.with(|s| s.get(*id).copied().unwrap_or(0));
                    is_unread(d.of(id), read, me.as_ref())
                })
                .count()
        })
    }
}

/// The comments document's replica, its connection, and what this person read.
pub struct CommentsDoc {
    /// Every thread and comment, as the server last wrote them.
    pub discussion: RwSignal<Discussion>,
    /// Per thread, the newest activity this person has read (kept in the browser).
    pub seen: RwSignal<BTreeMap<String, u64>>,
    board: String,
    doc: Doc,
    maps: Maps,
    conn: RefCell<Option<Rc<Connection>>>,
    actions: Actions,
    next_id: std::cell::Cell<u64>,
}

impl CommentsDoc {
    /// Connects to the comments of `board` once this browser knows who it is.
    pub fn open(board: &str, token: &str, notice: Notice) -> Rc<CommentsDoc> {
        let doc = Doc::new();
        let maps = Maps::of(&doc);
        let seen = crate::prefs::comments_seen(board);
        let c = Rc::new(CommentsDoc {
            discussion: RwSignal::new(Discussion::default()),
            seen: RwSignal::new(seen),
            board: board.to_owned(),
            doc,
            maps,
            conn: RefCell::new(None),
            actions: Actions::new(notice),
            next_id: std::cell::Cell::new(0),
        });
        let (board, token, this) = (board.to_owned(), token.to_owned(), Rc::downgrade(&c));
        crate::identity::when_known(move || {
            if let Some(c) = this.upgrade() {
                c.connect(board, token);
            }
        });
        c
    }

    fn connect(self: &Rc<Self>, board: String, token: String) {
        let weak = || Rc::downgrade(self);
        let (changed, answered) = (weak(), weak());
        let handlers = Handlers {
            on_change: Box::new(move || {
                if let Some(c) = changed.upgrade() {
                    c.read();
                }
            }),
            on_status: Box::new(|_| {}),
            on_awareness: Box::new(|_| {}),
            on_open: Box::new(|| {}),
            on_denied: Box::new(|_| {}),
            on_result: Box::new(move |r| {
                if let Some(c) = answered.upgrade() {
                    c.actions.answered(r);
                }
            }),
            on_workshop: Box::new(|_| {}),
        };
        let sync = Rc::new(RefCell::new(ClientSync::new(self.doc.clone())));
        let url = move || crate::net::ws_url_of(DocKind::Comments, &board, &token);
        *self.conn.borrow_mut() = Some(Connection::open(url, sync, handlers));
    }

    fn read(&self) {
        let d = Discussion::read(&self.doc.transact(), &self.maps);
        if self.discussion.with_untracked(|old| *old != d) {
            self.discussion.set(d);
        }
    }

    /// Asks the server to apply `command`.
    pub fn act(&self, command: CommentCommand) {
        self.actions
            .send(self.conn.borrow().as_deref(), Action::Comment { command });
    }

    /// A new thread or comment id, unique across browsers.
    pub fn new_id(&self) -> String {
        let n = self.next_id.get() + 1;
        self.next_id.set(n);
        format!("{:x}-{n:x}", self.doc.client_id().get())
    }

    /// Marks `thread` as read up to now.
    pub fn mark_read(&self, thread: &str) {
        let newest = self
            .discussion
            .with_untracked(|d| last_activity(d.of(thread)));
        let known = self
            .seen
            .with_untracked(|s| s.get(thread).copied().unwrap_or(0));
        if newest > known {
            self.seen.update(|s| {
                s.insert(thread.to_owned(), newest);
            });
            crate::prefs::set_comments_seen(&self.board, &self.seen.get_untracked());
        }
    }

    /// Leaves: closes the socket.
    pub fn close(&self) {
        if let Some(c) = self.conn.borrow_mut().take() {
            c.close();
        }
    }
}

impl Drop for CommentsDoc {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::roles::Role;

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    fn comment(author: char, created: u64, mentions: &[char]) -> Comment {
        Comment {
            id: format!("c{created}"),
            thread: "t".into(),
            author: pid(author),
            name: author.to_string(),
            text: "x".into(),
            mentions: mentions
                .iter()
                .map(|m| Mention {
                    id: pid(*m),
                    name: m.to_string(),
                })
                .collect(),
            created_ms: created,
            edited_ms: None,
            deleted: false,
        }
    }

    #[test]
    fn filters_unread_and_pins() {
        let thread = Thread {
            id: "t".into(),
            anchor: Anchor::Element {
                id: "n".into(),
                dx: 5.0,
                dy: 6.0,
                x: 105.0,
                y: 106.0,
            },
            author: pid('a'),
            created_ms: 1,
            resolved: None,
        };
        let comments = [comment('a', 1, &[]), comment('b', 5, &['c'])];
        let (a, b, c, d) = (pid('a'), pid('b'), pid('c'), pid('d'));
        assert!(Filter::Open.passes(&thread, &comments, None));
        assert!(!Filter::Resolved.passes(&thread, &comments, None));
        assert!(Filter::Mine.passes(&thread, &comments, Some(&a)));
        assert!(
            Filter::Mine.passes(&thread, &comments, Some(&b)),
            "answered"
        );
        assert!(!Filter::Mine.passes(&thread, &comments, Some(&d)));
        assert!(Filter::Mentions.passes(&thread, &comments, Some(&c)));
        assert!(!Filter::Mentions.passes(&thread, &comments, Some(&a)));

        assert!(is_unread(&comments, 1, Some(&a)), "b wrote after a read");
        assert!(!is_unread(&comments, 5, Some(&a)));
        assert!(
            !is_unread(&comments[..1], 0, Some(&a)),
            "one's own words are read"
        );
        assert_eq!(last_activity(&comments), 5);

        let on = pin_point(&thread.anchor, Some(Rect::new(200.0, 300.0, 10.0, 10.0)));
        assert_eq!(
            on,
            (Point::new(205.0, 306.0), false),
            "moves with the element"
        );
        assert_eq!(
            pin_point(&thread.anchor, None),
            (Point::new(105.0, 106.0), true)
        );
    }

    #[test]
    fn mentions_are_asked_for_completed_and_kept_while_in_the_text() {
        assert_eq!(mention_query("Hi @Be", 6).as_deref(), Some("Be"));
        assert_eq!(mention_query("Hi @", 4).as_deref(), Some(""));
        assert_eq!(mention_query("mail a@b.de", 11), None);
        assert_eq!(mention_query("no at", 5), None);
        let people = [
            Person {
                id: pid('a'),
                name: "Anna Berg".into(),
                role: Role::Editor,
            },
            Person {
                id: pid('b'),
                name: "Bernd".into(),
                role: Role::Commenter,
            },
        ];
        let names: Vec<&str> = suggestions(&people, "be", 5)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["Bernd", "Anna Berg"]);
        let (text, caret) = complete_mention("Hi @Be, ok", 6, "Bernd");
        assert_eq!((text.as_str(), caret), ("Hi @Bernd , ok", 10));
        let chosen = [
            Mention {
                id: pid('b'),
                name: "Bernd".into(),
            },
            Mention {
                id: pid('a'),
                name: "Anna Berg".into(),
            },
        ];
        let kept = mentions_in("Hi @Bernd", &chosen);
        assert_eq!(kept, chosen[..1]);
    }
}
