import { Badge } from '@mantine/core';

/**
 * A state as a filled badge in a dark shade: Mantine's light badges and the default shades are
 * below WCAG AA contrast for small text.
 */
export function StatusBadge({ ok, children, size = 'md', testId }: { ok: boolean; children: React.ReactNode; size?: 'sm' | 'md' | 'lg'; testId?: string }) {
  return (
    <Badge color={ok ? 'teal.9' : 'red.9'} variant="filled" size={size} data-testid={testId}>
      {children}
    </Badge>
  );
}
