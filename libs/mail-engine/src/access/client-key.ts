/** "::ffff:10.1.2.3" and "10.1.2.3" are one client. */
export function clientKey(address: string | undefined | null): string {
  const text = (address ?? '').toLowerCase();
  return text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text;
}
