//! The domain's one error type. Everything a client may see is an
//! [`ApiError`] with a stable code; database and internal failures are kept
//! whole for the log and shown to clients only as `internal`.

use shared::{ApiError, ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Api(ApiError),
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(code: ErrorCode) -> Self {
        Error::Api(ApiError::new(code))
    }

    pub fn fields(fields: Vec<FieldError>) -> Self {
        Error::Api(ApiError::fields(fields))
    }

    /// Values already used by another record: a conflict (409), named by the
    /// first field's code, with every field listed.
    pub fn taken(fields: Vec<FieldError>) -> Self {
        let code = fields.first().map(|f| f.code).unwrap_or(ErrorCode::ValidationFailed);
        Error::Api(ApiError { code, ..ApiError::fields(fields) })
    }

    /// A refusal named by `code` (its status, e.g. `forbidden`), on one
    /// field of the form that asked for it.
    pub fn on_field(field: &str, code: ErrorCode) -> Self {
        Error::Api(ApiError { code, ..ApiError::fields(vec![FieldError::new(field, code)]) })
    }

    pub fn throttled(retry_after_secs: u64) -> Self {
        Error::Api(ApiError { retry_after: Some(retry_after_secs.max(1)), ..ApiError::new(ErrorCode::TooManyAttempts) })
    }

    /// What the client sees. Internal causes are not part of it.
    pub fn to_api(&self) -> ApiError {
        match self {
            Error::Api(e) => e.clone(),
            Error::Db(_) | Error::Internal(_) => ApiError::new(ErrorCode::Internal),
        }
    }

    pub fn is_internal(&self) -> bool {
        !matches!(self, Error::Api(_))
    }

    /// The error on its way out of either door (API, server function, file
    /// download): the one place where an internal cause is logged, once;
    /// the client sees only `internal`.
    pub fn into_answer(self) -> ApiError {
        if self.is_internal() {
            tracing::error!(error = ?self, "request failed");
        }
        self.to_api()
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Error::code(code)
    }
}
