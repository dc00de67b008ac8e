/**
 * R-WD-3: in November and December the State Council publishes next year's holidays. Until the notice is
 * imported and applied, every deadline in that year is provisional; Party B's contact of each active
 * contract is warned at each scheduled check (once per check: the outbox key carries the day), with the
 * commands that end it. Nothing is sent outside those months or once the year is official.
 */
import { sendEmail } from "../adapters/mailer";
import { listContracts } from "../adapters/repository";
import { defaultCalendar } from "../core/calendar";
import { shanghaiDateOf } from "../core/time";
import * as emails from "./email-views";

export async function checkNextYearCalendar(input: { firesAt: string }) {
  const today = shanghaiDateOf(new Date(input.firesAt));
  const year = Number(today.slice(0, 4)) + 1;
  const month = Number(today.slice(5, 7));
  if (month < 11) return { year, status: "not-due" as const, warned: [] as string[] };
  const status = defaultCalendar().yearStatus(year);
  if (status === "official") return { year, status, warned: [] as string[] };
  const warned: string[] = [];
  for (const record of await listContracts("active")) {
    const { contract } = record;
    await sendEmail({
      contractId: contract.contractId,
      emailKey: `calendar-provisional#${year}#${today}`,
      to: [contract.parties.partyB.contact.email],
      ...emails.calendarProvisional(contract, year, today),
    });
    warned.push(contract.contractId);
  }
  return { year, status, warned };
}
