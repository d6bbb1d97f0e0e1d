//! Formatted text, stored as `Y.Text` formatting so that co-typing still
//! merges character by character: bold, italic and strike-through are
//! attributes on characters, a link is an attribute holding its address, and a
//! list is an attribute on the newline that ends a line (Quill's convention,
//! which the Yjs ecosystem shares). The plain string of a text stays what it
//! was, so everything that reads text (fitting type, exports, search) is
//! unchanged; [`read`] gives the lines and spans to draw.
//!
//! Offsets are byte offsets into the plain string, as the document counts
//! them (the client converts from the browser's UTF-16).

use serde::{Deserialize, Serialize};
use yrs::types::text::Diff;
use yrs::types::Attrs;
use yrs::{Any, GetString, Out, ReadTxn, Text, TextRef, TransactionMut};

/// Attribute: bold.
pub const A_BOLD: &str = "bold";
/// Attribute: italic.
pub const A_ITALIC: &str = "italic";
/// Attribute: struck through.
pub const A_STRIKE: &str = "strike";
/// Attribute: a link's address.
pub const A_LINK: &str = "link";
/// Attribute (on a line's newline): the list the line belongs to.
pub const A_LIST: &str = "list";

/// The longest link address kept, in bytes.
pub const MAX_LINK_BYTES: usize = 2000;

/// Character formatting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Marks {
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Struck through.
    pub strike: bool,
}

/// A character mark that can be switched on and off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Bold.
    Bold,
    /// Italic.
    Italic,
    /// Struck through.
    Strike,
}

impl Mark {
    /// Its attribute name.
    pub fn attribute(self) -> &'static str {
        match self {
            Mark::Bold => A_BOLD,
            Mark::Italic => A_ITALIC,
            Mark::Strike => A_STRIKE,
        }
    }

    fn of(self, marks: &Marks) -> bool {
        match self {
            Mark::Bold => marks.bold,
            Mark::Italic => marks.italic,
            Mark::Strike => marks.strike,
        }
    }

    fn set(self, marks: &mut Marks, on: bool) {
        match self {
            Mark::Bold => marks.bold = on,
            Mark::Italic => marks.italic = on,
            Mark::Strike => marks.strike = on,
        }
    }
}

/// A run of text with one formatting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Its characters.
    pub text: String,
    /// Its formatting.
    #[serde(flatten)]
    pub marks: Marks,
    /// The address it links to (only `http`, `https` and `mailto` are kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What kind of list a line is an item of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// A bulleted list.
    Bullet,
    /// A numbered list.
    Ordered,
}

impl ListKind {
    /// Its attribute value.
    pub fn name(self) -> &'static str {
        match self {
            ListKind::Bullet => "bullet",
            ListKind::Ordered => "ordered",
        }
    }

    fn parse(s: &str) -> Option<ListKind> {
        match s {
            "bullet" => Some(ListKind::Bullet),
            "ordered" => Some(ListKind::Ordered),
            _ => None,
        }
    }
}

/// One line of formatted text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Its runs, in order.
    pub spans: Vec<Span>,
    /// The list it is an item of, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<ListKind>,
}

impl Line {
    /// Its characters.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A link address as it may be kept and opened: `http`, `https` or `mailto`,
/// trimmed, without spaces or control characters; `None` otherwise (a
/// `javascript:` address is never a link).
pub fn safe_link(address: &str) -> Option<String> {
    let a = address.trim();
    let lower = a.to_ascii_lowercase();
    let allowed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len());
    (allowed
        && a.len() <= MAX_LINK_BYTES
        && !a.chars().any(|c| c.is_whitespace() || c.is_control()))
    .then(|| a.to_owned())
}

fn flag(attrs: &Attrs, name: &str) -> bool {
    matches!(attrs.get(name), Some(Any::Bool(true)))
}

fn string<'a>(attrs: &'a Attrs, name: &str) -> Option<&'a str> {
    match attrs.get(name) {
        Some(Any::String(s)) => Some(s),
        _ => None,
    }
}

