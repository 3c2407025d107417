/**
 * Test certificates made with openssl at test time (no key is ever committed): a private CA, a leaf
 * it signs for chosen names, and a self-signed certificate.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  dir: string;
  caCert: string;
  /** Leaf signed by the CA, valid for leafNames. */
  leafCert: string;
  leafKey: string;
  /** Self-signed, valid for the same names. */
  selfCert: string;
  selfKey: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** leafNames are subjectAltName entries such as "DNS:localhost", "IP:127.0.0.1". */
export function makeCertificates(leafNames: string[]): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "wirewhy-certs-"));
  const san = leafNames.join(",");
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...key,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=wirewhy test CA",
    ],
    dir,
  );
  openssl(
    ["req", ...key, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=wirewhy test leaf"],
    dir,
  );
  writeFileSync(join(dir, "leaf.ext"), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "2",
      "-extfile",
      "leaf.ext",
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-x509",
      ...key,
      "-keyout",
      "self.key",
      "-out",
      "self.pem",
      "-days",
      "2",
      "-subj",
      "/CN=wirewhy self-signed",
      "-addext",
      `subjectAltName=${san}`,
    ],
    dir,
  );
  return {
    dir,
    caCert: join(dir, "ca.pem"),
    leafCert: join(dir, "leaf.pem"),
    leafKey: join(dir, "leaf.key"),
    selfCert: join(dir, "self.pem"),
    selfKey: join(dir, "self.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
