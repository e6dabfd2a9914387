'use client';
import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

/**
 * A list's table that can be wider than a tablet's screen: the table scrolls sideways inside
 * its frame and the page never does. Below 640px a table would squeeze its columns into
 * unreadable slivers, so it scrolls instead. The frame is focusable and named like its table,
 * so the keyboard scrolls it too. `children` are the table's head and body.
 */
export function WideTable({
  label,
  busy,
  striped = true,
  highlightOnHover = false,
  children,
}: {
  label: string;
  /** A fetch is under way (screen readers hear that the rows may change). */
  busy?: boolean;
  striped?: boolean;
  highlightOnHover?: boolean;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label={label}>
      <Table striped={striped} highlightOnHover={highlightOnHover} aria-label={label} aria-busy={busy}>
        {children}
      </Table>
    </Table.ScrollContainer>
  );
}
