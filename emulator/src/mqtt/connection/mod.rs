//! One client connection, in its own task: CONNECT within the spec's
//! deadline (`handshake`), then packets until either side ends it
//! (`session`: the loop; `rules`: MQTT 5's rules; `features`: the API's
//! operations). Writes go through the [`Outbox`] (which keeps to the
//! client's Maximum Packet Size) and a bounded queue to a writer task
//! (`io`), so a client that stops reading holds up only its own
//! connection; silence past 1.5 × keep alive ends it. The stream is plain
//! TCP or TLS; what TLS learnt (SNI, the client certificate's thumbprint)
//! comes in a [`Transport`].

mod context;
mod features;
mod handshake;
mod io;
mod rules;
mod session;

use std::sync::Arc;

use bytes::BytesMut;
use iothub_mqtt::packet::Packet;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;

use crate::mqtt::admission::Admitted;
use crate::mqtt::connect::{self, ConnectContext};
use crate::mqtt::outbox::{Outbox, Outgoing};
use crate::mqtt::packet_size::PacketLimit;

use context::{now_ms, WRITE_QUEUE};
pub use context::{Shared, Transport};
use handshake::read_connect;
use io::write_loop;
use session::Session;

/// Serves one connection (plain TCP or TLS) until it ends; its slot among
/// the connections waiting for CONNECT is given back once the first packet
/// is in.
pub async fn serve<S>(stream: S, shared: Arc<Shared>, transport: Transport, admitted: Admitted)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut reader, writer) = tokio::io::split(stream);
    let (tx, queue) = mpsc::channel::<Outgoing>(WRITE_QUEUE);
    let writer = tokio::spawn(write_loop(writer, queue));
    let mut buffer = BytesMut::new();
    let connect = read_connect(&mut reader, &mut buffer, &tx).await;
    drop(admitted);
    match connect {
        Some(connect) => {
            let max = connect.properties.as_ref().and_then(|p| p.max_packet_size);
            let out = Outbox::new(tx, PacketLimit::new(max));
            let ctx = ConnectContext {
                registry: shared.hub.registry(),
                hostname: shared.hostname.as_deref(),
                sni: transport.sni.as_deref(),
                thumbprint: transport.thumbprint.as_ref(),
                now_ms: now_ms(),
            };
            match connect::accept(&connect, &ctx) {
                Ok(accepted) => {
                    let session = Session {
                        shared: &shared,
                        transport: &transport,
                        connect: &connect,
                        accepted: &accepted,
                        out: &out,
                    };
                    session.run(&mut reader, &mut buffer).await;
                }
                Err(refusal) => {
                    tracing::info!(client = %connect.client_id, reason = %refusal.reason, "connection refused");
                    let connack = refusal.connack(connect::problem_information(&connect));
                    let _ = out.send(Packet::ConnAck(connack)).await;
                }
            }
        }
        None => drop(tx),
    }
    let _ = writer.await;
}

#[cfg(test)]
mod tests;