/// The lines of a text with their formatting.
pub fn read<T: ReadTxn>(txn: &T, text: &TextRef) -> Vec<Line> {
    let diffs: Vec<Diff<()>> = text.diff(txn, |_| ());
    let mut lines = vec![Line::default()];
    // Whether the text ends right after a newline (so the last line is empty).
    let mut ends_in_newline = false;
    for d in diffs {
        let Out::Any(Any::String(chunk)) = d.insert else {
            continue;
        };
        let attrs = d.attributes.map(|a| *a).unwrap_or_default();
        let marks = Marks {
            bold: flag(&attrs, A_BOLD),
            italic: flag(&attrs, A_ITALIC),
            strike: flag(&attrs, A_STRIKE),
        };
        let link = string(&attrs, A_LINK).and_then(safe_link);
        let list = string(&attrs, A_LIST).and_then(ListKind::parse);
        for (i, part) in chunk.split('\n').enumerate() {
            if i > 0 {
                // The newline ends the current line and carries its list.
                if let Some(line) = lines.last_mut() {
                    line.list = list;
                }
                lines.push(Line::default());
            }
            if part.is_empty() {
                continue;
            }
            let line = lines.last_mut().expect("at least one line");
            match line.spans.last_mut() {
                Some(last) if last.marks == marks && last.link == link => last.text.push_str(part),
                _ => line.spans.push(Span {
                    text: part.to_owned(),
                    marks,
                    link: link.clone(),
                }),
            }
        }
        ends_in_newline = chunk.ends_with('\n');
    }
    // A list's last item ends with its newline; nothing follows it.
    if ends_in_newline
        && lines.len() > 1
        && lines.last().is_some_and(|l| l.spans.is_empty())
        && lines[lines.len() - 2].list.is_some()
    {
        lines.pop();
    }
    lines
}

/// Whether `lines` carry any formatting (else the plain string says it all).
pub fn is_formatted(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        l.list.is_some()
            || l.spans
                .iter()
                .any(|s| s.marks != Marks::default() || s.link.is_some())
    })
}

/// The attributes that give inserted text exactly `marks` and `link`.
pub fn attrs(marks: Marks, link: Option<&str>) -> Attrs {
    let on = |v: bool| if v { Any::Bool(true) } else { Any::Null };
    let mut a = Attrs::new();
    a.insert(A_BOLD.into(), on(marks.bold));
    a.insert(A_ITALIC.into(), on(marks.italic));
    a.insert(A_STRIKE.into(), on(marks.strike));
    a.insert(
        A_LINK.into(),
        link.and_then(safe_link).map_or(Any::Null, Any::from),
    );
    a
}

/// The formatting of the character before byte `at` (what typing there
/// continues), or of the first one at the start.
pub fn marks_at(lines: &[Line], at: usize) -> (Marks, Option<String>) {
    let mut offset = 0;
    let mut found: Option<&Span> = None;
    'lines: for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            offset += 1;
        }
        for span in &line.spans {
            if found.is_none() || offset < at {
                found = Some(span);
            }
            offset += span.text.len();
            if offset >= at {
                break 'lines;
            }
        }
    }
    found.map_or((Marks::default(), None), |s| (s.marks, s.link.clone()))
}

/// Per character of the plain string, its marks (newlines count as unmarked).
fn marks_per_byte(lines: &[Line]) -> Vec<(usize, usize, Marks)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            offset += 1;
        }
        for span in &line.spans {
            out.push((offset, offset + span.text.len(), span.marks));
            offset += span.text.len();
        }
    }
    out
}

/// Switches `mark` on over bytes `from..to`, or off if all of it has it
/// already (as every editor's bold button does). Nothing for an empty range.
pub fn toggle(txn: &mut TransactionMut, text: &TextRef, from: usize, to: usize, mark: Mark) {
    if from >= to {
        return;
    }
    let lines = read(txn, text);
    let all_on = marks_per_byte(&lines)
        .into_iter()
        .filter(|(a, b, _)| *a < to && *b > from)
        .all(|(_, _, m)| mark.of(&m));
    let mut a = Attrs::new();
    a.insert(
        mark.attribute().into(),
        if all_on { Any::Null } else { Any::Bool(true) },
    );
    text.format(txn, from as u32, (to - from) as u32, a);
}

/// Links bytes `from..to` to `address`, or unlinks them with `None`; an
/// address that is not `http`, `https` or `mailto` is refused (`false`).
pub fn set_link(
    txn: &mut TransactionMut,
    text: &TextRef,
    from: usize,
    to: usize,
    address: Option<&str>,
) -> bool {
    let value = match address {
        Some(a) => match safe_link(a) {
            Some(l) => Any::from(l),
            None => return false,
        },
        None => Any::Null,
    };
    if from < to {
        let mut a = Attrs::new();
        a.insert(A_LINK.into(), value);
        text.format(txn, from as u32, (to - from) as u32, a);
    }
    true
}

