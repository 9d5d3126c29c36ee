//! Images are decoded and encoded again before anyone sees them: whatever else the file held
//! (EXIF with a GPS position, a script after the picture data, a second format's header) is
//! gone, and a picture too large to decode safely is refused. A thumbnail is made once.

use std::io::{BufWriter, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::domain::attachments::{self, FileType, MAX_IMAGE_PIXELS, THUMBNAIL_EDGE};

/// Memory one decode may take.
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// A picture as it will be kept.
#[derive(Debug)]
pub struct Cleaned {
    pub ty: FileType,
    pub width: u32,
    pub height: u32,
    /// Bytes of the thumbnail written, when the picture is larger than one.
    pub thumbnail: Option<u64>,
}

/// Why an image was refused.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("the image is larger than {} megapixels", MAX_IMAGE_PIXELS / 1_000_000)]
    TooManyPixels,
    #[error("the image could not be read: {0}")]
    Unreadable(String),
}

/// Decodes `src` (turned upright by its orientation) and writes it to `dest` (JPEG stays
/// JPEG; the rest become PNG, the first frame of an animation) and, when larger than a
/// thumbnail, a thumbnail to `thumb`. Blocking: run it off the async threads.
pub fn clean(src: &Path, source: FileType, dest: &Path, thumb: &Path) -> Result<Cleaned, Unusable> {
    let unreadable = |e: &dyn std::fmt::Display| Unusable::Unreadable(e.to_string());
    let mut reader = ImageReader::open(src).map_err(|e| unreadable(&e))?;
    reader.set_format(format_of(source).ok_or_else(|| unreadable(&"not an image"))?);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(Unusable::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(|e| unreadable(&e))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e))?;
    picture.apply_orientation(orientation);
    let ty = match source == attachments::JPEG {
        true => attachments::JPEG,
        false => attachments::PNG,
    };
    write(&picture, ty, dest).map_err(|e| unreadable(&e))?;
    let thumbnail = match picture.width() > THUMBNAIL_EDGE || picture.height() > THUMBNAIL_EDGE {
        true => {
            let small = picture.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE);
            Some(write(&small, ty, thumb).map_err(|e| unreadable(&e))?)
        }
        false => None,
    };
    Ok(Cleaned {
        ty,
        width: picture.width(),
        height: picture.height(),
        thumbnail,
    })
}

fn format_of(ty: FileType) -> Option<ImageFormat> {
    ImageFormat::from_mime_type(ty.mime)
}

/// Writes a picture as `ty` to a new private file; its size.
fn write(picture: &DynamicImage, ty: FileType, dest: &Path) -> anyhow::Result<u64> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)?;
    let mut out = BufWriter::new(file);
    match ty == attachments::JPEG {
        true => {
            let rgb = DynamicImage::ImageRgb8(picture.to_rgb8());
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))?;
        }
        false => picture.write_to(&mut out, ImageFormat::Png)?,
    }
    out.flush()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}
