//! Small grey image sets and their PCA, the linear autoencoder: centre, project on the
//! top `d` principal components, decode by the transpose and add the mean back.
//!
//! Pixels are intensities in `[0, 1]`; the diffusion sees `x = 2·intensity − 1` (the usual `[−1, 1]`
//! image scale), so that the noise's unit variance meets the pixel variances on the scale of common
//! practice. Readers return an [`InputError`] naming the file or field, never panic.

use std::cell::RefCell;

use nalgebra::DMatrix;

use crate::input::InputError;
use crate::input::limits::{MAX_IMAGES, MAX_RGBA_BYTES, MAX_SIDE, MIN_IMAGES};
use crate::numeric::linalg::{byte_covariance, mean_and_covariance, sorted_eigen};

const MAGIC: &[u8; 8] = b"LDMIMG1\0";
const HEADER: usize = 20;

/// Grey images of one size, intensities in `[0, 1]`, image after image, row after row.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageSet {
    pub width: usize,
    pub height: usize,
    pub intensities: Vec<f32>,
    /// Class labels when the file has them (the digits do).
    pub labels: Option<Vec<u8>>,
}

impl ImageSet {
    pub fn pixels(&self) -> usize {
        self.width * self.height
    }

    pub fn count(&self) -> usize {
        self.intensities.len() / self.pixels()
    }

    pub fn image(&self, i: usize) -> &[f32] {
        &self.intensities[i * self.pixels()..(i + 1) * self.pixels()]
    }

    pub(crate) fn checked(
        width: usize,
        height: usize,
        intensities: Vec<f32>,
        labels: Option<Vec<u8>>,
        field: &str,
    ) -> Result<Self, InputError> {
        let count = intensities.len() / (width * height).max(1);
        if count < MIN_IMAGES {
            return Err(InputError::new(field, format!("holds {count} image(s); at least {MIN_IMAGES} are needed")));
        }
        if count > MAX_IMAGES {
            return Err(InputError::new(field, format!("holds {count} images; at most {MAX_IMAGES} are supported")));
        }
        Ok(ImageSet { width, height, intensities, labels })
    }

