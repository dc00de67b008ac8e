/**
 * The contract as data (合同). `contracts/<contractId>.json` holds one contract; this schema is the single
 * definition of what a contract file may say. Every tunable of a rule is `{ value, rule }` so a reader can go
 * from a number in the file to the rule ID in contract-rules.md, and the schema checks the ID is the right one.
 *
 * Loading never stops at the first problem: an operator fixing a contract file gets every problem at once,
 * each with its JSON path.
 */
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { MONEY_PATTERN, UNIT_PRICE_PATTERN } from "./money";
import { codePointLength } from "./sms";
import { withoutBom } from "./text";
import { InvalidDateError, type LocalDate, parseLocalDate } from "./time";

export const KNOWN_SERVICES = ["monthly-fee", "voice-outbound", "sms"] as const;
export type ServiceName = (typeof KNOWN_SERVICES)[number];

/** The unit each service is priced in; a contract pricing voice per "message" is a typo, not a tariff. */
export const SERVICE_UNITS: Record<ServiceName, string> = {
  "monthly-fee": "month",
  "voice-outbound": "minute",
  sms: "message",
};

const RULE_ID = /^R-[A-Z]+-\d+$/;

const localDate = z.string().refine(
  (text) => {
    try {
      parseLocalDate(text);
      return true;
    } catch (error) {
      if (error instanceof InvalidDateError) return false;
      throw error;
    }
  },
  { error: (issue) => `not a calendar date (YYYY-MM-DD): ${JSON.stringify(issue.input)}` },
);

const nonEmpty = z.string().trim().min(1, "must not be empty");

/** R-MONEY-1: money is text with at most 2 decimals; "0.1e1" or 1.5 (a JSON number) are refused. */
const moneyText = z
  .string({ error: 'money must be a string like "1234.56" (R-MONEY-1: never a JSON number)' })
  .regex(MONEY_PATTERN, {
    error: (issue) => `not a money amount (e.g. "1234.56"): ${JSON.stringify(issue.input)}`,
  });

const positiveMoneyText = moneyText.refine((text) => !text.startsWith("-") && /[1-9]/.test(text), {
  error: (issue) => `must be a positive amount: ${JSON.stringify(issue.input)}`,
});

const unitPriceText = z
  .string({ error: 'a unit price must be a string like "0.06" (R-MONEY-1: never a JSON number)' })
  .regex(UNIT_PRICE_PATTERN, {
    error: (issue) =>
      typeof issue.input === "string" && issue.input.startsWith("-")
        ? `a price cannot be negative: ${JSON.stringify(issue.input)}`
        : `not a unit price (at most 4 decimals, e.g. "0.06"): ${JSON.stringify(issue.input)}`,
  });

const percentText = z.string().regex(/^\d+(\.\d{1,4})?$/, {
  error: (issue) => `not a percentage like "5": ${JSON.stringify(issue.input)}`,
});

const digits = (what: string, min: number, max: number) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `${what}: ${min}–${max} digits`);

const positiveInt = z.number().int().positive();

/** A rule tunable: the value and the rule ID it parameterises (the ID must be the expected one). */
function tunable<T extends z.ZodType>(value: T, rule: string) {
  return z.strictObject({
    value,
    rule: z.literal(rule, {
      error: (issue) => `expected rule "${rule}", got ${JSON.stringify(issue.input)}`,
    }),
  });
}

const bankAccount = z.strictObject({
  accountName: nonEmpty,
  bank: nonEmpty,
  bankCode: digits("bank code", 12, 12).optional(),
  accountNumber: digits("account number", 8, 32),
  /** R-BANK-1: the day from which statements show this account. */
  effectiveFrom: localDate,
});

const contact = z.strictObject({
  name: nonEmpty,
  phone: digits("phone", 5, 15),
  email: z.email(),
});

/**
 * R-NOTICE-4 (9.2): a party's notified new contact and address (9.4), whole, in force from `effectiveFrom`
 * (10 days after the written notice); the party's own `contact`/`address` are what the contract was signed with.
 */
const contactChange = z.strictObject({
  notifiedOn: localDate,
  effectiveFrom: localDate,
  contact,
  address: nonEmpty,
  postcode: digits("postcode", 6, 6),
});

const party = z.strictObject({
  name: nonEmpty,
  taxId: z.string().regex(/^[0-9A-Z]{18}$/, "unified social credit code: 18 characters, digits or A–Z"),
  address: nonEmpty,
  postcode: digits("postcode", 6, 6),
  city: nonEmpty,
  contact,
  bankAccounts: z.array(bankAccount).min(1, "at least one bank account (R-BANK-1)"),
  /** R-NOTICE-4: notified changes of contact and address, oldest first. */
  contactChanges: z.array(contactChange).optional(),
});

