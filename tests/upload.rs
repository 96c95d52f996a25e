//! The upload readers never panic, whatever the bytes (a fuzz of arbitrary input with proptest), and
//! what they accept is what was written.
#![cfg(not(target_arch = "wasm32"))]

use ldm_explorer::files::{CsvReader, Upload, interpret, read_npy};
use proptest::prelude::*;

fn npy_with(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic_the_npy_reader(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(table) = read_npy(&bytes) {
            let _ = interpret(&table);
        }
        // The same bytes behind a valid magic string and version.
        let mut framed = b"\x93NUMPY\x01\x00".to_vec();
        framed.extend(&bytes);
        if let Ok(table) = read_npy(&framed) {
            let _ = interpret(&table);
        }
    }

    #[test]
    fn arbitrary_headers_never_panic_the_npy_reader(
        header in "\\{'descr': '[<>=|]?[fi][48]', 'fortran_order': (True|False|x), 'shape': \\(?[0-9, ]{0,12}\\)?, \\}",
        data in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        if let Ok(table) = read_npy(&npy_with(&header, &data)) {
            prop_assert_eq!(table.values.len(), table.rows * table.columns);
            prop_assert!(table.values.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_csv_reader(text in ".{0,400}", cut in 1usize..50) {
        let mut reader = CsvReader::new();
        let mut failed = false;
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(cut) {
            if reader.push(&chunk.iter().collect::<String>()).is_err() {
                failed = true;
                break;
            }
        }
        if !failed && let Ok(table) = reader.finish() {
            prop_assert_eq!(table.values.len(), table.rows * table.columns);
            let _ = interpret(&table);
        }
    }

    #[test]
    fn numbers_written_as_csv_are_read_back(rows in proptest::collection::vec(proptest::collection::vec(-1e6f64..1e6, 3), 1..20)) {
        let text: String = rows.iter().map(|r| r.iter().map(|v| format!("{v}")).collect::<Vec<_>>().join(",") + "\n").collect();
        let mut reader = CsvReader::new();
        reader.push(&text).unwrap();
        let table = reader.finish().unwrap();
        prop_assert_eq!(table.values, rows.concat());
    }
}

#[test]
fn a_spectrum_file_is_read_as_variances() {
    let mut reader = CsvReader::new();
    reader.push("variance\n1\n0.5\n0.25\n").unwrap();
    let table = reader.finish().unwrap();
    assert!(table.header);
    assert_eq!(interpret(&table).unwrap(), Upload::Variances(vec![1.0, 0.5, 0.25]));
}

// ---------- image-set files: LDMIMG1 and IDX, gzipped or not ----------

use std::io::Write;

use ldm_explorer::images::formats::read_image_set;
use ldm_explorer::images::set::ImageSet;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// IDX images: the big-endian header, then the pixels.
fn idx_images(count: u32, height: u32, width: u32, pixels: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, 3];
    for v in [count, height, width] {
        bytes.extend(v.to_be_bytes());
    }
    bytes.extend(pixels);
    bytes
}

fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, 1];
    bytes.extend((labels.len() as u32).to_be_bytes());
    bytes.extend(labels);
    bytes
}

fn shipped_fashion() -> &'static [u8] {
    include_bytes!("../www/data/fashion-mnist.ldmimg.gz")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic_the_image_reader(
        start in prop_oneof![Just(vec![]), Just(vec![0x1f, 0x8b, 8]), Just(vec![0, 0, 8, 3]), Just(b"LDMIMG1\0".to_vec())],
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        labels in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
    ) {
        let file = [start, bytes].concat();
        let _ = read_image_set(&file, labels.as_deref());
    }

    #[test]
    fn any_cut_or_flipped_byte_of_a_gzipped_idx_file_is_an_error_or_the_same_images(
        cut in 0usize..400, flip in 0usize..400, bit in 0u8..8,
    ) {
        let pixels: Vec<u8> = (0..3 * 4 * 5).map(|i| (i * 37 % 256) as u8).collect();
        let file = gzip(&idx_images(3, 4, 5, &pixels));
        let whole = read_image_set(&file, None).unwrap();
        let _ = read_image_set(&file[..cut.min(file.len())], None);
        let mut flipped = file.clone();
        let at = flip % flipped.len();
        flipped[at] ^= 1 << bit;
        // A flip the reader accepts (the header's time or OS, say) left the images as they were.
        if let Ok(set) = read_image_set(&flipped, None) {
            prop_assert_eq!(set, whole.clone(), "byte {} flipped", at);
        }
    }
}

