//! The socket under an SMTP session, holding what is written until the
//! client reads: a message's body and its end-of-data line leave in one
//! `write`, as do the commands sent before an answer is awaited.
//!
//! lettre writes each piece with `write_all` and `flush` — the body, then
//! `\r\n.\r\n` on its own — so every message cost one more system call and,
//! on the server's side, one more wake-up. SMTP without pipelining is strictly
//! request–answer: the server needs our bytes only to answer them, and lettre
//! reads every answer. So `flush` only marks the bytes as ready, and they go
//! out, all at once, before the next read (or at shutdown). Nothing written is
//! ever left behind while the client waits.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Past this many held bytes a write goes out without waiting for a read
/// (a message with large attachments need not be held whole).
const HOLD_AT_MOST: usize = 256 * 1024;

/// A TCP stream that sends what was written when the client next reads.
#[derive(Debug)]
pub struct WriteBeforeRead {
    tcp: TcpStream,
    held: Vec<u8>,
    /// How much of `held` is already on the wire.
    sent: usize,
}

impl WriteBeforeRead {
    pub fn new(tcp: TcpStream) -> WriteBeforeRead {
        WriteBeforeRead {
            tcp,
            held: Vec::new(),
            sent: 0,
        }
    }

    /// Writes out everything held, in as few calls as the socket allows.
    fn poll_send_held(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.held.len() {
            let n = ready!(Pin::new(&mut self.tcp).poll_write(cx, &self.held[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.held.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for WriteBeforeRead {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.tcp.peer_addr()
    }
}

impl AsyncRead for WriteBeforeRead {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send_held(cx))?;
        Pin::new(&mut this.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteBeforeRead {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.held.len() >= HOLD_AT_MOST {
            ready!(this.poll_send_held(cx))?;
        }
        this.held.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    /// Held bytes go out before the next read: see the module's comment.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send_held(cx))?;
        Pin::new(&mut this.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::WriteBeforeRead;

    /// Written and flushed bytes stay held until the client reads; then
    /// body and end-of-data leave together, and the answer is read as usual.
    #[tokio::test]
    async fn writes_are_held_until_the_client_reads() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tcp = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut peer, _) = listener.accept().await.unwrap();
        let mut stream = WriteBeforeRead::new(tcp);
        stream.write_all(b"Subject: x\r\n\r\nbody").await.unwrap();
        stream.flush().await.unwrap();
        stream.write_all(b"\r\n.\r\n").await.unwrap();
        stream.flush().await.unwrap();
        // Nothing has been written to the socket yet (on loopback a write
        // lands in the peer's queue at once).
        let mut got = vec![0u8; 64];
        let nothing = peer.try_read(&mut got);
        assert_eq!(
            nothing.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::WouldBlock)
        );
        let client = tokio::spawn(async move {
            let mut answer = [0u8; 8];
            stream.read_exact(&mut answer).await.unwrap();
            answer
        });
        let mut all = Vec::new();
        while !all.ends_with(b"\r\n.\r\n") {
            let n = peer.read(&mut got).await.unwrap();
            all.extend_from_slice(&got[..n]);
        }
        assert_eq!(all, b"Subject: x\r\n\r\nbody\r\n.\r\n");
        peer.write_all(b"250 OK\r\n").await.unwrap();
        assert_eq!(&client.await.unwrap(), b"250 OK\r\n");
    }

    /// A large message (attachments) is not held whole: past HOLD_AT_MOST
    /// it goes out as it is written, and arrives complete and in order.
    #[tokio::test]
    async fn a_large_message_goes_out_as_it_is_written() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let total = 3 * super::HOLD_AT_MOST + 12_345;
        let server = tokio::spawn(async move {
            let (mut peer, _) = listener.accept().await.unwrap();
            let mut got = vec![0u8; total];
            peer.read_exact(&mut got).await.unwrap();
            peer.write_all(b"250 OK\r\n").await.unwrap();
            got
        });
        let mut stream = WriteBeforeRead::new(tokio::net::TcpStream::connect(addr).await.unwrap());
        let body: Vec<u8> = (0..total).map(|i| (i % 251) as u8).collect();
        for chunk in body.chunks(64 * 1024) {
            stream.write_all(chunk).await.unwrap();
            stream.flush().await.unwrap();
            assert!(stream.held.len() <= super::HOLD_AT_MOST + 64 * 1024);
        }
        let mut answer = [0u8; 8];
        stream.read_exact(&mut answer).await.unwrap();
        assert_eq!(&answer, b"250 OK\r\n");
        assert_eq!(server.await.unwrap(), body);
    }

    #[tokio::test]
    async fn shutdown_sends_what_is_held() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut peer, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            peer.read_to_end(&mut got).await.unwrap();
            got
        });
        let mut stream = WriteBeforeRead::new(tokio::net::TcpStream::connect(addr).await.unwrap());
        stream.write_all(b"QUIT\r\n").await.unwrap();
        stream.shutdown().await.unwrap();
        assert_eq!(server.await.unwrap(), b"QUIT\r\n");
    }
}
