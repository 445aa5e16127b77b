//! Uploads stored without holding the file whole, on the embedded default and
//! (under scripts/test-server.sh) on SeaweedFS.

mod common;

use common::*;
use object_store::ObjectStoreExt;
use std::io::{Read, Write};

/// A real project file grown to `pad` extra bytes by an unread stream: the
/// same project for mpp-core, as large as a customer's big plan.
fn padded_mpp(original: &[u8], pad: usize) -> Vec<u8> {
    let mut src = cfb::CompoundFile::open(std::io::Cursor::new(original)).unwrap();
    let mut dst = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    let entries: Vec<_> = src
        .walk()
        .map(|e| (e.path().to_path_buf(), e.is_storage()))
        .collect();
    for (path, storage) in entries {
        if path == std::path::Path::new("/") {
            continue;
        }
        if storage {
            dst.create_storage(&path).unwrap();
        } else {
            let mut data = Vec::new();
            src.open_stream(&path)
                .unwrap()
                .read_to_end(&mut data)
                .unwrap();
            dst.create_stream(&path).unwrap().write_all(&data).unwrap();
        }
    }
    // Incompressible filler, in case any hop compresses.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let filler: Vec<u8> = (0..pad)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    dst.create_stream("/Padding")
        .unwrap()
        .write_all(&filler)
        .unwrap();
    dst.flush().unwrap();
    dst.into_inner().into_inner()
}

