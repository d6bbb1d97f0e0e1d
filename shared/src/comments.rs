//! Comment threads: what the comments document holds and the rules for changing
//! it.
//!
//! The comments document is written by the server alone. A client asks for a
//! change with a [`CommentCommand`] (inside `Action::Comment`, see [`crate::action`]),
//! the server checks it against the caller's role and verified participant id
//! ([`plan`]), and writes the result. So the author of a comment is whoever the
//! server says sent it, and a stock Yjs client with a commenter link cannot edit,
//! delete or forge anyone else's words: the document refuses its updates.
//!
//! Layout, readable by any Yjs client: the root map `threads` holds one JSON
//! string per thread ([`Thread`]: anchor, opener, resolved), the root map
//! `comments` one per comment ([`Comment`]: thread, author, text, mentions). A
//! reply or an edit rewrites one small entry, never the thread.

use crate::ids::ParticipantId;
use crate::refusal::{Refusal, RefusalCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yrs::{Any, Map, MapRef, Out, ReadTxn, TransactionMut};

/// Root map of threads, by id.
pub const ROOT_THREADS: &str = "threads";
/// Root map of comments, by id.
pub const ROOT_COMMENTS: &str = "comments";
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// Most people one comment mentions.
pub const MAX_MENTIONS: usize = 20;
/// Longest thread or comment id.
pub const MAX_ID_CHARS: usize = 64;

/// Where a thread is pinned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "kebab-case")]
pub enum Anchor {
    /// On an element: the pin moves with it. `dx`/`dy` place it relative to the
    /// element's top-left corner; `x`/`y` is where it was when the thread opened,
    /// where it stays once the element is deleted.
    Element {
        /// The element's id.
        id: String,
        /// Offset from the element's left edge.
        dx: f64,
        /// Offset from the element's top edge.
        dy: f64,
        /// Board position when pinned.
        x: f64,
        /// Board position when pinned.
        y: f64,
    },
    /// On a point of the canvas.
    Point {
        /// Board position.
        x: f64,
        /// Board position.
        y: f64,
    },
}

impl Anchor {
    /// The element it is pinned to, if any.
    pub fn element(&self) -> Option<&str> {
        match self {
            Anchor::Element { id, .. } => Some(id),
            Anchor::Point { .. } => None,
        }
    }

    fn is_finite(&self) -> bool {
        match self {
            Anchor::Element { dx, dy, x, y, .. } => [dx, dy, x, y].iter().all(|v| v.is_finite()),
            Anchor::Point { x, y } => x.is_finite() && y.is_finite(),
        }
    }
}

/// Who resolved a thread, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// Their participant id.
    pub by: ParticipantId,
    /// Their name then.
    pub name: String,
    /// Server time, ms since the epoch.
    pub at_ms: u64,
}

/// A thread: where it is pinned and whether it is resolved. Its comments refer
/// to it by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    /// Its id.
    pub id: String,
    /// Where it is pinned.
    pub anchor: Anchor,
    /// Who opened it.
    pub author: ParticipantId,
    /// Server time it was opened, ms since the epoch.
    pub created_ms: u64,
    /// Set while resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Resolution>,
}

/// Someone a comment mentions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Their participant id.
    pub id: ParticipantId,
    /// Their name as written in the comment (`@name`).
    pub name: String,
}

/// One comment of a thread (the first opens it; the others are replies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Its id.
    pub id: String,
    /// The thread it belongs to.
    pub thread: String,
    /// Who wrote it, as the server verified.
    pub author: ParticipantId,
    /// The author's name when writing.
    pub name: String,
    /// The text (empty once deleted).
    pub text: String,
    /// People it mentions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
    /// Server time written, ms since the epoch.
    pub created_ms: u64,
    /// Server time of the last edit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_ms: Option<u64>,
    /// An opening comment deleted while replies remain: kept as a marker.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

