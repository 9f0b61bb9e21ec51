//! Connecting to the database and bringing its schema up to date.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite gets WAL and
/// a busy timeout so that concurrent writers wait instead of failing.
/// Queries run as prepared statements that sqlx caches per connection
/// (its default: the 100 most recent), so a hot query is parsed and
/// planned once per connection, not per request.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        // sqlx pings a pooled connection before every use by default: one
        // more round trip per query. Only a connection idle for a minute
        // (which a restarted or failed-over database may have dropped) is
        // pinged; a live pool goes straight to its query.
        .test_before_acquire_if_idle_for(Duration::from_secs(60))
        .sqlx_logging(false)
        // Per connection, so set through the driver rather than one PRAGMA.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    Database::connect(opts).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    Migrator::up(db, None).await
}
