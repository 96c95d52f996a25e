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