impl Comment {
    /// A new comment by `author` at `created_ms`, never edited.
    pub fn new(
        id: String,
        thread: String,
        author: &ParticipantId,
        name: String,
        text: String,
        mentions: Vec<Mention>,
        created_ms: u64,
    ) -> Comment {
        Comment {
            id,
            thread,
            author: author.clone(),
            name,
            text,
            mentions,
            created_ms,
            edited_ms: None,
            deleted: false,
        }
    }
}

/// What someone asks the server to do with comments (comments socket).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum CommentCommand {
    /// Opens a thread with its first comment.
    Open {
        /// The new thread's id (chosen by the client, unique).
        thread: String,
        /// The first comment's id.
        comment: String,
        /// Where it is pinned.
        anchor: Anchor,
        /// The text.
        text: String,
        /// The caller's display name.
        name: String,
        /// People mentioned.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<Mention>,
    },
    /// Adds a reply to a thread (reopens it if resolved).
    Reply {
        /// The thread.
        thread: String,
        /// The reply's id.
        comment: String,
        /// The text.
        text: String,
        /// The caller's display name.
        name: String,
        /// People mentioned.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<Mention>,
    },
    /// Changes the text of one's own comment.
    Edit {
        /// The comment.
        comment: String,
        /// The new text.
        text: String,
        /// People mentioned now.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<Mention>,
    },
    /// Deletes one's own comment (facilitators: anyone's). Deleting a thread's
    /// last comment deletes the thread.
    Delete {
        /// The comment.
        comment: String,
    },
    /// Marks a thread as resolved.
    Resolve {
        /// The thread.
        thread: String,
        /// The caller's display name.
        name: String,
    },
    /// Opens a resolved thread again.
    Reopen {
        /// The thread.
        thread: String,
    },
}

/// One change the server writes to the comments document.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Adds or replaces a thread.
    PutThread(Thread),
    /// Adds or replaces a comment.
    PutComment(Comment),
    /// Removes a thread.
    RemoveThread(String),
    /// Removes a comment.
    RemoveComment(String),
}

/// Who asks: their verified id and whether they facilitate.
#[derive(Clone, Copy, Debug)]
pub struct Commenter<'a> {
    /// Their participant id, as the server verified it.
    pub id: &'a ParticipantId,
    /// Facilitators may delete anyone's comments.
    pub facilitator: bool,
}

/// The two root maps of a comments document.
#[derive(Clone)]
pub struct Maps {
    /// `threads`.
    pub threads: MapRef,
    /// `comments`.
    pub comments: MapRef,
}

impl Maps {
    /// Gets (or creates) the root maps. Call before opening a transaction: yrs
    /// deadlocks when a root is got inside one.
    pub fn of(doc: &yrs::Doc) -> Maps {
        Maps {
            threads: doc.get_or_insert_map(ROOT_THREADS),
            comments: doc.get_or_insert_map(ROOT_COMMENTS),
        }
    }

    fn thread<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<Thread> {
        json_at(&self.threads, txn, id)
    }

    fn comment<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<Comment> {
        json_at(&self.comments, txn, id)
    }

