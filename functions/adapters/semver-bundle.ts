/**
 * What `semver` resolves to inside a Lambda bundle (the esbuild alias in infra/constructs/contract-function.ts,
 * ADR 0046). aws-xray-sdk-core calls it in one place, `captureAWS`, which patches the AWS SDK v2 (version
 * ≥ 2.7.15 required); this project traces SDK v3 clients only (`captureAWSv3Client`), so the 29 KB of
 * semver would never run. Anything that does reach it is refused, never answered wrongly.
 */
export function gte(): boolean {
  throw new Error("semver is not bundled: AWS SDK v2 patching (captureAWS) is not used in Lambda bundles");
}
