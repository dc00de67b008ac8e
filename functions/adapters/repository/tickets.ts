/**
 * Service-level tickets (R-SLA-1, R-SLA-2): one item per ticket, opened once, closed once (the same close
 * again is a retry and succeeds; another close time is refused).
 */
import * as z from "zod";
import { TICKET_KINDS } from "../../core/service-levels";
import { conditionalUpdate, contractKey, getItem, parseRecord, putIfAbsent, queryAll } from "./table";

const ticketSchema = z.object({
  ticketId: z.string().min(1),
  kind: z.enum(TICKET_KINDS),
  openedAt: z.string(),
  dueAt: z.string().nullable(),
  provisional: z.boolean(),
  what: z.string(),
  closedAt: z.string().optional(),
  /** R-SLA-2 (3.18): travel time of an on-site SMS-gateway repair, not counted. */
  travelMinutes: z.number().int().min(0).optional(),
  /** The ticket clock's open wait (ObligationClock); never logged, never shown. */
  clockToken: z.string().optional(),
});
export type TicketRecord = z.infer<typeof ticketSchema>;

const ticketKey = (ticketId: string) => `TICKET#${ticketId}`;

export async function putTicket(contractId: string, ticket: TicketRecord): Promise<boolean> {
  return putIfAbsent({ PK: contractKey(contractId), SK: ticketKey(ticket.ticketId), ...ticket });
}

export async function getTicket(contractId: string, ticketId: string): Promise<TicketRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), ticketKey(ticketId));
  return item ? parseRecord(ticketSchema, item, "ticket") : undefined;
}

export async function listTickets(contractId: string): Promise<TicketRecord[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "TICKET#")).map((item) =>
    parseRecord(ticketSchema, item, "ticket"),
  );
}

export async function closeTicketOnce(
  contractId: string,
  ticketId: string,
  closedAt: string,
  travelMinutes: number,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    ticketKey(ticketId),
    "SET closedAt = :c, travelMinutes = :t",
    "attribute_not_exists(closedAt) OR (closedAt = :c AND travelMinutes = :t)",
    { values: { ":c": closedAt, ":t": travelMinutes } },
  );
}

/** The ticket clock's wait token: written on every run of the await step (the latest wait is the open one). */
export async function setTicketClockToken(
  contractId: string,
  ticketId: string,
  token: string,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    ticketKey(ticketId),
    "SET clockToken = :t",
    "attribute_exists(ticketId)",
    {
      values: { ":t": token },
    },
  );
}
