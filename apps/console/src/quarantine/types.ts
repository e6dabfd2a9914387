export type QuarantineState = 'pending' | 'released' | 'deleted';

export interface QuarantineMatch {
  list: string;
  scope: string;
  entry: string;
}

/** GET /api/v1/quarantine items */
export interface QuarantineEntry {
  id: string;
  state: QuarantineState;
  direction: string;
  sender: string;
  recipient: string;
  domain: string | null;
  subject: string | null;
  matches: QuarantineMatch[] | null;
  size: number;
  receivedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** GET /api/v1/quarantine/{id}: the preview is sanitized by the API (no scripts, no remote content). */
export interface QuarantineEntryDetail extends QuarantineEntry {
  headers: Array<{ name: string; value: string }>;
  preview: {
    subject: string | null;
    from: string | null;
    to: string | null;
    date: string | null;
    text: string | null;
    html: string | null;
    attachments: Array<{ filename: string | null; contentType: string; size: number }>;
    truncated: boolean;
  } | null;
  previewUnavailable: string | null;
}
