//! The one drawing of a board as SVG: exports (SVG as is, PNG and PDF from it on
//! the server) and the browser's view of an earlier version use the same
//! picture, so an export looks like the board wherever it is made.
//!
//! Text is laid out here, not by a browser: lines are broken at words with the
//! same width estimate the canvas uses to size note text
//! ([`crate::text::fit_font_size`]), and set in Inter (the font the app serves
//! and the server embeds when it renders).

use crate::edit::connector_ends;
use crate::element::{paint_order, Element, Props};
use crate::geometry::{route_with, smooth_path, Outline, Point, Rect};
use crate::text::fit_font_size;
use std::collections::HashMap;
use std::fmt::Write;

/// Padding inside notes and shapes, as on the canvas.
const PAD: f64 = 12.0;
/// Ink for text and lines without a colour of their own.
const INK: &str = "#1f2328";
/// The family every text is set in.
pub const FONT_FAMILY: &str = "Inter";
/// Space kept around the drawn elements (room for frame titles).
const MARGIN: f64 = 40.0;

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// The board area the picture shows.
    pub area: Rect,
    /// The SVG document.
    pub svg: String,
}

/// The area that shows all of `elements` with a margin; `None` if there are none.
pub fn bounds(elements: &[Element]) -> Option<Rect> {
    Rect::bounding(elements.iter().map(|e| e.base.rect)).map(|r| {
        Rect::new(
            r.x - MARGIN,
            r.y - MARGIN,
            r.w + 2.0 * MARGIN,
            r.h + 2.0 * MARGIN,
        )
    })
}

/// Escapes text for SVG character data and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// `value` if it is a colour an export (or the far-out canvas) may use as is:
/// `#rrggbb` or `transparent`; `fallback` otherwise.
pub fn colour<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    let ok = value == "transparent"
        || (value.len() == 7
            && value.starts_with('#')
            && value[1..].bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        value
    } else {
        fallback
    }
}

/// Breaks `text` into lines that fit `width` at `size` px (same estimate as the
/// canvas: glyphs 0.55 em wide), at spaces where it can, inside words where a
/// word is longer than a line.
pub fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let per_line = ((width / (0.55 * size)).floor() as usize).max(1);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let mut word: Vec<char> = word.chars().collect();
            loop {
                let used = line.chars().count();
                let gap = usize::from(used > 0);
                if used + gap + word.len() <= per_line {
                    if gap == 1 {
                        line.push(' ');
                    }
                    line.extend(word.iter());
                    break;
                }
                if used > 0 {
                    lines.push(std::mem::take(&mut line));
                    continue;
                }
                // A word longer than a line is cut.
                let rest = word.split_off(per_line.min(word.len()));
                lines.push(word.iter().collect());
                word = rest;
                if word.is_empty() {
                    break;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Lines of text centred (or left-aligned at `x`) around the middle of `r`.
fn text_block(out: &mut String, r: Rect, text: &str, size: f64, fill: &str, centred: bool) {
    if text.trim().is_empty() {
        return;
    }
    let lines = wrap(text, (r.w - 2.0 * PAD).max(1.0), size);
    let line_h = 1.3 * size;
    let block_h = lines.len() as f64 * line_h;
    let top = if centred {
        r.y + (r.h - block_h) / 2.0
    } else {
        r.y + 4.0
    };
    let (x, anchor) = if centred {
        (r.x + r.w / 2.0, "middle")
    } else {
        (r.x + 4.0, "start")
    };
    let _ = write!(
        out,
        r#"<text font-size="{}" fill="{fill}" text-anchor="{anchor}">"#,
        n(size)
    );
    for (i, line) in lines.iter().enumerate() {
        // The baseline sits about 0.95 em below the top of a 1.3 em line.
        let y = top + i as f64 * line_h + 0.95 * size;
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">{}</tspan>"#,
            n(x),
            n(y),
            escape(line)
        );
    }
    out.push_str("</text>");
}

fn shape_outline(out: &mut String, r: Rect, outline: Outline, fill: &str, stroke: &str) {
    let style = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="2""#);
    match outline {
        Outline::Rect => {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="6" {style}/>"#,
                n(r.x),
                n(r.y),
                n(r.w),
                n(r.h)
            );
        }
        Outline::Ellipse => {
            let _ = write!(
                out,
                r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}" {style}/>"#,
                n(r.x + r.w / 2.0),
                n(r.y + r.h / 2.0),
                n(r.w / 2.0),
                n(r.h / 2.0)
            );
        }
        Outline::Diamond => {
            let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
            let _ = write!(
                out,
                r#"<polygon points="{},{} {},{} {},{} {},{}" {style}/>"#,
                n(cx),
                n(r.y),
                n(r.right()),
                n(cy),
                n(cx),
                n(r.bottom()),
                n(r.x),
                n(cy)
            );
        }
    }
}

