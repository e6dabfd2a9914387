import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { act, leaf } from '../define.js';
import type { Environment } from '../invocation.js';

interface Node {
  path: string;
  children: string[];
  options: string[];
}

/** Every command path ("", "domain", "list member", ...) with its subcommands and options. */
function walk(command: Command, path: string, inherited: string[], out: Node[]) {
  const own = command.options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => Boolean(flag)));
  const options = [...new Set([...own, ...inherited, '--help'])];
  out.push({ path, children: command.commands.flatMap((child) => [child.name(), ...child.aliases()]), options });
  for (const child of command.commands) {
    for (const name of [child.name(), ...child.aliases()]) walk(child, path ? `${path} ${name}` : name, path ? inherited : own, out);
  }
  return out;
}

/** A bash completion script generated from the command tree, so it never drifts from it. */
export function bashCompletion(program: Command): string {
  const nodes = walk(program, '', [], []);
  const known = nodes.filter((node) => node.path).map((node) => `"${node.path}"`).join('|');
  const cases = (pick: (node: Node) => string[]) =>
    nodes.map((node) => `    "${node.path}") echo "${pick(node).join(' ')}" ;;`).join('\n');
  return `# bash completion for schoolmail; load with: source <(schoolmail completion bash)
_schoolmail_children() {
  case "$1" in
${cases((node) => node.children)}
  esac
}
_schoolmail_options() {
  case "$1" in
${cases((node) => node.options)}
  esac
}
_schoolmail() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word candidate i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    candidate="\${path:+$path }$word"
    case "$candidate" in
      ${known}) path="$candidate" ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_schoolmail_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_schoolmail_children "$path")" -- "$cur"))
  fi
}
complete -o default -F _schoolmail schoolmail
`;
}

export function registerCompletion(program: Command, environment: Environment) {
  leaf(program, 'completion <shell>', 'Print a shell completion script (bash)', 'source <(schoolmail completion bash)').action(
    act(environment, async (run, shell: string) => {
      if (shell !== 'bash') throw CliError.usage(`no completion for "${shell}": only bash is supported`);
      run.print(bashCompletion(program));
    }),
  );
}
