//! `dealflow-bench pages`: the console's pages over a database of N deals. Fills a log with N
//! deal lifecycles (the `replay` generator), rebuilds the read models, starts `dealflow serve` on
//! it, signs in through `/login` as a browser does, then times each page's GET, one at a time.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, Method, redirect};
use serde_json::json;

use crate::process::{self, ADMIN_PASSWORD, Running};
use crate::replay;
use crate::stats::Latencies;

/// How long a page may take at most, in milliseconds (issue 12).
const TARGET_MS: f64 = 50.0;

#[derive(Debug, Args)]
pub struct PagesArgs {
    /// Deals in the database.
    #[arg(long, default_value_t = 100_000)]
    deals: usize,
    /// Timed GETs of each page (after one untimed warm-up GET).
    #[arg(long, default_value_t = 30)]
    runs: usize,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Directory for the database (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn run(args: &PagesArgs) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let filling = Instant::now();
    let events = replay::fill(&dir.path().join("dealflow.db"), usize::MAX, args.deals, false)?;
    replay::rebuild_once(&binary, &dir.path().join("dealflow.db"), 10_000)?;
    eprintln!("filled {} deals ({events} events) in {:.1} s", args.deals, filling.elapsed().as_secs_f64());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let server =
            process::start_dealflow(&binary, dir.path(), None, &[("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".into())])
                .await?;
        let figures = measure(&server, args).await?;
        report(args, events, &figures);
        Ok(())
    })
}

/// The pages timed, by name and path (ids picked from the middle of the data).
fn pages(deals: usize) -> Vec<(&'static str, String)> {
    let deal = (deals / 2).max(1);
    let contact = deal;
    vec![
        ("board", "/board".into()),
        ("deals", "/deals".into()),
        ("deals search", "/deals?search=Acme%2049999".into()),
        ("deals status=won", "/deals?status=won".into()),
        ("deals stage, by amount", "/deals?pipeline_id=1&stage_id=3&orderBy=amount&orderByDir=desc".into()),
        ("deals last page", format!("/deals?start={}", deals.saturating_sub(30))),
        ("deal", format!("/deals/{deal}")),
        ("deal as of", format!("/deals/{deal}?asOf=2100-01-01T00:00:00Z")),
        ("contacts", "/contacts".into()),
        ("contacts search", "/contacts?search=person49999".into()),
        ("contact", format!("/contacts/{contact}")),
        ("events", "/events".into()),
        ("events type=deal.*", "/events?type=deal.*".into()),
        ("hooks", "/hooks".into()),
        ("hook", "/hooks/1".into()),
        ("hook log", "/hooks/1/logs".into()),
        ("hook settings", "/hooks/settings".into()),
        ("sources", "/sources".into()),
        ("source", "/sources/1".into()),
    ]
}

struct Figure {
    name: &'static str,
    path: String,
    median_ms: f64,
    p95_ms: f64,
    bytes: usize,
}

async fn measure(server: &Running, args: &PagesArgs) -> anyhow::Result<Vec<Figure>> {
    let client = Client::builder().redirect(redirect::Policy::none()).build()?;
    process::admin(&server.base_url, Method::POST, "/api/sources/new", json!({ "name": "bench source" })).await?;
    let hook =
        json!({ "name": "bench hook", "webhookUrl": "http://127.0.0.1:9/hook", "triggers": ["dealflow.deal.created"] });
    process::admin(&server.base_url, Method::POST, "/api/hooks/new", hook).await?;
    let cookie = sign_in(&client, &server.base_url).await?;
    let mut figures = Vec::new();
    for (name, path) in pages(args.deals) {
        let url = format!("{}{path}", server.base_url);
        let mut samples = Vec::with_capacity(args.runs);
        let mut bytes = 0;
        for run in 0..=args.runs {
            let started = Instant::now();
            let response = client.get(&url).header(COOKIE, &cookie).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            let took = started.elapsed();
            anyhow::ensure!(status.is_success(), "{path}: {status}");
            if run > 0 {
                samples.push(took);
            }
            bytes = body.len();
        }
        let latencies = Latencies::new(samples);
        let (median_ms, p95_ms) = (latencies.percentile_ms(50.0), latencies.percentile_ms(95.0));
        eprintln!("{name:<24} {median_ms:>8.2} {p95_ms:>8.2}");
        figures.push(Figure { name, path, median_ms, p95_ms, bytes });
    }
    Ok(figures)
}

/// Signs in as a browser does (the form's CSRF token and cookie, then the POST) and answers the
/// session's `Cookie` header.
async fn sign_in(client: &Client, base_url: &str) -> anyhow::Result<String> {
    let form = client.get(format!("{base_url}/login")).send().await?;
    let login_cookie = cookies(&form);
    let html = form.text().await?;
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("the login form has no CSRF token"))?;
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("csrf", token), ("username", "admin"), ("password", ADMIN_PASSWORD)])
        .finish();
    let answer = client
        .post(format!("{base_url}/login"))
        .header(COOKIE, login_cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let session = cookies(&answer);
    anyhow::ensure!(session.contains("dealflow_session="), "sign-in failed: {}", answer.status());
    Ok(session.split("; ").filter(|c| c.starts_with("dealflow_session=")).collect::<Vec<_>>().join("; "))
}

/// The `name=value` pairs an answer sets, as one `Cookie` header.
fn cookies(response: &reqwest::Response) -> String {
    let pairs = response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok());
    pairs.filter_map(|c| c.split(';').next()).collect::<Vec<_>>().join("; ")
}

fn report(args: &PagesArgs, events: u64, figures: &[Figure]) {
    println!("{:<24} {:<64} {:>9} {:>9} {:>9}", "page", "path", "median ms", "p95 ms", "KiB");
    for f in figures {
        println!(
            "{:<24} {:<64} {:>9.2} {:>9.2} {:>9.1}",
            f.name,
            f.path,
            f.median_ms,
            f.p95_ms,
            f.bytes as f64 / 1024.0
        );
    }
    let slowest = figures.iter().map(|f| f.p95_ms).fold(0.0, f64::max);
    let round = |ms: f64| (ms * 100.0).round() / 100.0;
    println!(
        "{}",
        json!({ "scenario": "pages", "deals": args.deals, "events": events, "runs": args.runs,
            "slowest_p95_ms": round(slowest), "under_50_ms": slowest < TARGET_MS,
            "pages": figures.iter().map(|f| json!({ "page": f.name, "path": f.path, "median_ms": round(f.median_ms), "p95_ms": round(f.p95_ms) })).collect::<Vec<_>>() })
    );
}
