import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "record-reconciliation",
  summary:
    "record what a person decided about Party A's reply that was handed to a person (R-RECON-2/3): same path as an understood reply",
  required: ["decision", "source"],
  optional: ["amount", "date"],
  placeholders: {
    decision: "confirmed|disputed",
    source: '"…"',
    amount: "<Party A's figure, with disputed>",
    date: "<when Party A answered, YYYY-MM-DD|instant>",
  },
  header: ["period", "bill total", "Party A's figure", "outcome", "difference", "source"],
  row: (r) => [r.period, r.billTotal, r.partyAAmount, r.outcome, r.difference, r.source],
});
