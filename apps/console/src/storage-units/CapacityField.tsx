'use client';
import { Alert, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import { formatBytes } from '@/accounts/QuotaBar';
import { CAPACITY_UNITS, type CapacityUnit } from './capacity';

/**
 * The capacity as an amount and a unit, with what the unit holds now beside it. A capacity
 * below that usage is allowed, as the API allows it (the unit then counts as full), but it
 * is said plainly under the field, and the form asks before saving it.
 */
export function CapacityField(props: {
  amount: string;
  unit: CapacityUnit;
  usedBytes: number;
  /** The bytes the typed amount comes to, when it is a valid capacity. */
  bytes: number | undefined;
  error?: string;
  onAmountChange: (amount: string) => void;
  onUnitChange: (unit: CapacityUnit) => void;
}) {
  const below = props.bytes !== undefined && props.bytes < props.usedBytes;
  return (
    <div>
      <Group align="flex-start" gap="sm" wrap="nowrap">
        <TextInput
          label="Capacity"
          description="Mail stops going to this unit when it is full."
          inputMode="decimal"
          autoComplete="off"
          value={props.amount}
          error={props.error}
          onChange={(e) => props.onAmountChange(e.currentTarget.value)}
          w={300}
        />
        <NativeSelect
          label="Size unit"
          description="1 TB = 1,024 GB"
          data={[...CAPACITY_UNITS]}
          value={props.unit}
          onChange={(e) => props.onUnitChange(e.currentTarget.value as CapacityUnit)}
          w={120}
        />
      </Group>
      <Text size="sm" mt={4} data-testid="storage-unit-in-use">
        In use now: {formatBytes(props.usedBytes)}
      </Text>
      {below ? (
        <Alert color="yellow" mt="xs" p="xs" role="status">
          That is less than the {formatBytes(props.usedBytes)} already stored here: the unit will count as full at once and take no new mail. The messages on it stay readable.
        </Alert>
      ) : null}
    </div>
  );
}
