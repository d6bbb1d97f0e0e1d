//! Pictures as both sides see them: what a file is, from its first bytes (the
//! server refuses what is not a picture; the client checks before it queues an
//! upload), its name (the hex SHA-256 of its bytes, so the client can name a
//! picture it took offline before the server has it), and the size an image
//! element starts at.

use crate::geometry::Rect;
use sha2::{Digest, Sha256};

/// The longest side, in board units, of a picture as it is first placed.
pub const PLACED_MAX_SIDE: f64 = 480.0;

/// The type of a picture from its first bytes, or `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if looks_like_svg(bytes) {
        Some("image/svg+xml")
    } else {
        None
    }
}

/// Whether the document element of this XML is `<svg`: after an optional byte
/// order mark, XML declaration, comments and doctype, the first tag.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(&bytes[..bytes.len().min(4096)]).or_else(|e| {
        // The cut may fall inside a character; what comes before it decides.
        std::str::from_utf8(&bytes[..e.valid_up_to()])
    }) else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else {
                return false;
            };
            rest = after[end + 2..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else {
                return false;
            };
            rest = after[end + 3..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!") {
            let Some(end) = after.find('>') else {
                return false;
            };
            rest = after[end + 1..].trim_start();
        } else {
            return rest.starts_with("<svg")
                && rest[4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
        }
    }
}

/// Hex SHA-256 of `bytes`: a file's name.
pub fn file_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The size a picture of `width`×`height` pixels is placed at: as it is, unless
/// a side is longer than [`PLACED_MAX_SIDE`], then scaled down to it, keeping
/// its proportions.
pub fn placed_size(width: f64, height: f64) -> (f64, f64) {
    if !(width > 0.0 && height > 0.0) {
        return (PLACED_MAX_SIDE, PLACED_MAX_SIDE * 0.75);
    }
    let scale = (PLACED_MAX_SIDE / width.max(height)).min(1.0);
    ((width * scale).max(8.0), (height * scale).max(8.0))
}

/// Where the whole picture of an image lies on the board: the element shows
/// the part `crop` (fractions `left, top, right, bottom`) of it in `rect`.
pub fn full_extent(rect: Rect, crop: (f64, f64, f64, f64)) -> Rect {
    let (l, t, r, b) = crop;
    let (w, h) = (rect.w / (r - l), rect.h / (b - t));
    Rect::new(rect.x - l * w, rect.y - t * h, w, h)
}

/// Cropping moves an image's edges over its picture, which stays where it is
/// at its scale: the element's new rect (`wanted`, kept within the picture and
/// at least 8 units) and the crop that shows the same picture under it.
pub fn crop_to(rect: Rect, crop: (f64, f64, f64, f64), wanted: Rect) -> (Rect, Vec<f64>) {
    const MIN: f64 = 8.0;
    let full = full_extent(rect, crop);
    let x0 = wanted.x.clamp(full.x, full.right() - MIN);
    let y0 = wanted.y.clamp(full.y, full.bottom() - MIN);
    let x1 = wanted.right().clamp(x0 + MIN, full.right());
    let y1 = wanted.bottom().clamp(y0 + MIN, full.bottom());
    let shown = Rect::new(x0, y0, x1 - x0, y1 - y0);
    let crop = vec![
        (x0 - full.x) / full.w,
        (y0 - full.y) / full.h,
        (x1 - full.x) / full.w,
        (y1 - full.y) / full.h,
    ];
    (shown, crop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"GIF89a...."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            sniff(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- a -->\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("image/svg+xml")
        );
        assert_eq!(sniff(b"<html><body><svg></svg></body></html>"), None);
        assert_eq!(sniff(b"<svgx>"), None);
        assert_eq!(sniff(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn placed_pictures_keep_their_proportions_and_stay_on_screen() {
        assert_eq!(placed_size(4000.0, 2000.0), (480.0, 240.0));
        assert_eq!(placed_size(300.0, 200.0), (300.0, 200.0));
        assert_eq!(placed_size(1000.0, 4000.0), (120.0, 480.0));
        assert_eq!(placed_size(0.0, 10.0), (480.0, 360.0));
    }

    #[test]
    fn cropping_moves_the_edges_over_a_picture_that_stays_put() {
        let rect = Rect::new(100.0, 100.0, 400.0, 200.0);
        // Drag the left edge 100 units right: the left quarter is cut off.
        let (shown, crop) = crop_to(
            rect,
            (0.0, 0.0, 1.0, 1.0),
            Rect::new(200.0, 100.0, 300.0, 200.0),
        );
        assert_eq!(shown, Rect::new(200.0, 100.0, 300.0, 200.0));
        assert_eq!(crop, vec![0.25, 0.0, 1.0, 1.0]);
        // The picture is where it was.
        assert_eq!(full_extent(shown, (0.25, 0.0, 1.0, 1.0)), rect);
        // Dragging past the picture's edge stops at it.
        let (shown, crop) = crop_to(
            shown,
            (0.25, 0.0, 1.0, 1.0),
            Rect::new(0.0, 50.0, 600.0, 400.0),
        );
        assert_eq!(shown, rect);
        assert_eq!(crop, vec![0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn a_file_is_named_by_the_sha256_of_its_bytes() {
        assert_eq!(
            file_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(crate::api::is_file_hash(&file_hash(b"")));
    }
}
