pub mod database {
    pub use sqlx::*;
}
