//! The old side of `diff --against GIT-REF`: the spec file as it is at a
//! git revision of the checkout it lives in.

use std::path::{Path, PathBuf};
use std::process::Command;

use iothub_codegen::Error;

/// The text of `spec` at `revision`, and the name to show for it
/// (`REV:path/in/repo.yaml`).
pub fn spec_at(spec: &Path, revision: &str) -> Result<(String, PathBuf), Error> {
    let fail = |message: String| Error::Git {
        revision: revision.to_owned(),
        path: spec.to_path_buf(),
        message,
    };
    if revision.starts_with('-') {
        return Err(fail("a revision cannot start with `-`".to_owned()));
    }
    let dir = match spec.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file = spec
        .file_name()
        .ok_or_else(|| fail("not a file".to_owned()))?
        .to_string_lossy()
        .into_owned();
    let git = |args: &[&str]| -> Result<Vec<u8>, Error> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| fail(format!("cannot run git: {e}")))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(fail(
                String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            ))
        }
    };
    let prefix = String::from_utf8_lossy(&git(&["rev-parse", "--show-prefix"])?)
        .trim()
        .to_owned();
    let text = git(&["show", &format!("{revision}:./{file}")])?;
    let text = String::from_utf8(text)
        .map_err(|_| fail("the file at that revision is not UTF-8".to_owned()))?;
    Ok((text, PathBuf::from(format!("{revision}:{prefix}{file}"))))
}
