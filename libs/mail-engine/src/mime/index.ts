/** Decoding a raw message into the texts that policies (word lists) scan. */
export { extractScannableText } from './extract.js';
export { htmlToScannableText } from './html-text.js';
