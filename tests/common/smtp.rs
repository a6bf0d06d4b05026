//! A real SMTP server on loopback for the tests (mailin-embedded), that keeps
//! what it receives and can be told to answer 4xx or 5xx.

use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{
    AUTHENTICATION_REQUIRED, BAD_MAILBOX, INTERNAL_ERROR, NO_MAILBOX, OK,
};
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// One message as the server got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Answer 451 to this many DATA commands, then accept.
    fail_next: usize,
    /// Answer 550 to RCPT TO of these addresses.
    reject: Vec<String>,
    /// Answer 450 to RCPT TO of these addresses (a full mailbox).
    defer: Vec<String>,
    /// Answer this to every MAIL FROM (530: a login required; else 553).
    refuse_senders: Option<u16>,
    /// Wait this long before answering DATA, for this many messages.
    delay: (usize, std::time::Duration),
    /// DATA commands begun (whatever their outcome).
    data_started: usize,
    current: Option<Received>,
}

#[derive(Clone)]
struct Capture(Arc<Mutex<State>>);

impl Handler for Capture {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        match self.0.lock().unwrap().refuse_senders {
            None => OK,
            Some(530) => AUTHENTICATION_REQUIRED,
            Some(_) => BAD_MAILBOX,
        }
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let state = self.0.lock().unwrap();
        if state.reject.iter().any(|r| r.eq_ignore_ascii_case(to)) {
            NO_MAILBOX
        } else if state.defer.iter().any(|r| r.eq_ignore_ascii_case(to)) {
            Response::custom(450, "4.2.2 Mailbox full, try later".into())
        } else {
            OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        let pause = {
            let mut state = self.0.lock().unwrap();
            state.data_started += 1;
            let (n, d) = state.delay;
            state.delay.0 = n.saturating_sub(1);
            (n > 0).then_some(d)
        };
        if let Some(d) = pause {
            std::thread::sleep(d);
        }
        let mut state = self.0.lock().unwrap();
        // 451 to DATA. (mailin 0.6 mishandles an error at the end of the data:
        // it stays in the data state and swallows the next commands.)
        if state.fail_next > 0 {
            state.fail_next -= 1;
            return INTERNAL_ERROR;
        }
        state.current = Some(Received {
            from: from.to_string(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(c) = self.0.lock().unwrap().current.as_mut() {
            c.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut state = self.0.lock().unwrap();
        if let Some(m) = state.current.take() {
            state.received.push(m);
        }
        OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }
}

/// A running server; it lives as long as the test process.
pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let handler = Capture(state.clone());
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server
                .with_name("smtp.test")
                .with_ssl(SslConfig::None)
                .unwrap()
                .with_tcp_listener(listener);
            server.serve().unwrap();
        });
        SmtpServer { port, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// How many DATA commands the server has begun.
    pub fn data_started(&self) -> usize {
        self.state.lock().unwrap().data_started
    }

    pub fn fail_next(&self, n: usize) {
        self.state.lock().unwrap().fail_next = n;
    }

    pub fn delay_next(&self, n: usize, each: std::time::Duration) {
        self.state.lock().unwrap().delay = (n, each);
    }

    /// Refuses every MAIL FROM with `code` (530 or 553), or, with `None`,
    /// accepts them again.
    pub fn refuse_senders(&self, code: Option<u16>) {
        self.state.lock().unwrap().refuse_senders = code;
    }

    /// Answers 450 to RCPT TO `addr` until `None` is given.
    pub fn defer(&self, addr: Option<&str>) {
        let mut state = self.state.lock().unwrap();
        state.defer = addr.map(String::from).into_iter().collect();
    }

    pub fn reject(&self, addr: &str) {
        self.state.lock().unwrap().reject.push(addr.to_string());
    }
}
