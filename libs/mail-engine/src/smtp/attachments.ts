/**
 * The decoded size of the largest attachment of a message, for the acceptance policies'
 * attachment limit. Only run when a limit applies; contents are counted, never kept.
 */
import { MailParser } from 'mailparser';

export async function largestAttachmentBytes(raw: Buffer): Promise<number> {
  const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, checksumAlgo: false });
  let largest = 0;
  await new Promise<void>((resolve, reject) => {
    parser.on('data', (data: { type: string }) => {
      if (data.type !== 'attachment') return;
      const attachment = data as unknown as { content: NodeJS.ReadableStream; release: (() => void) | null };
      let size = 0;
      attachment.content.on('data', (chunk: Buffer) => (size += chunk.length));
      attachment.content.on('end', () => {
        largest = Math.max(largest, size);
        attachment.release?.();
      });
    });
    parser.once('error', reject);
    parser.once('end', resolve);
    parser.end(raw);
  });
  return largest;
}
