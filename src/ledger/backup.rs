//! A consistent copy of the database while the daemon runs (`dondoc
//! backup FILE`), through SQLite's online backup: one read transaction, so
//! the copy is the database as it was at one instant, whatever the daemon
//! writes meanwhile. Copying the file with `cp` is not that (the WAL holds
//! the newest pages), and opening it with a second tool that is not careful
//! can be worse (README, "The database").

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::{Ledger, LedgerError, Sql};

/// What a backup holds, read back from the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub submissions: i64,
    pub waivers: i64,
    /// Reminder steps in the sent-log.
    pub reminders: i64,
    /// Proposals read from the mailbox.
    pub proposals: i64,
    pub bytes: u64,
}

/// How long the copy may wait for a writer's transaction to end.
const WAIT: Duration = Duration::from_secs(30);

impl Ledger {
    /// Copies the database to `dest` (a new file, mode 0600), checks the
    /// copy's integrity and says what it holds. The copy is written beside
    /// `dest` under a temporary name and renamed into place, so `dest` is
    /// either the whole copy or untouched. `replace`: an existing `dest` is
    /// replaced; otherwise it is refused.
    pub fn backup(&self, dest: &Path, replace: bool) -> Result<Copied, LedgerError> {
        let io = |source| LedgerError::Io {
            path: dest.to_path_buf(),
            source,
        };
        if self.is_own_file(dest) {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "that is the database itself (or its -wal/-shm file); name another file",
            )));
        }
        if dest.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "that is a folder; name a file in it (e.g. FOLDER/dondoc-backup.db)",
            )));
        }
        if !replace && dest.exists() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the file exists; name a new file, or add --force to replace it",
            )));
        }
        let tmp = temporary_beside(dest);
        let result = self.copy_to(&tmp);
        let copied = match result {
            Ok(c) => c,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if let Err(e) = fs::rename(&tmp, dest) {
            let _ = fs::remove_file(&tmp);
            return Err(io(e));
        }
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The rename is durable once the folder is.
            fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(copied)
    }

    /// Whether `path` names this database, its WAL or its shared memory.
    fn is_own_file(&self, path: &Path) -> bool {
        let canonical = |p: &Path| -> Option<PathBuf> {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        };
        let (Some(ours), Some(theirs)) = (canonical(&self.path), canonical(path)) else {
            return false;
        };
        ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
            let mut name = ours.clone().into_os_string();
            name.push(suffix);
            name == theirs.as_os_str()
        })
    }

    fn copy_to(&self, tmp: &Path) -> Result<Copied, LedgerError> {
        let sql = Sql(tmp.to_path_buf());
        let io = |source| LedgerError::Io {
            path: tmp.to_path_buf(),
            source,
        };
        let _ = fs::remove_file(tmp);
        let mut copy = Connection::open(tmp).map_err(|e| sql.err(e))?;
        fs::set_permissions(tmp, fs::Permissions::from_mode(0o600)).map_err(io)?;
        {
            let backup = Backup::new(&self.conn, &mut copy).map_err(|e| sql.err(e))?;
            let deadline = Instant::now() + WAIT;
            // All pages in one step: one read transaction, one instant.
            loop {
                match backup.step(-1).map_err(|e| sql.err(e))? {
                    StepResult::Done => break,
                    StepResult::More | StepResult::Busy | StepResult::Locked
                        if Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    _ => {
                        return Err(sql.err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some(format!(
                                "the database stayed busy for {} s; try again",
                                WAIT.as_secs()
                            )),
                        )));
                    }
                }
            }
        }
        // One self-contained file: no WAL beside it.
        copy.pragma_update(None, "journal_mode", "DELETE")
            .map_err(|e| sql.err(e))?;
        let verdict: String = copy
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| sql.err(e))?;
        if verdict != "ok" {
            return Err(sql.err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("the copy fails its integrity check: {verdict}")),
            )));
        }
        let count = |table: &str| -> Result<i64, LedgerError> {
            copy.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| sql.err(e))
        };
        let (submissions, waivers) = (count("submissions")?, count("waivers")?);
        let (reminders, proposals) = (count("sent_log")?, count("proposals")?);
        drop(copy);
        let file = fs::File::open(tmp).map_err(io)?;
        file.sync_all().map_err(io)?;
        let bytes = file.metadata().map_err(io)?.len();
        Ok(Copied {
            submissions,
            waivers,
            reminders,
            proposals,
            bytes,
        })
    }
}

/// `dest`'s folder, a hidden name that says what it is.
fn temporary_beside(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dondoc.db".into());
    dest.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}