    /// Writes `changes` (the server does this).
    pub fn write(&self, txn: &mut TransactionMut, changes: &[Change]) {
        for change in changes {
            match change {
                Change::PutThread(t) => {
                    self.threads.insert(txn, t.id.as_str(), to_json(t));
                }
                Change::PutComment(c) => {
                    self.comments.insert(txn, c.id.as_str(), to_json(c));
                }
                Change::RemoveThread(id) => {
                    self.threads.remove(txn, id);
                }
                Change::RemoveComment(id) => {
                    self.comments.remove(txn, id);
                }
            }
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("threads and comments are plain data")
}

fn json_at<T: ReadTxn, V: for<'de> Deserialize<'de>>(
    map: &MapRef,
    txn: &T,
    key: &str,
) -> Option<V> {
    match map.get(txn, key) {
        Some(Out::Any(Any::String(s))) => serde_json::from_str(&s).ok(),
        _ => None,
    }
}

/// Every thread and comment of a board, as the client shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discussion {
    /// Threads by id.
    pub threads: BTreeMap<String, Thread>,
    /// Comments of each thread, oldest first.
    pub comments: BTreeMap<String, Vec<Comment>>,
}

impl Discussion {
    /// Reads the whole document; entries that do not parse are skipped.
    pub fn read<T: ReadTxn>(txn: &T, maps: &Maps) -> Discussion {
        let mut d = Discussion::default();
        for (key, value) in maps.threads.iter(txn) {
            if let Out::Any(Any::String(s)) = value {
                if let Ok(t) = serde_json::from_str::<Thread>(&s) {
                    d.threads.insert(key.to_owned(), t);
                }
            }
        }
        for (_, value) in maps.comments.iter(txn) {
            if let Out::Any(Any::String(s)) = value {
                if let Ok(c) = serde_json::from_str::<Comment>(&s) {
                    d.comments.entry(c.thread.clone()).or_default().push(c);
                }
            }
        }
        for list in d.comments.values_mut() {
            list.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        }
        d
    }

    /// The comments of `thread`, oldest first.
    pub fn of(&self, thread: &str) -> &[Comment] {
        self.comments.get(thread).map_or(&[], Vec::as_slice)
    }
}

fn refuse(code: RefusalCode, reason: &str) -> Refusal {
    Refusal::new(code, reason)
}

fn check_id(id: &str, what: &str) -> Result<(), Refusal> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(refuse(
            RefusalCode::InvalidArgument,
            &format!("A {what} id has 1 to {MAX_ID_CHARS} letters, digits, '-' or '_'."),
        ))
    }
}

fn check_text(text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT_CHARS {
        return Err(refuse(
            RefusalCode::InvalidArgument,
            "A comment has 1 to 10,000 characters.",
        ));
    }
    Ok(text.to_owned())
}

fn check_name(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > crate::workshop::MAX_NAME_CHARS {
        return Err(refuse(
            RefusalCode::InvalidArgument,
            "A name has 1 to 60 characters.",
        ));
    }
    Ok(name.to_owned())
}

fn check_mentions(mentions: Vec<Mention>) -> Result<Vec<Mention>, Refusal> {
    if mentions.len() > MAX_MENTIONS {
        return Err(refuse(
            RefusalCode::InvalidArgument,
            "A comment mentions at most 20 people.",
        ));
    }
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        let name = check_name(&m.name)?;
        if !out.iter().any(|o| o.id == m.id) {
            out.push(Mention { id: m.id, name });
        }
    }
    Ok(out)
}

fn not_found(what: &str) -> Refusal {
    refuse(
        RefusalCode::NotFound,
        &format!("That {what} does not exist (any more)."),
    )
}

