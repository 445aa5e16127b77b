"""Shared client of ConversorMPP's admin API for the runbook's scripts.

Standard library only. URL: --url, else CONVERSOR_URL, else http://127.0.0.1:8080.
Token: --token, else CONVERSOR_ADMIN_TOKEN, else $CONVERSOR_DATA_DIR/admin-token,
else ./data/admin-token (the file `conversor serve` writes on first start).
Every action is recorded on the order with an actor: --actor, else
CONVERSOR_ACTOR, else "<user> (<script name>)".

Exit codes: 0 done; 1 refused or failed; 2 a payment mismatch was found and not
fixed; 3 no token or token refused; 4 the service did not answer.
"""

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8080"


class AdminError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", default=os.environ.get("CONVERSOR_URL", DEFAULT_URL),
                   help="base URL of the running service (env CONVERSOR_URL; default %(default)s)")
    p.add_argument("--token", default=None,
                   help="admin token (env CONVERSOR_ADMIN_TOKEN; default: data/admin-token)")
    p.add_argument("--actor", default=os.environ.get("CONVERSOR_ACTOR"),
                   help="who is acting, recorded on the order (env CONVERSOR_ACTOR)")
    p.add_argument("--json", action="store_true", help="print the API's JSON answer")
    return p


def token(args):
    if args.token:
        return args.token.strip()
    env = os.environ.get("CONVERSOR_ADMIN_TOKEN", "").strip()
    if env:
        return env
    data_dir = os.environ.get("CONVERSOR_DATA_DIR", "./data")
    path = os.path.join(data_dir, "admin-token")
    try:
        with open(path, encoding="utf-8") as f:
            t = f.read().strip()
    except OSError:
        t = ""
    if not t:
        raise AdminError(3, "nenhum token de administração: use --token, CONVERSOR_ADMIN_TOKEN "
                            f"ou rode na raiz do repositório da máquina do serviço ({path} não encontrado)")
    return t


def call(args, method, path, body=None):
    """Calls the admin API; returns the decoded JSON (or text for non-JSON answers)."""
    url = args.url.rstrip("/") + path
    data = None if body is None else json.dumps(body).encode("utf-8")
    actor = args.actor or f"{getpass.getuser()} ({os.path.basename(sys.argv[0])})"
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer " + token(args),
        "X-Actor": actor,
        "Content-Type": "application/json",
        "Accept": "application/json",
    })
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            raw = resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        raw = e.read().decode("utf-8", "replace")
        try:
            msg = json.loads(raw).get("message", raw)
        except ValueError:
            msg = raw
        if e.code == 401:
            raise AdminError(3, "token de administração recusado (401): confira --token / CONVERSOR_ADMIN_TOKEN")
        raise AdminError(1, f"{msg} (HTTP {e.code})")
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise AdminError(4, f"o serviço em {args.url} não respondeu ({reason}). Ele está rodando?")
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def quote(s):
    return urllib.parse.quote(s, safe="")


def main(run):
    """Runs `run()` (which returns an exit code) and turns errors into messages."""
    try:
        sys.exit(run())
    except AdminError as e:
        print(f"erro: {e}", file=sys.stderr)
        sys.exit(e.code)
    except KeyboardInterrupt:
        sys.exit(130)
