import { Fragment } from 'react';
import type { WordListMatch } from './types';

/** `text` with the matches found in it marked; offsets are the API's (UTF-16, same as JS strings). */
export function Highlighted({ text, matches }: { text: string; matches: WordListMatch[] }) {
  const spans = matches
    .filter((m) => m.start >= 0 && m.end <= text.length && m.start < m.end)
    .sort((a, b) => a.start - b.start)
    .filter((m, i, all) => i === 0 || m.start >= all[i - 1]!.end);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const m of spans) {
    parts.push(<Fragment key={`t${at}`}>{text.slice(at, m.start)}</Fragment>);
    parts.push(
      <mark key={`m${m.start}`} title={`${m.listName}: ${m.entry} (${m.action})`}>
        {text.slice(m.start, m.end)}
      </mark>,
    );
    at = m.end;
  }
  parts.push(<Fragment key="rest">{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
