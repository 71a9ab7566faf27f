import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { byPosition, locateFinding, type FieldPath, type Finding, type Issue } from './issue.js';
import { fromZod, type ZodFindingOptions } from './zod.js';

/**
 * YAML files with positions: from a problem's field path (and an offset inside a string value) to
 * `file:line:col`, through the `yaml` package's node ranges and LineCounter. Rules, rule tests,
 * knowledge tables and (later) draw plans are all read through here.
 */

/** A parsed YAML file that can say where any of its values is. */
export interface YamlFile {
  readonly file: string;
  /** The document as plain data (what a schema parses). */
  readonly value: unknown;
  /** 1-based line and column of the node at `path` (the deepest that exists: a missing key is where its parent is). */
  position(path: FieldPath, options?: { readonly offset?: number; readonly key?: boolean }): { line: number; col: number };
  /** The finding at its position in this file (at the key rather than its value for an unknown field, or when asked). */
  locate(f: Finding, options?: { readonly key?: boolean }): Issue;
  /**
   * The source text of the scalar at exactly `path` (quotes included), undefined when there is none:
   * what a value parsed to cannot tell `10` from `10.0`, nor a quoted date from an unquoted one.
   */
  source(path: FieldPath): string | undefined;
}

export type YamlRead = { readonly ok: true; readonly yaml: YamlFile } | { readonly ok: false; readonly issues: Issue[] };

/** The deepest node along `path` that exists; with `key`, the key of the last step rather than its value. */
function nodeAt(root: unknown, path: FieldPath, key: boolean): Node | undefined {
  let node = root as Node | undefined;
  for (const [i, seg] of path.entries()) {
    let next: unknown;
    if (isMap(node)) {
      if (key && i === path.length - 1) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === seg);
        if (pair) return pair.key as Node;
      }
      next = node.get(seg, true);
    } else if (isSeq(node) && typeof seg === 'number') next = node.get(seg, true);
    if (next === undefined || next === null) return node;
    node = next as Node;
  }
  return node;
}

function pathExists(root: unknown, path: FieldPath): boolean {
  let node = root as Node | undefined;
  for (const seg of path) {
    const next: unknown = isMap(node) ? node.get(seg, true) : isSeq(node) && typeof seg === 'number' ? node.get(seg, true) : undefined;
    if (next === undefined || next === null) return false;
    node = next as Node;
  }
  return true;
}

/** Offset in the file of character `at` of the string value of `node` (quoted, plain or block scalars). */
function offsetIn(node: Node | undefined, at: number | undefined, text: string): number {
  const start = node?.range?.[0] ?? 0;
  if (at === undefined || !isScalar(node)) return start;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return start + 1 + at;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // The value's first line in the source, after the block indicator; then down and across.
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

function yamlFile(file: string, text: string, doc: Document, lines: LineCounter): YamlFile {
  const value = doc.toJS() as unknown;
  const position: YamlFile['position'] = (path, options = {}) =>
    lines.linePos(offsetIn(nodeAt(doc.contents, path, options.key ?? false), options.offset, text));
  const source: YamlFile['source'] = (path) => {
    const node = nodeAt(doc.contents, path, false);
    // nodeAt stops at the deepest node that exists; only the node at the whole path counts here.
    if (!isScalar(node) || !node.range || !pathExists(doc.contents, path)) return undefined;
    return text.slice(node.range[0], node.range[1]);
  };
  return {
    file,
    value,
    position,
    source,
    locate: (f, options = {}) =>
      locateFinding(f, {
        file,
        ...position(f.path, { ...(f.offset === undefined ? {} : { offset: f.offset }), key: options.key ?? f.code === 'unknown-field' }),
      }),
  };
}

/** Reads YAML text; a syntax error (or a repeated key) is an issue at its position, never a throw. */
export function readYaml(text: string, file: string): YamlRead {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length)
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          code: 'yaml-syntax',
          severity: 'error',
          message: `YAML 语法错误 (${e.code})`,
          hint: e.code === 'DUPLICATE_KEY' ? '删除重复的键' : '检查缩进、冒号与引号',
          at: { file, line: pos.line, col: pos.col },
        } satisfies Issue;
      }),
    };
  return { ok: true, yaml: yamlFile(file, text, doc, lines) };
}

export type YamlParsed<T> =
  | { readonly ok: true; readonly value: T; readonly yaml: YamlFile }
  | { readonly ok: false; readonly issues: Issue[]; readonly yaml?: YamlFile };

/** Reads YAML text and validates it with `schema`: the value, or every issue located (reading order). */
export function parseYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: Omit<ZodFindingOptions, 'input'> = {},
): YamlParsed<z.output<S>> {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const { yaml } = read;
  const r = schema.safeParse(yaml.value);
  if (r.success) return { ok: true, value: r.data, yaml };
  const issues = fromZod(r.error.issues, { ...options, input: yaml.value }).map((f) => yaml.locate(f));
  return { ok: false, issues: issues.sort(byPosition), yaml };
}
