import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A freshly made self-signed certificate for 127.0.0.1 in `dir` (valid one day): one that nothing
 * trusts, unlike the simulator's, which the tests trust through NODE_EXTRA_CA_CERTS.
 */
export function selfSignedCertificate(dir: string, commonName: string): { key: Buffer; cert: Buffer; certPath: string } {
  const keyPath = path.join(dir, "key.pem");
  const certPath = path.join(dir, "ca.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: "ignore" },
  );
  return { key: fs.readFileSync(keyPath), cert: fs.readFileSync(certPath), certPath };
}
