//! Pictures on boards, sans IO: what an upload is (from its bytes, never its name
//! or declared type), whether it is taken, and the smaller version the canvas
//! draws. Storing them is [`crate::storage`]'s, serving them
//! [`crate::files_http`]'s.
//!
//! SVG is never kept as something a browser would run: the canvas gets it
//! rasterised to PNG here (with no access to files or the network), and the
//! original is only ever served as a sandboxed download.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use tafel_shared::api::{FileInfo, DISPLAY_MAX_PX, SMALL_MAX_PX};
use tafel_shared::pictures::{file_hash, sniff};
use thiserror::Error;

/// The largest picture decoded, in pixels per side: bounds the memory one
/// upload may make the server allocate.
const MAX_SIDE_PX: u32 = 20_000;
/// The most memory one decode may allocate.
const MAX_DECODE_BYTES: u64 = 512 << 20;
/// JPEG quality of downscaled photos: visually lossless on a canvas.
const DISPLAY_JPEG_QUALITY: u8 = 85;

/// Why an upload is not taken.
#[derive(Debug, Error, PartialEq)]
pub enum FileRefusal {
    /// More bytes than one file may have.
    #[error("This file is larger than {} MB, the most one picture may have on this server.", max / (1 << 20))]
    TooLarge {
        /// The limit, in bytes.
        max: u64,
    },
    /// The bytes are not PNG, JPEG, GIF, WebP or SVG.
    #[error("This file is not a picture Tafel takes (PNG, JPEG, GIF, WebP or SVG).")]
    NotImage,
    /// The bytes claim a picture type but do not decode as one.
    #[error("This picture is damaged or too large to open: {0}")]
    Broken(String),
}

