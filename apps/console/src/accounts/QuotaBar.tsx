import { Group, Progress, Text } from '@mantine/core';

export function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function QuotaBar({ usedBytes, limitBytes, compact = false }: { usedBytes: number; limitBytes: number; compact?: boolean }) {
  // Rounded: a few bytes on a large disk would otherwise give aria-valuenow in exponent notation (1.4e-8), which is not a valid value.
  const percent = limitBytes > 0 ? Math.min(100, Math.round((usedBytes / limitBytes) * 1000) / 10) : 0;
  const color = percent >= 95 ? 'red' : percent >= 80 ? 'orange' : 'teal';
  const label = `${formatBytes(usedBytes)} of ${formatBytes(limitBytes)} used`;
  return (
    <div>
      <Progress value={percent} color={color} size={compact ? 'sm' : 'lg'} aria-label={label} />
      {compact ? null : (
        <Group justify="space-between" mt={4}>
          <Text size="sm">{label}</Text>
          <Text size="sm" c="dimmed">
            {percent.toFixed(0)}%
          </Text>
        </Group>
      )}
    </div>
  );
}
