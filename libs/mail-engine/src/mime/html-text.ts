/**
 * The visible text of an HTML part, for word-list scanning: comments, <script> and <style>
 * contents dropped, tags removed, entities decoded. Block-level tags become line breaks so
 * words in separate cells or paragraphs stay apart, while inline tags vanish, so a word split
 * by formatting ("f<b>u</b>ck") is still one word. Regular expressions rather than a DOM: this
 * runs on every message and only needs the words, not the structure.
 */
import { decodeHTML } from 'entities';

const BLOCK_TAGS = new Set(
  'address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html li main nav ol option p pre section summary table tbody td tfoot th thead title tr ul'.split(
    ' ',
  ),
);

const INVISIBLE = /<(script|style|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?(?:-->|$)/giu;
const TAG = /<\/?([a-z][a-z0-9-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>|<![^>]*>|<\?[^>]*>/giu;

export function htmlToScannableText(html: string): string {
  const stripped = html.replace(INVISIBLE, ' ').replace(TAG, (_tag, name: string | undefined) => (name && BLOCK_TAGS.has(name.toLowerCase()) ? '\n' : ''));
  return decodeHTML(stripped);
}
