//! A real SMTP server on loopback for the tests: aiosmtpd (installed by
//! scripts/lib.sh into .tools/smtpd), started and stopped by each test,
//! storing what it accepts in a Maildir that the tests read.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

/// One received message.
#[derive(Clone, Debug)]
pub struct Mail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The text/calendar attachment, if any.
    pub ics: Option<String>,
}

fn python() -> String {
    std::env::var("SIHATI_TEST_SMTPD_PYTHON").unwrap_or_else(|_| format!("{}/../.tools/smtpd/bin/python", env!("CARGO_MANIFEST_DIR")))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut me = Self { port: free_port(), maildir: dir.path().join("maildir"), child: None, _dir: dir };
        me.up();
        me
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port and Maildir; waits until it answers.
    pub fn up(&mut self) {
        assert!(self.child.is_none());
        let py = python();
        let child = Command::new(&py)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting aiosmtpd with {py} ({e}); scripts/test.sh installs it"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it: connections are refused until `up`.
    pub fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Everything received so far.
    pub fn messages(&self) -> Vec<Mail> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) else { continue };
            for e in entries.flatten() {
                let raw = std::fs::read(e.path()).unwrap();
                out.push(parse(&raw));
            }
        }
        out
    }

    /// Waits until `enough` holds for what was received (or panics after `secs`).
    pub async fn wait_until(&self, secs: u64, what: &str, enough: impl Fn(&[Mail]) -> bool) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let m = self.messages();
            if enough(&m) {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; received {} messages: {:?}",
                m.len(),
                m.iter().map(|m| &m.subject).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.down();
    }
}

pub fn parse(raw: &[u8]) -> Mail {
    use mail_parser::MimeHeaders;
    let m = mail_parser::MessageParser::default().parse(raw).expect("a MIME message");
    let ics = m
        .attachments()
        .find(|a| a.content_type().is_some_and(|c| c.ctype() == "text" && c.subtype() == Some("calendar")))
        .and_then(|a| a.text_contents().map(str::to_owned).or_else(|| String::from_utf8(a.contents().to_vec()).ok()));
    Mail {
        message_id: m.message_id().unwrap_or_default().to_owned(),
        to: m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned(),
        subject: m.subject().unwrap_or_default().to_owned(),
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        ics,
    }
}
