/**
 * How an `ops` write command reaches the stack (ADR 0038): a SigV4-signed POST `{command, input}` to the
 * operator function's URL, never a table write of its own. On AWS the URL is the stack output
 * `OperatorFunctionUrl` (in CONTRACT_OPS_OPERATOR_URL) and the request is signed with the caller's
 * credentials (the ContractOpsOperator role, ADR 0032); on the embedded stack it is the local stand-in of
 * that URL, signed with the local credentials. Reads stay direct.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { awsConfig, LOCAL_CREDENTIALS } from "../../functions/adapters/aws-config";
import { signPost } from "../../functions/adapters/sigv4";
import {
  type OperatorCommandInput,
  type OperatorCommandName,
  type OperatorCommandResult,
  operatorCommands,
} from "../../functions/app/operator-commands";
import { operatorResponseBody } from "../../functions/app/operator-request";
import { InputError } from "./cli-kit";

const OPERATOR_URL_VARIABLE = "CONTRACT_OPS_OPERATOR_URL";

class OperatorFunctionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OperatorFunctionError";
  }
}

function operatorUrl(): URL {
  const text = process.env[OPERATOR_URL_VARIABLE];
  if (!text)
    throw new InputError(
      `${OPERATOR_URL_VARIABLE} is not set: give it the stack output OperatorFunctionUrl (docs/operations.md)`,
    );
  try {
    return new URL(text);
  } catch (error) {
    throw new InputError(`${OPERATOR_URL_VARIABLE} ${JSON.stringify(text)}: expected a URL`, {
      cause: error,
    });
  }
}

/**
 * Runs `command` in the operator function; resolves to the result as it travelled (printed by `--json`)
 * and its checked fields (rendered by the table). A refusal the operator can fix is an InputError (exit 1)
 * with the function's one line.
 */
export async function operatorWrite<Name extends OperatorCommandName>(
  command: Name,
  input: OperatorCommandInput<Name>,
): Promise<{ json: unknown; result: OperatorCommandResult<Name> }> {
  const url = operatorUrl();
  const config = awsConfig();
  const local = config.endpoints.dynamodb !== undefined;
  const credentials = local ? LOCAL_CREDENTIALS : await defaultProvider()();
  const body = JSON.stringify({ command, input });
  // A function URL names its region (`<id>.lambda-url.<region>.on.aws`); the signature must use that one.
  const region = /\.lambda-url\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? config.region;
  const headers = await signPost(
    { url, body, headers: { "content-type": "application/json" } },
    { region, credentials },
  );
  // fetch sets Host from the URL itself, the value that was signed.
  const { host: _signedHost, ...sent } = headers;
  const response = await fetch(url, { method: "POST", headers: sent, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const answer = operatorResponseBody.safeParse(parsed);
  if (!answer.success) {
    // Lambda's own refusals (IAM denied the signature or the role, throttling) carry {"Message": …}.
    if (response.status === 403)
      throw new InputError(
        "the operator function refused the caller (HTTP 403): run ops with the ContractOpsOperator role, assumed with MFA",
      );
    throw new OperatorFunctionError(
      `operator function answered HTTP ${response.status}: ${text.slice(0, 200)}`,
    );
  }
  if ("error" in answer.data) {
    const { code, message } = answer.data.error;
    if (code === "rejected") throw new InputError(message);
    throw new InputError(`operator function refused the request (${code}): ${message}`);
  }
  const result = operatorCommands[command].output.safeParse(answer.data.result);
  if (!result.success)
    throw new OperatorFunctionError(`operator function: the ${command} result is not the expected shape`);
  return { json: answer.data.result, result: result.data as OperatorCommandResult<Name> };
}
