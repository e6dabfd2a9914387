/** The "./0-9A-Za-z" alphabet crypt(3) uses, least significant six bits first. */
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes the bytes picked in `groups` (each up to three, most significant first) as crypt(3) does. */
export function cryptBase64(bytes: Buffer, groups: ReadonlyArray<readonly number[]>): string {
  let out = '';
  for (const group of groups) {
    let value = 0;
    for (const index of group) value = (value << 8) | bytes[index]!;
    // Three bytes make four characters, two make three, one makes two.
    for (let n = group.length + 1; n > 0; n--) {
      out += ALPHABET[value & 0x3f];
      value >>>= 6;
    }
  }
  return out;
}
