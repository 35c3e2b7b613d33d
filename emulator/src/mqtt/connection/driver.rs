//! The thin async side of a connection: one task that owns the socket and
//! drives the [`Machine`]. It reads when the machine wants bytes, writes
//! what it has to say, waits for the commits and the room it asks for,
//! listens to the hub's events for it, and keeps one timer at the
//! machine's next deadline. A client that stops reading holds up only its
//! own connection, and one that reads nothing for [`WRITE_TIMEOUT`] while
//! the hub has something to say is gone.
//!
//! An idle connection keeps no buffer: the read buffer is given back
//! whenever a read finds nothing waiting, the write buffer once written.

use std::future::{pending, poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::context::{Clock, Shared, Transport, WRITE_TIMEOUT};
use super::machine::Machine;
use crate::mailbox::Mailbox;
use crate::mqtt::admission::Admitted;
use crate::mqtt::frame;
use crate::mqtt::outbox::Outgoing;
use crate::store::{Commit, Reservation};

/// Bytes encoded ahead of the socket at once (more waits in the machine).
const WRITE_BATCH: usize = 16 * 1024;

/// Bytes a read asks for at least (a packet that needs more grows the
/// buffer: each read asks for as much as the buffer holds).
const READ_CHUNK: usize = 2048;

/// A room reservation being waited for.
type Reserving = Pin<Box<dyn Future<Output = Reservation> + Send>>;

/// Serves one connection (plain TCP or TLS) until it ends; its slot among
/// the connections waiting for CONNECT is given back once the first packet
/// is in.
pub async fn serve<S>(stream: S, shared: Arc<Shared>, transport: Transport, admitted: Admitted)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let mut machine = Machine::new(Arc::clone(&shared), transport, Clock::now());
    let mut admitted = Some(admitted);
    let mut input = BytesMut::new();
    let mut output = BytesMut::new();
    // Where the hub's events come from, once the connection is accepted.
    let mut mailbox: Option<Arc<Mailbox>> = None;
    let mut commit: Option<Commit> = None;
    let mut reserving: Option<Reserving> = None;
    let mut reading = true;
    let mut flushed = true;
    // When the peer must have taken some of what is written, or is gone.
    let mut write_deadline: Option<Instant> = None;
    let timer = tokio::time::sleep(WRITE_TIMEOUT);
    tokio::pin!(timer);
    let mut armed: Option<Instant> = None;
    loop {
        // Bytes read but not handled yet (the machine had no room then).
        if !input.is_empty() && machine.wants_bytes() {
            machine.handle_bytes(&mut input, Clock::now());
        }
        if !machine.is_connecting() {
            admitted = None;
        }
        if let Some(sources) = machine.take_sources() {
            mailbox = Some(sources.mailbox);
        }
        if commit.is_none() {
            commit = machine.poll_commit();
        }
        if reserving.is_none() {
            if let Some(bytes) = machine.poll_reservation() {
                let journal = shared.hub.journal().clone();
                reserving = Some(Box::pin(async move { journal.reserve(bytes).await }));
            }
        }
        while output.len() < WRITE_BATCH {
            let Some(outgoing) = machine.poll_transmit() else {
                break;
            };
            if let Err(e) = encode(&outgoing, &mut output) {
                tracing::warn!(error = %e, "a packet could not be encoded; closing");
                machine.handle_eof(Clock::now());
                return;
            }
        }
        if output.is_empty() {
            write_deadline = None;
            // An idle connection keeps no write buffer.
            if output.capacity() > 0 {
                output = BytesMut::new();
            }
            if flushed && machine.is_ended() {
                break;
            }
        } else if write_deadline.is_none() {
            write_deadline = Some(Instant::now() + WRITE_TIMEOUT);
        }
        let deadline = [
            machine.poll_timeout().map(Instant::from_std),
            write_deadline,
        ]
        .into_iter()
        .flatten()
        .min();
        if deadline != armed {
            if let Some(at) = deadline {
                timer.as_mut().reset(at);
            }
            armed = deadline;
        }
        let wants_bytes = reading && machine.wants_bytes();
        let wants_events = machine.wants_events();
        tokio::select! {
            written = write_some(&mut writer, &output), if !output.is_empty() || !flushed => {
                match written {
                    Ok(0) if !output.is_empty() => return gone(&mut machine),
                    Ok(n) => {
                        output.advance(n);
                        flushed = output.is_empty() && n == 0;
                        write_deadline = None;
                    }
                    Err(_) => return gone(&mut machine),
                }
            }
            read = poll_fn(|cx| read_some(&mut reader, cx, &mut input)), if wants_bytes => {
                match read {
                    Ok(0) | Err(_) => {
                        reading = false;
                        machine.handle_eof(Clock::now());
                    }
                    Ok(_) => machine.handle_bytes(&mut input, Clock::now()),
                }
            }
            () = &mut timer, if armed.is_some() => {
                armed = None;
                if write_deadline.is_some_and(|at| Instant::now() >= at) {
                    tracing::debug!("the peer took nothing for {WRITE_TIMEOUT:?}; closing");
                    return gone(&mut machine);
                }
                machine.handle_timeout(Clock::now());
            }
            written = async { commit.as_mut().expect("guarded").await }, if commit.is_some() => {
                commit = None;
                machine.handle_commit(written, Clock::now());
            }
            reservation = async { reserving.as_mut().expect("guarded").await }, if reserving.is_some() => {
                reserving = None;
                machine.handle_reservation(reservation, Clock::now());
            }
            () = arrived(mailbox.as_deref()), if wants_events => {
                if let Some(mailbox) = &mailbox {
                    while let Some(mail) = mailbox.take() {
                        machine.handle_event(mail.into(), Clock::now());
                    }
                }
            }
        }
    }
    drop(admitted);
    let _ = tokio::time::timeout(WRITE_TIMEOUT, writer.shutdown()).await;
}

