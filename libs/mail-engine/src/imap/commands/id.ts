/** ID (RFC 2971): the client's identification is accepted; the server names itself. */
import { ANY, command, ok } from './command.js';
import { ParseError } from '../parser/errors.js';

export const id = command({
  name: 'ID',
  states: ANY,
  parse(args) {
    const token = args.token('ID parameter list or NIL');
    if (!(token.type === 'list' && token.items.length % 2 === 0 && token.items.length <= 60) && !(token.type === 'atom' && token.value.toUpperCase() === 'NIL')) {
      throw new ParseError('ID expects NIL or a list of field and value pairs');
    }
    args.end();
  },
  async run(session) {
    await session.untagged('ID ("name" "Schoolmail" "vendor" "Schoolmail")');
    return ok('ID completed');
  },
});
