//! The only place that calls `mpp-core` and `mpp-xml`. Both functions are
//! CPU-bound: callers run them on a blocking thread.

use serde::Serialize;

/// What the upload page shows before payment.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Preview {
    pub version: String,
    pub tasks: i64,
    pub resources: i64,
    pub assignments: i64,
    pub calendars: i64,
}

/// A file refused before payment, with the customer-facing message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejected {
    pub code: &'static str,
    pub message: String,
}

/// Portuguese explanation for each way `mpp-core` refuses a file.
pub fn message_pt(err: &mpp_core::Error) -> String {
    use mpp_core::Error as E;
    match err {
        E::NotCompoundFile(_) => "O arquivo enviado não é um arquivo do Microsoft Project (.mpp): \
             o conteúdo não tem o formato de documento do Office. Envie o arquivo .mpp salvo pelo Project."
            .into(),
        E::NotProjectFile(_) => "O arquivo é um documento do Office, mas não é um projeto do \
             Microsoft Project. Envie o arquivo .mpp salvo pelo Project."
            .into(),
        E::PasswordProtected(_) => "O arquivo está protegido por senha. Abra-o no Microsoft Project, \
             remova a senha (Arquivo › Salvar como › Ferramentas › Opções gerais) e envie novamente."
            .into(),
        E::UnsupportedVersion(v) => format!(
            "Esta versão de arquivo do Microsoft Project não é suportada ({v}). \
             Salve o projeto em uma versão mais recente do Project e envie novamente."
        ),
        E::Corrupt { .. } => "O arquivo parece estar corrompido e não pôde ser lido. \
             Abra-o no Microsoft Project, salve novamente e envie o novo arquivo."
            .into(),
        E::TooLarge { .. } => "O arquivo é maior que o limite de 50 MB.".into(),
        _ => "Não foi possível ler o arquivo. Tente novamente com um arquivo .mpp recém-salvo.".into(),
    }
}

fn reject(err: &mpp_core::Error) -> Rejected {
    Rejected {
        code: err.code(),
        message: message_pt(err),
    }
}

fn read(data: &[u8]) -> Result<mpp_core::Project, Rejected> {
    mpp_core::read_bytes(data, &mpp_core::ReadOptions::default()).map_err(|e| reject(&e))
}

/// Validates an upload and counts what it holds.
pub fn preview(data: &[u8]) -> Result<Preview, Rejected> {
    Ok(counts(&read(data)?))
}

/// As [`preview`], for an upload on disk: mpp-core reads the container's
/// directory and the streams it decodes, never the whole file.
pub fn preview_file(path: &std::path::Path) -> Result<Preview, Rejected> {
    let file = std::fs::File::open(path).map_err(|e| reject(&e.into()))?;
    let p = mpp_core::read_seek(file, &mpp_core::ReadOptions::default()).map_err(|e| reject(&e))?;
    Ok(counts(&p))
}

fn counts(p: &mpp_core::Project) -> Preview {
    let real_tasks = p.tasks.iter().filter(|t| !t.is_null).count();
    Preview {
        version: p
            .properties
            .file_format
            .map(|f| f.name().to_string())
            .unwrap_or_default(),
        tasks: real_tasks as i64,
        resources: p.resources.len() as i64,
        assignments: p.assignments.len() as i64,
        calendars: p.calendars.len() as i64,
    }
}

/// Converts to MSPDI XML exactly as `mpp convert` does.
pub fn convert(data: &[u8]) -> Result<Vec<u8>, Rejected> {
    let p = read(data)?;
    let mut out = Vec::with_capacity(data.len());
    mpp_xml::write(&p, &mut out, &mpp_xml::WriteOptions::default()).map_err(|e| Rejected {
        code: "write",
        message: format!("Falha ao gerar o XML: {e}"),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_refused_in_portuguese() {
        let r = preview(b"isto nao e um projeto").unwrap_err();
        assert_eq!(r.code, "not_compound_file");
        assert!(r.message.contains("não é um arquivo do Microsoft Project"));
    }

    #[test]
    fn every_error_has_a_portuguese_message() {
        let e = mpp_core::Error::PasswordProtected(mpp_core::PasswordKind::Read);
        assert!(message_pt(&e).contains("senha"));
        let e = mpp_core::Error::UnsupportedVersion("MPP4".into());
        assert!(message_pt(&e).contains("MPP4"));
    }
}
