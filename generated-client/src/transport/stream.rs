//! Opening the byte stream to the hub: a TCP connection, wrapped in TLS when
//! the transport says so.

use std::io;

use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::Transport;

/// A byte stream to the hub.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// Connects to `host:port` over `transport`; TLS checks the server's
/// certificate against `server_name` (and sends it as SNI).
pub async fn open(
    transport: &Transport,
    host: &str,
    port: u16,
    server_name: &str,
) -> io::Result<Box<dyn Stream>> {
    let tcp = TcpStream::connect((host, port)).await?;
    tcp.set_nodelay(true)?;
    match transport {
        Transport::Tcp => Ok(Box::new(tcp)),
        Transport::Tls(tls) => {
            let name = ServerName::try_from(server_name.to_owned()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{server_name}` is not a valid TLS server name"),
                )
            })?;
            let stream = tls.connector().connect(name, tcp).await?;
            Ok(Box::new(stream))
        }
    }
}
