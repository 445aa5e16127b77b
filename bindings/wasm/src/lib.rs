//! Browser binding of `mpp-core` and `mpp-xml`, built with wasm-bindgen.
//!
//! JavaScript API (see `bindings/wasm/README.md`):
//! Input is an `.mpp` or an MSPDI `.xml`, told apart by content (`mpp_xml::read_any`).
//!
//! - `read(bytes, fileName?)` → the project model as a plain object (the same shape as
//!   `mpp info --json`: snake_case keys, dates as `YYYY-MM-DDTHH:MM:SS`, absent values `null`);
//! - `toXml(bytes, fileName?)` → the MSPDI document, byte for byte what `mpp convert` writes;
//! - `new ProjectFile(bytes, fileName?)` reads once and offers `project()`, `toXml()` and
//!   `toXmlBytes()`, so a page that shows and downloads a file parses it only once.
//!
//! Failures throw a JS `Error` whose `name` is `"MppError"` and whose `code` is the core's
//! stable error code (`not_project_file`, `password_protected`, `corrupt`, ...).
//!
//! No parsing or writing happens here: this layer only picks the reader, converts the model
//! for JS and maps errors. It never touches a clock or a file system (none exists in the
//! browser): `ReadOptions::as_of` defaults from the file's own dates.
#![forbid(unsafe_code)]

use mpp_core::{Project, ReadOptions};
use mpp_xml::InputKind;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A refusal, with the stable code the page and scripts switch on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindError {
    pub code: &'static str,
    pub message: String,
}

impl From<mpp_core::Error> for BindError {
    fn from(e: mpp_core::Error) -> Self {
        BindError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<BindError> for JsValue {
    fn from(e: BindError) -> JsValue {
        let err = js_sys::Error::new(&e.message);
        err.set_name("MppError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code));
        err.into()
    }
}

/// Reads a project from the bytes of an `.mpp` file or an MSPDI document, with the reader
/// the CLI uses. `file_name` (only for messages) prefixes the error's message.
pub fn read_project(data: &[u8], file_name: Option<&str>) -> Result<Project, BindError> {
    mpp_xml::read_any(data, &ReadOptions::default()).map_err(|e| {
        let mut err = BindError::from(e);
        if let Some(name) = file_name {
            err.message = format!("{name}: {}", err.message);
        }
        err
    })
}

/// The MSPDI document for a project, exactly as the `mpp` command writes it.
pub fn xml_bytes(project: &Project) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = mpp_xml::write(project, &mut out, &mpp_xml::WriteOptions::default());
    out
}

fn to_js(project: &Project) -> Result<JsValue, JsValue> {
    // Plain objects and `null` for absent values, so the result matches `mpp info --json`.
    let ser = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    project.serialize(&ser).map_err(|e| {
        JsValue::from(BindError {
            code: "internal",
            message: e.to_string(),
        })
    })
}

/// Reads an `.mpp` or MSPDI file's bytes into a plain JS object (the project model).
#[wasm_bindgen]
pub fn read(data: &[u8], file_name: Option<String>) -> Result<JsValue, JsValue> {
    to_js(&read_project(data, file_name.as_deref())?)
}

/// Reads an `.mpp` or MSPDI file's bytes and returns its MSPDI XML as a string.
#[wasm_bindgen(js_name = toXml)]
pub fn to_xml(data: &[u8], file_name: Option<String>) -> Result<String, JsValue> {
    let project = read_project(data, file_name.as_deref())?;
    Ok(mpp_xml::to_string(
        &project,
        &mpp_xml::WriteOptions::default(),
    ))
}

/// This binding's version (the workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A project read once, to be shown and converted without parsing again.
#[wasm_bindgen]
pub struct ProjectFile {
    project: Project,
    kind: Option<InputKind>,
}

#[wasm_bindgen]
impl ProjectFile {
    #[wasm_bindgen(constructor)]
    pub fn new(data: &[u8], file_name: Option<String>) -> Result<ProjectFile, JsValue> {
        let kind = mpp_xml::sniff(data);
        let project = read_project(data, file_name.as_deref())?;
        Ok(ProjectFile { project, kind })
    }

    /// The project model as a plain JS object (see [`read`]).
    pub fn project(&self) -> Result<JsValue, JsValue> {
        to_js(&self.project)
    }

    /// `"mpp"` or `"xml"`: what the input was.
    #[wasm_bindgen(getter, js_name = sourceKind)]
    pub fn source_kind(&self) -> String {
        match self.kind {
            Some(InputKind::Xml) => "xml",
            Some(InputKind::Mpp) | None => "mpp",
        }
        .to_string()
    }

    /// The MSPDI document as a string.
    #[wasm_bindgen(js_name = toXml)]
    pub fn to_xml(&self) -> String {
        mpp_xml::to_string(&self.project, &mpp_xml::WriteOptions::default())
    }

    /// The MSPDI document as UTF-8 bytes, ready for a download `Blob` (no re-encoding).
    #[wasm_bindgen(js_name = toXmlBytes)]
    pub fn to_xml_bytes(&self) -> Vec<u8> {
        xml_bytes(&self.project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_input_is_read_and_written_again() {
        let xml = r#"<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project">
            <Title>Obra</Title><Tasks><Task><UID>1</UID><ID>1</ID><Name>Fundação</Name></Task></Tasks>
            </Project>"#;
        let project = read_project(xml.as_bytes(), Some("plano.xml")).unwrap();
        assert_eq!(project.properties.title.as_deref(), Some("Obra"));
        assert_eq!(project.tasks[0].name.as_deref(), Some("Fundação"));
        // Our own output read back writes the same bytes.
        let first = xml_bytes(&project);
        let again = read_project(&first, None).unwrap();
        assert_eq!(xml_bytes(&again), first);
    }

    #[test]
    fn errors_keep_the_core_code() {
        let err = read_project(b"not a project", Some("notas.txt")).unwrap_err();
        assert_eq!(err.code, "not_project_file");
        assert!(err.message.starts_with("notas.txt: "));
        // Malformed XML and a root that is not <Project> are the MSPDI reader's codes.
        let err = read_project(b"<Project><Title>x</Project>", None).unwrap_err();
        assert_eq!(err.code, "corrupt");
        let err = read_project(b"<?xml version=\"1.0\"?><Plan/>", None).unwrap_err();
        assert_eq!(err.code, "not_project_file");
        // A compound-file header with nothing behind it is refused, not a panic.
        let err =
            read_project(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], None).unwrap_err();
        assert_eq!(err.code, "not_compound_file");
    }

    #[test]
    fn xml_bytes_match_the_writer() {
        let mut project = Project::default();
        project.properties.title = Some("Obra — fase 1".into());
        let expected = mpp_xml::to_string(&project, &mpp_xml::WriteOptions::default());
        assert_eq!(xml_bytes(&project), expected.into_bytes());
    }
}
