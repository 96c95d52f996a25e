//! Image-set files a reader can drop, told apart by their first bytes: the explorer's own
//! `LDMIMG1` format (`www/data/README.md`) and the IDX format of MNIST and Fashion-MNIST
//! (`*-idx3-ubyte` images, with an optional `*-idx1-ubyte` of labels), each gzipped or not.
//! Every rejection names its file; nothing here panics on any bytes (tests/upload.rs fuzzes it).

use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_with_limit};

use crate::images::set::{ImageSet, fitted_size, resize_area};
use crate::input::InputError;
use crate::input::limits::{MAX_IMAGES, MAX_UNPACKED_BYTES};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// IDX: two zero bytes, the element type (0x08: unsigned bytes), the number of dimensions.
const IDX_IMAGES: [u8; 4] = [0, 0, 0x08, 3];
const IDX_LABELS: [u8; 4] = [0, 0, 0x08, 1];

/// An image set from a file's bytes, and class labels from a second file (IDX labels) if given.
pub fn read_image_set(bytes: &[u8], labels: Option<&[u8]>) -> Result<ImageSet, InputError> {
    let bytes = gunzipped("file", bytes)?;
    let labels = labels.map(|l| gunzipped("labels", l)).transpose()?;
    if bytes.starts_with(b"LDMIMG1\0") {
        if labels.is_some() {
            return Err(InputError::new("labels", "an LDMIMG1 file carries its own labels; drop it alone"));
        }
        return ImageSet::from_ldmimg(&bytes);
    }
    if bytes.starts_with(&IDX_IMAGES) {
        return from_idx(&bytes, labels.as_deref());
    }
    if bytes.starts_with(&IDX_LABELS) {
        return Err(InputError::new("file", "holds IDX labels, not images: drop it together with its images file"));
    }
    Err(InputError::new(
        "file",
        "is not an image set: expected an LDMIMG1 file or IDX images (*-idx3-ubyte), gzipped or not",
    ))
}

/// The bytes themselves, or unpacked when they are gzipped (at most [`MAX_UNPACKED_BYTES`]).
fn gunzipped<'a>(field: &str, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>, InputError> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes.into());
    }
    let damaged = |why: &str| InputError::new(field, format!("is a damaged gzip file ({why})"));
    let (body, trailer) = gzip_member(bytes).ok_or_else(|| damaged("its header is cut short"))?;
    let out = decompress_to_vec_with_limit(body, MAX_UNPACKED_BYTES).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => InputError::new(
            field,
            format!("unpacks to more than {} MB; at most that is read", MAX_UNPACKED_BYTES >> 20),
        ),
        _ => damaged("its compressed data are invalid or cut short"),
    })?;
    // Deflate alone does not notice a changed literal: the trailer's CRC-32 and size do.
    if trailer != Some((crc32(&out), out.len() as u32)) {
        return Err(damaged("its checksum or size does not match its data"));
    }
    Ok(out.into())
}

/// A gzip trailer: the CRC-32 of the unpacked bytes and their count mod 2³².
type Trailer = (u32, u32);

/// A gzip member's deflate stream (RFC 1952: a 10-byte header, then the optional extra field,
/// name, comment and header CRC its flags announce) and the CRC-32 and unpacked size (mod 2³²)
/// its trailer states.
fn gzip_member(bytes: &[u8]) -> Option<(&[u8], Option<Trailer>)> {
    let flags = *bytes.get(3)?;
    let mut at = 10usize;
    if flags & 0x04 != 0 {
        let extra = usize::from(u16::from_le_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
        at += 2 + extra;
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            at += bytes.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & 0x02 != 0 {
        at += 2;
    }
    let body = bytes.get(at..)?;
    let trailer = (body.len() >= 8).then(|| {
        let word = |from: usize| u32::from_le_bytes([body[from], body[from + 1], body[from + 2], body[from + 3]]);
        (word(body.len() - 8), word(body.len() - 4))
    });
    Some((body, trailer))
}

/// The CRC-32 of gzip (reflected polynomial 0xEDB88320), by a 256-entry table built per call:
/// crc32fast's sixteen tables would add about 10 KB to the image module for a check that runs
/// once per file.
fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|byte| (0..8).fold(byte, |c, _| if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 }))
        .collect();
    !bytes.iter().fold(!0u32, |c, &b| table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8))
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
}

/// IDX images (big-endian header: magic, count, rows, columns; then one byte a pixel, 0..255),
/// resized like any picture when a side is over the limit.
fn from_idx(bytes: &[u8], labels: Option<&[u8]>) -> Result<ImageSet, InputError> {
    let field = "file";
    if bytes.len() < 16 {
        return Err(InputError::new(field, format!("is {} bytes, shorter than an IDX header (16)", bytes.len())));
    }
    let (count, height, width) = (u32_at(bytes, 4), u32_at(bytes, 8), u32_at(bytes, 12));
    if width == 0 || height == 0 {
        return Err(InputError::new(field, format!("holds images of {width}×{height} pixels")));
    }
    if count > MAX_IMAGES {
        return Err(InputError::new(
            field,
            format!("holds {count} images; at most {MAX_IMAGES} are supported (take a test file or a subset)"),
        ));
    }
    let pixels = width.saturating_mul(height);
    let expected = count.saturating_mul(pixels).saturating_add(16);
    if bytes.len() != expected {
        return Err(InputError::new(
            field,
            format!(
                "is {} bytes; {count} images of {width}×{height} need {expected} (truncated or padded)",
                bytes.len()
            ),
        ));
    }
    let labels = labels.map(|l| idx_labels(l, count)).transpose()?;
    let (fitted_width, fitted_height) = fitted_size(width, height);
    let mut intensities = Vec::with_capacity(count * fitted_width * fitted_height);
    for image in bytes[16..].chunks_exact(pixels) {
        let grey: Vec<f32> = image.iter().map(|&p| f32::from(p) / 255.0).collect();
        intensities.extend(resize_area(&grey, width, height, fitted_width, fitted_height));
    }
    ImageSet::checked(fitted_width, fitted_height, intensities, labels, field)
}

/// IDX labels (magic, count; one byte a label), as many as there are images.
fn idx_labels(bytes: &[u8], images: usize) -> Result<Vec<u8>, InputError> {
    let field = "labels";
    if !bytes.starts_with(&IDX_LABELS) || bytes.len() < 8 {
        return Err(InputError::new(field, "is not an IDX labels file (*-idx1-ubyte)"));
    }
    let count = u32_at(bytes, 4);
    if count != images || bytes.len() != 8 + count {
        return Err(InputError::new(
            field,
            format!("holds {} labels in {} bytes; the images file holds {images} images", count, bytes.len()),
        ));
    }
    Ok(bytes[8..].to_vec())
}
