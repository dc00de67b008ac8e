/**
 * The shape every "record something about one billing cycle" command shares (record-payment,
 * record-invoice, record-agreed): `--contract` and `--period` plus the command's own string flags, the
 * stack it acts on (`npm run local` or `--profile`/`--region`), and one row of result.
 */
import { operation, targetOptions, useTarget } from "./_target";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

export function cycleCommand<Required extends string, Optional extends string, Result>(spec: {
  name: string;
  summary: string;
  required: readonly Required[];
  optional?: readonly Optional[];
  /** How each own flag is shown in the usage line, e.g. `{ amount: "<a>" }`. */
  placeholders: NoInfer<Record<Required | Optional, string>>;
  run(
    input: NoInfer<
      { contractId: string; period: string } & Record<Required, string> & Partial<Record<Optional, string>>
    >,
  ): Promise<Result>;
  header: string[];
  row(result: Result): string[];
  /** A sentence under the table saying what the result means (e.g. a short payment). */
  note?(result: Result): string;
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
      } as Parameters<typeof spec.run>[0];
      useTarget(values);
      const result = await operation(() => spec.run(input));
      const note = spec.note ? `\n${spec.note(result)}` : "";
      return { json: result, text: `${table(spec.header, [spec.row(result)])}${note}` };
    },
  };
}