/// The changes `command` from `who` makes at server time `now_ms`, or why it is
/// refused. Reads only the entries it concerns (and, to delete, the thread's
/// comments). The caller has already checked that the role may comment.
pub fn plan<T: ReadTxn>(
    txn: &T,
    maps: &Maps,
    command: CommentCommand,
    who: Commenter<'_>,
    now_ms: u64,
) -> Result<Vec<Change>, Refusal> {
    match command {
        CommentCommand::Open {
            thread,
            comment,
            anchor,
            text,
            name,
            mentions,
        } => {
            check_id(&thread, "thread")?;
            check_id(&comment, "comment")?;
            if let Some(element) = anchor.element() {
                check_id(element, "element")?;
            }
            if !anchor.is_finite() {
                return Err(refuse(
                    RefusalCode::InvalidArgument,
                    "A pin needs a finite position.",
                ));
            }
            let (text, name, mentions) = (
                check_text(&text)?,
                check_name(&name)?,
                check_mentions(mentions)?,
            );
            if maps.thread(txn, &thread).is_some() || maps.comment(txn, &comment).is_some() {
                return Err(refuse(
                    RefusalCode::InvalidArgument,
                    "That id is taken; choose another.",
                ));
            }
            Ok(vec![
                Change::PutThread(Thread {
                    id: thread.clone(),
                    anchor,
                    author: who.id.clone(),
                    created_ms: now_ms,
                    resolved: None,
                }),
                Change::PutComment(Comment::new(
                    comment, thread, who.id, name, text, mentions, now_ms,
                )),
            ])
        }
        CommentCommand::Reply {
            thread,
            comment,
            text,
            name,
            mentions,
        } => {
            check_id(&comment, "comment")?;
            let (text, name, mentions) = (
                check_text(&text)?,
                check_name(&name)?,
                check_mentions(mentions)?,
            );
            let mut t = maps
                .thread(txn, &thread)
                .ok_or_else(|| not_found("thread"))?;
            if maps.comment(txn, &comment).is_some() {
                return Err(refuse(
                    RefusalCode::InvalidArgument,
                    "That id is taken; choose another.",
                ));
            }
            let mut changes = Vec::with_capacity(2);
            // A new question in a resolved thread opens it again.
            if t.resolved.take().is_some() {
                changes.push(Change::PutThread(t));
            }
            changes.push(Change::PutComment(Comment::new(
                comment, thread, who.id, name, text, mentions, now_ms,
            )));
            Ok(changes)
        }
        CommentCommand::Edit {
            comment,
            text,
            mentions,
        } => {
            let mut c = maps
                .comment(txn, &comment)
                .ok_or_else(|| not_found("comment"))?;
            if &c.author != who.id {
                return Err(refuse(
                    RefusalCode::Forbidden,
                    "Only its author can edit a comment.",
                ));
            }
            if c.deleted {
                return Err(not_found("comment"));
            }
            c.text = check_text(&text)?;
            c.mentions = check_mentions(mentions)?;
            c.edited_ms = Some(now_ms);
            Ok(vec![Change::PutComment(c)])
        }
        CommentCommand::Delete { comment } => {
            let c = maps
                .comment(txn, &comment)
                .ok_or_else(|| not_found("comment"))?;
            if &c.author != who.id && !who.facilitator {
                return Err(refuse(
                    RefusalCode::Forbidden,
                    "Only its author or a facilitator can delete a comment.",
                ));
            }
            Ok(deletion(txn, maps, c))
        }
        CommentCommand::Resolve { thread, name } => {
            let name = check_name(&name)?;
            let mut t = maps
                .thread(txn, &thread)
                .ok_or_else(|| not_found("thread"))?;
            if t.resolved.is_some() {
                return Ok(Vec::new());
            }
            t.resolved = Some(Resolution {
                by: who.id.clone(),
                name,
                at_ms: now_ms,
            });
            Ok(vec![Change::PutThread(t)])
        }
        CommentCommand::Reopen { thread } => {
            let mut t = maps
                .thread(txn, &thread)
                .ok_or_else(|| not_found("thread"))?;
            if t.resolved.take().is_none() {
                return Ok(Vec::new());
            }
            Ok(vec![Change::PutThread(t)])
        }
    }
}