/// Where a drawing finds the pictures of image elements: a file hash to an
/// `href` (a data URL, so the drawing stands alone), or `None` to draw the
/// placeholder.
pub type ImageSource<'a> = &'a dyn Fn(&str) -> Option<String>;

fn element(out: &mut String, e: &Element, all: &HashMap<&str, &Element>, images: ImageSource) {
    let r = e.base.rect;
    let _ = write!(out, r#"<g data-element="{}">"#, escape(&e.base.id));
    match &e.props {
        Props::Frame(p) => {
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="#ffffff" fill-opacity="0.6" stroke="#c9c4b6" stroke-width="1.5"/>"##,
                n(r.x),
                n(r.y),
                n(r.w),
                n(r.h)
            );
            // Inside the frame, as the board shows it: a title never
            // touches the frame above.
            let _ = write!(
                out,
                r##"<text x="{}" y="{}" font-size="14" font-weight="650" fill="#3d424a">{}</text>"##,
                n(r.x + 12.0),
                n(r.y + 24.0),
                escape(&p.title)
            );
            let hint = Rect::new(r.x + 8.0, r.y + 32.0, r.w - 16.0, 60.0);
            text_block(out, hint, &p.hint, 12.0, "#8a8f96", false);
        }
        Props::Sticky(p) => {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>"#,
                n(r.x),
                n(r.y),
                n(r.w),
                n(r.h),
                colour(&p.color, "#ffd43b")
            );
            let size = fit_font_size(&p.text, r.w, r.h, PAD, 26.0, 9.0);
            text_block(out, r, &p.text, size, INK, true);
        }
        Props::Text(p) => {
            let size = if p.size > 0.0 {
                p.size
            } else {
                fit_font_size(&p.text, r.w, r.h, 4.0, 22.0, 9.0)
            };
            text_block(out, r, &p.text, size, colour(&p.stroke, INK), false);
        }
        Props::Shape(p) => {
            shape_outline(
                out,
                r,
                p.outline,
                colour(&p.fill, "transparent"),
                colour(&p.stroke, INK),
            );
            let size = fit_font_size(&p.text, r.w * 0.8, r.h * 0.8, PAD, 22.0, 9.0);
            text_block(out, r, &p.text, size, INK, true);
        }
        Props::Connector(p) => {
            let (a, b) = connector_ends(all, e);
            let route = route_with(a, b, p.route);
            let stroke = colour(&p.stroke, INK);
            let _ = write!(
                out,
                r#"<path d="{}" fill="none" stroke="{stroke}" stroke-width="2"/>"#,
                route.svg_path(Point::default())
            );
            let (left, right) = route.arrowhead(14.0);
            let _ = write!(
                out,
                r#"<polygon points="{},{} {},{} {},{}" fill="{stroke}"/>"#,
                n(route.end.x),
                n(route.end.y),
                n(left.x),
                n(left.y),
                n(right.x),
                n(right.y)
            );
            if !p.text.trim().is_empty() {
                let m = route.midpoint();
                let label = Rect::new(m.x - 100.0, m.y - 12.0, 200.0, 24.0);
                text_block(out, label, &p.text, 14.0, INK, true);
            }
        }
        Props::Pen(p) => {
            let placed = e.pen_on_board();
            if !placed.is_empty() {
                let _ = write!(
                    out,
                    r#"<path d="{}" fill="none" stroke="{}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>"#,
                    smooth_path(&placed),
                    colour(&p.stroke, INK)
                );
            }
        }
        Props::Image(p) => {
            if let Some(href) = images(&p.hash) {
                let (l, t, rt, b) = p.crop_box();
                let _ = write!(
                    out,
                    r#"<svg x="{}" y="{}" width="{}" height="{}" viewBox="{} {} {} {}" preserveAspectRatio="none"><image width="1" height="1" preserveAspectRatio="none" href="{}"/></svg>"#,
                    n(r.x),
                    n(r.y),
                    n(r.w),
                    n(r.h),
                    l,
                    t,
                    rt - l,
                    b - t,
                    escape(&href)
                );
                out.push_str("</g>");
                return;
            }
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#e9ecef" stroke="#adb5bd"/>"##,
                n(r.x),
                n(r.y),
                n(r.w),
                n(r.h)
            );
            text_block(out, r, &p.alt, 14.0, INK, true);
        }
        Props::Unknown => {}
    }
    out.push_str("</g>");
}

