//! Lingering close: a connection the server closes is first half-closed, and whatever the client
//! is still sending is read and thrown away until the client closes too, so the answer already
//! written is never destroyed by a TCP reset.
//!
//! The server refuses some requests before it reads their bodies (401 for an unknown token,
//! 415 for an encoding it does not speak, 413 for a declared oversize body). hyper then closes the
//! connection with the unread body still arriving; the kernel answers those bytes with a reset,
//! and a reset discards the client's receive buffer, refusal included. The device would report
//! "server cannot be reached" instead of the true status. Draining in the handler would cover
//! only the refusals the handlers make (not axum's own, nor a timeout), and would read up to a
//! whole body before refusing it; lingering at the connection covers every close, costs nothing
//! when the client has already finished, and is bounded in time like nginx's `lingering_close`.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// The longest a closing connection is drained (nginx's `lingering_time`).
const LINGER_TOTAL: Duration = Duration::from_secs(30);
/// A client silent this long after the close is taken to have gone (nginx's
/// `lingering_timeout`).
const LINGER_IDLE: Duration = Duration::from_secs(5);

/// Wraps every accepted TCP stream in [`Lingering`].
#[derive(Clone, Copy, Debug, Default)]
pub struct LingeringAcceptor;

impl<S> Accept<TcpStream, S> for LingeringAcceptor {
    type Stream = Lingering;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Lingering, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        std::future::ready(Ok((Lingering::new(stream, None, None), service)))
    }
}

/// Bytes a connection must send before its first-bytes deadline stops applying: enough for the
/// server to tell HTTP/1 from HTTP/2 (the length of the HTTP/2 preface); from there hyper's
/// header-read timeout bounds the wait.
const FIRST_BYTES: usize = 24;

/// A TCP stream that, when dropped, hands itself to a task that half-closes it and drains what
/// the peer still sends (see the module comment).
#[derive(Debug)]
pub struct Lingering {
    /// Always `Some` until dropped.
    stream: Option<TcpStream>,
    /// Held until the connection is fully closed, lingering included: its slot under the
    /// server's connection cap (see [`crate::connection`]).
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
    /// Until the first [`FIRST_BYTES`] bytes have arrived, a read waits at most until this
    /// deadline: a connection that sends nothing (or too little to be told HTTP/1 from HTTP/2)
    /// is closed.
    first_bytes: Option<(Pin<Box<tokio::time::Sleep>>, usize)>,
}

impl Lingering {
    pub fn new(
        stream: TcpStream,
        permit: Option<tokio::sync::OwnedSemaphorePermit>,
        first_bytes_deadline: Option<Instant>,
    ) -> Lingering {
        Lingering {
            stream: Some(stream),
            permit,
            first_bytes: first_bytes_deadline
                .map(|deadline| (Box::pin(tokio::time::sleep_until(deadline)), 0)),
        }
    }

    fn stream(&mut self) -> io::Result<&mut TcpStream> {
        self.stream
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "stream already closed"))
    }
}

impl AsyncRead for Lingering {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = match this.stream() {
            Ok(stream) => Pin::new(stream).poll_read(cx, buf),
            Err(e) => return Poll::Ready(Err(e)),
        };
        let Some((deadline, seen)) = &mut this.first_bytes else {
            return polled;
        };
        match polled {
            Poll::Ready(Ok(())) => {
                let read = buf.filled().len() - before;
                *seen += read;
                if *seen >= FIRST_BYTES || read == 0 {
                    this.first_bytes = None;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if deadline.as_mut().poll(cx).is_ready() => {
                this.first_bytes = None;
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request within the header-read timeout",
                )))
            }
            other => other,
        }
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else {
            return;
        };
        let permit = self.permit.take();
        // Outside a runtime (never the case while serving) the stream simply closes.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                linger(stream).await;
                drop(permit);
            });
        }
    }
}

/// Half-closes `stream` (the client sees the end of the answer) and reads until the client
/// closes its side, falls silent for [`LINGER_IDLE`], or [`LINGER_TOTAL`] has passed.
async fn linger(mut stream: TcpStream) {
    // Already shut down when hyper closed cleanly; an error only means the peer has gone.
    let _ = stream.shutdown().await;
    let deadline = Instant::now() + LINGER_TOTAL;
    let mut sink = [0u8; 16 * 1024];
    loop {
        let idle = (Instant::now() + LINGER_IDLE).min(deadline);
        match timeout_at(idle, stream.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => continue,
            // End of stream, a reset, or the time is up: the close is complete.
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A peer that half-closed after its answer and keeps receiving is drained to its end.
    #[tokio::test]
    async fn a_dropped_stream_is_drained_until_the_peer_closes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let client = tokio::spawn(async move {
            let mut client = TcpStream::connect(addr).await.expect("connect");
            // Give the server time to drop its side before the body goes out.
            let mut answer = Vec::new();
            tokio::time::sleep(Duration::from_millis(50)).await;
            client.write_all(&[7u8; 256 * 1024]).await.expect("body");
            client.read_to_end(&mut answer).await.expect("answer");
            answer
        });
        let (stream, _) = listener.accept().await.expect("accept");
        let mut served = Lingering::new(stream, None, None);
        served
            .write_all(b"HTTP/1.1 415\r\n\r\n")
            .await
            .expect("write");
        drop(served);
        let answer = client.await.expect("client task");
        assert_eq!(answer, b"HTTP/1.1 415\r\n\r\n");
    }
}
