//! A reader's own data: a list of variances, or a matrix of samples (CSV rows, or a 2-D `.npy`
//! float32/float64 array) whose covariance gives the spectrum. Every rejection says which line or
//! field; nothing here panics on any input (tests/upload.rs feeds it arbitrary bytes).

use nalgebra::DMatrix;

use crate::input::InputError;
use crate::input::limits::{MAX_DIMENSION, MAX_SAMPLE_DIMENSION, MAX_UPLOAD_VALUES};
use crate::numeric::linalg::{mean_and_covariance, sorted_eigenvalues};

/// A rectangular table of numbers, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub rows: usize,
    pub columns: usize,
    pub values: Vec<f64>,
    /// Whether a first row of names was skipped.
    pub header: bool,
}

/// What an upload is read as.
#[derive(Clone, Debug, PartialEq)]
pub enum Upload {
    /// One column or one row: the variances themselves.
    Variances(Vec<f64>),
    /// `rows` samples of `columns` dimensions: the spectrum is their covariance's.
    Samples { rows: usize, columns: usize, spectrum: Vec<f64> },
}

impl Upload {
    /// The spectrum the explorer uses.
    pub fn variances(&self) -> &[f64] {
        match self {
            Upload::Variances(v) => v,
            Upload::Samples { spectrum, .. } => spectrum,
        }
    }
}

/// Reads CSV text in chunks of any size (a worker reports progress between them): numbers
/// separated by commas, semicolons, tabs or spaces, one row per line; blank lines and lines starting
/// with `#` are skipped, and so is a first row made only of names.
#[derive(Default)]
pub struct CsvReader {
    /// The unfinished last line of the text pushed so far.
    pending: String,
    line: usize,
    columns: Option<usize>,
    rows: usize,
    values: Vec<f64>,
    header: bool,
}

impl CsvReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the complete lines of `chunk` (with what was left of the previous one).
    pub fn push(&mut self, chunk: &str) -> Result<(), InputError> {
        self.pending.push_str(chunk);
        let Some(last_newline) = self.pending.rfind('\n') else { return Ok(()) };
        let complete: String = self.pending.drain(..=last_newline).collect();
        // Without its final newline, the complete lines split exactly.
        for line in complete[..last_newline].split('\n') {
            self.read_line(line)?;
        }
        Ok(())
    }

    /// Reads the last line and returns the table.
    pub fn finish(mut self) -> Result<Table, InputError> {
        let last = std::mem::take(&mut self.pending);
        self.read_line(&last)?;
        if self.rows == 0 {
            return Err(InputError::new("file", "holds no numbers"));
        }
        Ok(Table { rows: self.rows, columns: self.columns.unwrap_or(0), values: self.values, header: self.header })
    }

    fn read_line(&mut self, line: &str) -> Result<(), InputError> {
        self.line += 1;
        let line = line.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        // Semicolons between fields and commas within them: a spreadsheet's decimal commas, which
        // splitting on both would turn into twice the columns of wrong numbers.
        if line.contains(';') && line.contains(',') {
            let shown: String = line.chars().take(40).collect();
            return Err(InputError::new(
                format!("line {}", self.line),
                format!(
                    "\"{shown}\" separates fields with semicolons and writes commas within them (decimal commas?); \
                     write numbers with a decimal point, such as 0.25"
                ),
            ));
        }
        let fields: Vec<&str> = line.split([',', ';', '\t', ' ']).filter(|f| !f.is_empty()).collect();
        let at = |field: usize| format!("line {}, field {}", self.line, field + 1);
        let mut row = Vec::with_capacity(fields.len());
        for (i, text) in fields.iter().enumerate() {
            match text.trim_matches('"').parse::<f64>() {
                Ok(v) if v.is_finite() => row.push(v),
                Ok(v) => return Err(InputError::new(at(i), format!("{v} is not allowed: every value must be finite"))),
                Err(_) if self.rows == 0 && !self.header && fields.iter().all(|f| f.parse::<f64>().is_err()) => {
                    // A first row of names only: a header.
                    self.header = true;
                    return Ok(());
                }
                Err(_) => return Err(InputError::new(at(i), format!("\"{text}\" is not a number"))),
            }
        }
        match self.columns {
            None => self.columns = Some(row.len()),
            Some(columns) if columns != row.len() => {
                return Err(InputError::new(
                    format!("line {}", self.line),
                    format!("has {} fields but the first row has {columns}", row.len()),
                ));
            }
            Some(_) => {}
        }
        if self.values.len() + row.len() > MAX_UPLOAD_VALUES {
            return Err(InputError::new(
                format!("line {}", self.line),
                format!("the file holds more than {MAX_UPLOAD_VALUES} numbers"),
            ));
        }
        self.values.extend(row);
        self.rows += 1;
        Ok(())
    }
}

