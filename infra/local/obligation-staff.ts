/**
 * Party B's staff playing the scenario's obligation `events` (docs/scenarios.md): each is the `ops` command
 * itself, run in this process at its moment with the run's contract, so the values go through the same
 * checks an operator's typing does; a refusal is logged with the one line `ops` prints, and the run goes on.
 */
import { InputError, type OpsCommand, UsageError } from "../../bin/ops/cli-kit";
import { now } from "../../functions/adapters/clock";
import { getContract, listCycles } from "../../functions/adapters/repository";
import { listTickets, type TicketRecord } from "../../functions/adapters/repository/tickets";
import { breachRegister } from "../../functions/app/breach-register";
import { complianceNote, serviceLevelNote } from "../../functions/app/cycle/bill-notes";
import { OperationRejectedError } from "../../functions/app/operations";
import { serviceChangesView } from "../../functions/app/service-changes";
import { summarizeServiceLevels } from "../../functions/app/tickets";
import type { Contract } from "../../functions/core/contract";
import { atTimeOfDay, shanghaiDateOf } from "../../functions/core/time";
import type { PartyBStaff } from "./party-b-staff";
import type { ObligationEvent } from "./scenario/obligation-events";

async function loadCommand(name: ObligationEvent["command"]): Promise<OpsCommand> {
  const module = (await import(`../../bin/ops/${name}.ts`)) as { default: OpsCommand };
  return module.default;
}

export function planObligationEvent(staff: PartyBStaff, contractId: string, event: ObligationEvent): void {
  const at = event.at.length === 10 ? atTimeOfDay(event.at, "10:00") : new Date(event.at);
  staff.planOperation(at, event.command, { ...event.flags }, async () => {
    const argv = [
      "--contract",
      contractId,
      ...Object.entries(event.flags).flatMap(([k, v]) => [`--${k}`, v]),
      "--json",
    ];
    try {
      const output = await (await loadCommand(event.command)).run(argv);
      return JSON.stringify(output.json);
    } catch (error) {
      // The refusal `ops` would print (exit 1 or 2), as the other operations log theirs.
      if (error instanceof InputError || error instanceof UsageError)
        throw new OperationRejectedError(error.message.split("\n")[0] ?? error.message, { cause: error });
      throw error;
    }
  });
}

/**
 * The run's JSON: the breach register as of the day before `end`, each period's service levels, the
 * services' price versions (R-CHANGE-1, 3.11) and the bill lines priced for part of their period only.
 */
export async function obligationsView(contractId: string, periods: readonly string[], end: Date) {
  const asOf = shanghaiDateOf(new Date(end.getTime() - 1));
  const register = await breachRegister({ contractId, asOf });
  // The contract, its tickets and cycles read once for every period of the run, not once a period.
  const { contract } = await getContract(contractId);
  const tickets = await listTickets(contractId);
  const serviceLevels = periods.map((period) => summarizeServiceLevels(contract, tickets, period, now()));
  return {
    breachRegister: register,
    serviceLevels: serviceLevels.filter((s) => s.tickets.length > 0),
    ...(await serviceChangesView(contractId, periods)),
    billNotes: await billNotesView(contract, tickets, periods),
  };
}

/** What each period's bill email noted beyond the bill: service levels (3.18) and compliance findings. */
async function billNotesView(
  contract: Contract,
  tickets: readonly TicketRecord[],
  periods: readonly string[],
) {
  const cycles = new Map((await listCycles(contract.contractId)).map((cycle) => [cycle.period, cycle]));
  const notes = [];
  for (const period of periods) {
    const cycle = cycles.get(period);
    if (!cycle?.sentAt) continue;
    const serviceLevels = await serviceLevelNote(contract, period, new Date(cycle.sentAt), tickets);
    const compliance = complianceNote(contract, cycle);
    if (serviceLevels || compliance) notes.push({ period, serviceLevels, compliance });
  }
  return notes;
}