/// Deleting `c`: a reply goes; an opening comment with live replies stays as a
/// "deleted" marker so the replies keep their context; a thread with nothing
/// left to read goes with its last comment.
fn deletion<T: ReadTxn>(txn: &T, maps: &Maps, c: Comment) -> Vec<Change> {
    let mut siblings: Vec<Comment> = maps
        .comments
        .iter(txn)
        .filter_map(|(_, v)| match v {
            Out::Any(Any::String(s)) => serde_json::from_str::<Comment>(&s).ok(),
            _ => None,
        })
        .filter(|o| o.thread == c.thread)
        .collect();
    siblings.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let opening = siblings.first().is_some_and(|first| first.id == c.id);
    let others_live = siblings.iter().any(|o| o.id != c.id && !o.deleted);
    if !others_live {
        let mut changes: Vec<Change> = siblings
            .into_iter()
            .map(|o| Change::RemoveComment(o.id))
            .collect();
        changes.push(Change::RemoveThread(c.thread));
        return changes;
    }
    if opening {
        let marker = Comment {
            text: String::new(),
            mentions: Vec::new(),
            deleted: true,
            ..c
        };
        return vec![Change::PutComment(marker)];
    }
    vec![Change::RemoveComment(c.id)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    struct Board {
        doc: Doc,
        maps: Maps,
        now: u64,
    }

    impl Board {
        fn new() -> Board {
            let doc = Doc::new();
            let maps = Maps::of(&doc);
            Board { doc, maps, now: 1 }
        }

        fn run(
            &mut self,
            who: &ParticipantId,
            facilitator: bool,
            command: CommentCommand,
        ) -> Result<(), Refusal> {
            self.now += 1;
            let changes = plan(
                &self.doc.transact(),
                &self.maps,
                command,
                Commenter {
                    id: who,
                    facilitator,
                },
                self.now,
            )?;
            self.maps.write(&mut self.doc.transact_mut(), &changes);
            Ok(())
        }

        fn read(&self) -> Discussion {
            Discussion::read(&self.doc.transact(), &self.maps)
        }
    }

    fn open(thread: &str, comment: &str, text: &str) -> CommentCommand {
        CommentCommand::Open {
            thread: thread.into(),
            comment: comment.into(),
            anchor: Anchor::Element {
                id: "note-1".into(),
                dx: 10.0,
                dy: 5.0,
                x: 110.0,
                y: 105.0,
            },
            text: text.into(),
            name: "Ada".into(),
            mentions: vec![],
        }
    }

    fn reply(thread: &str, comment: &str, text: &str, name: &str) -> CommentCommand {
        CommentCommand::Reply {
            thread: thread.into(),
            comment: comment.into(),
            text: text.into(),
            name: name.into(),
            mentions: vec![],
        }
    }

    #[test]
    fn a_thread_opens_takes_replies_resolves_and_reopens_on_a_new_reply() {
        let (ada, bo) = (pid('a'), pid('b'));
        let mut b = Board::new();
        b.run(&ada, false, open("t1", "c1", "  Is this the goal? "))
            .unwrap();
        b.run(&bo, false, reply("t1", "c2", "Yes, @Ada", "Bo"))
            .unwrap();
        let d = b.read();
        let t = &d.threads["t1"];
        assert_eq!(t.author, ada);
        assert_eq!(t.anchor.element(), Some("note-1"));
        let texts: Vec<(&str, &ParticipantId)> = d
            .of("t1")
            .iter()
            .map(|c| (c.text.as_str(), &c.author))
            .collect();
        assert_eq!(texts, [("Is this the goal?", &ada), ("Yes, @Ada", &bo)]);

        b.run(
            &bo,
            false,
            CommentCommand::Resolve {
                thread: "t1".into(),
                name: "Bo".into(),
            },
        )
        .unwrap();
        assert_eq!(b.read().threads["t1"].resolved.as_ref().unwrap().by, bo);
        b.run(&ada, false, reply("t1", "c3", "One more thing", "Ada"))
            .unwrap();
        assert!(b.read().threads["t1"].resolved.is_none(), "a reply reopens");
        b.run(
            &ada,
            false,
            CommentCommand::Resolve {
                thread: "t1".into(),
                name: "Ada".into(),
            },
        )
        .unwrap();
        b.run(
            &bo,
            false,
            CommentCommand::Reopen {
                thread: "t1".into(),
            },
        )
        .unwrap();
        assert!(b.read().threads["t1"].resolved.is_none());
    }

    #[test]
    fn only_the_author_edits_and_only_the_author_or_a_facilitator_deletes() {
        let (ada, bo, coach) = (pid('a'), pid('b'), pid('c'));
        let mut b = Board::new();
        b.run(&ada, false, open("t1", "c1", "Mine")).unwrap();
        b.run(&bo, false, reply("t1", "c2", "Bo's", "Bo")).unwrap();
        let edit = |c: &str| CommentCommand::Edit {
            comment: c.into(),
            text: "changed".into(),
            mentions: vec![],
        };
        let before = b.read();
        assert_eq!(
            b.run(&bo, false, edit("c1")).unwrap_err().code,
            RefusalCode::Forbidden
        );
        assert_eq!(
            b.run(&coach, true, edit("c1")).unwrap_err().code,
            RefusalCode::Forbidden
        );
        let delete = |c: &str| CommentCommand::Delete { comment: c.into() };
        assert_eq!(
            b.run(&bo, false, delete("c1")).unwrap_err().code,
            RefusalCode::Forbidden
        );
        assert_eq!(b.read(), before, "refusals change nothing");

        b.run(&ada, false, edit("c1")).unwrap();
        let c1 = b.read().of("t1")[0].clone();
        assert_eq!(
            (c1.text.as_str(), c1.edited_ms.is_some()),
            ("changed", true)
        );
        b.run(&coach, true, delete("c2")).unwrap();
        assert_eq!(b.read().of("t1").len(), 1, "a facilitator deletes anyone's");
    }

    #[test]
    fn deleting_an_opening_comment_keeps_a_marker_until_its_replies_go() {
        let (ada, bo) = (pid('a'), pid('b'));
        let mut b = Board::new();
        b.run(&ada, false, open("t1", "c1", "Opening")).unwrap();
        b.run(&bo, false, reply("t1", "c2", "Reply", "Bo")).unwrap();
        b.run(
            &ada,
            false,
            CommentCommand::Delete {
                comment: "c1".into(),
            },
        )
        .unwrap();
        let d = b.read();
        assert!(d.of("t1")[0].deleted && d.of("t1")[0].text.is_empty());
        assert_eq!(d.of("t1")[1].text, "Reply");
        b.run(
            &bo,
            false,
            CommentCommand::Delete {
                comment: "c2".into(),
            },
        )
        .unwrap();
        let d = b.read();
        assert!(d.threads.is_empty() && d.comments.is_empty(), "{d:?}");
    }

    #[test]
    fn bad_arguments_are_refused() {
        let ada = pid('a');
        let mut b = Board::new();
        let code = |b: &mut Board, c| b.run(&ada, false, c).unwrap_err().code;
        assert_eq!(
            code(&mut b, open("t/1", "c1", "x")),
            RefusalCode::InvalidArgument
        );
        assert_eq!(
            code(&mut b, open("t1", "c1", "   ")),
            RefusalCode::InvalidArgument
        );
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            code(&mut b, open("t1", "c1", &long)),
            RefusalCode::InvalidArgument
        );
        let nan = CommentCommand::Open {
            thread: "t1".into(),
            comment: "c1".into(),
            anchor: Anchor::Point {
                x: f64::NAN,
                y: 0.0,
            },
            text: "x".into(),
            name: "Ada".into(),
            mentions: vec![],
        };
        assert_eq!(code(&mut b, nan), RefusalCode::InvalidArgument);
        assert_eq!(
            code(&mut b, reply("nope", "c9", "x", "Ada")),
            RefusalCode::NotFound
        );
        b.run(&ada, false, open("t1", "c1", "x")).unwrap();
        assert_eq!(
            code(&mut b, open("t1", "c2", "x")),
            RefusalCode::InvalidArgument,
            "taken"
        );
        assert_eq!(
            code(&mut b, reply("t1", "c1", "x", "Ada")),
            RefusalCode::InvalidArgument
        );
        assert_eq!(b.read().of("t1").len(), 1);
    }

    #[test]
    fn commands_are_plain_json() {
        let json = serde_json::to_value(CommentCommand::Resolve {
            thread: "t1".into(),
            name: "Bo".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"do": "resolve", "thread": "t1", "name": "Bo"})
        );
        let anchor = serde_json::to_value(Anchor::Point { x: 1.0, y: 2.0 }).unwrap();
        assert_eq!(
            anchor,
            serde_json::json!({"on": "point", "x": 1.0, "y": 2.0})
        );
    }
}