/// Reads a `.npy` file: a 1-D or 2-D array of little-endian float32 or float64, C or Fortran order.
pub fn read_npy(bytes: &[u8]) -> Result<Table, InputError> {
    let bad = |message: String| InputError::new("npy header", message);
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad("the file does not start with the .npy magic string \\x93NUMPY".into()));
    }
    let (header_length, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10usize),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        version => return Err(bad(format!("unknown .npy version {version}"))),
    };
    let data_start = header_start.checked_add(header_length).filter(|&end| end <= bytes.len());
    let data_start = data_start.ok_or_else(|| bad("the header runs past the end of the file".into()))?;
    let header =
        std::str::from_utf8(&bytes[header_start..data_start]).map_err(|_| bad("the header is not text".into()))?;
    let value_of = |key: &str| -> Result<&str, InputError> {
        let start = header.find(&format!("'{key}'")).ok_or_else(|| bad(format!("no '{key}' entry")))?;
        let rest = &header[start + key.len() + 2..];
        let colon = rest.find(':').ok_or_else(|| bad(format!("no value for '{key}'")))?;
        Ok(rest[colon + 1..].trim_start())
    };
    let descr = value_of("descr")?;
    let width = if descr.starts_with("'<f8'") || descr.starts_with("'=f8'") {
        8
    } else if descr.starts_with("'<f4'") || descr.starts_with("'=f4'") {
        4
    } else {
        let shown: String = descr.chars().take(12).collect();
        return Err(bad(format!(
            "dtype {shown}…: only little-endian float32 ('<f4') or float64 ('<f8') arrays are read"
        )));
    };
    let fortran = match value_of("fortran_order")? {
        v if v.starts_with("True") => true,
        v if v.starts_with("False") => false,
        _ => return Err(bad("fortran_order must be True or False".into())),
    };
    let shape_text = value_of("shape")?;
    let inside = shape_text
        .strip_prefix('(')
        .and_then(|rest| rest.find(')').map(|close| &rest[..close]))
        .ok_or_else(|| bad("the shape is not a tuple".into()))?;
    let shape: Vec<usize> = inside
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<u128>() {
            // A whole number too large for this machine's sizes (32 bits in wasm) is over the limit.
            Ok(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            Err(_) => Err(bad(format!("shape entry \"{s}\" is not a whole number"))),
        })
        .collect::<Result<_, _>>()?;
    let (rows, columns) = match shape[..] {
        [length] => (length, 1),
        [rows, columns] => (rows, columns),
        _ => return Err(bad(format!("the array has {} dimensions; a 1-D or 2-D array is needed", shape.len()))),
    };
    let count = rows
        .checked_mul(columns)
        .filter(|&c| c <= MAX_UPLOAD_VALUES)
        .ok_or_else(|| bad(format!("the array holds more than {MAX_UPLOAD_VALUES} numbers")))?;
    if count == 0 {
        return Err(bad("the array is empty".into()));
    }
    let data = &bytes[data_start..];
    if data.len() != count * width {
        return Err(InputError::new(
            "npy data",
            format!("the shape needs {} bytes of data, the file has {}", count * width, data.len()),
        ));
    }
    let mut values = vec![0.0; count];
    for (i, chunk) in data.chunks_exact(width).enumerate() {
        let value = if width == 8 {
            f64::from_le_bytes(chunk.try_into().expect("8 bytes"))
        } else {
            f32::from_le_bytes(chunk.try_into().expect("4 bytes")) as f64
        };
        // Fortran order stores columns one after the other.
        let (row, column) = if fortran { (i % rows, i / rows) } else { (i / columns, i % columns) };
        if !value.is_finite() {
            return Err(InputError::new(
                format!("npy data, row {}, column {}", row + 1, column + 1),
                format!("{value} is not allowed: every value must be finite"),
            ));
        }
        values[row * columns + column] = value;
    }
    Ok(Table { rows, columns, values, header: false })
}

