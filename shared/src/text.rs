//! Text editing against a `Y.Text`: the smallest change that turns one string
//! into another (so an edit box can send keystrokes, not whole strings, and two
//! people typing in one note merge), and carrying a caret across someone else's
//! change. Offsets into the document are UTF-8 bytes (yrs' default); the browser
//! counts carets in UTF-16 units, so both are converted here.

/// One contiguous change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    /// Byte offset in the old text where the change starts.
    pub at: usize,
    /// Bytes removed from the old text.
    pub removed: usize,
    /// Text inserted at `at`.
    pub inserted: String,
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
        .min(b.len())
        .min(floor_boundary(b, a.len().min(b.len())))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// The change from `old` to `new`, or `None` if they are equal. `caret`, the
/// byte offset of the caret in `new` after the edit, settles where a change
/// among repeated letters happened ("aa" → "aaa" typed at the start).
pub fn diff(old: &str, new: &str, caret: Option<usize>) -> Option<TextChange> {
    if old == new {
        return None;
    }
    let mut prefix = common_prefix(old, new);
    if let Some(c) = caret {
        // The caret sits after whatever was typed, so the change starts at or before it.
        let insert_len = new.len().saturating_sub(old.len());
        prefix = prefix.min(floor_boundary(
            new,
            c.saturating_sub(insert_len).min(new.len()),
        ));
    }
    let room = old.len().min(new.len()) - prefix;
    let suffix = common_suffix(&old[prefix..], &new[prefix..]).min(room);
    Some(TextChange {
        at: prefix,
        removed: old.len() - prefix - suffix,
        inserted: new[prefix..new.len() - suffix].to_owned(),
    })
}

/// Where a caret at byte `caret` of `old` belongs once `old` became `new` through
/// someone else's change: after the change if it was after it, unmoved if before.
pub fn carry_caret(old: &str, new: &str, caret: usize) -> usize {
    match diff(old, new, None) {
        None => caret,
        Some(c) if caret <= c.at => caret,
        Some(c) if caret >= c.at + c.removed => caret + c.inserted.len() - c.removed,
        Some(c) => c.at + c.inserted.len(),
    }
}

/// Byte offset of a UTF-16 offset (as the browser reports carets).
pub fn utf16_to_byte(s: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += ch.len_utf16();
    }
    s.len()
}

/// UTF-16 offset of a byte offset.
pub fn byte_to_utf16(s: &str, byte: usize) -> usize {
    s[..floor_boundary(s, byte.min(s.len()))]
        .chars()
        .map(char::len_utf16)
        .sum()
}

/// A font size (px) at which `text` fits a box of `w`×`h` with `padding` on each
/// side, from `max` down to `min`: short notes get big type, long ones shrink
/// instead of being cut off. Estimates glyph width as 0.55 em and line height
/// as 1.3 em, which holds for Inter and the usual system fonts.
pub fn fit_font_size(text: &str, w: f64, h: f64, padding: f64, max: f64, min: f64) -> f64 {
    let inner_h = (h - 2.0 * padding).max(1.0);
    let inner_w = (w - 2.0 * padding).max(1.0);
    // A word is only broken when it cannot fit a line even at the smallest size:
    // "Kundenportal" shrinks rather than reading "Kundenpor / tal".
    let longest = text
        .split_whitespace()
        .map(|word| word.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let mut size = max;
    while size > min {
        let word_fits = longest * 0.55 * size <= inner_w;
        if word_fits && text_height(text, w, padding, size) <= inner_h {
            return size;
        }
        size -= 1.0;
    }
    min
}

/// Font sizes offered for text elements (small, medium, large, extra large),
/// as Miro and Excalidraw offer a few steps rather than any number.
pub const TEXT_SIZES: [(&str, f64); 4] = [("s", 16.0), ("m", 24.0), ("l", 36.0), ("xl", 56.0)];

/// The largest font size a text element may have (resizing scales it).
pub const MAX_TEXT_SIZE: f64 = 400.0;

/// The smallest font size a text element may have.
pub const MIN_TEXT_SIZE: f64 = 6.0;

/// Padding around a text element's words, in board units.
pub const TEXT_PAD: f64 = 4.0;

/// The box a text element needs for `text` at `size`: as wide as its longest
/// line, up to 30 em (then lines wrap), and as tall as its lines. Glyphs are
/// estimated at 0.6 em, a little wider than most text sets, so the box holds
/// what the browser draws.
pub fn text_box(text: &str, size: f64) -> (f64, f64) {
    let size = size.clamp(MIN_TEXT_SIZE, MAX_TEXT_SIZE);
    let glyph = 0.6 * size;
    let max_inner = 30.0 * size;
    let longest = text
        .split('\n')
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0) as f64;
    // Room for at least two glyphs, so the caret shows in an empty box.
    let inner_w = (longest * glyph).clamp(2.0 * glyph, max_inner);
    let per_line = (inner_w / glyph).floor().max(1.0) as usize;
    let lines: usize = text
        .split('\n')
        .map(|para| para.chars().count().div_ceil(per_line).max(1))
        .sum();
    (
        (inner_w + 2.0 * TEXT_PAD).ceil(),
        (lines as f64 * 1.3 * size + 2.0 * TEXT_PAD).ceil(),
    )
}

