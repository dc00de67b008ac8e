/**
 * CloudFormation intrinsics of a synthesized template resolved to what the embedded stack names things (its
 * region and account, its table and bucket names): Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split and
 * the pseudo parameters ("Intrinsic function reference", CloudFormation user guide). One resolver for the state
 * machine definitions (sfn/cdk-template.ts) and the IAM policies (iam/template-roles.ts). A resource no local
 * service emulates resolves to an ARN no local call names; an intrinsic not listed, or a logical id the template
 * lacks, is a TemplateIntrinsicError naming where it was met.
 */

interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface LocalNames {
  region: string;
  accountId: string;
  /** The embedded stack's table name (CloudFormation generates the deployed one). */
  tableName?: string;
  /** The embedded stack's bucket for each `contract-ops:bucket` role in the template's metadata. */
  bucketNames?: Record<string, string>;
}

export class TemplateIntrinsicError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TemplateIntrinsicError";
  }
}

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split against the local names. */
export function templateResolver(template: object, names: LocalNames) {
  const resources = (template as { Resources?: Record<string, Resource> }).Resources ?? {};
  const partition = names.region.startsWith("cn-") ? "aws-cn" : "aws";
  const arn = (service: string, rest: string, region = names.region, account = names.accountId) =>
    `arn:${partition}:${service}:${region}:${account}:${rest}`;
  const literal = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const pseudo: Record<string, string> = {
    "AWS::Region": names.region,
    "AWS::AccountId": names.accountId,
    "AWS::Partition": partition,
    "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    "AWS::StackName": "ContractOps",
    "AWS::StackId": arn("cloudformation", "stack/ContractOps/local"),
    "AWS::NoValue": "",
  };

  const physicalName = (logicalId: string, resource: Resource): string => {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case "AWS::Lambda::Function":
        return literal(props.FunctionName) ?? logicalId;
      case "AWS::StepFunctions::StateMachine":
        return literal(props.StateMachineName) ?? logicalId;
      case "AWS::IAM::Role":
        return literal(props.RoleName) ?? logicalId;
      case "AWS::DynamoDB::Table":
      case "AWS::DynamoDB::GlobalTable":
        return literal(props.TableName) ?? names.tableName ?? logicalId;
      case "AWS::S3::Bucket": {
        const role = literal(resource.Metadata?.["contract-ops:bucket"]);
        return (role && names.bucketNames?.[role]) || (literal(props.BucketName) ?? logicalId.toLowerCase());
      }
      default:
        return literal(props.Name) ?? logicalId;
    }
  };

  const ref = (logicalId: string, where: string): string => {
    const p = pseudo[logicalId];
    if (p !== undefined) return p;
    const resource = resources[logicalId];
    if (!resource)
      throw new TemplateIntrinsicError(`${where}: cannot resolve Ref ${logicalId} (not in the template)`);
    const name = physicalName(logicalId, resource);
    switch (resource.Type) {
      case "AWS::StepFunctions::StateMachine":
        return arn("states", `stateMachine:${name}`);
      case "AWS::SNS::Topic":
        return arn("sns", name);
      case "AWS::SQS::Queue":
        return `https://sqs.${names.region}.amazonaws.com/${names.accountId}/${name}`;
      default:
        return name;
    }
  };

  const getAtt = (logicalId: string, attribute: string, where: string): string => {
    const resource = resources[logicalId];
    if (!resource)
      throw new TemplateIntrinsicError(
        `${where}: cannot resolve Fn::GetAtt ${logicalId}.${attribute} (not in the template)`,
      );
    const name = physicalName(logicalId, resource);
    if (attribute !== "Arn") return name;
    switch (resource.Type) {
      case "AWS::Lambda::Function":
        return arn("lambda", `function:${name}`);
      case "AWS::StepFunctions::StateMachine":
        return arn("states", `stateMachine:${name}`);
      case "AWS::IAM::Role":
        return arn("iam", `role/${name}`, "");
      case "AWS::DynamoDB::Table":
      case "AWS::DynamoDB::GlobalTable":
        return arn("dynamodb", `table/${name}`);
      case "AWS::S3::Bucket":
        return `arn:${partition}:s3:::${name}`;
      case "AWS::SQS::Queue":
        return arn("sqs", name);
      case "AWS::Logs::LogGroup":
        return arn("logs", `log-group:${name}:*`);
      default:
        // A resource no local service emulates: an ARN no local call will ever name.
        return arn("local", `${resource.Type ?? "resource"}/${logicalId}`);
    }
  };

  const resolve = (value: unknown, where: string): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => resolve(item, where));
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined || !(key === "Ref" || key.startsWith("Fn::"))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, where)]));
    }
    const text = (v: unknown) => {
      const resolved = resolve(v, where);
      if (typeof resolved !== "string")
        throw new TemplateIntrinsicError(`${where}: ${key} expected text, got ${JSON.stringify(resolved)}`);
      return resolved;
    };
    switch (key) {
      case "Ref":
        return ref(String(arg), where);
      case "Fn::GetAtt": {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(".");
        return getAtt(String(id), String(attribute), where);
      }
      case "Fn::Join": {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts, where) as unknown[]).map((part) => String(part)).join(separator);
      }
      case "Fn::Split": {
        const [separator, source] = arg as [string, unknown];
        return text(source).split(separator);
      }
      case "Fn::Select": {
        const [index, source] = arg as [unknown, unknown];
        const items = resolve(source, where);
        if (!Array.isArray(items)) throw new TemplateIntrinsicError(`${where}: Fn::Select of a non-list`);
        return items[Number(resolve(index, where))];
      }
      case "Fn::Sub": {
        const [pattern, vars] = Array.isArray(arg)
          ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>]
          : [String(arg), {}];
        return pattern
          .replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in vars) return text(vars[name]);
            const [id, attribute] = name.split(".");
            return attribute ? getAtt(id as string, attribute, where) : ref(name, where);
          })
          .replaceAll("${!", "${");
      }
      default:
        throw new TemplateIntrinsicError(`${where}: intrinsic function ${key} is not supported`);
    }
  };
  return { resources, resolve, ref, getAtt };
}
