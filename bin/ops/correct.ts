import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "correct",
  summary:
    "reverse a ledger entry (a payment not yet clearing its bill, or an agreed difference not yet billed) with the reason; then record the right one",
  required: ["entry", "reason"],
  placeholders: { entry: "<entry id, e.g. 2025-09#payment#001>", reason: '"…"' },
  header: ["reversal", "reverses", "kind", "amount", "paid now", "outstanding now"],
  row: (r) => [r.entry, r.reverses, r.kind, r.amount, r.paid, r.outstanding],
  note: (r) => `reversed ${r.reverses}: ${r.reason}`,
});
