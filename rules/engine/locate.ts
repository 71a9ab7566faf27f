import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { CompileIssue, YamlPath } from './sql.js';

/**
 * From YAML text to a validated value, and from a problem's path (and offset inside a string) to
 * file:line:col — with the `yaml` package's node ranges and LineCounter. Diagnostics are data
 * (style item 3): a stable code, a severity, a Chinese message and a one-line fix hint.
 */

export interface LocatedIssue {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly hint: string;
  readonly path: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T; readonly doc: Document; readonly lines: LineCounter; readonly raw: unknown }
  | { readonly ok: false; readonly issues: LocatedIssue[] };

/** The source text of each parsed document, for locating offsets inside block scalars. */
const sources = new WeakMap<Document, string>();
const sourceOf = (doc: Document) => sources.get(doc) ?? '';

export function pathText(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

/** The deepest node along `p` that exists (a missing key is reported where its parent is). */
function nodeAt(root: unknown, p: readonly PropertyKey[], key = false): Node | undefined {
  let node = root as Node | undefined;
  for (const [i, seg] of p.entries()) {
    let next: unknown;
    if (isMap(node)) {
      if (key && i === p.length - 1) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === seg);
        if (pair) return pair.key as Node;
      }
      next = node.get(seg, true);
    } else if (isSeq(node)) next = node.get(seg, true);
    if (next === undefined || next === null) return node;
    node = next as Node;
  }
  return node;
}

/** Offset in the file of character `at` of the string value of `node`. */
function offsetIn(node: Node | undefined, at: number | undefined, text: string): number {
  const start = node?.range?.[0] ?? 0;
  if (at === undefined || !isScalar(node)) return start;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return start + 1 + at;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // Find the value's first line in the source after the block indicator.
    const value = String(node.value);
    const firstLine = value.split('\n')[0] ?? '';
    const lineIdx = value.slice(0, at).split('\n').length - 1;
    const col = at - value.slice(0, at).lastIndexOf('\n') - 1;
    let pos = text.indexOf(firstLine, start);
    if (pos < 0) return start;
    for (let k = 0; k < lineIdx; k++) pos = text.indexOf('\n', pos) + 1;
    const indent = /^[ \t]*/.exec(text.slice(pos))?.[0].length ?? 0;
    return lineIdx === 0 ? pos + at : pos + indent + col;
  }
  return start + at;
}

export function locate(doc: Document, lines: LineCounter, file: string, i: CompileIssue): LocatedIssue {
  const node = nodeAt(doc.contents, i.path, false);
  const pos = lines.linePos(offsetIn(node, i.at, sourceOf(doc)));
  return {
    code: i.code,
    severity: i.severity,
    file,
    line: pos.line,
    col: pos.col,
    message: i.message,
    hint: i.hint,
    path: pathText(i.path),
  };
}

const ZOD_CODES: Record<string, string> = {
  invalid_type: 'invalid-type',
  invalid_value: 'bad-enum',
  unrecognized_keys: 'unknown-field',
  too_small: 'too-small',
  too_big: 'too-big',
  invalid_format: 'invalid-format',
  invalid_union: 'bad-enum',
};

function hintOf(issue: z.core.$ZodIssue, code: string): string {
  const values = (issue as { values?: unknown[] }).values;
  if (code === 'missing-field') return `添加字段 ${String(issue.path[issue.path.length - 1] ?? '')}`;
  if (code === 'unknown-field') return '删除该字段或检查拼写 (字段名见 rules/rule.schema.json)';
  if (code === 'bad-enum' && values?.length) return `可选值: ${values.map(String).join(', ')}`;
  if (code === 'bad-enum') return '检查 logic.kind 等取值 (line, pair, quantity, interval, aggregate)';
  if (code === 'invalid-type') return `应为 ${(issue as { expected?: string }).expected ?? '其他类型'}`;
  return '按 rules/rule.schema.json 修改';
}

/** Parses YAML text and validates it with `schema`; every problem located. */
export function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S): Parsed<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  sources.set(doc, text);
  const issues: LocatedIssue[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    issues.push({
      code: 'yaml-syntax',
      severity: 'error',
      file,
      line: pos.line,
      col: pos.col,
      message: `YAML 语法错误 (${e.code})`,
      hint: e.code === 'DUPLICATE_KEY' ? '删除重复的键' : '检查缩进、冒号与引号',
      path: '',
    });
  }
  if (issues.length) return { ok: false, issues };
  const raw = doc.toJS() as unknown;
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data, doc, lines, raw };
  for (const issue of r.error.issues) {
    const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    let code = missing ? 'missing-field' : (ZOD_CODES[issue.code] ?? 'invalid');
    let path: readonly PropertyKey[] = issue.path;
    if (issue.code === 'unrecognized_keys') path = [...issue.path, ...issue.keys.slice(0, 1)];
    if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
      code = 'bad-enum';
      if (issue.path[issue.path.length - 1] !== 'kind') path = [...issue.path, 'kind'];
    }
    const node = nodeAt(doc.contents, path, issue.code === 'unrecognized_keys');
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    const field = pathText(path) || '(根)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `未知字段 ${issue.keys.join(', ')}`
        : missing
          ? `缺少必填字段 ${String(path[path.length - 1] ?? '')}`
          : code === 'bad-enum'
            ? `${field} 的取值无效`
            : code === 'invalid-type'
              ? `${field} 的类型不对`
              : // zod's own text for length and format checks; the schema's messages are Chinese.
                `${field}: ${issue.message}`;
    issues.push({ code, severity: 'error', file, line: pos.line, col: pos.col, message, hint: hintOf(issue, code), path: pathText(path) });
  }
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, issues };
}

export type { YamlPath };
