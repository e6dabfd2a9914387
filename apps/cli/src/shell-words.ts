/**
 * Splits a batch line the way a POSIX shell splits words: single quotes keep everything,
 * double quotes keep everything but `\"` and `\\`, a backslash outside quotes escapes the next
 * character, and an unquoted `#` at the start of a word starts a comment.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let index = 0;
  const append = (text: string) => (word = (word ?? '') + text);
  while (index < line.length) {
    const char = line[index]!;
    if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      index++;
    } else if (char === '#' && word === null) {
      break;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) throw new Error('unterminated single quote');
      append(line.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      let text = '';
      index++;
      while (index < line.length && line[index] !== '"') {
        if (line[index] === '\\' && (line[index + 1] === '"' || line[index + 1] === '\\')) index++;
        text += line[index++];
      }
      if (index >= line.length) throw new Error('unterminated double quote');
      append(text);
      index++;
    } else if (char === '\\') {
      if (index + 1 >= line.length) throw new Error('a backslash ends the line');
      append(line[index + 1]!);
      index += 2;
    } else {
      append(char);
      index++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
