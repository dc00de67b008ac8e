import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "resend",
  summary:
    "send an email of a period that was not sent (it stays queued in the outbox until sent; see status)",
  required: ["email"],
  placeholders: { email: "statement|invoice|overdue-notice|reconciliation-reminder|settlement|…" },
  header: ["email", "sent"],
  row: (r) => [r.emailKey, r.sent ? "yes" : "no"],
});
