/**
 * `ops upload-usage --contract <id> --period <YYYY-MM> [--voice <csv>] [--sms <csv>]`: stores a period's usage
 * files in the usage bucket, the way they are meant to get there (ADR 0035). The SMS log is stored without its
 * content: each text becomes its character count after R-SMS-3's content check ran on it, and only that check's
 * findings (line, reason) are stored beside it. `--encoding gbk|gb18030` reads a Chinese Windows export (Excel saves
 * CSV as GBK): the SMS log is stored in UTF-8, a voice file as it is with the object metadata `encoding`
 * (docs/usage-csv.md) — so a GBK export need not be copied into the bucket with its messages' text.
 */
import { readFile } from "node:fs/promises";
import { getContract } from "../../functions/adapters/repository";
import {
  putComplaints,
  putUsage,
  smsContentFindings,
  usageObjectKey,
} from "../../functions/adapters/usage-store";
import { ComplaintsFileError, parseComplaintsCsv } from "../../functions/core/sms-governance/complaints-csv";
import {
  decodeToUtf8,
  scanVoiceCsv,
  type UsageEncoding,
  UsageFileError,
} from "../../functions/core/usage-csv";
import { operation, targetOptions, useTarget } from "./_target";
import { contractIdValue, encodingValue, noPositionals, periodValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, UsageError } from "./cli-kit";

const usage =
  "npm run ops -- upload-usage --contract <id> --period <YYYY-MM> [--voice <csv>] [--sms <csv>] [--complaints <csv>] [--encoding utf-8|gbk|gb18030] [--json] [--profile p --region r]";

async function fileOf(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InputError(`${flag} ${JSON.stringify(path)}: expected a readable file`, { cause: error });
  }
}

async function checkVoiceFile(voice: Buffer, path: string, encoding: UsageEncoding): Promise<void> {
  try {
    await scanVoiceCsv(
      decodeToUtf8(
        (async function* () {
          yield voice;
        })(),
        encoding,
      ),
      // Malformed rows are rejected with their line when the bill is rated (docs/usage-csv.md), not here.
      { call: () => undefined, reject: () => undefined },
    );
  } catch (error) {
    if (error instanceof UsageFileError)
      throw new InputError(`--voice ${JSON.stringify(path)}: ${error.message}`, { cause: error });
    throw error;
  }
}

const command: OpsCommand = {
  summary: "store a period's usage files; the SMS log without its content (character counts only)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        voice: { type: "string" },
        sms: { type: "string" },
        complaints: { type: "string" },
        encoding: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId = contractIdValue("--contract", requireOption(values.contract, "--contract", usage));
    const period = periodValue("--period", requireOption(values.period, "--period", usage));
    const encoding = encodingValue("--encoding", values.encoding);
    if (values.voice === undefined && values.sms === undefined && values.complaints === undefined) {
      throw new UsageError(`nothing to upload: give --voice, --sms and/or --complaints\nusage: ${usage}`);
    }
    const complaints =
      values.complaints === undefined
        ? undefined
        : (await fileOf("--complaints", values.complaints)).toString("utf8");
    if (complaints !== undefined) {
      // R-THROTTLE-1: a feed that is not one is refused before anything is stored.
      try {
        parseComplaintsCsv(complaints);
      } catch (error) {
        if (error instanceof ComplaintsFileError)
          throw new InputError(`--complaints: ${error.message}`, { cause: error });
        throw error;
      }
    }
    const voice = values.voice === undefined ? undefined : await fileOf("--voice", values.voice);
    // A voice file is stored as it is, so it is read here first: one that is not a voice CDR file (a wrong
    // header, bytes not in its encoding) would otherwise only fail the bill step (R-BILL-1).
    if (voice && values.voice !== undefined) await checkVoiceFile(voice, values.voice, encoding);
    const sms = values.sms === undefined ? undefined : await fileOf("--sms", values.sms);
    useTarget(values);
    const stored = await operation(async () => {
      await getContract(contractId);
      const keys: string[] = [];
      // The SMS log first: a file that is not one is refused before anything is stored.
      if (sms) {
        try {
          await putUsage(contractId, period, "sms", sms, encoding);
        } catch (error) {
          if (error instanceof UsageFileError) {
            throw new InputError(`--sms ${JSON.stringify(values.sms)}: ${error.message}`, { cause: error });
          }
          throw error;
        }
        keys.push(usageObjectKey(contractId, period, "sms"));
      }
      if (voice) {
        await putUsage(contractId, period, "voice", voice, encoding);
        keys.push(usageObjectKey(contractId, period, "voice"));
      }
      if (complaints !== undefined) {
        await putComplaints(contractId, complaints);
        keys.push(`usage/${contractId}/complaints.csv`);
      }
      return { keys, findings: sms ? await smsContentFindings(contractId, period) : undefined };
    });
    const json = {
      contractId,
      period,
      stored: stored.keys,
      ...(stored.findings
        ? {
            smsMarketingViolations: stored.findings.marketingViolationCount,
            smsRejectedRecords: stored.findings.rejectedCount,
          }
        : {}),
    };
    return {
      json,
      text: [
        `stored ${stored.keys.join(", ")}`,
        ...(stored.findings
          ? [
              `SMS content not stored; R-SMS-3 content findings: ${stored.findings.marketingViolationCount}, records refused: ${stored.findings.rejectedCount}`,
            ]
          : []),
      ].join("\n"),
    };
  },
};

export default command;