fn status_kb(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A 45 MB valid project: accepted with the same preview as the original,
/// stored byte for byte, by a multipart upload on S3, while the server's peak
/// memory grows by much less than the file (the whole-file path grew by 45 MB+).
#[tokio::test]
async fn large_upload_is_streamed_to_the_store() {
    let Some(sample) = corpus_file(SAMPLE) else {
        return;
    };
    let original = std::fs::read(sample).unwrap();
    let big = padded_mpp(&original, 45 * 1024 * 1024);
    assert!(big.len() > 45 * 1024 * 1024 && big.len() < 50 * 1024 * 1024);
    let h = Harness::start(0, &[]).await;
    // Warm up (threads, pools, allocator arenas) with the small original.
    let (s, small) = h.upload_bytes("plano.mpp", original.clone()).await;
    assert_eq!(s, 201, "{small}");
    let pid = h.serve.as_ref().unwrap().0.id();
    // Linux: writing 5 to clear_refs resets the peak (VmHWM) to the current RSS.
    let measured = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let before = status_kb(pid, "VmHWM:");
    let (s, body) = h.upload_bytes("grande.mpp", big.clone()).await;
    assert_eq!(s, 201, "{body} {}", h.log("serve"));
    assert_eq!(body["order"]["preview"], small["order"]["preview"]);
    assert_eq!(body["order"]["file_size"], big.len() as u64);
    if measured {
        let grew_mb = (status_kb(pid, "VmHWM:") - before) / 1024;
        eprintln!("serve peak RSS grew by {grew_mb} MB for a 45 MB upload");
        assert!(grew_mb < 30, "peak RSS grew by {grew_mb} MB");
    }
    let id = body["id"].as_str().unwrap();
    let key = conversor_server::adapters::blob::upload_key(id);
    let blobs = h.blobs();
    assert!(blobs.get(&key).await.unwrap() == big, "stored bytes differ");
    let head = blobs
        .store
        .head(&object_store::path::Path::from(key.as_str()))
        .await
        .unwrap();
    if h.s3() {
        // S3 names a multipart object's ETag "md5-of-part-md5s-PARTS".
        let etag = head.e_tag.unwrap_or_default();
        let parts = big
            .len()
            .div_ceil(conversor_server::adapters::blob::PART_BYTES);
        assert!(
            etag.trim_matches('"').ends_with(&format!("-{parts}")),
            "ETag {etag}: not a {parts}-part upload"
        );
    }
    // A small upload stays a single put (no multipart ETag).
    let small_key = conversor_server::adapters::blob::upload_key(small["id"].as_str().unwrap());
    assert!(blobs.get(&small_key).await.unwrap() == original);
    // Nothing left in the temporary folder.
    assert_eq!(
        std::fs::read_dir(h.dir.path().join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
}

fn tls_sink() -> Option<(String, String, String, std::path::PathBuf)> {
    match (
        std::env::var("CONVERSOR_TEST_SMTPS_URL"),
        std::env::var("CONVERSOR_TEST_STARTTLS_URL"),
        std::env::var("CONVERSOR_TEST_SMTP_CA"),
        std::env::var("CONVERSOR_TEST_TLS_MAILDIR"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => Some((a, b, c, d.into())),
        _ => {
            eprintln!("skipping: no TLS SMTP sink (scripts/test-server.sh starts one)");
            None
        }
    }
}

fn delivered(maildir: &std::path::Path, order_id: &str) -> usize {
    let needle = format!("X-Conversor-Order: {order_id}");
    std::fs::read_dir(maildir.join("new"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .filter(|m| m.contains(&needle))
                .count()
        })
        .unwrap_or(0)
}

/// Sends with a bound: a sink that stops answering must fail the test, not hang it.
async fn send(m: &conversor_server::adapters::mailer::Smtp, order_id: &str) -> Result<(), String> {
    use conversor_server::adapters::mailer::Mailer;
    tokio::time::timeout(std::time::Duration::from_secs(15), m.send(&email(order_id)))
        .await
        .expect("SMTP send timed out")
}

fn email(order_id: &str) -> conversor_server::adapters::db::EmailRow {
    conversor_server::adapters::db::EmailRow {
        id: uuid::Uuid::new_v4().to_string(),
        order_id: order_id.into(),
        kind: "download_ready".into(),
        to_addr: "ana@example.com".into(),
        subject: "Seu arquivo está pronto".into(),
        body: "Olá, Ana.".into(),
    }
}

/// SMTP_URL against aiosmtpd with a certificate from a throwaway CA and AUTH
/// required: implicit TLS and STARTTLS deliver with the CA trusted; an untrusted
/// certificate, a wrong password and a plain connection are refused.
#[tokio::test]
async fn smtp_over_tls_with_auth() {
    use conversor_server::adapters::mailer::Smtp;
    let Some((smtps, starttls, ca, maildir)) = tls_sink() else {
        return;
    };
    let ca = std::path::PathBuf::from(ca);
    let from = "ConversorMPP <nao-responda@conversormpp.com>";
    for url in [&smtps, &starttls] {
        let order = uuid::Uuid::new_v4().to_string();
        let m = Smtp::from_url(url, Some(&ca), from).unwrap();
        send(&m, &order).await.unwrap();
        assert_eq!(delivered(&maildir, &order), 1, "{url}");
        // Without the test CA the certificate is not trusted (Mozilla roots only).
        eprintln!("{url}: delivered; now without the CA");
        let m = Smtp::from_url(url, None, from).unwrap();
        let e = send(&m, &order).await.unwrap_err();
        assert!(e.to_lowercase().contains("certificate"), "{url}: {e}");
        // A wrong password is refused by the server.
        eprintln!("{url}: refused without the CA: {e}");
        let wrong = url.replacen("s3nh%40%3Asegura", "errada", 1);
        assert_ne!(&wrong, url);
        let m = Smtp::from_url(&wrong, Some(&ca), from).unwrap();
        assert!(send(&m, &order).await.is_err(), "{url}");
        assert_eq!(delivered(&maildir, &order), 1);
    }
    // The STARTTLS port refuses mail from a client that never upgrades.
    let order = uuid::Uuid::new_v4().to_string();
    let plain = starttls.replacen("?tls=required", "", 1);
    let m = Smtp::from_url(&plain, None, from).unwrap();
    assert!(send(&m, &order).await.is_err());
    assert_eq!(delivered(&maildir, &order), 0);
}

/// `conversor serve` with SMTP_URL and SMTP_CA_FILE sends the order's
/// e-mails through the TLS sink.
#[tokio::test]
async fn serve_sends_order_mail_over_smtps() {
    let (Some((smtps, _, ca, maildir)), Some(sample)) = (tls_sink(), corpus_file(SAMPLE)) else {
        return;
    };
    let h = Harness::start(
        1,
        &[("SMTP_URL", smtps.as_str()), ("SMTP_CA_FILE", ca.as_str())],
    )
    .await;
    let (id, token) = h.order(&std::fs::read(sample).unwrap()).await;
    let (s, pay) = h
        .pay(&id, &token, serde_json::json!({"method": "pix"}))
        .await;
    assert_eq!(s, 201, "{pay}");
    h.approve(pay["id"].as_str().unwrap(), None).await;
    h.wait_status(&id, &token, "COMPLETED", 30).await;
    // Payment confirmed, then download ready.
    let t0 = std::time::Instant::now();
    while delivered(&maildir, &id) < 2 {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(20),
            "mail not delivered; serve log:\n{}",
            h.log("serve")
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(h.mails(&id), 0, "nothing through the plain sink");
}
