/**
 * The SHA-256 the clients sign with (ADR 0108) gives the digests SHA-256 and HMAC-SHA-256 are defined to give,
 * however its data comes, and keeps no HMAC of one key for another. Oracles: the FIPS 180-2 examples of
 * SHA-256, the RFC 4231 test cases of HMAC-SHA-256, the SigV4 signing key of AWS's documentation ("Examples of
 * how to derive a signing key for Signature Version 4"), and the SDK's own `Sha256Node` for the rest. Whole
 * requests signed with it are compared with the SDK's in aws-client-wire.test.ts.
 */
import { Sha256 } from "@smithy/core/checksum";
import { toHex } from "@smithy/core/serde";
import { clearCredentialCache, getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { SigV4Sha256 } from "../../functions/adapters/sigv4-sha256";

async function hexOf(checksum: { digest(): Promise<Uint8Array> }): Promise<string> {
  return toHex(await checksum.digest());
}

async function sha256(...pieces: (string | Uint8Array)[]): Promise<string> {
  const hash = new SigV4Sha256();
  for (const piece of pieces) hash.update(piece);
  return hexOf(hash);
}

async function hmac(key: string | Uint8Array, ...pieces: (string | Uint8Array)[]): Promise<string> {
  const hash = new SigV4Sha256(key);
  for (const piece of pieces) hash.update(piece);
  return hexOf(hash);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("SigV4Sha256 as SHA-256 (FIPS 180-2 examples)", () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const twoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  const twoBlocksText = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

  it("hashes one piece, as text or bytes, and nothing", async () => {
    expect(await sha256("abc")).toBe(abc);
    expect(await sha256(utf8("abc"))).toBe(abc);
    expect(await sha256(twoBlocksText)).toBe(twoBlocks);
    expect(await hexOf(new SigV4Sha256())).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("hashes data given in pieces as the whole", async () => {
    expect(await sha256("a", utf8("b"), "c")).toBe(abc);
    expect(await sha256(twoBlocksText.slice(0, 30), twoBlocksText.slice(30))).toBe(twoBlocks);
  });

  it("reads a view over a larger buffer by its own bytes only", async () => {
    const around = utf8("xxabcyy");
    expect(await sha256(around.subarray(2, 5))).toBe(abc);
  });

  it("may be digested again and updated after, as the SDK's Sha256Node", async () => {
    const hash = new SigV4Sha256();
    hash.update("a");
    expect(await hexOf(hash)).toBe(await sha256("a"));
    hash.update("bc");
    expect(await hexOf(hash)).toBe(abc);
    expect(await hexOf(hash)).toBe(abc);
    hash.reset();
    hash.update("abc");
    expect(await hexOf(hash)).toBe(abc);
  });
});

describe("SigV4Sha256 as HMAC-SHA-256 (RFC 4231)", () => {
  it("test case 1: a 20-byte key", async () => {
    expect(await hmac(new Uint8Array(20).fill(0x0b), "Hi There")).toBe(
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    );
  });

  it("test case 2: a key shorter than the digest, given as text; again from what it kept", async () => {
    const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    expect(await hmac("Jefe", "what do ya want for nothing?")).toBe(expected);
    expect(await hmac("Jefe", "what do ya want for nothing?")).toBe(expected);
    expect(await hmac("Jefe", utf8("what do ya want for nothing?"))).toBe(expected);
    expect(await hmac("Jefe", "what do ya want ", "for nothing?")).toBe(expected);
  });

  it("test case 6: a key longer than the block", async () => {
    expect(
      await hmac(new Uint8Array(131).fill(0xaa), "Test Using Larger Than Block-Size Key - Hash Key First"),
    ).toBe("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  });

  it("keeps no digest of one key or data for another", async () => {
    // Each key with many data, and each data with many keys in a row.
    const pairs: [string, string][] = [];
    for (let k = 0; k < 6; k++) for (let d = 0; d < 12; d++) pairs.push([`secret-${k}`, `AKID${d}`]);
    for (let d = 0; d < 12; d++) for (let k = 0; k < 6; k++) pairs.push([`secret-${k}`, `AKID${d}`]);
    for (const [key, data] of pairs) {
      const stock = new Sha256(key);
      stock.update(utf8(data));
      expect(await hmac(key, data)).toBe(toHex(await stock.digest()));
    }
  });

  it("a digest handed out is the caller's: changing it changes no later digest", async () => {
    const first = new SigV4Sha256("Jefe");
    first.update("what do ya want for nothing?");
    const digest = await first.digest();
    digest.fill(0);
    expect(await hmac("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("is finished once digested, as the SDK's Sha256Node HMAC", async () => {
    const hash = new SigV4Sha256("Jefe");
    hash.update("x");
    await hash.digest();
    expect(() => hash.update("y")).toThrow();
    await expect(hash.digest()).rejects.toThrow();
  });
});

describe("SigV4 with SigV4Sha256", () => {
  const signer = (secretAccessKey: string) =>
    new SignatureV4({
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey },
      region: "us-east-1",
      service: "iam",
      sha256: SigV4Sha256,
    });

  it("derives the signing key of AWS's documented example", async () => {
    // Derived here, not taken from the SDK's signing-key cache.
    clearCredentialCache();
    const key = await getSigningKey(
      SigV4Sha256,
      { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      "20120215",
      "us-east-1",
      "iam",
    );
    expect(toHex(key)).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  it("signs each of two credentials with its own key, as the SDK's hash does", async () => {
    const request = {
      method: "POST",
      protocol: "https:",
      hostname: "iam.amazonaws.com",
      path: "/",
      query: {},
      headers: { host: "iam.amazonaws.com", "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListUsers&Version=2010-05-08",
    };
    const signingDate = new Date("2015-08-30T12:36:00Z");
    for (const secret of ["secret-one", "secret-two", "secret-one"]) {
      // Each derives its key itself: the SDK's signing-key cache is shared by every signer in the process.
      clearCredentialCache();
      const ours = await signer(secret).sign(structuredClone(request), { signingDate });
      clearCredentialCache();
      const stock = await new SignatureV4({
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret },
        region: "us-east-1",
        service: "iam",
        sha256: Sha256,
      }).sign(structuredClone(request), { signingDate });
      expect(ours.headers).toEqual(stock.headers);
    }
  });
});
