//! Opening a state folder: the folder and its file are created if missing
//! (owner-only permissions on Unix: the file holds device keys), the
//! layout version is checked, the start-up changes (the devices the
//! emulator was given) are written, leftovers are tidied (see
//! `Tables::tidy`), and every row is read back for the stores to rebuild
//! from. Then the writer thread starts ([`Opened::start`]).
//!
//! Every problem is a [`StoreError`] naming the folder or the file; none
//! panics, whatever the file holds (redb verifies every page's checksum on
//! open).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, StorageError};

use super::tables::{self, Tables, FORMAT, FORMAT_KEY};
use super::writer::Writer;
use super::{Change, Journal, SecretBytes, StoreError};

/// The state file's name inside the state folder.
pub const STATE_FILE: &str = "state.redb";

/// redb's page cache (its default is 1 GiB).
const CACHE_BYTES: usize = 128 << 20;

/// What to do while opening.
#[derive(Debug, Default)]
pub(crate) struct Startup {
    /// Telemetry messages kept: older rows are removed.
    pub(crate) telemetry_capacity: usize,
    /// Changes written before anything is read (the given devices).
    pub(crate) changes: Vec<Change>,
}

/// A command row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandRow {
    /// The device id.
    pub(crate) id: String,
    /// The sequence number.
    pub(crate) sequence_no: u64,
    /// The record.
    pub(crate) meta: Vec<u8>,
    /// The payload.
    pub(crate) payload: Bytes,
}

/// A telemetry row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TelemetryRow {
    /// The sequence number.
    pub(crate) sequence_no: u64,
    /// The record.
    pub(crate) meta: Vec<u8>,
    /// The body.
    pub(crate) body: Bytes,
}

/// Every row of a state file, each table in key order.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    /// Device id and record.
    pub(crate) devices: Vec<(String, SecretBytes)>,
    /// Device id and record.
    pub(crate) twins: Vec<(String, Vec<u8>)>,
    /// Device id and the queue's last sequence number.
    pub(crate) queues: Vec<(String, u64)>,
    /// By device id, then sequence number.
    pub(crate) commands: Vec<CommandRow>,
    /// By sequence number.
    pub(crate) telemetry: Vec<TelemetryRow>,
    /// The last telemetry sequence number given before the log was last
    /// emptied (0 if never): numbering goes on after it.
    pub(crate) telemetry_floor: u64,
}

/// An opened state file and its rows, before the writer starts.
#[derive(Debug)]
pub(crate) struct Opened {
    /// The state file.
    pub(crate) path: PathBuf,
    /// What it holds.
    pub(crate) rows: Rows,
    db: Database,
}

impl Opened {
    /// Starts the writer thread: the journal the stores write to.
    pub(crate) fn start(self) -> Result<Journal, StoreError> {
        let writer = Writer::start(self.db, self.path)?;
        Ok(Journal::durable(Arc::new(writer)))
    }
}

/// Opens (creating if needed) the state folder `dir`.
pub(crate) fn open(dir: &Path, startup: Startup) -> Result<Opened, StoreError> {
    let open_error = |path: &Path, reason: String| StoreError::Open {
        path: path.to_owned(),
        reason,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(open_error(dir, "it is not a folder".to_owned()));
    }
    create_folder(dir).map_err(|e| open_error(dir, e.to_string()))?;
    let path = dir.join(STATE_FILE);
    create_file(&path).map_err(|e| open_error(&path, e.to_string()))?;
    // Every page's checksum is verified on open (redb's integrity check,
    // which is its repair pass too): a file damaged outside redb is then an
    // error rather than a panic later, and a commit cut short by a crash
    // is rolled back to the last whole one (whose waiters were answered).
    let shown = path.display().to_string();
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES)
        .set_check_integrity_on_open(true)
        .set_repair_callback(move |session| {
            tracing::debug!(path = %shown, progress = session.progress(), "checking the state file");
        })
        .create(&path)
        .map_err(|e| database_error(&path, e))?;
    let corrupt = |reason: String| StoreError::Corrupt {
        path: path.clone(),
        reason,
    };
    prepare(&db, startup).map_err(corrupt)?;
    let rows = read(&db).map_err(corrupt)?;
    Ok(Opened { path, rows, db })
}

