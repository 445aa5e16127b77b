//! `conversor user add --email … --role 1|2|3`: creates (or updates) a console
//! user. The password comes from `CONVERSOR_USER_PASSWORD` or, when unset, the
//! first line of stdin, so it never shows in `ps` or the shell history.

use crate::config::Config;
use crate::desk::{auth, store};

#[derive(clap::Subcommand, Debug)]
pub enum UserCmd {
    /// Create a console user, or reset the password and role of an existing one.
    Add {
        #[arg(long)]
        email: String,
        /// 1 = agente de suporte, 2 = SRE / on-call, 3 = CTO.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3))]
        role: i64,
    },
}

pub async fn run(cmd: UserCmd, cfg: Config) -> crate::anyhow_lite::Result<()> {
    match cmd {
        UserCmd::Add { email, role } => {
            let email = email.trim().to_lowercase();
            if email.parse::<lettre::Address>().is_err() {
                return Err(format!("invalid e-mail: {email}").into());
            }
            let password = match std::env::var("CONVERSOR_USER_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.chars().count() < 10 {
                return Err("the password needs at least 10 characters".into());
            }
            let hash = auth::hash_password(&password)?;
            let app = crate::build(cfg, None).await?;
            store::upsert_user(&app.db, &email, &hash, role).await?;
            println!(
                "user {email} saved with role {role} ({})",
                auth::role_name(role)
            );
            Ok(())
        }
    }
}