/**
 * A dated price version of a service (R-CHANGE-1, 4.10; 3.11): the service added, its price changed or the
 * service cancelled from `effectiveFrom`. Versions are appended, never edited; rating prices each usage
 * record at the version in force on its date (functions/core/changes.ts).
 */
const serviceChange = z.strictObject({
  effectiveFrom: localDate,
  action: z.enum(["add", "change", "cancel"]),
  /** The unit price from `effectiveFrom`; absent for a cancellation. */
  unitPrice: unitPriceText.optional(),
  requestedOn: localDate,
  /** 4.10 "经乙方确认同意后"; for a tariff adjustment (3.11), the day both parties agreed. */
  confirmedByPartyBOn: localDate,
  /** R-CHANGE-1: Party A's request (4.10); tariff-3.11: Party B's SMS tariff adjustment agreed by both. */
  basis: z.enum(["R-CHANGE-1", "tariff-3.11"]),
});

const service = z.strictObject({
  service: z.enum(KNOWN_SERVICES, {
    error: (issue) => `unknown service ${JSON.stringify(issue.input)} (known: ${KNOWN_SERVICES.join(", ")})`,
  }),
  description: nonEmpty,
  unit: nonEmpty,
  unitPrice: unitPriceText,
  rule: z.string().regex(RULE_ID, "a rule ID like R-PRICE-1"),
  /** A budget estimate of the volume, not a cap (R-PRICE-3). */
  estimatedVolume: positiveInt.optional(),
  /** R-CHANGE-1: the service's price versions after the signed price, oldest first. */
  changes: z.array(serviceChange).optional(),
});

/** R-NOTICE-2: "day N after dispatch" by delivery method and destination. */
const deemedDeliveryDays = z.strictObject({
  expressSameCity: positiveInt,
  expressMainland: positiveInt,
  expressHongKongMacaoTaiwan: positiveInt,
  expressAbroad: positiveInt,
  registeredMailSameCity: positiveInt,
  registeredMailMainland: positiveInt,
  registeredMailHongKongMacaoTaiwan: positiveInt,
  registeredMailAbroad: positiveInt,
});

const rules = z.strictObject({
  billingStartsOn: tunable(localDate, "R-TRIAL-1"),
  /** R-PRICE-1: "none" charges a month in full once billing has started; "daily" prorates by days. */
  monthlyFeeProration: tunable(z.enum(["none", "daily"]), "R-PRICE-1"),
  voiceRoundingSeconds: tunable(positiveInt.max(3600), "R-PRICE-2"),
  smsPartLength: tunable(positiveInt.max(1000), "R-SMS-1"),
  billDueWorkingDays: tunable(positiveInt, "R-BILL-1"),
  /** The last working day after the period a bill waits for a missing usage file (ADR 0044; default 8). */
  usageHoldLastWorkingDay: tunable(positiveInt.max(30), "R-BILL-1").optional(),
  reconciliationWorkingDays: tunable(positiveInt, "R-RECON-1"),
  reconciliationTolerancePercent: tunable(percentText, "R-RECON-2"),
  reReconciliationWorkingDays: tunable(positiveInt, "R-RECON-3"),
  reconciliationReminderWorkingDaysBefore: tunable(positiveInt, "R-RECON-5"),
  paymentWorkingDays: tunable(positiveInt, "R-PAY-1"),
  invoiceWorkingDays: tunable(positiveInt, "R-INV-1"),
  bankChangeNoticeDays: tunable(positiveInt, "R-BANK-1"),
  serviceChangeCutoffDay: tunable(positiveInt.max(28), "R-CHANGE-1"),
  billingDataRetentionMonths: tunable(positiveInt, "R-RETAIN-1"),
  termYears: tunable(positiveInt, "R-TERM-1"),
  nonRenewalNoticeDays: tunable(positiveInt, "R-TERM-3"),
  deemedDeliveryDays: tunable(deemedDeliveryDays, "R-NOTICE-2"),
  renewalReminderLeadDays: tunable(positiveInt, "R-NOTICE-3"),
  addressChangeNoticeDays: tunable(positiveInt, "R-NOTICE-4"),
  breachCureDays: tunable(positiveInt, "R-BREACH-1"),
  forceMajeureDays: tunable(positiveInt, "R-FM-1"),
  forceMajeureNegotiationDays: tunable(positiveInt, "R-FM-1"),
  callsPerCallingNumberPerDay: tunable(positiveInt, "R-CALL-1"),
  callsPerCalleePerDay: tunable(positiveInt, "R-CALL-1"),
  voiceLineOpeningWorkingDays: tunable(positiveInt, "R-SLA-1"),
  budgetWarningPercents: tunable(z.array(percentText).min(1), "R-BUDGET-1"),
});

