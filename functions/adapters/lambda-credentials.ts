/**
 * The credential provider of Lambda bundles, aliased for `@aws-sdk/credential-provider-node` by the
 * bundler (infra/constructs/contract-function.ts). Lambda gives a function its role's credentials in
 * environment variables, so the default chain's other providers never run there; the CLI and the
 * embedded stack are not bundled and keep the full chain.
 */
export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";
