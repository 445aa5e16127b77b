#!/usr/bin/env python3
"""Runbook, "Pagamento não reconhecido": asks Mercado Pago (through the
service's admin API) about an order's payment, compares with the database and
explains any mismatch. --fix marks the order PAID and enqueues the conversion
(exactly once, the same path as the webhook).

    python scripts/check_payment_status.py --order {order_id} [--fix]

Exit: 0 consistent (or fixed), 2 mismatch not fixed, 1 error, 3 token, 4 service down.
"""

import json
import sys

import conversor_admin as ca


def run():
    p = ca.parser("Verifica o pagamento de um pedido no Mercado Pago e no banco.")
    p.add_argument("--order", required=True, help="order id")
    p.add_argument("--fix", action="store_true", help="marca PAID e enfileira quando o Mercado Pago aprovou")
    args = p.parse_args()
    v = ca.call(args, "POST", f"/api/admin/orders/{ca.quote(args.order)}/check-payment", {"fix": args.fix})
    if args.json:
        print(json.dumps(v, indent=2, ensure_ascii=False))
    else:
        print(f"Pedido {v['order_id']}: {v['order_status']} no banco")
        db = v.get("db_payment")
        if db:
            print(f"  Banco: pagamento {db[0]} {db[1]}")
        for gp in v.get("gateway_payments", []):
            print(f"  Mercado Pago: pagamento {gp['id']} {gp['status']}")
        print(v["explanation"])
        if v.get("fixed"):
            print(f"CORRIGIDO: pedido marcado PAID e conversão enfileirada (agora {v['order_status_after']}).")
        elif args.fix and v.get("fixable"):
            print(f"Nada corrigido: {v.get('fix_outcome')} (pedido agora {v['order_status_after']}).")
        elif not v.get("consistent") and v.get("fixable"):
            print("Para corrigir: python scripts/check_payment_status.py --order "
                  f"{v['order_id']} --fix")
    return 0 if v.get("consistent") or v.get("fixed") else 2


if __name__ == "__main__":
    ca.main(run)
