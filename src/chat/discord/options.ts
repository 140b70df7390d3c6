// Typed /incident options → the service's Command. The mapping of each subcommand is its entry
// in the command table (domain/commands.ts); this file only reads a live interaction.
import type { ChatInputCommandInteraction } from 'discord.js';
import type { OptionReader } from '../../domain/commands.js';

export function readerFor(i: ChatInputCommandInteraction): OptionReader {
  return {
    subcommand: i.options.getSubcommand(),
    string: (n) => i.options.getString(n),
    integer: (n) => i.options.getInteger(n),
    user: (n) => i.options.getUser(n)?.id ?? null,
  };
}
