//! API tests: each test starts the real server on port 0 with a fresh
//! database. SQLite by default; set `SIHATI_TEST_DATABASE_URL` to a
//! PostgreSQL admin URL to run the same suite on PostgreSQL (one new
//! database per test).

mod audit;
mod auth;
mod authz;
mod booking;
mod claims;
mod directory;
mod doors;
mod fhir;
mod figures;
mod floor;
mod helpers;
mod identity;
mod jwt_tamper;
mod mail;
mod mfa;
mod network;
mod notify;
mod privilege;
mod record;
mod registration;
mod rights;
mod schedule;
mod staff;
mod throttling;
mod web;
