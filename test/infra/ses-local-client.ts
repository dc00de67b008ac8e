/**
 * The SES tests' embedded SES emulator and an SES client on it: started on a port the kernel picks, stopped
 * together after the file.
 */
import { SESClient } from "@aws-sdk/client-ses";
import { type SesLocal, startSesLocal } from "../../infra/local/ses-local";

export interface SesWithClient {
  ses: SesLocal;
  client: SESClient;
  /** Destroys the client, then closes the emulator. */
  stop(): Promise<void>;
}

export async function startSesWithClient(options: { dataDir?: string } = {}): Promise<SesWithClient> {
  const ses = await startSesLocal({ port: 0, ...options });
  const client = new SESClient({
    region: "us-east-1",
    endpoint: ses.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    ses,
    client,
    stop: async () => {
      client.destroy();
      await ses.close();
    },
  };
}