/// Makes every line touching bytes `from..=to` an item of `list` (or no list
/// with `None`); if all of them already are, takes them out of it instead.
pub fn toggle_list(
    txn: &mut TransactionMut,
    text: &TextRef,
    from: usize,
    to: usize,
    list: ListKind,
) {
    let plain = text.get_string(txn);
    let lines = read(txn, text);
    // Byte offsets of each line's end (its newline, or the end of the text).
    let mut ends = Vec::new();
    let mut start = 0;
    for (i, line) in plain.split('\n').enumerate() {
        let end = start + line.len();
        if end >= from && start <= to {
            ends.push((i, end));
        }
        start = end + 1;
    }
    let already = ends
        .iter()
        .all(|(i, _)| lines.get(*i).is_some_and(|l| l.list == Some(list)));
    let value = if already {
        Any::Null
    } else {
        Any::from(list.name())
    };
    let total = plain.len();
    // From the end, so earlier offsets stay put when a newline is added.
    for (_, end) in ends.into_iter().rev() {
        let mut a = Attrs::new();
        a.insert(A_LIST.into(), value.clone());
        if end < total {
            text.format(txn, end as u32, 1, a);
        } else if !already {
            // The last line has no newline to carry its list: give it one.
            text.insert_with_attributes(txn, end as u32, "\n", a);
        }
    }
}

/// Writes `lines` into an empty text, with their formatting.
pub fn write(txn: &mut TransactionMut, text: &TextRef, lines: &[Line]) {
    let mut at = 0u32;
    for (i, line) in lines.iter().enumerate() {
        for span in &line.spans {
            text.insert_with_attributes(
                txn,
                at,
                &span.text,
                attrs(span.marks, span.link.as_deref()),
            );
            at += span.text.len() as u32;
        }
        let last = i + 1 == lines.len();
        if !last || line.list.is_some() {
            let mut a = attrs(Marks::default(), None);
            a.insert(
                A_LIST.into(),
                line.list.map_or(Any::Null, |l| Any::from(l.name())),
            );
            text.insert_with_attributes(txn, at, "\n", a);
            at += 1;
        }
    }
}

/// Inserts `chunk` at byte `at` with exactly `marks` and `link` (what typing
/// with the bold button on does).
pub fn insert(
    txn: &mut TransactionMut,
    text: &TextRef,
    at: usize,
    chunk: &str,
    marks: Marks,
    link: Option<&str>,
) {
    text.insert_with_attributes(txn, at as u32, chunk, attrs(marks, link));
}

