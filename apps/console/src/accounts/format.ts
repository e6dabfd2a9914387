import type { AccountTotal } from './types';

/** "1 account", "1,234 accounts", "about 200,000 accounts" (in the browser's locale). */
export function describeTotal(total: AccountTotal) {
  return `${total.estimated ? 'about ' : ''}${total.count.toLocaleString()} ${total.count === 1 ? 'account' : 'accounts'}`;
}
