//! One read of the folder: the unseen messages' envelopes, those not read
//! before downloaded in bounded batches and read into the ledger
//! ([`crate::inbox::ingest`]), and `\Seen` set on what became a proposal.

use anyhow::Context as _;

use super::connect::{ImapSession, TIMEOUT, answer, connect};
use super::reader::Reader;
use crate::inbox::ingest::{self, MESSAGE_AT_MOST, MESSAGE_HEAD, Outcome, Raw};

/// What one fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fetched {
    pub messages: usize,
    pub proposals: usize,
    pub accepted: usize,
    pub bounces: usize,
    pub ignored: usize,
    pub seen_before: usize,
}

impl std::fmt::Display for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages: {} proposals ({} accepted), {} bounced, {} ignored, {} read before",
            self.messages,
            self.proposals,
            self.accepted,
            self.bounces,
            self.ignored,
            self.seen_before
        )
    }
}

/// Reads the folder's unseen messages once.
pub async fn fetch(reader: &Reader) -> anyhow::Result<Fetched> {
    let mut session = connect(reader.inbox()).await?;
    let done = read_unseen(reader, &mut session, &mut 0).await?;
    let _ = tokio::time::timeout(TIMEOUT, session.logout()).await;
    Ok(done)
}

/// Reads the unseen messages of the selected folder with a UID above
/// `*after` into the ledger, and raises `*after` to the highest UID read;
/// flags `\Seen` what became a proposal. Messages already read (ignored
/// ones stay unseen) are recognised by their envelope's Message-ID, without
/// downloading them again. Messages are downloaded a few at a time, at most
/// [`BATCH_BYTES`] together; one over [`MESSAGE_AT_MOST`] only in part.
pub(super) async fn read_unseen(
    reader: &Reader,
    session: &mut ImapSession,
    after: &mut u32,
) -> anyhow::Result<Fetched> {
    let mut uids: Vec<u32> = tokio::time::timeout(TIMEOUT, session.uid_search("UNSEEN"))
        .await
        .context("searching the unseen messages timed out")?
        .context("searching the unseen messages")?
        .into_iter()
        .filter(|uid| *uid > *after)
        .collect();
    uids.sort_unstable();
    let highest = uids.last().copied();
    let mut done = Fetched::default();
    // (uid, its envelope's Message-ID, its size)
    let mut envelopes: Vec<(u32, Option<String>, u64)> = Vec::new();
    for chunk in uids.chunks(500) {
        let set: Vec<String> = chunk.iter().map(u32::to_string).collect();
        let mut stream = tokio::time::timeout(
            TIMEOUT,
            session.uid_fetch(set.join(","), "(ENVELOPE RFC822.SIZE)"),
        )
        .await
        .context("fetching envelopes timed out")?
        .context("fetching envelopes")?;
        while let Some(item) = answer(&mut stream).await? {
            let fetch = item.context("fetching an envelope")?;
            let Some(uid) = fetch.uid else { continue };
            let id = fetch
                .envelope()
                .and_then(|e| e.message_id.as_deref())
                .map(|id| {
                    String::from_utf8_lossy(id)
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                });
            envelopes.push((uid, id, u64::from(fetch.size.unwrap_or(0))));
        }
    }
    let fresh: Vec<(u32, u64)> = reader
        .run(move |_, ledger, _| -> anyhow::Result<Vec<(u32, u64)>> {
            let mut fresh = Vec::new();
            for (uid, id, size) in envelopes {
                match id {
                    Some(id) if ledger.message_read(&id)? => {}
                    _ => fresh.push((uid, size)),
                }
            }
            Ok(fresh)
        })
        .await??;
    done.seen_before = uids.len() - fresh.len();
    done.messages = done.seen_before;
    let mut to_flag = Vec::new();
    for batch in batches(&fresh) {
        let bodies = download(session, batch).await?;
        let auto = reader.inbox().auto_accept;
        let outcomes = reader
            .run(
                move |config, ledger, clock| -> anyhow::Result<Vec<(u32, Outcome)>> {
                    let mut out = Vec::with_capacity(bodies.len());
                    for (uid, bytes, size) in bodies {
                        let raw = Raw {
                            bytes: &bytes,
                            size,
                        };
                        out.push((uid, ingest::ingest(config, ledger, raw, auto, clock.now())?));
                    }
                    Ok(out)
                },
            )
            .await??;
        for (uid, outcome) in outcomes {
            done.messages += 1;
            match outcome {
                Outcome::Seen => done.seen_before += 1,
                Outcome::Proposed { accepted, .. } => {
                    done.proposals += 1;
                    done.accepted += usize::from(accepted);
                    to_flag.push(uid.to_string());
                }
                Outcome::Bounced(_) => done.bounces += 1,
                Outcome::Ignored(_) => done.ignored += 1,
            }
        }
    }
    if !to_flag.is_empty() {
        let mut stream = tokio::time::timeout(
            TIMEOUT,
            session.uid_store(to_flag.join(","), "+FLAGS.SILENT (\\Seen)"),
        )
        .await
        .context("marking proposals seen timed out")?
        .context("marking proposals seen")?;
        while let Some(r) = answer(&mut stream).await? {
            r.context("marking proposals seen")?;
        }
    }
    if let Some(h) = highest {
        *after = h;
    }
    Ok(done)
}