/// The marks with `mark` switched.
pub fn switched(mut marks: Marks, mark: Mark) -> Marks {
    let on = !mark.of(&marks);
    mark.set(&mut marks, on);
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, Transact, Update};

    fn text_doc(s: &str) -> (Doc, TextRef) {
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        text.insert(&mut doc.transact_mut(), 0, s);
        (doc, text)
    }

    fn span(text: &str, bold: bool) -> Span {
        Span {
            text: text.into(),
            marks: Marks {
                bold,
                ..Marks::default()
            },
            link: None,
        }
    }

    #[test]
    fn bold_toggles_on_and_off_and_reads_back_as_spans() {
        let (doc, text) = text_doc("Wir wachsen schnell");
        toggle(&mut doc.transact_mut(), &text, 4, 11, Mark::Bold);
        let lines = read(&doc.transact(), &text);
        assert_eq!(
            lines,
            vec![Line {
                spans: vec![
                    span("Wir ", false),
                    span("wachsen", true),
                    span(" schnell", false)
                ],
                list: None
            }]
        );
        assert!(is_formatted(&lines));
        assert_eq!(text.get_string(&doc.transact()), "Wir wachsen schnell");
        // All of it bold already: the button takes it off.
        toggle(&mut doc.transact_mut(), &text, 4, 11, Mark::Bold);
        assert!(!is_formatted(&read(&doc.transact(), &text)));
        // Part bold, part not: the button makes all of it bold.
        toggle(&mut doc.transact_mut(), &text, 0, 3, Mark::Bold);
        toggle(&mut doc.transact_mut(), &text, 0, 11, Mark::Bold);
        let lines = read(&doc.transact(), &text);
        assert_eq!(lines[0].spans[0], span("Wir wachsen", true));
    }

    #[test]
    fn typed_text_takes_the_marks_it_is_given_and_the_ones_before_it() {
        let (doc, text) = text_doc("ab");
        let bold = Marks {
            bold: true,
            ..Marks::default()
        };
        insert(&mut doc.transact_mut(), &text, 2, "CD", bold, None);
        insert(
            &mut doc.transact_mut(),
            &text,
            4,
            "e",
            Marks::default(),
            None,
        );
        let lines = read(&doc.transact(), &text);
        assert_eq!(
            lines[0].spans,
            vec![span("ab", false), span("CD", true), span("e", false)]
        );
        assert_eq!(marks_at(&lines, 3).0, bold, "inside the bold run");
        assert_eq!(marks_at(&lines, 4).0, bold, "right after it");
        assert_eq!(marks_at(&lines, 5).0, Marks::default());
        assert_eq!(marks_at(&lines, 0).0, Marks::default());
    }

    #[test]
    fn co_typing_merges_character_by_character_with_formatting() {
        // Two replicas type into the same text at once; one makes a word bold.
        let (a, ta) = text_doc("Idee");
        let b = Doc::new();
        let tb = b.get_or_insert_text("t");
        let sync = |from: &Doc, to: &Doc| {
            let sv = to.transact().state_vector();
            let update = from.transact().encode_state_as_update_v1(&sv);
            to.transact_mut()
                .apply_update(Update::decode_v1(&update).unwrap())
                .unwrap();
        };
        sync(&a, &b);
        toggle(&mut a.transact_mut(), &ta, 0, 4, Mark::Bold);
        tb.insert(&mut b.transact_mut(), 4, "n!");
        insert(
            &mut a.transact_mut(),
            &ta,
            0,
            "Neue ",
            Marks::default(),
            None,
        );
        sync(&a, &b);
        sync(&b, &a);
        let (ra, rb) = (read(&a.transact(), &ta), read(&b.transact(), &tb));
        assert_eq!(ra, rb);
        assert_eq!(ta.get_string(&a.transact()), "Neue Ideen!");
        assert!(ra[0]
            .spans
            .iter()
            .any(|s| s.marks.bold && s.text.starts_with("Idee")));
    }

    #[test]
    fn lists_are_line_attributes_and_the_last_item_gets_a_newline() {
        let (doc, text) = text_doc("Ziele\nmehr Kunden\nweniger Kosten");
        let plain_len = text.get_string(&doc.transact()).len();
        toggle_list(
            &mut doc.transact_mut(),
            &text,
            7,
            plain_len,
            ListKind::Bullet,
        );
        let lines = read(&doc.transact(), &text);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].list, None);
        assert_eq!(lines[1].list, Some(ListKind::Bullet));
        assert_eq!(lines[2].list, Some(ListKind::Bullet));
        assert_eq!(lines[2].text(), "weniger Kosten");
        // Numbered instead; then off again.
        toggle_list(&mut doc.transact_mut(), &text, 7, 8, ListKind::Ordered);
        assert_eq!(
            read(&doc.transact(), &text)[1].list,
            Some(ListKind::Ordered)
        );
        toggle_list(&mut doc.transact_mut(), &text, 7, 8, ListKind::Ordered);
        assert_eq!(read(&doc.transact(), &text)[1].list, None);
    }

    #[test]
    fn only_web_and_mail_links_are_kept() {
        assert_eq!(
            safe_link(" https://example.org/a?b=c "),
            Some("https://example.org/a?b=c".into())
        );
        assert_eq!(
            safe_link("mailto:team@example.org"),
            Some("mailto:team@example.org".into())
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "ftp://x",
            "https://",
            "https://a b",
            "/relative",
        ] {
            assert_eq!(safe_link(bad), None, "{bad}");
        }
        let (doc, text) = text_doc("siehe Website");
        assert!(!set_link(
            &mut doc.transact_mut(),
            &text,
            6,
            13,
            Some("javascript:alert(1)")
        ));
        assert!(set_link(
            &mut doc.transact_mut(),
            &text,
            6,
            13,
            Some("https://tafel.example")
        ));
        let lines = read(&doc.transact(), &text);
        assert_eq!(
            lines[0].spans[1].link.as_deref(),
            Some("https://tafel.example")
        );
        // A forged attribute (a modified client) is not shown as a link.
        let mut a = Attrs::new();
        a.insert(A_LINK.into(), Any::from("javascript:alert(1)"));
        text.format(&mut doc.transact_mut(), 0, 5, a);
        assert_eq!(read(&doc.transact(), &text)[0].spans[0].link, None);
    }

    #[test]
    fn written_lines_read_back_the_same() {
        let lines = vec![
            Line {
                spans: vec![span("Titel", true)],
                list: None,
            },
            Line {
                spans: vec![span("eins", false)],
                list: Some(ListKind::Ordered),
            },
            Line {
                spans: vec![
                    span("zwei ", false),
                    Span {
                        text: "Link".into(),
                        marks: Marks {
                            italic: true,
                            ..Marks::default()
                        },
                        link: Some("https://example.org".into()),
                    },
                ],
                list: Some(ListKind::Ordered),
            },
        ];
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        write(&mut doc.transact_mut(), &text, &lines);
        assert_eq!(read(&doc.transact(), &text), lines);
        assert_eq!(text.get_string(&doc.transact()), "Titel\neins\nzwei Link\n");
    }
}
