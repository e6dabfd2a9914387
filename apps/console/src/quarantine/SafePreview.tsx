'use client';
import { useState } from 'react';
import { SegmentedControl, Stack, Text } from '@mantine/core';
import type { QuarantineEntryDetail } from './types';

/*
 * The API already stripped scripts and remote references; the iframe is a second wall:
 * an empty sandbox (no scripts, no forms, no same-origin access) and a CSP that forbids
 * loading anything but inline data images.
 */
const CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">";

export function SafePreview({ preview }: { preview: NonNullable<QuarantineEntryDetail['preview']> }) {
  const [mode, setMode] = useState<'html' | 'text'>(preview.html ? 'html' : 'text');
  return (
    <Stack gap="xs">
      {preview.html ? (
        <SegmentedControl
          aria-label="Preview as"
          value={mode}
          onChange={(v) => setMode(v as 'html' | 'text')}
          data={[
            { value: 'html', label: 'Formatted' },
            { value: 'text', label: 'Plain text' },
          ]}
          w={260}
        />
      ) : null}
      {mode === 'html' && preview.html ? (
        <iframe
          title="Message preview"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={`<!doctype html><html><head>${CSP}</head><body>${preview.html}</body></html>`}
          style={{ width: '100%', minHeight: 320, border: '1px solid var(--mantine-color-gray-4)', background: 'white' }}
        />
      ) : (
        <Text component="pre" data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'inherit' }}>
          {preview.text ?? '(no text part)'}
        </Text>
      )}
      {preview.truncated ? <Text size="sm">The preview is cut short: the message is longer.</Text> : null}
      {preview.attachments.length > 0 ? (
        <Text size="sm">
          Attachments (not opened): {preview.attachments.map((a) => `${a.filename ?? 'unnamed'} (${a.contentType})`).join(', ')}
        </Text>
      ) : null}
    </Stack>
  );
}