/// Draws `elements` (in the canvas's paint order) into an SVG document showing
/// `area` of the board at one pixel per board unit, on the board's background.
pub fn svg(elements: &[Element], area: Rect) -> String {
    svg_with_images(elements, area, &|_| None)
}

/// [`svg`], with the pictures of image elements from `images`.
pub fn svg_with_images(elements: &[Element], area: Rect, images: ImageSource) -> String {
    let all: HashMap<&str, &Element> = elements.iter().map(|e| (e.base.id.as_str(), e)).collect();
    let mut order: Vec<&Element> = elements.iter().collect();
    order.sort_by(|a, b| paint_order(a, b));
    let mut out = String::with_capacity(256 + elements.len() * 200);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="{x} {y} {w} {h}" font-family="{FONT_FAMILY}, sans-serif"><rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#f4f3ee"/>"##,
        x = n(area.x),
        y = n(area.y),
        w = n(area.w),
        h = n(area.h)
    );
    for e in order {
        if e.base.rect.intersects(&area) || e.is_connector() {
            element(&mut out, e, &all, images);
        }
    }
    out.push_str("</svg>");
    out
}

/// The picture of all of `elements`; `None` if there are none.
pub fn picture(elements: &[Element]) -> Option<Picture> {
    let area = bounds(elements)?;
    Some(Picture {
        area,
        svg: svg(elements, area),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::FrameProps;

    #[test]
    fn pictures_are_drawn_cropped_from_their_source_or_as_placeholders() {
        let picture = Element::new(
            "p",
            Rect::new(10.0, 20.0, 300.0, 100.0),
            Props::Image(crate::element::ImageProps {
                hash: "h1".into(),
                alt: "Team <3".into(),
                crop: vec![0.25, 0.0, 1.0, 0.5],
            }),
        );
        let area = Rect::new(0.0, 0.0, 400.0, 200.0);
        let drawn = svg_with_images(std::slice::from_ref(&picture), area, &|hash| {
            (hash == "h1").then(|| "data:image/png;base64,AAAA".to_owned())
        });
        assert!(drawn.contains(r#"<svg x="10" y="20" width="300" height="100" viewBox="0.25 0 0.75 0.5" preserveAspectRatio="none"><image width="1" height="1" preserveAspectRatio="none" href="data:image/png;base64,AAAA"/></svg>"#), "{drawn}");
        let placeholder = svg(std::slice::from_ref(&picture), area);
        assert!(
            !placeholder.contains("<image") && placeholder.contains("Team &lt;3"),
            "{placeholder}"
        );
    }

    #[test]
    fn notes_frames_and_their_text_are_drawn_escaped_and_wrapped() {
        let frame = Element::new(
            "f",
            Rect::new(0.0, 0.0, 600.0, 400.0),
            Props::Frame(FrameProps {
                title: "Vision & <Ziele>".into(),
                hint: "Wohin & warum?".into(),
            }),
        );
        let note = Element::sticky(
            "n",
            Rect::new(20.0, 20.0, 160.0, 160.0),
            "#ffc9c9",
            "Kunden lieben unser Portal, weil es schnell ist",
        );
        let p = picture(&[note, frame]).expect("something to draw");
        assert!(p
            .svg
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(p.svg.contains("Vision &amp; &lt;Ziele&gt;"));
        assert!(
            p.svg.contains("Wohin &amp; warum?"),
            "the guiding questions"
        );
        assert!(p.svg.contains("#ffc9c9"));
        // Frames first, then the note above them.
        assert!(
            p.svg.find("data-element=\"f\"").unwrap() < p.svg.find("data-element=\"n\"").unwrap()
        );
        let lines = p.svg.matches("<tspan").count();
        assert!(lines >= 2, "a long note wraps: {}", p.svg);
        assert_eq!(p.area, Rect::new(-40.0, -40.0, 680.0, 480.0));
    }

    #[test]
    fn wrap_breaks_at_words_and_cuts_long_ones() {
        assert_eq!(wrap("ab cd ef", 0.55 * 10.0 * 5.0, 10.0), ["ab cd", "ef"]);
        assert_eq!(
            wrap("abcdefgh", 0.55 * 10.0 * 3.0, 10.0),
            ["abc", "def", "gh"]
        );
        assert_eq!(wrap("a\n\nb", 100.0, 10.0), ["a", "", "b"]);
    }

    #[test]
    fn bad_colours_fall_back() {
        assert_eq!(colour("#12ab9f", INK), "#12ab9f");
        assert_eq!(colour("red\" onload=\"x", INK), INK);
    }
}
