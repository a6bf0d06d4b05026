//! A fast SMTP sink on loopback for the send-throughput benchmark: accepts
//! everything, counts messages, prints the count when its stdin closes.
//! `cargo run --release --example smtp_sink -- PORT_FILE`

use std::io::Read;
use std::net::{IpAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};

#[derive(Clone)]
struct Count(Arc<AtomicUsize>);

impl Handler for Count {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }

    fn data_end(&mut self) -> Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        OK
    }
}

fn main() {
    let port_file = std::env::args().nth(1).expect("usage: smtp_sink PORT_FILE");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    std::fs::write(
        &port_file,
        listener.local_addr().unwrap().port().to_string(),
    )
    .unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let handler = Count(count.clone());
    std::thread::spawn(move || {
        let mut server = Server::new(handler);
        server
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_num_threads(4)
            .with_tcp_listener(listener);
        server.serve().unwrap();
    });
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    // The count goes to stderr: the coprocess's stdout may be gone by now.
    eprintln!("sink received {}", count.load(Ordering::Relaxed));
}