const HAN = /^\p{Script=Han}+$/u;
const ENGLISH_SIGNATURE = /^[A-Za-z0-9 .&'-]+$/;

/**
 * Checked on its own (not with the whole contract) so a bad signature is reported together with problems
 * elsewhere in the file.
 */
const access = z
  .strictObject({
    voiceNumber: digits("voice access number", 3, 12),
    smsAccessCode: digits("SMS access code", 5, 21),
    /** R-SMS-2: 3–8 Chinese characters, without the 【】 Party B adds. */
    smsSignature: z.string(),
    /** R-SMS-2: an English signature (≤ 16 characters) is only allowed for pure-English messages. */
    englishSignature: z.boolean().optional(),
    portManagement: z.enum(["whitelist", "blacklist"]),
  })
  .superRefine((access, ctx) => {
    const signature = access.smsSignature;
    const length = codePointLength(signature);
    if (access.englishSignature === true) {
      if (!ENGLISH_SIGNATURE.test(signature) || length > 16) {
        ctx.addIssue({
          code: "custom",
          path: ["smsSignature"],
          message: `R-SMS-2: an English signature is 1–16 Latin letters, digits or spaces, got ${length} characters`,
        });
      }
    } else if (!HAN.test(signature) || length < 3 || length > 8) {
      ctx.addIssue({
        code: "custom",
        path: ["smsSignature"],
        message: HAN.test(signature)
          ? `R-SMS-2: the signature must be 3–8 Chinese characters, got ${length}`
          : `R-SMS-2: the signature must be 3–8 Chinese characters (no brackets, Latin letters or punctuation), got ${JSON.stringify(signature)}`,
      });
    }
  });

export const contractSchema = z
  .strictObject({
    $comment: z.string().optional(),
    contractId: z.string().regex(/^[0-9A-Z]{6,32}$/, "contract number: 6–32 digits or capital letters"),
    title: nonEmpty,
    procurementPlan: nonEmpty,
    currency: z.literal("CNY"),
    /** R-BUDGET-1: the contract total. */
    budget: positiveMoneyText,
    signing: z.strictObject({
      partyASignedOn: localDate,
      partyBSignedOn: localDate,
      /** True when the dates are not in the signed text (they are assumptions, listed in `assumptions`). */
      assumed: z.boolean(),
    }),
    assumptions: z.array(nonEmpty),
    parties: z.strictObject({ partyA: party, partyB: party }),
    access,
    services: z.array(service).min(1, "at least one service"),
    rules,
  })
  .superRefine((contract, ctx) => {
    const signature = contract.access.smsSignature;
    const length = codePointLength(signature);
    const partLength = contract.rules.smsPartLength.value;
    if (partLength <= length + 2) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", "smsPartLength", "value"],
        message: `R-SMS-1: a ${partLength}-character part cannot hold the signature 【${signature}】`,
      });
    }

    const seen = new Set<string>();
    contract.services.forEach((entry, index) => {
      if (seen.has(entry.service)) {
        ctx.addIssue({
          code: "custom",
          path: ["services", index, "service"],
          message: `service "${entry.service}" is priced twice`,
        });
      }
      seen.add(entry.service);
      serviceChangeProblems(entry).forEach((message, change) => {
        if (message) ctx.addIssue({ code: "custom", path: ["services", index, "changes", change], message });
      });
      const unit = SERVICE_UNITS[entry.service];
      if (entry.unit !== unit) {
        ctx.addIssue({
          code: "custom",
          path: ["services", index, "unit"],
          message: `service "${entry.service}" is priced per "${unit}", not "${entry.unit}"`,
        });
      }
    });

    const termStart = laterDate(contract.signing.partyASignedOn, contract.signing.partyBSignedOn);
    if (contract.rules.billingStartsOn.value < termStart) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", "billingStartsOn", "value"],
        message: `R-TRIAL-1: billing cannot start (${contract.rules.billingStartsOn.value}) before the term starts (${termStart}, R-TERM-1)`,
      });
    }
    for (const side of ["partyA", "partyB"] as const) {
      const accounts = contract.parties[side].bankAccounts;
      if (!accounts.some((account) => account.effectiveFrom <= termStart)) {
        ctx.addIssue({
          code: "custom",
          path: ["parties", side, "bankAccounts"],
          message: `R-BANK-1: no bank account is in force when the term starts (${termStart})`,
        });
      }
      const dates = new Set<string>();
      accounts.forEach((account, index) => {
        if (dates.has(account.effectiveFrom)) {
          ctx.addIssue({
            code: "custom",
            path: ["parties", side, "bankAccounts", index, "effectiveFrom"],
            message: `R-BANK-1: two accounts take effect on ${account.effectiveFrom}`,
          });
        }
        dates.add(account.effectiveFrom);
      });
    }

    const percents = contract.rules.budgetWarningPercents.value.map(Number);
    if (percents.some((p, i) => p <= 0 || (i > 0 && p <= (percents[i - 1] ?? 0)))) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", "budgetWarningPercents", "value"],
        message: "R-BUDGET-1: warning percentages must be positive and increasing",
      });
    }
    if (contract.signing.assumed && !contract.assumptions.some((text) => text.includes("signing"))) {
      ctx.addIssue({
        code: "custom",
        path: ["assumptions"],
        message: "assumed signing dates must be explained in assumptions",
      });
    }
  });

