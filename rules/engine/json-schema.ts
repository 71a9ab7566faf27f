import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Rule } from './schema.js';

/**
 * The rule format as JSON Schema, generated from the zod schema (the one source of truth), for
 * editors (`# yaml-language-server: $schema=../rule.schema.json`). `npm run rules:schema` rewrites
 * `rules/rule.schema.json`; a test fails when the committed file is stale.
 */
export function ruleJsonSchema(): string {
  const schema = z.toJSONSchema(Rule, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'fundwatch 智能监控规则', $id: 'https://fundwatch.dev/rule.schema.json' }, null, 2)}\n`;
}

export const SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'rule.schema.json');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, ruleJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