    /// Reads the explorer's compact format (`www/data/README.md`), in which the digits ship.
    pub fn from_ldmimg(bytes: &[u8]) -> Result<ImageSet, InputError> {
        let field = "file";
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(InputError::new(field, "is not an image set (the LDMIMG1 header is missing)"));
        }
        let u16_at = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        let count = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        let (width, height, levels, labelled) = (u16_at(12), u16_at(14), u16_at(16), u16_at(18));
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(InputError::new(
                field,
                format!("images of {width}×{height}: each side must be 1 to {MAX_SIDE}"),
            ));
        }
        if levels == 0 || levels > 255 {
            return Err(InputError::new(field, format!("the largest pixel value must be 1 to 255, got {levels}")));
        }
        if labelled > 1 {
            return Err(InputError::new(field, format!("the label flag must be 0 or 1, got {labelled}")));
        }
        let pixels = width * height;
        let expected = count.checked_mul(pixels + labelled).and_then(|body| body.checked_add(HEADER));
        if expected != Some(bytes.len()) {
            return Err(InputError::new(
                field,
                format!(
                    "is {} bytes; {count} images of {width}×{height} need {} (truncated or padded)",
                    bytes.len(),
                    expected.map_or("more than memory holds".into(), |e| e.to_string())
                ),
            ));
        }
        let body = &bytes[HEADER..HEADER + count * pixels];
        if let Some(at) = body.iter().position(|&p| usize::from(p) > levels) {
            return Err(InputError::new(
                field,
                format!(
                    "pixel {} of image {} is {}, above the largest value {levels}",
                    at % pixels,
                    at / pixels,
                    body[at]
                ),
            ));
        }
        let intensities = body.iter().map(|&p| f32::from(p) / levels as f32).collect();
        let labels = (labelled == 1).then(|| bytes[HEADER + count * pixels..].to_vec());
        ImageSet::checked(width, height, intensities, labels, field)
    }

    /// Images decoded by the browser (RGBA, 8 bits a channel), each resized to the size the first
    /// image takes once its longer side is at most [`MAX_SIDE`].
    pub fn from_rgba_images(images: &[(usize, usize, &[u8])]) -> Result<ImageSet, InputError> {
        let Some(&(first_width, first_height, _)) = images.first() else {
            return Err(InputError::new("images", "no image was given"));
        };
        if images.len() > MAX_IMAGES {
            return Err(InputError::new(
                "images",
                format!("{} images; at most {MAX_IMAGES} are supported", images.len()),
            ));
        }
        let (width, height) = fitted_size(first_width, first_height);
        let mut intensities = Vec::with_capacity(images.len() * width * height);
        for (i, &(w, h, rgba)) in images.iter().enumerate() {
            let grey = grey_from_rgba(&format!("images[{i}]"), w, h, rgba)?;
            intensities.extend(resize_area(&grey, w, h, width, height));
        }
        ImageSet::checked(width, height, intensities, None, "images")
    }

    /// One sprite sheet cut into `tile_width × tile_height` tiles, left to right, top to bottom.
    /// Tiles of one flat colour are sheet padding and are dropped.
    pub fn from_sprite_sheet(
        sheet_width: usize,
        sheet_height: usize,
        rgba: &[u8],
        tile_width: usize,
        tile_height: usize,
    ) -> Result<ImageSet, InputError> {
        if tile_width == 0 || tile_height == 0 {
            return Err(InputError::new("tile", "the tile size must be at least 1×1"));
        }
        if !sheet_width.is_multiple_of(tile_width) || !sheet_height.is_multiple_of(tile_height) {
            return Err(InputError::new(
                "tile",
                format!("{tile_width}×{tile_height} tiles do not divide the {sheet_width}×{sheet_height} sheet"),
            ));
        }
        let grey = grey_from_rgba("sheet", sheet_width, sheet_height, rgba)?;
        let (columns, rows) = (sheet_width / tile_width, sheet_height / tile_height);
        if columns * rows > MAX_IMAGES * 4 {
            return Err(InputError::new("tile", format!("{} tiles; use a larger tile", columns * rows)));
        }
        let (width, height) = fitted_size(tile_width, tile_height);
        let mut intensities = Vec::new();
        let mut tile = vec![0.0f32; tile_width * tile_height];
        for row in 0..rows {
            for column in 0..columns {
                for y in 0..tile_height {
                    let start = (row * tile_height + y) * sheet_width + column * tile_width;
                    tile[y * tile_width..(y + 1) * tile_width].copy_from_slice(&grey[start..start + tile_width]);
                }
                if tile.iter().all(|&v| v == tile[0]) {
                    continue;
                }
                intensities.extend(resize_area(&tile, tile_width, tile_height, width, height));
            }
        }
        ImageSet::checked(width, height, intensities, None, "tile")
    }
}

/// The size an image of `width × height` is resized to: unchanged when both sides are at most
/// [`MAX_SIDE`], else scaled so that its longer side is [`MAX_SIDE`] (each side at least 1).
pub fn fitted_size(width: usize, height: usize) -> (usize, usize) {
    let longer = width.max(height);
    if longer <= MAX_SIDE {
        return (width, height);
    }
    let scale = |side: usize| ((side * MAX_SIDE) as f64 / longer as f64).round().max(1.0) as usize;
    (scale(width), scale(height))
}

/// Grey intensities of RGBA pixels: Rec. 709 luma of the stored (sRGB-encoded) values, transparent
/// pixels counted as black.
pub fn grey_from_rgba(field: &str, width: usize, height: usize, rgba: &[u8]) -> Result<Vec<f32>, InputError> {
    if width == 0 || height == 0 {
        return Err(InputError::new(field, "is an empty image (0 pixels)"));
    }
    if rgba.len() > MAX_RGBA_BYTES {
        return Err(InputError::new(field, format!("{width}×{height} pixels is too large to read")));
    }
    if width.checked_mul(height).and_then(|p| p.checked_mul(4)) != Some(rgba.len()) {
        return Err(InputError::new(field, format!("{} bytes do not hold {width}×{height} RGBA pixels", rgba.len())));
    }
    Ok(rgba
        .chunks_exact(4)
        .map(|p| {
            let luma = 0.2126 * f32::from(p[0]) + 0.7152 * f32::from(p[1]) + 0.0722 * f32::from(p[2]);
            (luma * f32::from(p[3]) / (255.0 * 255.0)).clamp(0.0, 1.0)
        })
        .collect())
}