export type Contract = z.infer<typeof contractSchema>;
export type ContractRules = Contract["rules"];
export type ContractService = Contract["services"][number];

export interface ContractProblem {
  /** JSON path, e.g. `$.services[1].unitPrice`. */
  path: string;
  message: string;
}

export class ContractInvalidError extends Error {
  readonly problems: ContractProblem[];
  constructor(source: string, problems: ContractProblem[], options?: ErrorOptions) {
    super(
      `contract ${source} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  ${p.path}: ${p.message}`)
        .join("\n")}`,
      options,
    );
    this.name = "ContractInvalidError";
    this.problems = problems;
  }
}

function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${acc}.${name}` : `${acc}[${JSON.stringify(name)}]`;
  }, "$");
}

/** Validates parsed JSON as a contract; throws ContractInvalidError listing every problem. */
export function parseContract(json: unknown, source = "(inline)"): Contract {
  const result = contractSchema.safeParse(json);
  if (result.success) return result.data;
  const problems: ContractProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ path: jsonPath([...issue.path, key]), message: "unknown field" });
      }
    } else {
      problems.push({ path: jsonPath(issue.path), message: issue.message });
    }
  }
  throw new ContractInvalidError(source, problems);
}

/** Reads and validates a contract file. Malformed JSON is reported as a problem at `$`. */
export async function loadContract(path: string): Promise<Contract> {
  const text = await readFile(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new ContractInvalidError(path, [{ path: "$", message: `not JSON: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parseContract(json, path);
}

/**
 * R-CHANGE-1: what is wrong with each of a service's price versions (undefined when nothing): they follow
 * one another in time, add only what is not in force, change or cancel only what is, carry a price unless
 * they cancel, and the monthly fee (R-PRICE-1, one charge per month) changes on the 1st of a month only.
 */
function serviceChangeProblems(entry: z.infer<typeof service>): (string | undefined)[] {
  let inForce = !(entry.changes?.[0]?.action === "add");
  let previous: LocalDate | undefined;
  return (entry.changes ?? []).map((change) => {
    const problem = (() => {
      if (previous !== undefined && change.effectiveFrom <= previous)
        return `R-CHANGE-1: takes effect ${change.effectiveFrom}, not after the change before it (${previous})`;
      if (change.action === "add" && inForce)
        return `R-CHANGE-1: "${entry.service}" is already in force on ${change.effectiveFrom}`;
      if (change.action !== "add" && !inForce)
        return `R-CHANGE-1: "${entry.service}" is not in force on ${change.effectiveFrom}`;
      if ((change.action === "cancel") !== (change.unitPrice === undefined))
        return change.action === "cancel"
          ? "R-CHANGE-1: a cancellation has no unit price"
          : `R-CHANGE-1: ${change.action} needs a unit price`;
      if (entry.service === "monthly-fee" && !change.effectiveFrom.endsWith("-01"))
        return `R-CHANGE-1: the monthly fee changes on the 1st of a month, not ${change.effectiveFrom}`;
      return undefined;
    })();
    previous = change.effectiveFrom;
    inForce = change.action !== "cancel";
    return problem;
  });
}

function laterDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}

/** R-TERM-1: the term runs from the later of the two signing dates. */
export function termStartDate(contract: Contract): LocalDate {
  return laterDate(contract.signing.partyASignedOn, contract.signing.partyBSignedOn);
}

/** The tunables every contract states (the optional ones have their default where they are read). */
type RequiredRuleName = {
  [K in keyof ContractRules]-?: undefined extends ContractRules[K] ? never : K;
}[keyof ContractRules];

/** A rule tunable's value, typed by its name: `contractRule(c, "smsPartLength")` → number. */
export function contractRule<K extends RequiredRuleName>(
  contract: Contract,
  name: K,
): ContractRules[K]["value"] {
  return contract.rules[name].value;
}

/** The priced service, or undefined when the contract does not include it. */
export function contractService(contract: Contract, name: ServiceName): ContractService | undefined {
  return contract.services.find((entry) => entry.service === name);
}
