#!/usr/bin/env python3
"""Runbook, "Reprocessar order": puts an order's conversion job back on the
queue through the service's admin API (PAID/PROCESSING stuck, or FAILED after
a fix; PENDING and COMPLETED are refused with the reason).

    python scripts/requeue_order.py --order {order_id} [--force]

Exit: 0 requeued, 1 refused/error, 3 token, 4 service down.
"""

import json
import sys

import conversor_admin as ca


def run():
    p = ca.parser("Reenfileira a conversão de um pedido.")
    p.add_argument("--order", required=True, help="order id")
    p.add_argument("--force", action="store_true", help="também quando um worker segura o job (worker travado)")
    args = p.parse_args()
    v = ca.call(args, "POST", f"/api/admin/orders/{ca.quote(args.order)}/requeue", {"force": args.force})
    print(json.dumps(v, indent=2, ensure_ascii=False) if args.json else v["message"])
    return 0


if __name__ == "__main__":
    ca.main(run)
