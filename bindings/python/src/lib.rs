//! `mpp_core._native`: the compiled half of the Python package. It reads with
//! `mpp-core`, writes with `mpp-xml` and hands the model to Python as its serde
//! JSON; the typed Python classes in `python/mpp_core/__init__.py` wrap that.
//! No parsing or formatting of its own lives here.

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    mpp_core,
    MppError,
    PyException,
    "Base class of every error raised for a file that could not be read; `.code` is the core's error code."
);
create_exception!(
    mpp_core,
    PasswordProtectedError,
    MppError,
    "The file needs a password to open (its content is encrypted)."
);
create_exception!(
    mpp_core,
    UnsupportedVersionError,
    MppError,
    "A Project file of a version (or a format) this reader does not handle."
);
create_exception!(
    mpp_core,
    CorruptFileError,
    MppError,
    "Not a Project file, or a Project file whose structure is damaged."
);
create_exception!(
    mpp_core,
    TooLargeError,
    MppError,
    "The input is larger than the reader's size limit."
);

/// Maps the core's error to the Python hierarchy, keeping its stable code.
fn to_py_err(py: Python<'_>, err: mpp_core::Error) -> PyErr {
    let code = err.code();
    let msg = err.to_string();
    let pyerr = match err {
        // Files that cannot be opened at all are the OS's errors (FileNotFoundError ...).
        mpp_core::Error::Io(io) => return PyErr::from(io),
        mpp_core::Error::PasswordProtected(_) => PasswordProtectedError::new_err(msg),
        mpp_core::Error::UnsupportedVersion(_) => UnsupportedVersionError::new_err(msg),
        mpp_core::Error::NotCompoundFile(_)
        | mpp_core::Error::NotProjectFile(_)
        | mpp_core::Error::Corrupt { .. } => CorruptFileError::new_err(msg),
        mpp_core::Error::TooLarge { .. } => TooLargeError::new_err(msg),
        _ => MppError::new_err(msg),
    };
    // Setting an attribute on a fresh exception instance cannot fail in practice.
    let _ = pyerr.value(py).setattr("code", code);
    pyerr
}

/// Reads either format from bytes. `.mpp` today; MSPDI `.xml` input is
/// recognised and refused until `mpp-xml` can read it, when the one marked
/// line below becomes the reader's call.
fn read_any(data: &[u8]) -> Result<mpp_core::Project, mpp_core::Error> {
    if looks_like_xml(data) {
        // MSPDI reader: replace with `mpp_xml::read(data)` once it lands.
        return Err(mpp_core::Error::UnsupportedVersion(
            "MSPDI XML input is not supported yet".into(),
        ));
    }
    mpp_core::read_slice(data)
}

/// An XML document starts with `<` after an optional BOM and whitespace;
/// a compound file starts with its fixed signature, never with `<`.
fn looks_like_xml(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    data.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

/// Reads a file, holding it to the core's size limit before loading it.
fn read_file(path: &std::path::Path) -> Result<mpp_core::Project, mpp_core::Error> {
    let limit = mpp_core::ReadOptions::default().max_input_bytes;
    let len = std::fs::metadata(path)?.len();
    if len > limit {
        return Err(mpp_core::Error::TooLarge { size: len, limit });
    }
    read_any(&std::fs::read(path)?)
}

/// A project read by `mpp-core`.
#[pyclass(frozen, module = "mpp_core._native")]
struct NativeProject {
    inner: mpp_core::Project,
}

#[pymethods]
impl NativeProject {
    /// The MSPDI document, exactly as `mpp convert` writes it.
    fn to_xml(&self, py: Python<'_>) -> String {
        py.detach(|| mpp_xml::to_string(&self.inner, &mpp_xml::WriteOptions::default()))
    }

    /// Writes the MSPDI document to `path`.
    fn write_xml(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| write_xml(&self.inner, &path))?;
        Ok(())
    }

    /// The whole model as JSON (the serde shape every binding shares).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| serde_json::to_string(&self.inner))
            .map_err(|e| MppError::new_err(e.to_string()))
    }

    /// Minutes in one of each duration unit under this project's time
    /// factors (minutes per day/week, days per month), keyed by unit name.
    fn minutes_per_unit(&self) -> Vec<(String, f64)> {
        let factors = &self.inner.properties.factors;
        // Every unit the core knows, by its MPP code (3..=20 covers them all).
        let mut out: Vec<(String, f64)> = Vec::new();
        for code in 3u16..=20 {
            let unit = mpp_core::TimeUnit::from_code(code, mpp_core::TimeUnit::Days);
            if unit.code() != code {
                continue;
            }
            if let Ok(serde_json::Value::String(name)) = serde_json::to_value(unit) {
                out.push((name, factors.minutes_per(unit)));
            }
        }
        out
    }
}

fn write_xml(project: &mpp_core::Project, path: &std::path::Path) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    mpp_xml::write(project, file, &mpp_xml::WriteOptions::default())
}

/// Reads a project from a file path, without the GIL.
#[pyfunction]
fn read_path(py: Python<'_>, path: PathBuf) -> PyResult<NativeProject> {
    let inner = py
        .detach(|| read_file(&path))
        .map_err(|e| to_py_err(py, e))?;
    Ok(NativeProject { inner })
}

/// Reads a project from the bytes of a file, without the GIL.
#[pyfunction]
fn read_bytes(py: Python<'_>, data: &[u8]) -> PyResult<NativeProject> {
    let inner = py.detach(|| read_any(data)).map_err(|e| to_py_err(py, e))?;
    Ok(NativeProject { inner })
}

/// Reads `src` and writes its MSPDI document to `dst`, without the GIL.
#[pyfunction]
fn convert(py: Python<'_>, src: PathBuf, dst: PathBuf) -> PyResult<()> {
    let project = py
        .detach(|| read_file(&src))
        .map_err(|e| to_py_err(py, e))?;
    py.detach(|| write_xml(&project, &dst))?;
    Ok(())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<NativeProject>()?;
    m.add_function(wrap_pyfunction!(read_path, m)?)?;
    m.add_function(wrap_pyfunction!(read_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add("MppError", py.get_type::<MppError>())?;
    m.add(
        "PasswordProtectedError",
        py.get_type::<PasswordProtectedError>(),
    )?;
    m.add(
        "UnsupportedVersionError",
        py.get_type::<UnsupportedVersionError>(),
    )?;
    m.add("CorruptFileError", py.get_type::<CorruptFileError>())?;
    m.add("TooLargeError", py.get_type::<TooLargeError>())?;
    Ok(())
}
