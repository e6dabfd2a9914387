'use client';
import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

/**
 * The frame of a table that can be wider than a tablet's screen: the table scrolls sideways
 * inside it and the page never does. Below 640px a table would squeeze its columns into
 * unreadable slivers, so it scrolls instead. Focusable and named, so the keyboard scrolls it too.
 */
export function WideTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label={label}>
      {children}
    </Table.ScrollContainer>
  );
}