/// The peer is gone (or took nothing for too long): the machine hears the
/// end, and nothing more is written.
fn gone(machine: &mut Machine) {
    machine.handle_eof(Clock::now());
}

fn encode(outgoing: &Outgoing, output: &mut BytesMut) -> Result<(), frame::FrameError> {
    match outgoing {
        Outgoing::Frame(frame) => frame::write(frame, output),
        Outgoing::Bytes(bytes) => {
            output.extend_from_slice(bytes);
            Ok(())
        }
    }
}

/// Writes some of `output`, or flushes once it is all written (TLS keeps
/// records until then); `Ok(0)` once flushed.
async fn write_some<W: AsyncWrite + Unpin>(
    writer: &mut W,
    output: &[u8],
) -> std::io::Result<usize> {
    if output.is_empty() {
        writer.flush().await.map(|()| 0)
    } else {
        writer.write(output).await
    }
}

/// Reads into `input` with room for at least [`READ_CHUNK`] bytes, or as
/// many as it holds (a large packet arrives in a few reads); when nothing
/// is waiting and `input` holds nothing, its memory is given back before
/// the read waits, so an idle connection keeps no buffer.
fn read_some<R: AsyncRead + Unpin>(
    reader: &mut R,
    cx: &mut std::task::Context<'_>,
    input: &mut BytesMut,
) -> Poll<std::io::Result<usize>> {
    if input.capacity() - input.len() < READ_CHUNK / 2 {
        input.reserve(READ_CHUNK.max(input.len()));
    }
    match tokio_util::io::poll_read_buf(Pin::new(reader), cx, input) {
        Poll::Pending => {
            if input.is_empty() {
                *input = BytesMut::new();
            }
            Poll::Pending
        }
        ready => ready,
    }
}

async fn arrived(mailbox: Option<&Mailbox>) {
    match mailbox {
        Some(mailbox) => mailbox.arrived().await,
        None => pending().await,
    }
}
