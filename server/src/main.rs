//! The `server` binary: `serve` (the default), `migrate`, `seed`, and
//! `users create` for staff accounts.

use anyhow::Context;
use clap::{Parser, Subcommand};
use server::{startup, telemetry, Config};
use shared::{Email, FacilityId, Lang, NewPassword, PersonName, Phone, Role};

#[derive(Parser)]
#[command(name = "server", about = "Sihati health portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed reference data (and demo data when SIHATI_SEED_DEMO=true) and serve.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load demo data into an empty database and print the demo logins.
    Seed,
    /// Audit tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage staff accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every patient's access-log hash chain; exit 1 if any is broken.
    Verify,
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a staff account. The password is read from SIHATI_NEW_PASSWORD
    /// so that it never appears in shell history or process lists.
    Create {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Facility UUID; required for receptionists, practitioners and facility admins.
        #[arg(long)]
        facility: Option<uuid::Uuid>,
        /// Wilaya code (`31`); required for health admins: the directorate they work for.
        #[arg(long)]
        wilaya: Option<String>,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        family_name: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "fr")]
        lang: String,
        /// A practitioner's specialty code (`cardiology`); required for practitioners:
        /// their profile is made at the facility with the account.
        #[arg(long)]
        specialty: Option<String>,
    },
    /// Sets the wilaya a health administrator works for.
    SetWilaya {
        /// The account's UUID.
        #[arg(long)]
        id: uuid::Uuid,
        /// Wilaya code (`31`).
        #[arg(long)]
        wilaya: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("one of: {}", Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")))
}

fn print_demo_logins(config: &Config) {
    println!("\nDemo logins (password for all: {}):", domain::seed::DEMO_PASSWORD);
    for (role, phone) in domain::seed::DEMO_LOGINS {
        let note = if phone == domain::seed::NEW_PRACTITIONER_PHONE {
            "  (sets up her authenticator app at first sign-in)"
        } else if phone == domain::seed::OTHER_DIRECTORATE_PHONE {
            "  (+ authenticator code; Tlemcen, no facility yet)"
        } else if role.needs_second_factor() {
            "  (+ authenticator code)"
        } else {
            ""
        };
        println!("  {:<15} {}{note}", role.code(), phone);
    }
    println!(
        "Staff sign in with a code from an authenticator app (FreeOTP, Google Authenticator, Aegis…).\n\
         Demo staff's key, to add to the app:  {}\n\
         or as a link:  otpauth://totp/Sihati:demo?secret={}&issuer=Sihati",
        domain::seed::DEMO_TOTP_SECRET,
        domain::seed::DEMO_TOTP_SECRET
    );
    // New accounts verify their phone with a code sent by SMS: without a
    // gateway, each SMS (and each email) is a file to open.
    if config.sms_gateway_url.as_deref().unwrap_or("").is_empty() {
        println!("\nSMS (verification codes, reminders) are written to {}", config.data_dir.join("sms").display());
    }
    if config.smtp_url.is_none() {
        println!("Emails are written to {}", config.data_dir.join("mail").display());
    }
    println!("\nSihati is running: open http://{}\n", config.bind);
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load()?;
    telemetry::init(config.log_json);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
            let seeded = config.seed_demo;
            let app = startup::build(config.clone()).await?;
            tracing::info!(addr = %config.bind, "listening");
            if seeded {
                print_demo_logins(&config);
            }
            startup::serve(listener, app, startup::shutdown_signal()).await
        }
        Command::Migrate => {
            let db = domain::db::connect(&config.database_url(), 2).await?;
            domain::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed => {
            let app = startup::build(Config { seed_demo: true, ..config.clone() }).await?;
            drop(app);
            print_demo_logins(&config);
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let db = domain::db::connect(&config.database_url(), 2).await?;
            let d = domain::Domain::new(db, config.domain_config()?);
            let report = d.audit.verify_access_log().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("access log: {} rows, {} patients, {} broken chains", report.rows, report.patients, report.broken.len());
            println!("anchors: {} lines, {} with a wrong MAC", report.anchors, report.forged_anchors);
            for (subject, seq) in &report.broken {
                println!("  broken: patient {subject} at row {seq}");
            }
            if !report.broken.is_empty() || report.forged_anchors > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Users { command: UsersCommand::Create { role, facility, wilaya, given_name, family_name, phone, email, lang, specialty } } => {
            if role == Role::Practitioner && specialty.is_none() {
                anyhow::bail!("a practitioner needs --specialty (the code, e.g. cardiology)");
            }
            let password = std::env::var("SIHATI_NEW_PASSWORD").context("set SIHATI_NEW_PASSWORD to the new account's password")?;
            let app = startup::build(config).await?;
            let staff = domain::accounts::NewStaff {
                role,
                facility_id: facility.map(FacilityId),
                wilaya_code: wilaya,
                given_name: PersonName::parse(&given_name).map_err(|c| anyhow::anyhow!("given name: {c}"))?,
                family_name: PersonName::parse(&family_name).map_err(|c| anyhow::anyhow!("family name: {c}"))?,
                phone: phone.map(|p| Phone::parse(&p)).transpose().map_err(|c| anyhow::anyhow!("phone: {c}"))?,
                email: email.map(|e| Email::parse(&e)).transpose().map_err(|c| anyhow::anyhow!("email: {c}"))?,
                password: NewPassword::parse(&password).map_err(|c| anyhow::anyhow!("password: {c}"))?,
                lang: Lang::parse(&lang).context("lang: ar, fr or en")?,
                specialty,
            };
            let id = app.state.domain.accounts.create_staff(staff).await.map_err(|e| anyhow::anyhow!("{}", e.to_api()))?;
            println!("created {} account {id}", role.code());
            Ok(())
        }
        Command::Users { command: UsersCommand::SetWilaya { id, wilaya } } => {
            let app = startup::build(config).await?;
            app.state.domain.accounts.set_health_wilaya(shared::UserId(id), &wilaya).await.map_err(|e| anyhow::anyhow!("{}", e.to_api()))?;
            println!("account {id} works for wilaya {wilaya}");
            Ok(())
        }
    }
}
