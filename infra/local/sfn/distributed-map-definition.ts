/**
 * The Distributed Map fields this runtime accepts (docs/sfn-conformance.md, "Distributed Map"), compiled
 * from a Map state whose `ItemProcessor.ProcessorConfig.Mode` is `DISTRIBUTED`. Field names and limits
 * follow "Using Map state in Distributed mode" and "ItemReader (Map)" of the developer guide; a field
 * AWS knows but this runtime does not run (ResultWriter, CSV/Parquet/manifest readers, S3 listings) is
 * refused by name rather than ignored.
 */
import { InvalidDefinitionError } from "./errors";
import { type CompiledValue, compileValue, isTemplate } from "./expressions";

export interface DistributedMapConfig {
  executionType: "STANDARD" | "EXPRESS";
  /** `Label`: names the Map Run and its child state machine (`<machine>/<label>`). */
  label: string | undefined;
  itemReader: ItemReaderConfig | undefined;
  itemBatcher: ItemBatcherConfig | undefined;
  toleratedFailurePercentage: CompiledValue | undefined;
  toleratedFailureCount: CompiledValue | undefined;
}

export interface ItemReaderConfig {
  /** `arn:aws:states:::s3:getObject`: one S3 object holding the items. */
  resource: "arn:aws:states:::s3:getObject";
  inputType: "JSON" | "JSONL";
  /** `ReaderConfig.MaxItems`: only the first N items are processed. */
  maxItems: CompiledValue | undefined;
  /** `Arguments` evaluating to `{ Bucket, Key }`. */
  arguments: CompiledValue;
}

export interface ItemBatcherConfig {
  maxItemsPerBatch: CompiledValue | undefined;
  maxInputBytesPerBatch: CompiledValue | undefined;
  batchInput: CompiledValue | undefined;
}

/** The Map state fields that only a Distributed Map has. */
export const DISTRIBUTED_MAP_FIELDS = [
  "ItemReader",
  "ItemBatcher",
  "ToleratedFailurePercentage",
  "ToleratedFailureCount",
  "Label",
];

