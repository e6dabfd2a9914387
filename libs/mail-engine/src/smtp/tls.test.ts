import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTlsCredentials } from './tls.js';

describe('loadTlsCredentials', () => {
  it('generates a self-signed certificate into <dataDir>/tls once, key readable by the owner only, and reuses it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-tls-'));
    const lines: string[] = [];
    const first = await loadTlsCredentials({ tls: {}, dataDir, hostname: 'mail.example.test' }, (line) => lines.push(line));
    const cert = new X509Certificate(first.cert);
    expect(cert.subject).toContain('CN=mail.example.test');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    expect(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    const second = await loadTlsCredentials({ tls: {}, dataDir, hostname: 'mail.example.test' }, (line) => lines.push(line));
    expect(second.cert.equals(first.cert)).toBe(true);
    expect(lines).toHaveLength(1);
  });

  it('uses the operator files when both are set, and refuses only one of them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-tls-'));
    const generated = await loadTlsCredentials({ tls: {}, dataDir, hostname: 'own.example.test' }, () => {});
    const certFile = join(dataDir, 'own-cert.pem');
    const keyFile = join(dataDir, 'own-key.pem');
    writeFileSync(certFile, generated.cert);
    writeFileSync(keyFile, generated.key);
    const own = await loadTlsCredentials({ tls: { certFile, keyFile }, dataDir: mkdtempSync(join(tmpdir(), 'schoolmail-tls-')), hostname: 'x' }, () => {});
    expect(own.cert.equals(readFileSync(certFile))).toBe(true);
    expect(own.source).toBe(certFile);
    await expect(loadTlsCredentials({ tls: { certFile }, dataDir, hostname: 'x' }, () => {})).rejects.toThrow(/must be set together/);
  });
});