/// The estimated height of `text` set at `size` px in a box `w` wide with
/// `padding` on each side (same estimate as [`fit_font_size`]): lets an edit
/// box centre its text vertically, as the note shows it.
pub fn text_height(text: &str, w: f64, padding: f64, size: f64) -> f64 {
    let inner_w = (w - 2.0 * padding).max(1.0);
    let per_line = (inner_w / (0.55 * size)).floor().max(1.0) as usize;
    let lines: usize = text
        .split('\n')
        .map(|para| para.chars().count().div_ceil(per_line).max(1))
        .sum();
    lines as f64 * 1.3 * size
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn apply(old: &str, c: &TextChange) -> String {
        format!("{}{}{}", &old[..c.at], c.inserted, &old[c.at + c.removed..])
    }

    #[test]
    fn long_words_shrink_the_type_instead_of_breaking() {
        // 136 px inside a 160 px note: twelve letters fit at 20 px, not at 26.
        let size = fit_font_size("Kundenportal", 160.0, 160.0, 12.0, 26.0, 9.0);
        assert!(12.0 * 0.55 * size <= 136.0, "{size}");
        assert!(size >= 20.0, "{size}");
        assert_eq!(fit_font_size("Ja", 160.0, 160.0, 12.0, 26.0, 9.0), 26.0);
    }

    #[test]
    fn typing_deleting_and_replacing() {
        let c = diff("helo", "hello", None).expect("changed");
        assert_eq!(apply("helo", &c), "hello");
        assert_eq!(c.removed, 0);
        let c = diff("hello world", "hello", None).expect("changed");
        assert_eq!((c.at, c.removed, c.inserted.as_str()), (5, 6, ""));
        let c = diff("größe", "grüße", None).expect("changed");
        assert_eq!(apply("größe", &c), "grüße");
        assert_eq!(diff("same", "same", None), None);
    }

    #[test]
    fn the_caret_places_a_change_among_repeated_letters() {
        let at_start = diff("aa", "aaa", Some(1)).expect("changed");
        assert_eq!(at_start.at, 0);
        let at_end = diff("aa", "aaa", Some(3)).expect("changed");
        assert_eq!(at_end.at, 2);
    }

    #[test]
    fn carets_follow_remote_changes_before_them() {
        // Someone typed "big " in front of my caret (after "a "): I stay after "a ".
        assert_eq!(carry_caret("a cat", "a big cat", 5), 9);
        assert_eq!(carry_caret("a cat", "a big cat", 1), 1);
        assert_eq!(carry_caret("a cat", "a cat!", 5), 5);
    }

    #[test]
    fn utf16_offsets_convert_both_ways() {
        let s = "a😀b";
        assert_eq!(utf16_to_byte(s, 3), 5);
        assert_eq!(byte_to_utf16(s, 5), 3);
        assert_eq!(utf16_to_byte(s, 99), s.len());
    }

    #[test]
    fn text_boxes_grow_with_their_text_at_their_size() {
        let (w0, h0) = text_box("", 24.0);
        assert!(
            w0 >= 2.0 * 0.6 * 24.0 && h0 >= 1.3 * 24.0,
            "room for the caret"
        );
        // A longer line: wider, same height; the size stays.
        let (w1, h1) = text_box("Das ist ein längerer Satz", 24.0);
        assert_eq!(w1, (25.0 * 0.6 * 24.0 + 2.0 * TEXT_PAD).ceil());
        assert_eq!(h1, h0);
        // Two lines: taller; the longer decides the width.
        let (w2, h2) = text_box("kurz\nDas ist ein längerer Satz", 24.0);
        assert_eq!(w2, w1);
        assert_eq!(h2, (2.0 * 1.3 * 24.0 + 2.0 * TEXT_PAD).ceil());
        // Past 30 em the line wraps instead of growing on.
        let long = "wort ".repeat(40);
        let (w3, h3) = text_box(&long, 16.0);
        assert_eq!(w3, (30.0 * 16.0 + 2.0 * TEXT_PAD).ceil());
        assert_eq!(
            h3,
            (4.0 * 1.3 * 16.0 + 2.0 * TEXT_PAD).ceil(),
            "200 glyphs, 50 a line"
        );
        // Larger type, larger box.
        let (w4, h4) = text_box("Das ist ein längerer Satz", 56.0);
        assert!(w4 > 2.0 * w1 && h4 > 2.0 * h1);
    }

    #[test]
    fn long_text_gets_smaller_type() {
        let short = fit_font_size("Hi", 160.0, 160.0, 12.0, 28.0, 10.0);
        let long = fit_font_size(&"word ".repeat(40), 160.0, 160.0, 12.0, 28.0, 10.0);
        assert_eq!(short, 28.0);
        assert!(long < short && long >= 10.0);
        let huge = fit_font_size(&"x".repeat(5000), 160.0, 160.0, 12.0, 28.0, 10.0);
        assert_eq!(huge, 10.0, "never below the minimum");
        let one = text_height("Hi", 160.0, 12.0, 20.0);
        assert_eq!(one, 26.0, "one line is 1.3 em");
        assert_eq!(text_height("a\nb", 160.0, 12.0, 20.0), 2.0 * one);
    }

    proptest! {
        #[test]
        fn diff_applied_gives_the_new_text(old in "[ab😀ü ]{0,12}", new in "[ab😀ü ]{0,12}", caret in 0usize..40) {
            let caret = (caret <= new.len() && new.is_char_boundary(caret)).then_some(caret);
            match diff(&old, &new, caret) {
                None => prop_assert_eq!(&old, &new),
                Some(c) => prop_assert_eq!(apply(&old, &c), new),
            }
        }
    }
}
