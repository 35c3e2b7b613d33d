//! The development policy an emulator makes when it is given none (as
//! Azurite has its development account): `iothubowner`, every permission,
//! random 32-byte keys. With a state folder it is kept there
//! (`development-policy.key`, readable by its owner only), so a restart
//! prints the same connection string.

use std::io;
use std::path::Path;

use super::{Permissions, SharedAccessPolicy};
use crate::registry::Key;

/// The development policy's name.
pub const NAME: &str = "iothubowner";

/// The file in a state folder that keeps the development policy's keys.
pub const FILE: &str = "development-policy.key";

fn random_key() -> io::Result<Key> {
    let mut bytes = vec![0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        io::Error::other(format!("no random bytes for the development policy: {e}"))
    })?;
    Key::from_bytes(bytes).map_err(io::Error::other)
}

fn policy(primary: Key, secondary: Key) -> io::Result<SharedAccessPolicy> {
    SharedAccessPolicy::new(NAME, primary, secondary, Permissions::ALL).map_err(io::Error::other)
}

/// A new development policy with random keys.
pub fn generate() -> io::Result<SharedAccessPolicy> {
    policy(random_key()?, random_key()?)
}

/// The development policy kept in `dir`, made (and kept there) if there is
/// none. A file that is not two base64 keys, one per line, is an error
/// naming it.
pub fn load_or_create(dir: &Path) -> io::Result<SharedAccessPolicy> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let keys: Vec<Key> = text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(Key::from_base64)
                .collect::<Result<_, _>>()
                .map_err(|e| bad(&path, &e.to_string()))?;
            match <[Key; 2]>::try_from(keys) {
                Ok([primary, secondary]) => policy(primary, secondary),
                Err(_) => Err(bad(&path, "it must hold two keys, one per line")),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let made = generate()?;
            let [primary, secondary] = made.keys();
            let text = format!(
                "{}\n{}\n",
                primary.expose_base64(),
                secondary.expose_base64()
            );
            write_private(dir, &path, text.as_bytes())?;
            Ok(made)
        }
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

fn bad(path: &Path, problem: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "{}: not a development policy ({problem}); delete it to make a new one",
            path.display()
        ),
    )
}

/// Writes `bytes` to `path` through a temporary file in `dir` (readable by
/// its owner only) and a rename, so a crash leaves the old file or the new.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!("{FILE}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_folder_keeps_the_same_policy_and_a_broken_file_is_named() {
        let dir = std::env::temp_dir().join(format!("iothub-devpolicy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = load_or_create(&dir).unwrap();
        assert_eq!(first.name(), NAME);
        assert_eq!(first.permissions(), Permissions::ALL);
        assert_eq!(load_or_create(&dir).unwrap(), first);
        assert_ne!(generate().unwrap(), first, "random keys");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        std::fs::write(dir.join(FILE), "only-one-line\n").unwrap();
        let error = load_or_create(&dir).unwrap_err().to_string();
        assert!(error.contains(FILE), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