/// Area-average resampling: each output pixel is the mean of the source area it covers (partial
/// pixels weighted by coverage). It preserves the mean intensity and never rings.
pub fn resize_area(source: &[f32], width: usize, height: usize, new_width: usize, new_height: usize) -> Vec<f32> {
    if (width, height) == (new_width, new_height) {
        return source.to_vec();
    }
    let columns = coverage(width, new_width);
    let rows = coverage(height, new_height);
    let mut horizontal = vec![0.0f32; height * new_width];
    for y in 0..height {
        for (x, weights) in columns.iter().enumerate() {
            horizontal[y * new_width + x] = weights.iter().map(|&(i, w)| w * source[y * width + i]).sum();
        }
    }
    let mut out = vec![0.0f32; new_height * new_width];
    for (y, weights) in rows.iter().enumerate() {
        for x in 0..new_width {
            out[y * new_width + x] = weights.iter().map(|&(i, w)| w * horizontal[i * new_width + x]).sum();
        }
    }
    out
}

/// For each of `to` output cells over `from` source cells: the source cells it covers and their
/// weights (summing to 1).
fn coverage(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    let ratio = from as f64 / to as f64;
    (0..to)
        .map(|j| {
            let (start, end) = (j as f64 * ratio, (j + 1) as f64 * ratio);
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).min(from);
            (first..last)
                .map(|i| {
                    let overlap = (end.min(i as f64 + 1.0) - start.max(i as f64)).max(0.0);
                    (i, (overlap / ratio) as f32)
                })
                .filter(|&(_, w)| w > 0.0)
                .collect()
        })
        .collect()
}

/// Pixel value the diffusion sees for an intensity: `2x − 1`, where an 8-bit level (the float
/// nearest `k/255`) means `k/255` itself, as [`signal_covariance`] computes with it.
pub fn to_signal(intensity: f32) -> f64 {
    match as_byte(intensity) {
        Some(k) => 2.0 * f64::from(k) / 255.0 - 1.0,
        None => 2.0 * f64::from(intensity) - 1.0,
    }
}

/// `k` when an intensity is the float nearest `k/255` (an 8-bit image's pixel).
fn as_byte(intensity: f32) -> Option<u8> {
    let k = (intensity * 255.0).round();
    ((0.0..=255.0).contains(&k) && f32::from(k as u8) / 255.0 == intensity).then_some(k as u8)
}

/// The (1/n) covariance of a set's images in the signal scale; `centred` is them in that scale,
/// minus any fixed image. For 8-bit images it is computed exactly from the bytes (`byte_covariance`:
/// four times faster in wasm, where these `P × P` products take most of a set's preparation).
pub fn signal_covariance(set: &ImageSet, centred: &DMatrix<f64>) -> DMatrix<f64> {
    match set.intensities.iter().map(|&x| as_byte(x)).collect::<Option<Vec<u8>>>() {
        Some(bytes) => byte_covariance(&bytes, set.count(), set.pixels(), 2.0 / 255.0),
        None => mean_and_covariance(centred).1,
    }
}

/// The PCA of an image set in the signal scale: the linear autoencoder of every `d` at once.
#[derive(Clone, Debug)]
pub struct ImagePca {
    pub width: usize,
    pub height: usize,
    pub count: usize,
    /// Mean image (signal scale), `P` values.
    pub mean: Vec<f64>,
    /// Eigenvalues of the (1/n) covariance, largest first: the data's variances in the PCA basis.
    pub variances: Vec<f64>,
    /// Principal directions as columns, in the order of `variances`.
    pub components: DMatrix<f64>,
    pub labels: Option<Vec<u8>>,
    /// The training images in the signal scale minus the mean, `n × P`: their coordinates are
    /// computed when asked for, only as many as asked (all `P` would cost `n P²`, about a second
    /// in wasm for 4000 images of 784 pixels, where a sampler needs `d` of them).
    centred: DMatrix<f64>,
    /// The coordinates computed so far: how many per image, and the `n × that` values, row-major.
    coordinates: RefCell<(usize, Vec<f64>)>,
}

