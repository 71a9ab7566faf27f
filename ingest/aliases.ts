import { readFileSync } from 'node:fs';
import { AliasFile, SHIPPED_ALIASES, type AliasEntry } from '../contract/aliases.js';
import { formatIssue, parseYaml } from '../core/diagnostics/index.js';
import { FundwatchError } from '../core/errors.js';

/**
 * The aliases in force: the contract's, and those of a configuration file (`--aliases <file>` or
 * `FUNDWATCH_ALIASES`; YAML or JSON, `{ aliases: [{ alias, field, on: [envelope | <table>], source }] }`).
 * A file's entry for an alias and scope the contract already has replaces it. A bad file is a
 * configuration error listing every problem at its line.
 */
export function aliasesInForce(file: string | undefined = process.env['FUNDWATCH_ALIASES']): readonly AliasEntry[] {
  if (!file) return SHIPPED_ALIASES;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FundwatchError('io', `无法读取字段别名文件 ${file}`, { cause: err });
  }
  const parsed = parseYaml(text, file, AliasFile);
  if (!parsed.ok) throw new FundwatchError('config', `字段别名文件有误:\n${parsed.issues.map(formatIssue).join('\n')}`);
  const mine = parsed.value.aliases;
  const replaced = (e: AliasEntry) => mine.some((m) => m.alias === e.alias && m.on.some((on) => e.on.includes(on)));
  return [...SHIPPED_ALIASES.filter((e) => !replaced(e)), ...mine];
}
