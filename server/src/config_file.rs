//! `--config FILE` (or `CONVERSOR_CONFIG`): a TOML file under the flags and
//! environment variables. Precedence: flags > environment > TOML > defaults.
//!
//! Every flag of the subcommand is a key, named like its field
//! (`s3_endpoint`, `workers`); a table prefixes its keys, so `[s3] endpoint`
//! is `s3_endpoint` and `[mp] access_token` is `mp_access_token`. Settings
//! added to `Config` later get their key with no code here: a value from the
//! file is handed to clap as the flag, unless a flag or an environment
//! variable already set it. Unknown keys are refused (a typo must not fall
//! back to a default silently). See `conversor.example.toml`.

use clap::parser::ValueSource;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The subcommands that read the file; one file serves both (a key only
/// `serve` has, like `bind`, is ignored by `worker`).
const READERS: [&str; 3] = ["serve", "worker", "user"];

/// Parses the process's command line with the file applied; exits with
/// clap's message on bad flags and with ours on a bad file.
pub fn parse<C: clap::Parser>() -> C {
    match parse_from::<C>(std::env::args_os().collect()) {
        Ok(c) => c,
        Err(ConfigError::Clap(e)) => e.exit(),
        Err(e) => {
            eprintln!("conversor: {e}");
            std::process::exit(2);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Clap(#[from] clap::Error),
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// As [`parse`], for given arguments (the first is the program name).
pub fn parse_from<C: clap::Parser>(mut args: Vec<OsString>) -> Result<C, ConfigError> {
    let cmd = C::command();
    let matches = cmd.clone().try_get_matches_from(&args)?;
    let Some((sub, sub_matches)) = matches.subcommand() else {
        return Ok(C::from_arg_matches(&matches)?);
    };
    let path = sub_matches
        .try_get_one::<PathBuf>("config")
        .ok()
        .flatten()
        .cloned();
    let (Some(path), true) = (path, READERS.contains(&sub)) else {
        return Ok(C::from_arg_matches(&matches)?);
    };
    let entries = load(&path)?;
    let known = |name: &str, key: &str| {
        cmd.find_subcommand(name)
            .and_then(|s| s.get_arguments().find(|a| a.get_id() == key))
            .and_then(|a| a.get_long().map(str::to_string))
    };
    for (key, value) in entries {
        if key == "config" {
            return Err(invalid(&path, "`config` cannot be set from the file"));
        }
        let Some(long) = known(sub, &key) else {
            if READERS.iter().any(|r| known(r, &key).is_some()) {
                continue;
            }
            return Err(invalid(&path, &format!("unknown key `{key}`")));
        };
        match sub_matches.value_source(&key) {
            Some(ValueSource::CommandLine) | Some(ValueSource::EnvVariable) => continue,
            _ => {}
        }
        // `--key=value`: a value starting with `-` stays a value.
        args.push(format!("--{long}={value}").into());
    }
    let matches = cmd.try_get_matches_from(&args)?;
    Ok(C::from_arg_matches(&matches)?)
}

fn invalid(path: &Path, message: &str) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// The file's settings as (flag id, value) pairs, tables flattened with `_`.
pub fn load(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| invalid(path, &e.to_string()))?;
    let mut out = Vec::new();
    flatten("", &table, &mut out).map_err(|m| invalid(path, &m))?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}_{k}")
        };
        let value = match v {
            toml::Value::Table(t) => {
                flatten(&key, t, out)?;
                continue;
            }
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::Array(_) => return Err(format!("`{key}`: lists are not supported")),
        };
        out.push((key, value));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The shape of `conversor`'s command line (main.rs), for the tests.
    #[derive(clap::Parser, Debug)]
    struct Cli {
        #[arg(long, env = "CONVERSOR_CONFIG", global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        cmd: Cmd,
    }

    #[derive(clap::Subcommand, Debug)]
    enum Cmd {
        Serve {
            #[arg(long, env = "CONVERSOR_BIND", default_value = "127.0.0.1:8080")]
            bind: std::net::SocketAddr,
            #[arg(long, env = "CONVERSOR_WORKERS", default_value_t = 1)]
            workers: usize,
            #[command(flatten)]
            cfg: Config,
        },
        Worker {
            #[arg(long, env = "CONVERSOR_WORKERS", default_value_t = 1)]
            workers: usize,
            #[command(flatten)]
            cfg: Config,
        },
        FakeMp {
            #[arg(long, default_value = "127.0.0.1:8090")]
            bind: std::net::SocketAddr,
        },
    }

    fn example() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("conversor.example.toml")
    }

    fn args(a: &[&str]) -> Vec<OsString> {
        std::iter::once("conversor")
            .chain(a.iter().copied())
            .map(OsString::from)
            .collect()
    }

    /// The documented example parses, and each of its keys lands in its setting.
    #[test]
    fn example_file_sets_every_documented_setting() {
        let path = example();
        let p = path.to_str().unwrap();
        let cli: Cli = parse_from(args(&["serve", "--config", p])).unwrap();
        let Cmd::Serve { bind, workers, cfg } = cli.cmd else {
            panic!("serve expected")
        };
        assert_eq!(bind.to_string(), "0.0.0.0:8080");
        assert_eq!(workers, 0);
        assert_eq!(cfg.data_dir, PathBuf::from("/var/lib/conversor"));
        assert_eq!(
            cfg.database_url.as_deref(),
            Some("postgres://conversor:senha@db.interno:5432/conversor")
        );
        assert_eq!(
            cfg.public_url.as_deref(),
            Some("https://conversormpp.com.br")
        );
        assert_eq!(cfg.price_cents, 1990);
        assert_eq!(
            cfg.s3_endpoint.as_deref(),
            Some("https://s3.sa-east-1.amazonaws.com")
        );
        assert_eq!(cfg.s3_bucket, "conversor-prod");
        assert_eq!(cfg.s3_region, "sa-east-1");
        assert_eq!(cfg.s3_access_key_id.as_deref(), Some("AKIA-EXEMPLO"));
        assert_eq!(cfg.mp_access_token.as_deref(), Some("APP_USR-exemplo"));
        assert_eq!(cfg.mp_webhook_secret.as_deref(), Some("segredo-do-webhook"));
        assert_eq!(cfg.webhook_tolerance_secs, 300);
        assert_eq!(cfg.reconcile_secs, 120);
        assert_eq!(cfg.lease_secs, 30);
        assert_eq!(cfg.max_attempts, 3);
        assert!(cfg
            .smtp_url
            .as_deref()
            .is_some_and(|u| u.starts_with("smtps://") && u.ends_with(":465")));
        assert_eq!(cfg.smtp_server, None);
        assert_eq!(cfg.mp_mode.as_deref(), Some("live"));
        assert!(cfg.check_mp_mode().is_ok());
        let mut test_mode = cfg.clone();
        test_mode.mp_access_token = None;
        assert!(test_mode.check_mp_mode().is_err(), "live without a token");
        // One file serves `worker` too: `bind` is serve's and is skipped there.
        let cli: Cli = parse_from(args(&["worker", "--config", p])).unwrap();
        let Cmd::Worker { workers, cfg } = cli.cmd else {
            panic!("worker expected")
        };
        assert_eq!(workers, 0);
        assert_eq!(cfg.s3_bucket, "conversor-prod");
        // fake-mp ignores the file.
        let cli: Cli = parse_from(args(&["fake-mp", "--config", p])).unwrap();
        assert!(matches!(cli.cmd, Cmd::FakeMp { .. }));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[s3]\nbuckett = \"x\"\n").unwrap();
        let p = f.to_str().unwrap();
        let e = parse_from::<Cli>(args(&["serve", "--config", p])).unwrap_err();
        assert!(e.to_string().contains("unknown key `s3_buckett`"), "{e}");
        std::fs::write(&f, "workers = \"muitos\"\n").unwrap();
        assert!(matches!(
            parse_from::<Cli>(args(&["serve", "--config", p])),
            Err(ConfigError::Clap(_))
        ));
        std::fs::write(&f, "workers = [1, 2]\n").unwrap();
        assert!(parse_from::<Cli>(args(&["serve", "--config", p])).is_err());
        let missing = dir.path().join("nada.toml");
        let e = parse_from::<Cli>(args(&["serve", "--config", missing.to_str().unwrap()]));
        assert!(matches!(e, Err(ConfigError::Read { .. })));
    }

    /// flags > environment > file > defaults, and `CONVERSOR_CONFIG` names the file.
    /// Only this test sets these variables (the others do not read them).
    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "poll_ms = 111\nbackoff_ms = 222\njob_timeout_secs = 333\n",
        )
        .unwrap();
        std::env::set_var("CONVERSOR_CONFIG", &f);
        std::env::set_var("CONVERSOR_BACKOFF_MS", "2220");
        std::env::set_var("CONVERSOR_JOB_TIMEOUT_SECS", "3330");
        let r = parse_from::<Cli>(args(&["worker", "--job-timeout-secs", "33300"]));
        std::env::remove_var("CONVERSOR_CONFIG");
        std::env::remove_var("CONVERSOR_BACKOFF_MS");
        std::env::remove_var("CONVERSOR_JOB_TIMEOUT_SECS");
        let Cmd::Worker { cfg, .. } = r.unwrap().cmd else {
            panic!("worker expected")
        };
        assert_eq!(cfg.poll_ms, 111, "file over default");
        assert_eq!(cfg.backoff_ms, 2220, "environment over file");
        assert_eq!(
            cfg.job_timeout_secs, 33300,
            "flag over environment and file"
        );
        assert_eq!(cfg.lease_secs, 30, "default when nobody sets it");
    }
}