impl ImagePca {
    pub fn fit(set: &ImageSet) -> ImagePca {
        let (n, p) = (set.count(), set.pixels());
        let centred = DMatrix::from_fn(n, p, |i, j| to_signal(set.intensities[i * p + j]));
        let mean: Vec<f64> = (0..p).map(|j| centred.column(j).mean()).collect();
        let mut centred = centred;
        for (j, m) in mean.iter().enumerate() {
            centred.column_mut(j).add_scalar_mut(-m);
        }
        let covariance = signal_covariance(set, &centred);
        let (values, components) = sorted_eigen(&covariance);
        let variances = values.iter().map(|&v| v.max(0.0)).collect();
        ImagePca {
            width: set.width,
            height: set.height,
            count: n,
            mean,
            variances,
            components,
            labels: set.labels.clone(),
            centred,
            coordinates: RefCell::new((0, Vec::new())),
        }
    }

    pub fn pixels(&self) -> usize {
        self.width * self.height
    }

    /// The training images' first `d` coordinates, `n × d` (`d ≤ P`). Computed for the next power
    /// of two at least `d` and kept, so that nearby `d` reuse them.
    pub fn training_latents(&self, d: usize) -> Vec<f64> {
        if d == 0 {
            return Vec::new();
        }
        let mut known = self.coordinates.borrow_mut();
        if known.0 < d {
            let width = d.next_power_of_two().min(self.pixels());
            let projected = &self.centred * self.components.columns(0, width);
            *known = (width, projected.transpose().as_slice().to_vec());
        }
        let (width, values) = &*known;
        values.chunks_exact(*width).flat_map(|row| row[..d].iter().copied()).collect()
    }

    /// Intensities of latents (`m × d`, row-major) decoded: `mean + U_d z`, mapped back to `[0, 1]`
    /// scale (not clamped: a sample may leave the range).
    pub fn decode(&self, latents: &[f64], d: usize) -> Vec<f32> {
        let p = self.pixels();
        let mut out = Vec::with_capacity(latents.len() / d * p);
        for z in latents.chunks_exact(d) {
            for j in 0..p {
                let x = self.mean[j] + (0..d).map(|k| self.components[(j, k)] * z[k]).sum::<f64>();
                out.push(((x + 1.0) / 2.0) as f32);
            }
        }
        out
    }

    /// For each latent (`m × d`): the training image whose reconstruction with the same `d`
    /// components is nearest to the latent's decoding, and their RMS pixel distance (intensity
    /// units). Both go through the same autoencoder, so a memorised sample sits at distance ≈ 0
    /// whatever `d` loses; in the PCA basis that distance is the latent one.
    pub fn nearest_training(&self, latents: &[f64], d: usize) -> Vec<(usize, f64)> {
        let training = self.training_latents(d);
        latents.chunks_exact(d).map(|z| self.nearest_among(z, &training, d, None)).collect()
    }

    /// Each of the first `count` training images' distance to the nearest other one, both
    /// reconstructed with `d` components (RMS intensity): the scale against which a sample's
    /// nearest distance reads as memorised or new.
    pub fn training_nearest_distances(&self, count: usize, d: usize) -> Vec<f64> {
        let training = self.training_latents(d);
        (0..count.min(self.count))
            .map(|i| self.nearest_among(&training[i * d..(i + 1) * d], &training, d, Some(i)).1)
            .collect()
    }

    fn nearest_among(&self, z: &[f64], training: &[f64], d: usize, skip: Option<usize>) -> (usize, f64) {
        let (index, squared) = training
            .chunks_exact(d)
            .enumerate()
            .filter(|&(i, _)| Some(i) != skip)
            .map(|(i, c)| (i, z.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum::<f64>()))
            .fold((0, f64::INFINITY), |best, c| if c.1 < best.1 { c } else { best });
        (index, rms_intensity(squared, self.pixels()))
    }
}

/// A squared signal-scale distance over `pixels` pixels as an RMS intensity difference.
fn rms_intensity(squared: f64, pixels: usize) -> f64 {
    (squared / pixels as f64).sqrt() / 2.0
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}