/** Characters a Label may not contain ("Distributed Map state fields", Label). */
const LABEL_FORBIDDEN_CHARACTERS = new Set(' \t\n\r?*<>{}[]:;,\\|^~$#%&`"');
/** The first character a Label may not have: the listed ones and control characters (C0, DEL, C1). */
function forbiddenLabelCharacter(label: string): string | undefined {
  return [...label].find((c) => {
    const code = c.codePointAt(0) ?? 0;
    return LABEL_FORBIDDEN_CHARACTERS.has(c) || code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}
const LABEL_MAX = 40;
const GET_OBJECT = "arn:aws:states:::s3:getObject";

function value(raw: unknown, where: string, field: string): CompiledValue | undefined {
  if (raw === undefined) return undefined;
  try {
    return compileValue(raw, field);
  } catch (error) {
    throw new InvalidDefinitionError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function object(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InvalidDefinitionError(`${where} must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

function only(raw: Record<string, unknown>, allowed: string[], where: string): void {
  for (const field of Object.keys(raw)) {
    if (!allowed.includes(field)) {
      throw new InvalidDefinitionError(`${where}: unknown or unsupported field '${field}'`);
    }
  }
}

function numberOrExpression(
  raw: unknown,
  where: string,
  field: string,
  max?: number,
): CompiledValue | undefined {
  if (raw === undefined) return undefined;
  if (!isTemplate(raw) && (typeof raw !== "number" || raw < 0 || (max !== undefined && raw > max))) {
    throw new InvalidDefinitionError(
      `${where}: field '${field}' must be a number from 0${max === undefined ? "" : ` to ${max}`} or a JSONata expression`,
    );
  }
  return value(raw, where, field);
}

/**
 * The distributed part of a Map state, or undefined for an inline Map. `mode` is
 * `ProcessorConfig.Mode`, `executionType` its `ExecutionType`.
 */
export function compileDistributedMap(
  raw: Record<string, unknown>,
  mode: unknown,
  executionType: unknown,
  where: string,
): DistributedMapConfig | undefined {
  if (mode !== "DISTRIBUTED") {
    for (const field of DISTRIBUTED_MAP_FIELDS) {
      if (raw[field] !== undefined) {
        throw new InvalidDefinitionError(
          `${where}: field '${field}' applies to a Map in DISTRIBUTED mode only (ItemProcessor.ProcessorConfig.Mode)`,
        );
      }
    }
    return undefined;
  }
  if (executionType !== "STANDARD" && executionType !== "EXPRESS") {
    throw new InvalidDefinitionError(
      `${where}: ItemProcessor.ProcessorConfig.ExecutionType must be STANDARD or EXPRESS in DISTRIBUTED mode`,
    );
  }
  if (raw.ResultWriter !== undefined) {
    throw new InvalidDefinitionError(
      `${where}: field 'ResultWriter' is not supported (results are returned)`,
    );
  }
  let label: string | undefined;
  if (raw.Label !== undefined) {
    if (typeof raw.Label !== "string" || raw.Label.length === 0)
      throw new InvalidDefinitionError(`${where}: Label cannot be empty`);
    if (raw.Label.length > LABEL_MAX)
      throw new InvalidDefinitionError(`${where}: Label cannot exceed ${LABEL_MAX} characters`);
    const bad = forbiddenLabelCharacter(raw.Label);
    if (bad !== undefined)
      throw new InvalidDefinitionError(`${where}: Label contains invalid character: '${bad}'`);
    label = raw.Label;
  }
  return {
    executionType,
    label,
    itemReader: raw.ItemReader === undefined ? undefined : compileItemReader(raw.ItemReader, where),
    itemBatcher: raw.ItemBatcher === undefined ? undefined : compileItemBatcher(raw.ItemBatcher, where),
    toleratedFailurePercentage: numberOrExpression(
      raw.ToleratedFailurePercentage,
      where,
      "ToleratedFailurePercentage",
      100,
    ),
    toleratedFailureCount: numberOrExpression(raw.ToleratedFailureCount, where, "ToleratedFailureCount"),
  };
}

function compileItemReader(raw: unknown, where: string): ItemReaderConfig {
  const reader = object(raw, `${where} field 'ItemReader'`);
  only(reader, ["Resource", "ReaderConfig", "Arguments"], `${where} ItemReader`);
  if (reader.Resource !== GET_OBJECT) {
    throw new InvalidDefinitionError(
      `${where}: ItemReader.Resource ${JSON.stringify(reader.Resource)} is not supported (${GET_OBJECT} only)`,
    );
  }
  const config = object(reader.ReaderConfig ?? {}, `${where} ItemReader.ReaderConfig`);
  only(config, ["InputType", "MaxItems"], `${where} ItemReader.ReaderConfig`);
  const inputType = config.InputType;
  if (inputType !== "JSON" && inputType !== "JSONL") {
    throw new InvalidDefinitionError(
      `${where}: ItemReader.ReaderConfig.InputType ${JSON.stringify(inputType)} is not supported (JSON or JSONL)`,
    );
  }
  if (reader.Arguments === undefined)
    throw new InvalidDefinitionError(`${where}: ItemReader needs Arguments with Bucket and Key`);
  return {
    resource: GET_OBJECT,
    inputType,
    maxItems: numberOrExpression(
      config.MaxItems,
      `${where} ItemReader.ReaderConfig`,
      "MaxItems",
      100_000_000,
    ),
    arguments: value(reader.Arguments, `${where} ItemReader`, "Arguments") as CompiledValue,
  };
}

function compileItemBatcher(raw: unknown, where: string): ItemBatcherConfig {
  const batcher = object(raw, `${where} field 'ItemBatcher'`);
  only(batcher, ["MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"], `${where} ItemBatcher`);
  if (batcher.MaxItemsPerBatch === undefined && batcher.MaxInputBytesPerBatch === undefined) {
    throw new InvalidDefinitionError(
      `${where}: ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or both)`,
    );
  }
  return {
    maxItemsPerBatch: numberOrExpression(
      batcher.MaxItemsPerBatch,
      `${where} ItemBatcher`,
      "MaxItemsPerBatch",
    ),
    maxInputBytesPerBatch: numberOrExpression(
      batcher.MaxInputBytesPerBatch,
      `${where} ItemBatcher`,
      "MaxInputBytesPerBatch",
      262_144,
    ),
    batchInput: value(batcher.BatchInput, `${where} ItemBatcher`, "BatchInput"),
  };
}