/// Creates `dir` and its parents, owner-only on Unix.
fn create_folder(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty `path` if there is none, owner-only on Unix (redb
/// then formats it).
fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn database_error(path: &Path, error: DatabaseError) -> StoreError {
    match error {
        DatabaseError::DatabaseAlreadyOpen => StoreError::Open {
            path: path.to_owned(),
            reason: "it is open already (is another emulator using this folder?)".to_owned(),
        },
        // Not a redb file at all (its magic number is wrong, say).
        DatabaseError::Storage(StorageError::Io(e))
            if e.kind() == std::io::ErrorKind::InvalidData =>
        {
            StoreError::Corrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
        DatabaseError::Storage(StorageError::Io(e)) => StoreError::Open {
            path: path.to_owned(),
            reason: e.to_string(),
        },
        other => StoreError::Corrupt {
            path: path.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Checks the layout version (writing it into a new file), writes the
/// start-up changes and tidies, in one transaction.
fn prepare(db: &Database, startup: Startup) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    {
        let mut meta = txn.open_table(tables::META).map_err(|e| e.to_string())?;
        let format = meta
            .get(FORMAT_KEY)
            .map_err(|e| e.to_string())?
            .map(|v| v.value());
        match format {
            None => {
                meta.insert(FORMAT_KEY, FORMAT).map_err(|e| e.to_string())?;
            }
            Some(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "it has layout version {other}; this emulator reads version {FORMAT}"
                ))
            }
        }
        // The tables open `meta` too.
        drop(meta);
        let mut tables = Tables::open(&txn).map_err(|e| e.to_string())?;
        for change in &startup.changes {
            tables.apply(change).map_err(|e| e.to_string())?;
        }
        tables
            .tidy(startup.telemetry_capacity)
            .map_err(|e| e.to_string())?;
    }
    txn.commit().map_err(|e| e.to_string())
}

/// Every row.
fn read(db: &Database) -> Result<Rows, String> {
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    let e = |e: redb::TableError| e.to_string();
    let s = |e: StorageError| e.to_string();
    let mut rows = Rows {
        telemetry_floor: txn
            .open_table(tables::META)
            .map_err(e)?
            .get(tables::TELEMETRY_FLOOR_KEY)
            .map_err(s)?
            .map_or(0, |v| v.value()),
        ..Rows::default()
    };
    for row in txn
        .open_table(tables::DEVICES)
        .map_err(e)?
        .iter()
        .map_err(s)?
    {
        let (id, value) = row.map_err(s)?;
        let record = SecretBytes::new(value.value().to_vec());
        rows.devices.push((id.value().to_owned(), record));
    }
    for row in txn
        .open_table(tables::TWINS)
        .map_err(e)?
        .iter()
        .map_err(s)?
    {
        let (id, value) = row.map_err(s)?;
        rows.twins
            .push((id.value().to_owned(), value.value().to_vec()));
    }
    for row in txn
        .open_table(tables::QUEUES)
        .map_err(e)?
        .iter()
        .map_err(s)?
    {
        let (id, last) = row.map_err(s)?;
        rows.queues.push((id.value().to_owned(), last.value()));
    }
    for row in txn
        .open_table(tables::COMMANDS)
        .map_err(e)?
        .iter()
        .map_err(s)?
    {
        let (key, value) = row.map_err(s)?;
        let (id, sequence_no) = key.value();
        let (meta, payload) = value.value();
        rows.commands.push(CommandRow {
            id: id.to_owned(),
            sequence_no,
            meta: meta.to_vec(),
            payload: Bytes::copy_from_slice(payload),
        });
    }
    for row in txn
        .open_table(tables::TELEMETRY)
        .map_err(e)?
        .iter()
        .map_err(s)?
    {
        let (sequence_no, value) = row.map_err(s)?;
        let (meta, body) = value.value();
        rows.telemetry.push(TelemetryRow {
            sequence_no: sequence_no.value(),
            meta: meta.to_vec(),
            body: Bytes::copy_from_slice(body),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "iothub-emulator-store-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn telemetry(sequence_no: u64, dropped: Option<u64>) -> Change {
        Change::AppendTelemetry {
            sequence_no,
            meta: format!("{{\"n\":{sequence_no}}}").into_bytes(),
            body: Bytes::from(vec![0, 1, 2, 255]),
            dropped: dropped.into_iter().collect(),
        }
    }

    fn device(id: &str) -> Change {
        Change::PutDevice {
            id: id.into(),
            value: SecretBytes::new(format!("device {id}").into_bytes()),
        }
    }

    fn command(id: &str, sequence_no: u64) -> Change {
        Change::PutCommand {
            id: id.into(),
            sequence_no,
            meta: b"queued".to_vec(),
            payload: Bytes::from_static(b"p"),
            last_sequence_no: Some(sequence_no),
        }
    }

    #[tokio::test]
    async fn rows_survive_a_reopen_and_leftovers_are_tidied() {
        let dir = folder("reopen");
        let opened = open(
            &dir,
            Startup {
                telemetry_capacity: 10,
                changes: vec![device("a"), device("b")],
            },
        )
        .expect("opens a new folder");
        assert_eq!(opened.rows.devices.len(), 2);
        let journal = opened.start().expect("starts");
        let mut commits = Vec::new();
        for n in 1..=5 {
            commits.push(journal.submit(|| telemetry(n, None)));
        }
        for change in [
            Change::PutTwin {
                id: "a".into(),
                value: b"twin a".to_vec(),
            },
            Change::PutTwin {
                id: "b".into(),
                value: b"twin b".to_vec(),
            },
            command("a", 1),
            command("a", 2),
            command("b", 7),
            Change::DropCommands {
                id: "a".into(),
                sequence_nos: vec![1],
            },
            // b is removed, but its twin and queue are not (a crash cut the
            // removal short): the next open tidies them away.
            Change::RemoveDevice { id: "b".into() },
        ] {
            commits.push(journal.submit(|| change));
        }
        for commit in commits {
            assert_eq!(commit.wait().await, Ok(()));
        }
        journal.close();

        let opened = open(
            &dir,
            Startup {
                telemetry_capacity: 3,
                changes: Vec::new(),
            },
        )
        .expect("reopens");
        let rows = &opened.rows;
        let devices: Vec<_> = rows.devices.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(devices, ["a"]);
        assert_eq!(rows.devices[0].1.expose(), b"device a");
        assert_eq!(rows.twins, [("a".to_owned(), b"twin a".to_vec())]);
        assert_eq!(rows.queues, [("a".to_owned(), 2)]);
        let commands: Vec<_> = rows
            .commands
            .iter()
            .map(|c| (c.id.as_str(), c.sequence_no))
            .collect();
        assert_eq!(commands, [("a", 2)]);
        let telemetry: Vec<_> = rows.telemetry.iter().map(|t| t.sequence_no).collect();
        assert_eq!(telemetry, [3, 4, 5], "the newest three, in order");
        assert_eq!(rows.telemetry[0].meta, b"{\"n\":3}");
        assert_eq!(rows.telemetry[0].body.as_ref(), [0, 1, 2, 255]);
        drop(opened);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_second_open_is_refused_while_the_first_holds_it() {
        let dir = folder("twice");
        let first = open(&dir, Startup::default()).expect("opens");
        let error = open(&dir, Startup::default()).expect_err("refused");
        assert!(matches!(error, StoreError::Open { .. }), "{error}");
        assert!(error.to_string().contains(STATE_FILE), "{error}");
        drop(first);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn garbage_is_an_error_naming_the_file() {
        let dir = folder("garbage");
        std::fs::create_dir_all(&dir).expect("a folder");
        let file = dir.join(STATE_FILE);
        std::fs::write(&file, vec![0xA5u8; 10_000]).expect("writes");
        let error = open(&dir, Startup::default()).expect_err("refused");
        assert!(
            error.to_string().contains(&file.display().to_string()),
            "{error}"
        );
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        // A file where the folder should be, or inside it.
        let error = open(&file, Startup::default()).expect_err("refused");
        assert!(error.to_string().contains("not a folder"), "{error}");
        let error = open(&file.join("x"), Startup::default()).expect_err("refused");
        assert!(matches!(error, StoreError::Open { .. }), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn another_layout_version_is_refused() {
        let dir = folder("layout");
        let opened = open(&dir, Startup::default()).expect("opens");
        let txn = opened.db.begin_write().expect("txn");
        txn.open_table(tables::META)
            .expect("meta")
            .insert(FORMAT_KEY, FORMAT + 1)
            .expect("insert");
        txn.commit().expect("commit");
        drop(opened);
        let error = open(&dir, Startup::default()).expect_err("refused");
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        assert!(error.to_string().contains("layout version 2"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod corruption {
    use super::*;

    /// A state file with rows in every table, its bytes damaged at many
    /// places in turn: each open either works or is an error; none panics.
    #[test]
    fn damaged_files_are_errors_not_panics() {
        let dir = std::env::temp_dir().join(format!(
            "iothub-emulator-store-damaged-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let changes = (0..200)
            .map(|n| Change::AppendTelemetry {
                sequence_no: n,
                meta: vec![b'm'; 100],
                body: Bytes::from(vec![b'b'; 300]),
                dropped: Vec::new(),
            })
            .collect();
        drop(
            open(
                &dir,
                Startup {
                    telemetry_capacity: 1000,
                    changes,
                },
            )
            .expect("opens"),
        );
        let file = dir.join(STATE_FILE);
        let good = std::fs::read(&file).expect("reads");
        let mut outcomes = (0, 0);
        for step in 0..64 {
            let mut bad = good.clone();
            let at = (good.len() / 64) * step + 17;
            for byte in bad.iter_mut().skip(at).take(64) {
                *byte ^= 0x5A;
            }
            std::fs::write(&file, &bad).expect("writes");
            match std::panic::catch_unwind(|| open(&dir, Startup::default()).map(drop)) {
                Ok(Ok(())) => outcomes.0 += 1,
                Ok(Err(_)) => outcomes.1 += 1,
                Err(_) => panic!("opening a file damaged at byte {at} panicked"),
            }
        }
        assert!(outcomes.1 > 0, "some damage was seen: {outcomes:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
