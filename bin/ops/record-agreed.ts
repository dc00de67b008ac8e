import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "record-agreed",
  summary:
    "record the amount both parties fixed in a re-reconciliation (R-RECON-3); the difference is adjusted next period (R-RECON-4)",
  required: ["agreed"],
  placeholders: { agreed: "<amount>" },
  header: ["bill total", "agreed", "adjustment next period (R-RECON-4)", "workflow"],
  row: (r) => [r.billTotal, r.agreedAmount, r.adjustment, r.workflow],
});
