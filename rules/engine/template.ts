import type { FieldPath } from '../../core/diagnostics/index.js';
import type { Typed } from './columns.js';
import type { Ctx, Env } from './sql.js';

/**
 * `vola_cont` templates: Chinese text with `{expression}` placeholders, compiled to a SQL `concat`
 * whose literal pieces are parameters, so the text itself never enters SQL either.
 */

/** SQL rendering a value as display text: decimals without trailing zeros, missing as ''. */
export function displayText(t: Typed): string {
  if (t.type === 'number')
    return `coalesce(CASE WHEN contains(CAST(${t.sql} AS VARCHAR), '.') THEN rtrim(rtrim(CAST(${t.sql} AS VARCHAR), '0'), '.') ELSE CAST(${t.sql} AS VARCHAR) END, '')`;
  if (t.type === 'time') return `coalesce(strftime(${t.sql}, '%Y-%m-%d %H:%M'), '')`;
  return `coalesce(CAST(${t.sql} AS VARCHAR), '')`;
}

export interface Placeholder {
  readonly text: string;
  /** Offset of the expression inside the template. */
  readonly at: number;
}

/** Splits a template into literal pieces and `{…}` placeholders; `{{` and `}}` are literal braces. */
export function splitTemplate(text: string): { pieces: string[]; holes: Placeholder[]; error?: { at: number; message: string } } {
  const pieces: string[] = [''];
  const holes: Placeholder[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      pieces[pieces.length - 1] += c;
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) return { pieces, holes, error: { at: i, message: '占位符缺少 }' } };
      holes.push({ text: text.slice(i + 1, end), at: i + 1 });
      pieces.push('');
      i = end;
    } else if (c === '}') return { pieces, holes, error: { at: i, message: '多余的 }' } };
    else pieces[pieces.length - 1] += c;
  }
  return { pieces, holes };
}

/**
 * Compiles a template; each placeholder goes through `place`, which returns the SQL of its value at
 * the level where the hit is assembled (for instance `any_value(...)` of a projected row column).
 */
export function compileTemplate(ctx: Ctx, text: string, path: FieldPath, env: Env, place: (value: Typed) => string): string {
  const { pieces, holes, error } = splitTemplate(text);
  if (error) {
    ctx.issue('bad-placeholder', path, error.at, `违规内容模板: ${error.message}`, '占位符写成 {列名}; 字面的大括号写成 {{ 或 }}');
    return `CAST(${ctx.params.add(text)} AS VARCHAR)`;
  }
  const parts: string[] = [];
  pieces.forEach((p, i) => {
    if (p) parts.push(`CAST(${ctx.params.add(p)} AS VARCHAR)`);
    const hole = holes[i];
    if (!hole) return;
    const before = ctx.issues.length;
    const e = ctx.parse(hole.text, path);
    // Re-locate issues of the placeholder's expression to its place in the template.
    for (let k = before; k < ctx.issues.length; k++) {
      const is = ctx.issues[k];
      if (is)
        ctx.issues[k] = { ...is, code: is.code === 'expression-syntax' ? 'bad-placeholder' : is.code, offset: hole.at + (is.offset ?? 0) };
    }
    if (!e) return;
    const n = ctx.issues.length;
    const v = ctx.expr(e, env, path);
    for (let k = n; k < ctx.issues.length; k++) {
      const is = ctx.issues[k];
      if (is)
        ctx.issues[k] = {
          ...is,
          code: is.code === 'unknown-column' || is.code === 'unknown-name' ? 'bad-placeholder' : is.code,
          offset: hole.at + (is.offset ?? 0),
        };
    }
    parts.push(place({ sql: displayText(v), type: 'text' }));
  });
  return parts.length ? `concat(${parts.join(', ')})` : `CAST('' AS VARCHAR)`;
}
