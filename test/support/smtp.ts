/**
 * SMTP test harness: a running mail engine on a fresh database (random ports on 127.0.0.1),
 * mail data made straight in the database, and independent clients: Python's smtplib (the
 * script in python/smtp_client.py), swaks, and raw sockets.
 */
import { runPythonClient } from './python.js';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, loadEngineConfig, startEngine, type EngineConfig, type EngineOptions } from '@schoolmail/mail-engine';
import type { PrismaClient } from '@schoolmail/prisma';
import { createTestDatabase } from './database.js';

export const MAIL_PASSWORD = 'mail-password-1';

export async function startTestEngine(overrides: Partial<EngineConfig> = {}, options: Partial<EngineOptions> = {}) {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-smtp-'));
  const config: EngineConfig = {
    ...loadEngineConfig({}),
    hostname: 'mx.schoolmail.test',
    dataDir,
    smtpPort: 0,
    submissionPort: 0,
    pop3Port: 0,
    imapPort: 0,
    listenHost: '127.0.0.1',
    ...overrides,
  };
  const lines: string[] = [];
  const engine = await startEngine({ prisma: db.prisma, config, log: (line) => lines.push(line), queueWorkers: false, ...options });
  return {
    prisma: db.prisma,
    config,
    engine,
    ports: engine.ports,
    log: lines,
    async close() {
      await engine.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;

export async function mailDomain(prisma: PrismaClient, name: string, options: { parent?: string; status?: 'active' | 'suspended' } = {}) {
  const parent = options.parent ? await prisma.domain.findUniqueOrThrow({ where: { name: options.parent } }) : null;
  const created = await prisma.domain.create({ data: { name, parentId: parent?.id ?? null, path: `pending:${name}`, depth: parent ? parent.depth + 1 : 0, status: options.status ?? 'active' } });
  return prisma.domain.update({ where: { id: created.id }, data: { path: `${parent?.path ?? '/'}${created.id}/` } });
}

let sharedHash: Promise<string> | undefined;

/** A mailbox whose password is MAIL_PASSWORD (one hash shared by all: tests measure mail, not scrypt). */
export async function mailbox(
  prisma: PrismaClient,
  address: string,
  options: { status?: 'active' | 'suspended' | 'locked'; classOfService?: string; quotaUsedBytes?: bigint } = {},
) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  const classOfService = options.classOfService ? await prisma.classOfService.findUniqueOrThrow({ where: { name: options.classOfService } }) : null;
  await prisma.address.create({ data: { address, kind: 'account', domainId: domain.id } });
  return prisma.account.create({
    data: {
      address,
      localPart,
      domainId: domain.id,
      passwordHash: await (sharedHash ??= hashPassword(MAIL_PASSWORD)),
      status: options.status ?? 'active',
      classOfServiceId: classOfService?.id ?? null,
      quotaUsedBytes: options.quotaUsedBytes ?? 0n,
    },
  });
}

/** Rows a message leaves behind: blobs, mailbox messages, queue entries, quarantine entries (a refusal leaves none). */
export async function footprint(prisma: PrismaClient) {
  const [blobs, messages, entries, quarantined] = await Promise.all([
    prisma.messageBlob.count(),
    prisma.mailboxMessage.count(),
    prisma.queueEntry.count(),
    prisma.quarantineEntry.count(),
  ]);
  return { blobs, messages, entries, quarantined };
}

export async function alias(prisma: PrismaClient, address: string, targets: string[]) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  await prisma.address.create({ data: { address, kind: 'alias', domainId: domain.id } });
  return prisma.alias.create({ data: { address, localPart, domainId: domain.id, targets } });
}

export interface SmtpStep {
  step: string;
  code: number;
  message: string;
}

export interface PythonResult {
  features: string[];
  steps: SmtpStep[];
  tls?: string;
  error?: string;
}

export interface PythonSpec {
  port: number;
  sender: string;
  recipients: string[];
  message?: string | Buffer;
  starttls?: boolean;
  auth?: { user: string; password: string; method?: 'PLAIN' | 'LOGIN' };
  size?: number;
}

const pythonScript = join(import.meta.dirname, 'python/smtp_client.py');

/** One SMTP session by Python's smtplib; answers every reply it got. */
export function pythonSmtp(spec: PythonSpec): Promise<PythonResult & { reply: (step: string) => SmtpStep | undefined; replies: (step: string) => SmtpStep[] }> {
  const request = {
    host: '127.0.0.1',
    port: spec.port,
    sender: spec.sender,
    recipients: spec.recipients,
    starttls: spec.starttls ?? false,
    auth: spec.auth,
    size: spec.size,
    ...(spec.message !== undefined ? { message_b64: Buffer.from(spec.message).toString('base64') } : {}),
  };
  return runPythonClient<PythonResult>(pythonScript, request).then((result) => ({
    ...result,
    reply: (step: string) => result.steps.filter((s) => s.step === step).at(-1),
    replies: (step: string) => result.steps.filter((s) => s.step === step),
  }));
}

/** "550 5.1.1": the reply code and enhanced status code of a step. */
export const codeOf = (step: SmtpStep | undefined) => (step ? `${step.code} ${step.message.split(' ')[0]}` : 'none');

/** A simple RFC 5322 message (CRLF line ends). */
export function message(options: { from: string; to: string; subject?: string; body?: string; headers?: string[] }) {
  const lines = [
    `From: <${options.from}>`,
    `To: <${options.to}>`,
    `Subject: ${options.subject ?? 'Hello'}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@client.example.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(options.headers ?? []),
    '',
    options.body ?? 'Hello from the tests.',
    '',
  ];
  return lines.join('\r\n');
}

export const hasSwaks = () => spawnSync('swaks', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs swaks; answers its exit code and transcript. */
export function swaks(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

/** A raw connection that answers the greeting line (to count connections). */
export function rawConnect(port: number): Promise<{ greeting: string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.once('data', (greeting: string) => resolve({ greeting: greeting.trim(), close: () => socket.destroy() }));
  });
}
