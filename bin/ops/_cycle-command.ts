/**
 * The shape every "record something about one billing cycle" command shares (record-payment,
 * record-invoice, record-agreed): `--contract` and `--period` plus the command's own string flags, the
 * stack it acts on (`npm run local` or `--profile`/`--region`), and one row of result. Each is a write: the
 * operator function runs it (ADR 0038).
 */
import type {
  OperatorCommandInput,
  OperatorCommandName,
  OperatorCommandResult,
} from "../../functions/app/operator-commands";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

export function cycleCommand<
  Name extends OperatorCommandName,
  Required extends string,
  Optional extends string,
>(spec: {
  name: Name;
  summary: string;
  required: readonly Required[];
  optional?: readonly Optional[];
  /** How each own flag is shown in the usage line, e.g. `{ amount: "<a>" }`. */
  placeholders: NoInfer<Record<Required | Optional, string>>;
  header: string[];
  row(result: OperatorCommandResult<Name>): string[];
  /** A sentence under the table saying what the result means (e.g. a short payment). */
  note?(result: OperatorCommandResult<Name>): string;
}): OpsCommand {
  const optional = spec.optional ?? [];
  const flagUsage = (name: Required | Optional) => `--${name} ${spec.placeholders[name]}`;
  const usage = [
    `npm run ops -- ${spec.name} --contract <id> --period <YYYY-MM>`,
    ...spec.required.map(flagUsage),
    ...optional.map((name) => `[${flagUsage(name)}]`),
    "[--json] [--profile p --region r]",
  ].join(" ");
  const ownFlags = Object.fromEntries(
    [...spec.required, ...optional].map((name) => [name, { type: "string" as const }]),
  );
  return {
    summary: spec.summary,
    usage,
    async run(argv) {
      const { values } = parseCommandArgs(
        argv,
        { contract: { type: "string" }, period: { type: "string" }, ...ownFlags, ...targetOptions },
        usage,
      );
      const flags = values as Record<string, string | undefined>;
      const input = {
        contractId: requireOption(values.contract, "--contract", usage),
        period: requireOption(values.period, "--period", usage),
        ...Object.fromEntries(
          spec.required.map((name) => [name, requireOption(flags[name], `--${name}`, usage)]),
        ),
        ...Object.fromEntries(optional.flatMap((name) => (flags[name] ? [[name, flags[name]]] : []))),
      } as OperatorCommandInput<Name>;
      useTarget(values);
      const { json, result } = await operation(() => operatorWrite(spec.name, input));
      const note = spec.note ? `\n${spec.note(result)}` : "";
      return { json, text: `${table(spec.header, [spec.row(result)])}${note}` };
    },
  };
}
