import { z } from 'zod';
import { parseNextHop } from '@schoolmail/mail-engine';

/** The JSON body limit is 20 MB; a 100,000-line vpasswd file is about 10 MB. */
const MAX_FILE_CHARS = 19 * 1024 * 1024;

const fileContent = z.string().min(1, 'is empty').max(MAX_FILE_CHARS, `is longer than ${MAX_FILE_CHARS} characters; split the file`);

export const vpopmailImportInput = z
  .object({
    domain: z.string().trim().min(1, 'is required').max(253),
    format: z.enum(['vpasswd', 'csv']),
    /** A vpasswd file, or a CSV export of the vpopmail MySQL table with a header row. */
    content: fileContent,
    /** A CSV export of the valias table (alias,domain,valias_line). */
    valias: fileContent.optional(),
    /** The domain's `.qmail-<name>` forward files. */
    qmailFiles: z
      .array(z.object({ name: z.string().min(1).max(255), content: z.string().max(65_536, 'is longer than 64 KB') }).strict())
      .max(10_000, 'may hold at most 10,000 files')
      .optional(),
    dryRun: z.boolean().default(false),
  })
  .strict();

export const maildirImportInput = z
  .object({
    /** Import every mailbox of this domain (vpopmail layout `<user>/Maildir` under `path`). */
    domain: z.string().trim().min(1).max(253).optional(),
    /** Or one account, whose Maildir (or directory holding `Maildir`) is `path`. */
    account: z.string().trim().min(3).max(320).optional(),
    /** A directory on the server, inside the migration directory. */
    path: z.string().min(1, 'is required').max(4096),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.domain === undefined) === (value.account === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['domain'], message: 'name either a domain or an account, not both nor neither' });
    }
  });

export const migrationStateInput = z
  .object({
    state: z.enum(['pending', 'migrating', 'live']),
    /** The old platform's SMTP listener (`host:port`), which takes mail for addresses not imported yet. */
    forwardTo: z
      .string()
      .trim()
      .max(300)
      .refine((value) => parseNextHop(value) !== null, 'must be host:port, [ipv6]:port or a host name')
      .nullable()
      .optional(),
  })
  .strict();

export const imapImportInput = z
  .object({
    /** The account here that receives the mail. */
    account: z.string().trim().min(3).max(320),
    host: z.string().trim().min(1, 'is required').max(253),
    port: z.number().int().min(1).max(65535).default(993),
    /** TLS from the first byte (993); false: plain connection upgraded with STARTTLS when offered. */
    secure: z.boolean().default(true),
    user: z.string().min(1, 'is required').max(320),
    password: z.string().min(1, 'is required').max(1024),
    /** Old servers often have self-signed certificates. */
    verifyCertificate: z.boolean().default(true),
    dryRun: z.boolean().default(false),
  })
  .strict();

export type ImapImportInput = z.infer<typeof imapImportInput>;
export type VpopmailImportInput = z.infer<typeof vpopmailImportInput>;
export type MaildirImportInput = z.infer<typeof maildirImportInput>;
