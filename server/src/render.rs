//! Drawing SVG to pixels, the one way the server does it: exports and uploaded
//! SVG pictures are read with Tafel's own fonts (Inter, compiled into the
//! binary, never the system's) and with no access to files or the network.

use std::sync::OnceLock;

/// Inter, the font every drawn text is set in.
const INTER_REGULAR: &[u8] = include_bytes!("../assets/fonts/Inter-Regular.ttf");
const INTER_SEMIBOLD: &[u8] = include_bytes!("../assets/fonts/Inter-SemiBold.ttf");

/// How drawings are read: with Tafel's fonts only, and no `href` that is not a
/// data URL, so no drawing (an export, or an uploaded SVG) can read the
/// server's files.
pub fn options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: OnceLock<resvg::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut o = resvg::usvg::Options::default();
        o.image_href_resolver.resolve_string = Box::new(|_, _| None);
        let db = o.fontdb_mut();
        db.load_font_data(INTER_REGULAR.to_vec());
        db.load_font_data(INTER_SEMIBOLD.to_vec());
        db.set_sans_serif_family("Inter");
        o
    })
}

/// `tree` drawn at `scale` pixels per unit, `(w, h)` pixels in all (at least 1
/// each); `None` when no canvas of that size can be made.
pub fn rasterise(
    tree: &resvg::usvg::Tree,
    scale: f64,
    (w, h): (f64, f64),
) -> Option<resvg::tiny_skia::Pixmap> {
    let (pw, ph) = (w.max(1.0) as u32, h.max(1.0) as u32);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(pw, ph)?;
    resvg::render(
        tree,
        resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    Some(pixmap)
}
