import { StatusBadge } from '@/ui/StatusBadge';
import { STATE_LABEL, type StorageUnitState } from './types';

export function StorageUnitStateBadge({ state, testId }: { state: StorageUnitState; testId?: string }) {
  return (
    <StatusBadge ok={state === 'active'} testId={testId}>
      {STATE_LABEL[state]}
    </StatusBadge>
  );
}
