//! The native half of the `mpp-core` npm package (napi-rs). It reads with
//! `mpp-core`, writes with `mpp-xml`, and hands the model to JavaScript as its
//! serde JSON with camelCase keys; `index.js` wraps that in a `Project`.
//! No parsing or formatting of its own lives here.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A JS `Error` whose `code` is the core's stable code (`password_protected`,
/// `corrupt` ...), or the OS's (`ENOENT`, `EACCES`) when a file cannot be opened.
/// napi names an error's `code` after its status; a `String` status gives
/// ours, and the JS object made from it is what gets thrown.
fn coded_error(env: &Env, code: &str, message: String) -> Error {
    let js = JsError::from(Error::new(code, message)).into_unknown(*env);
    Error::from(js)
}

fn to_js_err(env: &Env, err: mpp_core::Error) -> Error {
    let code = match &err {
        mpp_core::Error::Io(io) => io_code(io),
        other => other.code(),
    };
    coded_error(env, code, err.to_string())
}

fn io_code(io: &std::io::Error) -> &'static str {
    match io.kind() {
        std::io::ErrorKind::NotFound => "ENOENT",
        std::io::ErrorKind::PermissionDenied => "EACCES",
        std::io::ErrorKind::IsADirectory => "EISDIR",
        _ => "io",
    }
}

fn io_err(env: &Env, io: std::io::Error) -> Error {
    coded_error(env, io_code(&io), io.to_string())
}

/// Reads either format from bytes. `.mpp` today; MSPDI `.xml` input is
/// recognised and refused until `mpp-xml` can read it, when the one marked
/// line below becomes the reader's call.
fn read_any(data: &[u8]) -> std::result::Result<mpp_core::Project, mpp_core::Error> {
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
fn read_path(path: &str) -> std::result::Result<mpp_core::Project, mpp_core::Error> {
    let limit = mpp_core::ReadOptions::default().max_input_bytes;
    let len = std::fs::metadata(path)?.len();
    if len > limit {
        return Err(mpp_core::Error::TooLarge { size: len, limit });
    }
    read_any(&std::fs::read(path)?)
}

fn write_xml(project: &mpp_core::Project, path: &str) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    mpp_xml::write(project, file, &mpp_xml::WriteOptions::default())
}

/// `snake_case` → `camelCase`, the JavaScript spelling of the model's fields.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn camel_keys(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (camel(&k), camel_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

/// A project read by `mpp-core` (wrapped by `Project` in `index.js`).
#[napi]
pub struct NativeProject {
    inner: mpp_core::Project,
}

#[napi]
impl NativeProject {
    /// The MSPDI document, exactly as `mpp convert` writes it.
    #[napi]
    pub fn to_xml(&self) -> String {
        mpp_xml::to_string(&self.inner, &mpp_xml::WriteOptions::default())
    }

    /// Writes the MSPDI document to `path`.
    #[napi]
    pub fn write_xml(&self, env: Env, path: String) -> Result<()> {
        write_xml(&self.inner, &path).map_err(|e| io_err(&env, e))
    }

    /// The whole model as JSON with camelCase keys (dates as zoneless ISO strings).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_value(&self.inner)
            .and_then(|v| serde_json::to_string(&camel_keys(v)))
            .map_err(|e| Error::from_reason(e.to_string()))
    }
}

/// Reads a project from a file path.
#[napi]
pub fn read_file(env: Env, path: String) -> Result<NativeProject> {
    let inner = read_path(&path).map_err(|e| to_js_err(&env, e))?;
    Ok(NativeProject { inner })
}

/// Reads a project from the bytes of a file.
#[napi]
pub fn read(env: Env, data: Buffer) -> Result<NativeProject> {
    let inner = read_any(&data).map_err(|e| to_js_err(&env, e))?;
    Ok(NativeProject { inner })
}

/// Reading a file on libuv's thread pool, so the event loop stays free.
pub struct ReadFileTask {
    path: String,
}

impl Task for ReadFileTask {
    // The core's error travels to `resolve`, which can build the coded JS error.
    type Output = std::result::Result<mpp_core::Project, mpp_core::Error>;
    type JsValue = NativeProject;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(read_path(&self.path))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<NativeProject> {
        let inner = output.map_err(|e| to_js_err(&env, e))?;
        Ok(NativeProject { inner })
    }
}

/// Reads a project from a file path off the main thread.
#[napi(ts_return_type = "Promise<NativeProject>")]
pub fn read_file_async(path: String) -> AsyncTask<ReadFileTask> {
    AsyncTask::new(ReadFileTask { path })
}

/// Reads `src` and writes its MSPDI document to `dst`, as `mpp convert` does.
#[napi]
pub fn convert(env: Env, src: String, dst: String) -> Result<()> {
    let project = read_path(&src).map_err(|e| to_js_err(&env, e))?;
    write_xml(&project, &dst).map_err(|e| io_err(&env, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_keys() {
        assert_eq!(camel("percent_work_complete"), "percentWorkComplete");
        assert_eq!(camel("uid"), "uid");
        let v = camel_keys(serde_json::json!({"a_b": [{"c_d": 1}], "Weekly": {"days_of_week": 2}}));
        assert_eq!(
            v,
            serde_json::json!({"aB": [{"cD": 1}], "Weekly": {"daysOfWeek": 2}})
        );
    }

    #[test]
    fn xml_is_recognised() {
        assert!(looks_like_xml(b"\xEF\xBB\xBF\n <?xml?>"));
        assert!(!looks_like_xml(b"\xD0\xCF\x11\xE0"));
        assert!(!looks_like_xml(b""));
    }
}
