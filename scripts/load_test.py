"""Driver for scripts/load-test.sh: starts `conversor serve --workers 0` on an
embedded data dir, measures with hey, then drains batches of paid orders with 1
and 2 worker processes."""
import json, os, re, subprocess, sys, tempfile, time, urllib.request, uuid

binary, sample, secs, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data_dir = tempfile.mkdtemp(prefix="conversor-load-")
env = dict(os.environ, CONVERSOR_LOG="warn", CONVERSOR_POLL_MS="20")
log = open(os.path.join(data_dir, "serve.log"), "w")
serve = subprocess.Popen([binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir, "--workers", "0"],
                         env=env, stdout=log, stderr=log)
procs = [serve]


def wait_addr():
    f = os.path.join(data_dir, "serve.addr")
    for _ in range(200):
        if os.path.exists(f):
            return "http://" + open(f).read().strip()
        time.sleep(0.05)
    raise SystemExit("serve did not start")


base = wait_addr()
file_bytes = open(sample, "rb").read()
boundary = "----load" + uuid.uuid4().hex
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nCarga\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\ncarga@example.com\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plano.mpp\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n").encode() + file_bytes + f"\r\n--{boundary}--\r\n".encode()
body_path = os.path.join(data_dir, "body.bin")
open(body_path, "wb").write(body)


def request(method, url, data=None, ctype=None):
    req = urllib.request.Request(url, data=data, method=method)
    if ctype:
        req.add_header("content-type", ctype)
    with urllib.request.urlopen(req) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def upload():
    return request("POST", base + "/api/orders", body, f"multipart/form-data; boundary={boundary}")


def hey(label, args):
    out = subprocess.run(["hey", "-z", f"{secs}s"] + args, capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%+ in ([\d.]+) secs", out)
    p99 = re.search(r"99%+ in ([\d.]+) secs", out)
    codes = re.findall(r"\[(\d+)\]\s+(\d+) responses", out)
    print(f"{label}: {float(rps.group(1)):.0f} req/s, p50 {float(p50.group(1))*1000:.1f} ms, "
          f"p99 {float(p99.group(1))*1000:.1f} ms, status {dict(codes)}")


def paid_batch(n):
    ids = []
    for _ in range(n):
        o = upload()
        q = f"?token={o['access_token']}"
        request("POST", f"{base}/api/orders/{o['id']}/payments{q}", json.dumps({"method": "pix"}).encode(), "application/json")
        request("POST", f"{base}/api/orders/{o['id']}/sandbox-approve{q}")
        ids.append((o["id"], o["access_token"]))
    # Every order must be PAID (queued) before the workers start.
    for oid, tok in ids:
        for _ in range(200):
            if request("GET", f"{base}/api/orders/{oid}?token={tok}")["status"] == "PAID":
                break
            time.sleep(0.05)
    return ids


def drain(ids, workers):
    ws = [subprocess.Popen([binary, "worker", "--data-dir", data_dir], env=env, stdout=log, stderr=log)
          for _ in range(workers)]
    procs.extend(ws)
    t0 = time.time()
    pending = list(ids)
    while pending:
        if time.time() - t0 > 600:
            raise SystemExit(f"{len(pending)} orders not completed after 600 s")
        oid, tok = pending[0]
        if request("GET", f"{base}/api/orders/{oid}?token={tok}")["status"] == "COMPLETED":
            pending.pop(0)
        else:
            time.sleep(0.02)
    dt = time.time() - t0
    for w in ws:
        w.terminate()
        w.wait()
    return dt


try:
    first = upload()
    status_url = f"{base}/api/orders/{first['id']}?token={first['access_token']}"
    print(f"conversor load test, {secs} s per phase, sample {os.path.basename(sample)} ({len(file_bytes)} bytes), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared with other jobs)")
    hey("status reads  (GET /api/orders/{id}, 16 conns)", ["-c", "16", status_url])
    hey("health        (GET /health, 16 conns)", ["-c", "16", base + "/health"])
    hey("uploads       (POST /api/orders, 4 conns)", ["-c", "4", "-m", "POST", "-T",
        f"multipart/form-data; boundary={boundary}", "-D", body_path, base + "/api/orders"])
    for workers in (1, 2):
        ids = paid_batch(batch)
        dt = drain(ids, workers)
        print(f"conversions with {workers} worker process(es): {batch} in {dt:.2f} s = {batch / dt * 60:.0f}/min")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
finally:
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait()
    subprocess.run(["rm", "-rf", data_dir])