/// How many bytes of messages are downloaded in one go (and held at once).
const BATCH_BYTES: u64 = MESSAGE_AT_MOST;

/// The messages `(uid, size)` in groups of at most 100 and, but for a lone
/// large one, at most [`BATCH_BYTES`] together (a large one counts as the
/// part of it that is read).
fn batches(messages: &[(u32, u64)]) -> Vec<Vec<(u32, u64)>> {
    let mut out: Vec<Vec<(u32, u64)>> = Vec::new();
    let mut bytes = 0;
    for &(uid, size) in messages {
        let read = if size > MESSAGE_AT_MOST {
            MESSAGE_HEAD
        } else {
            size
        };
        match out.last_mut() {
            Some(last) if last.len() < 100 && bytes + read <= BATCH_BYTES => {
                last.push((uid, size));
                bytes += read;
            }
            _ => {
                out.push(vec![(uid, size)]);
                bytes = read;
            }
        }
    }
    out
}

/// Downloads a batch: whole messages with one command, and each message
/// over [`MESSAGE_AT_MOST`] only its first [`MESSAGE_HEAD`] bytes. Gives
/// `(uid, bytes, whole size)`.
async fn download(
    session: &mut ImapSession,
    batch: Vec<(u32, u64)>,
) -> anyhow::Result<Vec<(u32, Vec<u8>, u64)>> {
    let size_of = |uid: u32| batch.iter().find(|(u, _)| *u == uid).map_or(0, |(_, s)| *s);
    let (large, whole): (Vec<_>, Vec<_>) =
        batch.iter().partition(|(_, size)| *size > MESSAGE_AT_MOST);
    let mut bodies = Vec::with_capacity(batch.len());
    for (uids, query) in [
        (whole, "BODY.PEEK[]".to_string()),
        (large, format!("BODY.PEEK[]<0.{MESSAGE_HEAD}>")),
    ] {
        if uids.is_empty() {
            continue;
        }
        let set: Vec<String> = uids.iter().map(|(uid, _)| uid.to_string()).collect();
        let mut stream = tokio::time::timeout(TIMEOUT, session.uid_fetch(set.join(","), &query))
            .await
            .context("fetching messages timed out")?
            .context("fetching messages")?;
        while let Some(item) = answer(&mut stream).await? {
            let fetch = item.context("fetching a message")?;
            if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                let size = size_of(uid).max(body.len() as u64);
                bodies.push((uid, body.to_vec(), size));
            }
        }
    }
    Ok(bodies)
}