/// A table read as variances (one column or one row) or as samples (rows) whose centred covariance
/// gives the spectrum.
pub fn interpret(table: &Table) -> Result<Upload, InputError> {
    if table.rows == 1 || table.columns == 1 {
        if table.values.len() > MAX_DIMENSION {
            return Err(InputError::new(
                "file",
                format!("holds {} variances; at most {} are supported", table.values.len(), MAX_DIMENSION),
            ));
        }
        // The readers let only finite numbers through; variances must also be ≥ 0.
        if let Some(k) = table.values.iter().position(|&v| v < 0.0) {
            return Err(InputError::new(
                format!("value {}", k + 1),
                format!("a variance cannot be negative, got {}", table.values[k]),
            ));
        }
        return Ok(Upload::Variances(table.values.clone()));
    }
    if table.columns > MAX_SAMPLE_DIMENSION {
        return Err(InputError::new(
            "file",
            format!("samples of {} dimensions; at most {MAX_SAMPLE_DIMENSION} are supported", table.columns),
        ));
    }
    let (_, covariance) = mean_and_covariance(&DMatrix::from_row_slice(table.rows, table.columns, &table.values));
    let spectrum = sorted_eigenvalues(&covariance);
    Ok(Upload::Samples { rows: table.rows, columns: table.columns, spectrum })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn csv(text: &str) -> Result<Table, InputError> {
        let mut reader = CsvReader::new();
        reader.push(text)?;
        reader.finish()
    }

    #[test]
    fn csv_reads_rows_in_any_chunking() {
        let text = "x,y,z\n1, 2, 3\r\n\n# a comment\n4;5;6\n7\t8 9";
        let whole = csv(text).unwrap();
        assert_eq!((whole.rows, whole.columns, whole.header), (3, 3, true));
        assert_eq!(whole.values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        for size in 1..text.len() {
            let mut reader = CsvReader::new();
            for chunk in text.as_bytes().chunks(size) {
                reader.push(std::str::from_utf8(chunk).unwrap()).unwrap();
            }
            assert_eq!(reader.finish().unwrap(), whole, "chunks of {size}");
        }
    }

    #[test]
    fn csv_rejections_name_the_line_and_field() {
        let err = |text: &str| csv(text).unwrap_err();
        assert_eq!(err("1,2\n3,x\n").field, "line 2, field 2");
        assert_eq!(err("1,2\n3\n").field, "line 2");
        assert!(err("1,2\n3\n").message.contains("has 1 fields but the first row has 2"));
        assert_eq!(err("1\nNaN\n").field, "line 2, field 1");
        assert_eq!(err("\n\n").field, "file");
        let comma = err("0,1234;1,5678\n2,5;3,25\n");
        assert_eq!(comma.field, "line 1");
        assert!(comma.message.contains("\"0,1234;1,5678\"") && comma.message.contains("decimal comma"), "{comma}");
    }

    #[test]
    fn variances_and_samples_are_told_apart() {
        let column = csv("0.5\n0.25\n0.125\n").unwrap();
        assert_eq!(interpret(&column).unwrap(), Upload::Variances(vec![0.5, 0.25, 0.125]));
        assert_eq!(interpret(&csv("1, -2, 3").unwrap()).unwrap_err().field, "value 2");
        // Samples ±(1, 0) and ±(0, 2): centred covariance diag(1/2, 2), spectrum (2, 1/2).
        let samples = csv("1,0\n-1,0\n0,2\n0,-2\n").unwrap();
        match interpret(&samples).unwrap() {
            Upload::Samples { rows, columns, spectrum } => {
                assert_eq!((rows, columns), (4, 2));
                assert!((spectrum[0] - 2.0).abs() < 1e-14 && (spectrum[1] - 0.5).abs() < 1e-14, "{spectrum:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn uploads_over_the_limits_are_refused() {
        let wide = Table {
            rows: 2,
            columns: MAX_SAMPLE_DIMENSION + 1,
            values: vec![1.0; 2 * (MAX_SAMPLE_DIMENSION + 1)],
            header: false,
        };
        assert!(interpret(&wide).unwrap_err().message.contains("at most 512 are supported"));
        let long = Table { rows: MAX_DIMENSION + 1, columns: 1, values: vec![1.0; MAX_DIMENSION + 1], header: false };
        assert!(interpret(&long).unwrap_err().message.contains("at most 4096 are supported"));
        // A .npy whose shape claims more numbers than allowed is refused from its header.
        let huge = npy("<f8", false, "(5000000, 2)", &[]);
        assert!(read_npy(&huge).unwrap_err().message.contains("more than 5000000 numbers"));
        // A CSV that grows past the limit stops at the line that crosses it.
        let mut reader = CsvReader::new();
        let row = format!("{}\n", vec!["1"; 1000].join(","));
        let error = (0..=MAX_UPLOAD_VALUES / 1000).find_map(|_| reader.push(&row).err()).unwrap();
        assert_eq!(error.field, format!("line {}", MAX_UPLOAD_VALUES / 1000 + 1));
    }

    /// A `.npy` file as numpy writes it (version 1.0, header padded to 64 bytes).
    pub(crate) fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
        let mut header = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}",
            if fortran { "True" } else { "False" }
        );
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((header.len() as u16).to_le_bytes());
        bytes.extend(header.as_bytes());
        bytes.extend(data);
        bytes
    }

    #[test]
    fn npy_reads_float32_and_float64_in_both_orders() {
        let f64s: Vec<u8> = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let c = read_npy(&npy("<f8", false, "(2, 3)", &f64s)).unwrap();
        assert_eq!((c.rows, c.columns, c.values.clone()), (2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]));
        let f = read_npy(&npy("<f8", true, "(2, 3)", &f64s)).unwrap();
        assert_eq!(f.values, [1.0, 3.0, 5.0, 2.0, 4.0, 6.0]);
        let f32s: Vec<u8> = [0.5f32, 0.25, 0.125].iter().flat_map(|v| v.to_le_bytes()).collect();
        let v = read_npy(&npy("<f4", false, "(3,)", &f32s)).unwrap();
        assert_eq!((v.rows, v.columns, v.values), (3, 1, vec![0.5, 0.25, 0.125]));
    }

    #[test]
    fn npy_rejections_say_what_is_wrong() {
        let f64s: Vec<u8> = [1.0f64, f64::NAN].iter().flat_map(|v| v.to_le_bytes()).collect();
        let err = |bytes: &[u8]| read_npy(bytes).unwrap_err();
        assert!(err(b"PK\x03\x04 not numpy").message.contains("magic"));
        assert!(err(&npy(">f8", false, "(2,)", &f64s)).message.contains("little-endian float32"));
        assert!(err(&npy("<i8", false, "(2,)", &f64s)).message.contains("dtype"));
        assert!(err(&npy("<f8", false, "(2, 1, 1)", &f64s)).message.contains("3 dimensions"));
        assert!(err(&npy("<f8", false, "(3,)", &f64s)).message.contains("needs 24 bytes"));
        // Shapes past any machine's sizes are over the limit, not "not a whole number".
        for shape in ["(1000000000000, 4)", "(99999999999999999999999999,)"] {
            assert!(err(&npy("<f8", false, shape, &f64s)).message.contains("more than 5000000 numbers"), "{shape}");
        }
        assert!(err(&npy("<f8", false, "(2x,)", &f64s)).message.contains("\"2x\" is not a whole number"));
        assert_eq!(err(&npy("<f8", false, "(2,)", &f64s)).field, "npy data, row 2, column 1");
        let mut truncated = npy("<f8", false, "(2,)", &f64s);
        truncated.truncate(20);
        assert!(err(&truncated).message.contains("runs past the end"));
    }
}
