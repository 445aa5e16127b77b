//! `conversor admin ...`: a client of the admin API, so it works against a
//! running service on any machine. URL from `--url` / `CONVERSOR_URL`
//! (default http://127.0.0.1:8080); token from `--token` /
//! `CONVERSOR_ADMIN_TOKEN` / `{--data-dir}/admin-token` (default ./data).
//!
//! Exit codes: 0 done; 1 refused or failed (message on stderr); 2
//! check-payment found a mismatch it did not fix; 3 unauthorized; 4 the
//! service is unreachable.

use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AdminArgs {
    /// Base URL of the running service.
    #[arg(
        long,
        env = "CONVERSOR_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub url: String,
    /// Admin token; default: `CONVERSOR_ADMIN_TOKEN`, else `{data-dir}/admin-token`.
    #[arg(
        long,
        env = "CONVERSOR_ADMIN_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub token: Option<String>,
    /// Where the service keeps `admin-token` (embedded default on this machine).
    #[arg(
        long,
        env = "CONVERSOR_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Recorded as who did the action (default: the token's name).
    #[arg(long, env = "CONVERSOR_ACTOR", global = true)]
    pub actor: Option<String>,
    /// Print the API's JSON answer instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub cmd: AdminCmd,
}

#[derive(clap::Subcommand, Debug)]
pub enum AdminCmd {
    /// The order as support sees it: status, events (who, when, what), payment, job, refund, e-mails.
    Order {
        #[arg(long)]
        order: String,
    },
    /// Compare Mercado Pago with the database for an order; --fix marks PAID and enqueues.
    CheckPayment {
        #[arg(long)]
        order: String,
        #[arg(long)]
        fix: bool,
    },
    /// Put an order's conversion job back on the queue.
    Requeue {
        #[arg(long)]
        order: String,
        /// Also when a worker holds a live lease (a stuck worker).
        #[arg(long)]
        force: bool,
    },
    /// A download link for `results/{order_id}.xml`.
    Presign {
        #[arg(long)]
        object: String,
        #[arg(long, default_value_t = 86400)]
        expires: i64,
    },
    /// The order's log lines from the API and every worker, oldest first.
    Logs {
        #[arg(long)]
        order: String,
        #[arg(long, default_value_t = 500)]
        tail: i64,
    },
    /// Refund an order's payment in full (once).
    Refund {
        #[arg(long)]
        order: String,
        #[arg(long)]
        reason: String,
    },
    /// Run the automatic refund sweep now.
    RefundSweep,
    /// LGPD requests.
    Privacy {
        #[command(subcommand)]
        cmd: PrivacyCmd,
    },
    /// Incidents shown on /status.
    Incident {
        #[command(subcommand)]
        cmd: IncidentCmd,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum PrivacyCmd {
    /// Register a request (due in 30 days).
    Register {
        #[arg(long, value_parser = ["access", "deletion"])]
        kind: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        order: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    List,
    /// Write privacy-requests.csv (or to --out).
    Csv {
        #[arg(long, default_value = "privacy-requests.csv")]
        out: PathBuf,
    },
    /// Carry out a request (access: export JSON; deletion: delete and anonymise).
    Process {
        #[arg(long)]
        id: String,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum IncidentCmd {
    Open {
        #[arg(long, value_parser = ["P1", "P2", "P3", "P4"])]
        priority: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        summary: String,
        #[arg(long)]
        ticket: Option<String>,
    },
    Update {
        #[arg(long)]
        id: String,
        #[arg(long, default_value = "investigating")]
        status: String,
        #[arg(long)]
        message: String,
    },
    Resolve {
        #[arg(long)]
        id: String,
        #[arg(long, default_value = "Incidente resolvido.")]
        message: String,
    },
    List,
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
    actor: Option<String>,
}

enum Fail {
    Code(i32),
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, String), Fail> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token);
        if let Some(a) = &self.actor {
            req = req.header("X-Actor", a);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| {
            eprintln!(
                "erro: o serviço em {} não respondeu ({e}). Ele está rodando?",
                self.url
            );
            Fail::Code(4)
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        if status == 401 {
            eprintln!("erro: token de administração recusado (401). Use --token ou CONVERSOR_ADMIN_TOKEN, ou rode na máquina do serviço (data/admin-token).");
            return Err(Fail::Code(3));
        }
        if status >= 400 {
            let msg = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or(text.clone());
            eprintln!("erro ({status}): {msg}");
            return Err(Fail::Code(1));
        }
        Ok((status, text))
    }

    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Fail> {
        let (_, text) = self.call(method, path, body).await?;
        serde_json::from_str(&text).map_err(|e| {
            eprintln!("erro: resposta inesperada do serviço: {e}");
            Fail::Code(1)
        })
    }
}

fn resolve_token(args: &AdminArgs) -> Option<String> {
    args.token
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            std::fs::read_to_string(args.data_dir.join("admin-token"))
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
}

fn enc(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.~".contains(c) {
                c.to_string()
            } else {
                let mut b = [0u8; 4];
                c.encode_utf8(&mut b)
                    .bytes()
                    .map(|x| format!("%{x:02X}"))
                    .collect()
            }
        })
        .collect()
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Runs one admin command; returns the process exit code.
pub async fn run(args: AdminArgs) -> i32 {
    crate::init_tls();
    let Some(token) = resolve_token(&args) else {
        eprintln!(
            "erro: nenhum token de administração: use --token, CONVERSOR_ADMIN_TOKEN, ou {}",
            args.data_dir.join("admin-token").display()
        );
        return 3;
    };
    let client = Client {
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap_or_default(),
        url: args.url.trim_end_matches('/').to_string(),
        token,
        // Like the scripts: the operating-system user, and the tool.
        actor: args.actor.clone().or_else(|| {
            std::env::var("USER")
                .ok()
                .map(|u| format!("{u} (conversor admin)"))
        }),
    };
    match run_cmd(&client, &args).await {
        Ok(code) => code,
        Err(Fail::Code(c)) => c,
    }
}

async fn run_cmd(c: &Client, args: &AdminArgs) -> Result<i32, Fail> {
    use reqwest::Method as M;
    match &args.cmd {
        AdminCmd::Order { order } => {
            let v = c
                .json(M::GET, &format!("/api/admin/orders/{}", enc(order)), None)
                .await?;
            println!("{}", pretty(&v));
            Ok(0)
        }
        AdminCmd::CheckPayment { order, fix } => {
            let v = c
                .json(
                    M::POST,
                    &format!("/api/admin/orders/{}/check-payment", enc(order)),
                    Some(json!({"fix": fix})),
                )
                .await?;
            if args.json {
                println!("{}", pretty(&v));
            } else {
                println!(
                    "Pedido {}: {} no banco",
                    v["order_id"].as_str().unwrap_or(""),
                    v["order_status"].as_str().unwrap_or("")
                );
                for p in v["gateway_payments"].as_array().into_iter().flatten() {
                    println!(
                        "  Mercado Pago: pagamento {} {}",
                        p["id"].as_str().unwrap_or(""),
                        p["status"].as_str().unwrap_or("")
                    );
                }
                println!("{}", v["explanation"].as_str().unwrap_or(""));
                if v["fixed"] == true {
                    println!(
                        "CORRIGIDO: pedido marcado PAID e conversão enfileirada (agora {}).",
                        v["order_status_after"].as_str().unwrap_or("")
                    );
                }
            }
            let code = if v["consistent"] == true || v["fixed"] == true {
                0
            } else {
                2
            };
            Ok(code)
        }
        AdminCmd::Requeue { order, force } => {
            let v = c
                .json(
                    M::POST,
                    &format!("/api/admin/orders/{}/requeue", enc(order)),
                    Some(json!({"force": force})),
                )
                .await?;
            println!(
                "{}",
                if args.json {
                    pretty(&v)
                } else {
                    v["message"].as_str().unwrap_or("").to_string()
                }
            );
            Ok(0)
        }
        AdminCmd::Presign { object, expires } => {
            let v = c
                .json(
                    M::POST,
                    "/api/admin/presign",
                    Some(json!({"object": object, "expires": expires})),
                )
                .await?;
            if args.json {
                println!("{}", pretty(&v));
            } else {
                println!("{}", v["url"].as_str().unwrap_or(""));
                eprintln!(
                    "válido por {} s (até {})",
                    v["expires_in"],
                    v["expires_at"].as_str().unwrap_or("")
                );
            }
            Ok(0)
        }
        AdminCmd::Logs { order, tail } => {
            let v = c
                .json(
                    M::GET,
                    &format!("/api/admin/orders/{}/logs?tail={tail}", enc(order)),
                    None,
                )
                .await?;
            if args.json {
                println!("{}", pretty(&v));
            } else {
                for l in v["lines"].as_array().into_iter().flatten() {
                    println!("{}", l["line"].as_str().unwrap_or(""));
                }
            }
            Ok(0)
        }
        AdminCmd::Refund { order, reason } => {
            let v = c
                .json(
                    M::POST,
                    &format!("/api/admin/orders/{}/refund", enc(order)),
                    Some(json!({"reason": reason})),
                )
                .await?;
            if args.json {
                println!("{}", pretty(&v));
            } else if v["created"] == true {
                println!(
                    "Reembolso de {} feito (Mercado Pago refund {}).",
                    v["refund"]["amount"].as_str().unwrap_or(""),
                    v["refund"]["mp_refund_id"].as_str().unwrap_or("")
                );
            } else {
                println!(
                    "Pedido já reembolsado antes ({}); nada foi feito.",
                    v["refund"]["amount"].as_str().unwrap_or("")
                );
            }
            Ok(0)
        }
        AdminCmd::RefundSweep => {
            let v = c
                .json(M::POST, "/api/admin/refunds/sweep", Some(json!({})))
                .await?;
            println!("{}", pretty(&v));
            Ok(0)
        }
        AdminCmd::Privacy { cmd } => match cmd {
            PrivacyCmd::Register {
                kind,
                email,
                order,
                notes,
            } => {
                let v = c
                    .json(M::POST, "/api/admin/privacy-requests", Some(json!({"kind": kind, "email": email, "order_id": order, "notes": notes})))
                    .await?;
                println!("{}", pretty(&v));
                Ok(0)
            }
            PrivacyCmd::List => {
                println!(
                    "{}",
                    pretty(&c.json(M::GET, "/api/admin/privacy-requests", None).await?)
                );
                Ok(0)
            }
            PrivacyCmd::Csv { out } => {
                let (_, text) = c
                    .call(M::GET, "/api/admin/privacy-requests.csv", None)
                    .await?;
                if out.as_os_str() == "-" {
                    print!("{text}");
                } else if let Err(e) = std::fs::write(out, &text) {
                    eprintln!("erro: não foi possível gravar {}: {e}", out.display());
                    return Ok(1);
                } else {
                    println!(
                        "{} gravado ({} solicitações)",
                        out.display(),
                        text.lines().count().saturating_sub(1)
                    );
                }
                Ok(0)
            }
            PrivacyCmd::Process { id } => {
                let v = c
                    .json(
                        M::POST,
                        &format!("/api/admin/privacy-requests/{}/process", enc(id)),
                        Some(json!({})),
                    )
                    .await?;
                println!("{}", pretty(&v));
                Ok(0)
            }
        },
        AdminCmd::Incident { cmd } => {
            let v = match cmd {
                IncidentCmd::Open { priority, title, summary, ticket } => {
                    c.json(M::POST, "/api/admin/incidents", Some(json!({"priority": priority, "title": title, "summary": summary, "ticket_id": ticket}))).await?
                }
                IncidentCmd::Update { id, status, message } => {
                    c.json(M::POST, &format!("/api/admin/incidents/{}/updates", enc(id)), Some(json!({"status": status, "message": message}))).await?
                }
                IncidentCmd::Resolve { id, message } => {
                    c.json(M::POST, &format!("/api/admin/incidents/{}/resolve", enc(id)), Some(json!({"message": message}))).await?
                }
                IncidentCmd::List => c.json(M::GET, "/api/admin/incidents", None).await?,
            };
            println!("{}", pretty(&v));
            Ok(0)
        }
    }
}
