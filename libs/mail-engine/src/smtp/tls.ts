/**
 * The certificate both listeners offer with STARTTLS: the operator's (SCHOOLMAIL_TLS_CERT and
 * SCHOOLMAIL_TLS_KEY, PEM files), or a self-signed one generated into <dataDir>/tls on first
 * start and reused afterwards, so a local trial has STARTTLS with nothing to set up. (Never
 * smtp-server's built-in certificate: its private key is public.)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { EngineConfig } from '../config.js';

export interface TlsCredentials {
  key: Buffer;
  cert: Buffer;
  source: string;
}

export async function loadTlsCredentials(config: Pick<EngineConfig, 'tls' | 'dataDir' | 'hostname'>, log: (line: string) => void): Promise<TlsCredentials> {
  const { certFile, keyFile } = config.tls;
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new Error('SCHOOLMAIL_TLS_CERT and SCHOOLMAIL_TLS_KEY must be set together');
    return { cert: readFileSync(certFile), key: readFileSync(keyFile), source: certFile };
  }
  const directory = join(config.dataDir, 'tls');
  const certPath = join(directory, 'cert.pem');
  const keyPath = join(directory, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const notAfterDate = new Date();
    notAfterDate.setFullYear(notAfterDate.getFullYear() + 10);
    const pems = await generate([{ name: 'commonName', value: config.hostname }], {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, pems.cert);
    log(`generated a self-signed TLS certificate for ${config.hostname} in ${directory} (set SCHOOLMAIL_TLS_CERT/SCHOOLMAIL_TLS_KEY to use your own)`);
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath), source: certPath };
}