#[test]
fn idx_images_are_read_with_their_labels_gzipped_or_not() {
    let pixels: Vec<u8> = (0..3 * 4 * 5).map(|i| (i * 37 % 256) as u8).collect();
    let images = idx_images(3, 4, 5, &pixels);
    let labels = idx_labels(&[7, 0, 9]);
    let plain = read_image_set(&images, Some(&labels)).unwrap();
    assert_eq!((plain.count(), plain.width, plain.height), (3, 5, 4));
    assert_eq!(plain.labels.as_deref(), Some(&[7, 0, 9][..]));
    // Row-major, a pixel's intensity is its byte over 255.
    assert_eq!(plain.image(1)[2], f32::from(pixels[20 + 2]) / 255.0);
    assert_eq!(read_image_set(&gzip(&images), Some(&gzip(&labels))).unwrap(), plain);
    assert_eq!(read_image_set(&images, None).unwrap().labels, None);
}

#[test]
fn large_idx_images_are_resized_like_pictures() {
    // 64×48 images become 32×24 by area averaging: a 2×2 block's mean.
    let pixels: Vec<u8> = (0..2 * 64 * 48).map(|i| (i % 251) as u8).collect();
    let set = read_image_set(&idx_images(2, 48, 64, &pixels), None).unwrap();
    assert_eq!((set.width, set.height), (32, 24));
    let block = [pixels[0], pixels[1], pixels[64], pixels[65]].iter().map(|&p| f32::from(p) / 255.0).sum::<f32>() / 4.0;
    assert!((set.image(0)[0] - block).abs() < 1e-6);
}

#[test]
fn broken_idx_and_gzip_files_say_what_is_wrong() {
    let images = idx_images(2, 2, 2, &[0; 8]);
    type Case = (Vec<u8>, Option<Vec<u8>>, &'static str);
    let cases: Vec<Case> = vec![
        (images[..20].to_vec(), None, "file: is 20 bytes; 2 images of 2×2 need 24 (truncated or padded)"),
        (idx_images(0, 2, 2, &[]), None, "file: holds 0 image(s); at least 2 are needed"),
        (idx_images(2, 0, 2, &[]), None, "file: holds images of 2×0 pixels"),
        (
            idx_images(60_000, 28, 28, &[]),
            None,
            "file: holds 60000 images; at most 10000 are supported (take a test file or a subset)",
        ),
        (
            images.clone(),
            Some(idx_labels(&[1, 2, 3])),
            "labels: holds 3 labels in 11 bytes; the images file holds 2 images",
        ),
        (images.clone(), Some(vec![1, 2, 3]), "labels: is not an IDX labels file (*-idx1-ubyte)"),
        (idx_labels(&[1, 2]), None, "file: holds IDX labels, not images: drop it together with its images file"),
        (
            b"P5 2 2 255".to_vec(),
            None,
            "file: is not an image set: expected an LDMIMG1 file or IDX images (*-idx3-ubyte), gzipped or not",
        ),
        (
            gzip(&images)[..15].to_vec(),
            None,
            "file: is a damaged gzip file (its compressed data are invalid or cut short)",
        ),
        (corrupted_literal(), None, "file: is a damaged gzip file (its checksum or size does not match its data)"),
        (vec![0x1f, 0x8b, 8, 0], None, "file: is a damaged gzip file (its header is cut short)"),
    ];
    for (file, labels, expected) in cases {
        let error = read_image_set(&file, labels.as_deref()).expect_err(expected);
        assert_eq!(error.to_string(), expected);
    }
}

/// A gzipped file whose stored data (no compression) has one pixel changed: deflate reads it.
fn corrupted_literal() -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    encoder.write_all(&idx_images(2, 2, 2, &[0; 8])).unwrap();
    let mut file = encoder.finish().unwrap();
    let at = file.len() - 9;
    file[at] ^= 1;
    file
}

#[test]
fn a_gzip_bomb_is_refused_before_it_fills_memory() {
    let bomb = gzip(&vec![0u8; ldm_explorer::input::limits::MAX_UNPACKED_BYTES + 1]);
    let error = read_image_set(&bomb, None).unwrap_err();
    assert_eq!(error.to_string(), "file: unpacks to more than 64 MB; at most that is read");
}

#[test]
fn the_shipped_fashion_subset_is_the_first_4000_test_images() {
    let set = read_image_set(shipped_fashion(), None).unwrap();
    assert_eq!((set.count(), set.width, set.height), (4000, 28, 28));
    // The Fashion-MNIST test set's first labels: ankle boot, pullover, trouser, trouser, shirt.
    let labels = set.labels.as_ref().expect("labelled");
    assert_eq!(&labels[..5], &[9, 2, 1, 1, 6]);
    let counts: Vec<usize> = (0..10).map(|c| labels.iter().filter(|&&l| l == c).count()).collect();
    assert_eq!(counts.iter().sum::<usize>(), 4000);
    assert!(counts.iter().all(|&c| (370..=420).contains(&c)), "{counts:?}");
    // The same images written as IDX and gzipped read back identically.
    let bytes: Vec<u8> = set.intensities.iter().map(|&v| (v * 255.0).round() as u8).collect();
    let again = read_image_set(&gzip(&idx_images(4000, 28, 28, &bytes)), Some(&idx_labels(labels))).unwrap();
    assert_eq!(again, ImageSet { ..set });
}