/// A picture as the server keeps it: what it is, its bytes, and (when the
/// canvas should not draw the original) the version it draws instead.
#[derive(Debug)]
pub struct Prepared {
    /// Hash, type, size.
    pub info: FileInfo,
    /// The bytes as uploaded.
    pub original: Vec<u8>,
    /// The version for the canvas and exports, with its type, when it differs
    /// from the original (downscaled, or an SVG rasterised).
    pub display: Option<(&'static str, Vec<u8>)>,
    /// The small version ([`SMALL_MAX_PX`]), when the picture is larger.
    pub small: Option<(&'static str, Vec<u8>)>,
}

/// Checks an upload and makes its canvas version. CPU-bound (decoding,
/// scaling): run it off the async workers.
pub fn prepare(original: Vec<u8>, max_bytes: u64) -> Result<Prepared, FileRefusal> {
    let size = original.len() as u64;
    if size > max_bytes {
        return Err(FileRefusal::TooLarge { max: max_bytes });
    }
    let mime = sniff(&original).ok_or(FileRefusal::NotImage)?;
    let (width, height, display, small) = if mime == "image/svg+xml" {
        rasterise_svg(&original)?
    } else {
        raster(&original, mime)?
    };
    Ok(Prepared {
        info: FileInfo {
            hash: file_hash(&original),
            mime: mime.to_owned(),
            width,
            height,
            bytes: size,
        },
        original,
        display,
        small,
    })
}

type Display = Option<(&'static str, Vec<u8>)>;

/// Width, height, canvas version and small version of a picture.
type Versions = (u32, u32, Display, Display);

/// The small version of `picture`, if it is larger than that.
fn small_of(picture: &DynamicImage) -> Result<Display, FileRefusal> {
    if picture.width().max(picture.height()) <= SMALL_MAX_PX {
        return Ok(None);
    }
    let small = picture.resize(
        SMALL_MAX_PX,
        SMALL_MAX_PX,
        image::imageops::FilterType::Triangle,
    );
    Ok(Some(encode(&small)?))
}

fn broken(e: impl std::fmt::Display) -> FileRefusal {
    FileRefusal::Broken(e.to_string())
}

/// Decodes a PNG, JPEG, GIF or WebP (turned upright as its EXIF says) and, when
/// it is larger than [`DISPLAY_MAX_PX`] or needs turning, downscales it.
fn raster(bytes: &[u8], mime: &str) -> Result<Versions, FileRefusal> {
    let format = match mime {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/gif" => ImageFormat::Gif,
        _ => ImageFormat::WebP,
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(broken)?;
    let turned = orientation != image::metadata::Orientation::NoTransforms;
    picture.apply_orientation(orientation);
    let (width, height) = (picture.width(), picture.height());
    if width.max(height) <= DISPLAY_MAX_PX && !turned {
        // Small enough as it is; an animated GIF keeps moving.
        return Ok((width, height, None, small_of(&picture)?));
    }
    let canvas = if width.max(height) > DISPLAY_MAX_PX {
        picture.resize(
            DISPLAY_MAX_PX,
            DISPLAY_MAX_PX,
            image::imageops::FilterType::Triangle,
        )
    } else {
        picture
    };
    Ok((width, height, Some(encode(&canvas)?), small_of(&canvas)?))
}

/// PNG for pictures with transparency, JPEG for the rest (photos).
fn encode(picture: &DynamicImage) -> Result<(&'static str, Vec<u8>), FileRefusal> {
    let mut out = Cursor::new(Vec::new());
    if picture.color().has_alpha() {
        picture
            .write_to(&mut out, ImageFormat::Png)
            .map_err(broken)?;
        Ok(("image/png", out.into_inner()))
    } else {
        let encoder =
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, DISPLAY_JPEG_QUALITY);
        picture
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(broken)?;
        Ok(("image/jpeg", out.into_inner()))
    }
}

/// Rasterises an SVG to PNG at [`DISPLAY_MAX_PX`] on its longer side (small
/// drawings are scaled up: they are vector art).
fn rasterise_svg(bytes: &[u8]) -> Result<Versions, FileRefusal> {
    let tree = resvg::usvg::Tree::from_data(bytes, crate::render::options()).map_err(broken)?;
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    if !(w >= 1.0 && h >= 1.0) {
        return Err(FileRefusal::Broken("the drawing has no size".into()));
    }
    let scale = f64::from(DISPLAY_MAX_PX) / w.max(h);
    let size = ((w * scale).round(), (h * scale).round());
    let pixmap = crate::render::rasterise(&tree, scale, size)
        .ok_or_else(|| FileRefusal::Broken(format!("no {size:?} canvas")))?;
    let png = pixmap.encode_png().map_err(broken)?;
    let small = small_of(&image::load_from_memory(&png).map_err(broken)?)?;
    Ok((
        w.round() as u32,
        h.round() as u32,
        Some(("image/png", png)),
        small,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
        let picture = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                w,
                h,
                image::Rgba([200, 40, 40, 128]),
            ))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([20, 90, 200])))
        };
        let mut out = Cursor::new(Vec::new());
        picture
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode png");
        out.into_inner()
    }

    #[test]
    fn html_named_png_is_refused() {
        let html = b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec();
        assert_eq!(
            prepare(html, 1 << 20).map(|p| p.info),
            Err(FileRefusal::NotImage)
        );
    }

    #[test]
    fn a_png_header_over_garbage_is_broken_not_stored() {
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"<script>alert(1)</script>");
        assert!(matches!(
            prepare(fake, 1 << 20),
            Err(FileRefusal::Broken(_))
        ));
    }

    #[test]
    fn too_large_is_refused_before_decoding() {
        assert_eq!(
            prepare(vec![0; 2049], 2048).map(|p| p.info),
            Err(FileRefusal::TooLarge { max: 2048 })
        );
    }

    #[test]
    fn small_pictures_are_drawn_as_they_are() {
        let bytes = png(300, 200, false);
        let p = prepare(bytes.clone(), 1 << 20).expect("taken");
        assert_eq!((p.info.width, p.info.height), (300, 200));
        assert_eq!(p.info.hash, file_hash(&bytes));
        assert_eq!(p.info.bytes, bytes.len() as u64);
        assert!(p.display.is_none());
    }

    #[test]
    fn large_photos_get_a_downscaled_jpeg_and_transparent_ones_a_png() {
        let p = prepare(png(4000, 1000, false), 64 << 20).expect("taken");
        assert_eq!((p.info.width, p.info.height), (4000, 1000));
        let (mime, small) = p.display.expect("downscaled");
        assert_eq!(mime, "image/jpeg");
        let decoded = image::load_from_memory(&small).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (DISPLAY_MAX_PX, 400));
        let (mime, smaller) = p.small.expect("a small version");
        assert_eq!(mime, "image/jpeg");
        let decoded = image::load_from_memory(&smaller).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (SMALL_MAX_PX, 100));

        let p = prepare(png(1000, 3200, true), 64 << 20).expect("taken");
        let (mime, small) = p.display.expect("downscaled");
        assert_eq!(mime, "image/png");
        let decoded = image::load_from_memory(&small).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (500, DISPLAY_MAX_PX));
        assert!(decoded.color().has_alpha());
    }

    #[test]
    fn svg_is_rasterised_and_cannot_reach_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = dir.path().join("secret.png");
        std::fs::write(&secret, png(10, 10, false)).expect("write");
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="white"/><image href="{}" width="100" height="50"/><script>alert(1)</script></svg>"#,
            secret.display()
        );
        let p = prepare(svg.into_bytes(), 1 << 20).expect("taken");
        assert_eq!(p.info.mime, "image/svg+xml");
        assert_eq!((p.info.width, p.info.height), (100, 50));
        let (mime, raster) = p.display.expect("rasterised");
        assert_eq!(mime, "image/png");
        let decoded = image::load_from_memory(&raster).expect("decodes").to_rgb8();
        assert_eq!(decoded.dimensions(), (DISPLAY_MAX_PX, DISPLAY_MAX_PX / 2));
        // The referenced file (blue) was not drawn: the middle stays white.
        assert_eq!(decoded.get_pixel(800, 400).0, [255, 255, 255]);
    }
}
