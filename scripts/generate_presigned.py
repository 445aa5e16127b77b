#!/usr/bin/env python3
"""Runbook, "Download expirado/perda do link": a new download link for a
result, valid --expires seconds (default 86400 = 24 h, at most 7 days). The
link alone goes to stdout (hand it to the customer); its validity to stderr.

    python scripts/generate_presigned.py --object results/{order_id}.xml [--expires 86400]

Exit: 0 done, 1 refused/error (no such result, bad key), 3 token, 4 service down.
"""

import json
import sys

import conversor_admin as ca


def run():
    p = ca.parser("Gera um link de download novo para um resultado.")
    p.add_argument("--object", required=True, help="results/{order_id}.xml")
    p.add_argument("--expires", type=int, default=86400, help="validade em segundos (padrão: %(default)s)")
    args = p.parse_args()
    v = ca.call(args, "POST", "/api/admin/presign", {"object": args.object, "expires": args.expires})
    if args.json:
        print(json.dumps(v, indent=2, ensure_ascii=False))
    else:
        print(v["url"])
        hours = v["expires_in"] / 3600
        print(f"Link válido por {hours:g} h (até {v['expires_at']}).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    ca.main(run)
