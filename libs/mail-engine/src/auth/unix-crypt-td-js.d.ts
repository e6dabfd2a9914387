declare module 'unix-crypt-td-js' {
  /** Traditional DES crypt(3): the 2-character salt followed by 11 characters of hash. */
  export default function unixCryptTD(password: string | number[], salt: string | number[]): string;
}
