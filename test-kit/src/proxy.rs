//! A TCP proxy on loopback between the client and the hub, which a test can
//! cut: every connection through it is dropped at once (both directions),
//! as a network fault would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A proxy to `target`.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
    target: Arc<Mutex<SocketAddr>>,
}

impl Proxy {
    /// Starts a proxy on a free loopback port.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("addr");
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let target = Arc::new(Mutex::new(target));
        let accept = {
            let links = Arc::clone(&links);
            let target = Arc::clone(&target);
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    let to = *target.lock().expect("lock");
                    let link = tokio::spawn(async move {
                        if let Ok(mut hub) = TcpStream::connect(to).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut hub).await;
                        }
                    });
                    let mut links = links.lock().expect("lock");
                    links.retain(|l| !l.is_finished());
                    links.push(link);
                }
            })
        };
        Self {
            addr,
            links,
            accept,
            target,
        }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Forwards new connections to `target` from now on.
    pub fn retarget(&self, target: SocketAddr) {
        *self.target.lock().expect("lock") = target;
    }

    /// Drops every connection through the proxy; returns how many were open.
    pub fn cut(&self) -> usize {
        let links: Vec<_> = self.links.lock().expect("lock").drain(..).collect();
        let open = links.iter().filter(|l| !l.is_finished()).count();
        for link in links {
            link.abort();
        }
        open
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
