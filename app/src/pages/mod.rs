//! One module per page.

mod booking;
mod care;
mod desk;
mod family;
mod floor;
mod holidays;
mod home;
mod identity;
pub(crate) mod inbox;
mod login;
mod network;
mod not_found;
mod pass;
mod profile;
mod record;
mod register;
mod signin;

pub use booking::{AppointmentsPage, BookPage};
pub use care::{CarePage, CarePatientPage};
pub use desk::DeskPage;
pub use family::FamilyPage;
pub use floor::{CheckInPage, FloorPage};
pub use holidays::HolidaysPage;
pub use home::Home;
pub use identity::{ForgotPage, ResetDone, ResetLinkPage, VerifyEmailPage, VerifyPhonePage};
pub use inbox::{InboxPage, LinkPage};
pub use login::LoginPage;
pub use network::NetworkPage;
pub use not_found::NotFound;
pub use pass::PassPage;
pub(crate) use pass::{ArrivalQr, Instructions};
pub use profile::ProfilePage;
pub use record::{PrescriptionPage, PrintRecordPage, RecordPage};
pub use register::RegisterPage;
pub use signin::{EnrolPage, SecondFactorPage, StaffPage};
