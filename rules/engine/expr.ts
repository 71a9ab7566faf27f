/**
 * The small expression language of rule conditions, measures, amounts and evidence. It reads like
 * policy text (`person.gend <> list.gend`, `item in list gender_restricted`,
 * `main_dx_sub not in ['Z51.0', 'Z51.1']`) and parses to an AST that the compiler turns into SQL
 * with every literal as a parameter. Pure; every node keeps its offset in the expression text so a
 * problem can be reported at its exact column.
 *
 * Grammar (lowest precedence first):
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | compare
 *   compare := sum [ ('=' | '<>' | '!=' | '<' | '<=' | '>' | '>=') sum
 *                  | ['not'] 'in' ( '[' literal (',' literal)* ']' | 'list' NAME ['as' NAME] )
 *                  | 'is' ['not'] 'null' | ['not'] 'like' STRING ]
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := '-' unary | primary
 *   primary := NUMBER | STRING | 'true' | 'false' | NAME ['.' NAME]* | NAME '(' [or (',' or)*] ')'
 *            | '(' or (',' or)* ')'          -- a tuple only left of `in list`
 */

export type Expr =
  | { readonly t: 'num'; readonly value: number; readonly at: number }
  | { readonly t: 'str'; readonly value: string; readonly at: number }
  | { readonly t: 'bool'; readonly value: boolean; readonly at: number }
  | { readonly t: 'ref'; readonly path: readonly string[]; readonly at: number }
  | { readonly t: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly at: number }
  | { readonly t: 'tuple'; readonly items: readonly Expr[]; readonly at: number }
  | { readonly t: 'unary'; readonly op: 'not' | '-'; readonly arg: Expr; readonly at: number }
  | { readonly t: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly at: number }
  | { readonly t: 'in'; readonly negated: boolean; readonly arg: Expr; readonly values: readonly Expr[]; readonly at: number }
  | {
      readonly t: 'inlist';
      readonly negated: boolean;
      readonly arg: Expr;
      readonly list: string;
      readonly listAt: number;
      /** `in list bundles as ba`: the lookup's own name, whose columns are `ba.<column>`. */
      readonly alias?: string;
      readonly at: number;
    }
  | { readonly t: 'isnull'; readonly negated: boolean; readonly arg: Expr; readonly at: number }
  | { readonly t: 'like'; readonly negated: boolean; readonly arg: Expr; readonly pattern: string; readonly at: number };

export type BinaryOp = 'or' | 'and' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/';

/** A syntax problem at `at` (0-based offset in the expression text). */
export interface ExprError {
  readonly at: number;
  readonly message: string;
}

/** Thrown inside the parser only; parseExpr turns it back into an ExprError. */
class SyntaxFailure extends Error {
  constructor(readonly error: ExprError) {
    super(error.message);
  }
}

type Tok =
  | { k: 'num'; v: number; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'name'; v: string; at: number }
  | { k: 'op'; v: string; at: number }
  | { k: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'list', 'is', 'null', 'like', 'true', 'false']);

function tokenize(text: string): Tok[] | ExprError {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ k: 'num', v: Number(m[0]), at });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== c) v += text[j++];
      if (j >= text.length) return { at, message: '字符串缺少结束引号' };
      out.push({ k: 'str', v, at });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ k: 'name', v: m[0], at });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['<=', '>=', '<>', '!='].includes(two)) {
        out.push({ k: 'op', v: two === '!=' ? '<>' : two, at });
        i += 2;
      } else if ('=<>+-*/(),.[]'.includes(c)) {
        out.push({ k: 'op', v: c, at });
        i++;
      } else return { at, message: `无法识别的字符 ${JSON.stringify(c)}` };
    }
  }
  out.push({ k: 'end', at: text.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }
  private next(): Tok {
    return this.toks[this.i++] as Tok;
  }
  private isWord(w: string, t: Tok = this.peek()): boolean {
    return t.k === 'name' && t.v.toLowerCase() === w;
  }
  private isOp(o: string, t: Tok = this.peek()): boolean {
    return t.k === 'op' && t.v === o;
  }
  private fail(message: string, t: Tok = this.peek()): never {
    throw new SyntaxFailure({ at: t.at, message });
  }
  private expectOp(o: string): Tok {
    if (!this.isOp(o)) this.fail(`这里应为 ${o}`);
    return this.next();
  }

  parse(): Expr {
    const e = this.or();
    if (this.peek().k !== 'end') this.fail('表达式在这里多出了内容');
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const at = this.next().at;
      left = { t: 'binary', op: 'or', left, right: this.and(), at };
    }
    return left;
  }
  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      const at = this.next().at;
      left = { t: 'binary', op: 'and', left, right: this.not(), at };
    }
    return left;
  }
  private not(): Expr {
    if (this.isWord('not')) {
      const at = this.next().at;
      return { t: 'unary', op: 'not', arg: this.not(), at };
    }
    return this.compare();
  }
  private compare(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.k === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { t: 'binary', op: t.v as BinaryOp, left, right: this.sum(), at: t.at };
    }
    let negated = false;
    if (this.isWord('not') && (this.isWord('in', this.toks[this.i + 1]) || this.isWord('like', this.toks[this.i + 1]))) {
      this.next();
      negated = true;
    }
    if (this.isWord('in')) {
      const at = this.next().at;
      if (this.isWord('list')) {
        this.next();
        const name = this.next();
        if (name.k !== 'name' || KEYWORDS.has(name.v)) this.fail('in list 之后应为知识库表名, 如 gender_restricted', name);
        // `as` names this lookup (a word only here, so a column may still be called as).
        if (this.isWord('as')) {
          this.next();
          const alias = this.next();
          if (alias.k !== 'name' || KEYWORDS.has(alias.v)) this.fail('as 之后应为这次查表的名字, 如 ba', alias);
          return { t: 'inlist', negated, arg: left, list: name.v, listAt: name.at, alias: alias.v, at };
        }
        return { t: 'inlist', negated, arg: left, list: name.v, listAt: name.at, at };
      }
      this.expectOp('[');
      const values: Expr[] = [];
      do values.push(this.literal());
      while (this.isOp(',') && this.next());
      this.expectOp(']');
      return { t: 'in', negated, arg: left, values, at };
    }
    if (this.isWord('like')) {
      const at = this.next().at;
      const p = this.next();
      if (p.k !== 'str') this.fail('like 之后应为字符串', p);
      return { t: 'like', negated, arg: left, pattern: p.v, at };
    }
    if (negated) this.fail('not 之后应为 in 或 like');
    if (this.isWord('is')) {
      const at = this.next().at;
      let neg = false;
      if (this.isWord('not')) {
        this.next();
        neg = true;
      }
      if (!this.isWord('null')) this.fail('is 之后应为 null 或 not null');
      this.next();
      return { t: 'isnull', negated: neg, arg: left, at };
    }
    return left;
  }
  private sum(): Expr {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next() as { v: BinaryOp; at: number };
      left = { t: 'binary', op: t.v, left, right: this.product(), at: t.at };
    }
    return left;
  }
  private product(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const t = this.next() as { v: BinaryOp; at: number };
      left = { t: 'binary', op: t.v, left, right: this.unary(), at: t.at };
    }
    return left;
  }
  private unary(): Expr {
    if (this.isOp('-')) {
      const at = this.next().at;
      return { t: 'unary', op: '-', arg: this.unary(), at };
    }
    return this.primary();
  }
  private literal(): Expr {
    const t = this.next();
    if (t.k === 'num') return { t: 'num', value: t.v, at: t.at };
    if (t.k === 'str') return { t: 'str', value: t.v, at: t.at };
    if (this.isOp('-', t)) {
      const n = this.next();
      if (n.k === 'num') return { t: 'num', value: -n.v, at: t.at };
    }
    return this.fail('这里应为数字或字符串常量', t);
  }
  private primary(): Expr {
    const t = this.peek();
    if (t.k === 'num' || t.k === 'str') return this.literal();
    if (this.isWord('true') || this.isWord('false')) {
      this.next();
      return { t: 'bool', value: t.k === 'name' && t.v.toLowerCase() === 'true', at: t.at };
    }
    if (this.isOp('(')) {
      this.next();
      const items = [this.or()];
      while (this.isOp(',')) {
        this.next();
        items.push(this.or());
      }
      this.expectOp(')');
      return items.length === 1 ? (items[0] as Expr) : { t: 'tuple', items, at: t.at };
    }
    // `list` is a keyword after `in`, but `list.<column>` names a column of the looked-up list.
    const listColumn = t.k === 'name' && t.v === 'list' && this.isOp('.', this.toks[this.i + 1]);
    if (t.k === 'name' && (listColumn || !KEYWORDS.has(t.v.toLowerCase()))) {
      this.next();
      if (this.isOp('(')) {
        this.next();
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          args.push(this.or());
          while (this.isOp(',')) {
            this.next();
            args.push(this.or());
          }
        }
        this.expectOp(')');
        return { t: 'call', fn: t.v, args, at: t.at };
      }
      const path = [t.v];
      while (this.isOp('.')) {
        this.next();
        const n = this.next();
        if (n.k !== 'name') this.fail('. 之后应为列名', n);
        path.push(n.v);
      }
      return { t: 'ref', path, at: t.at };
    }
    return this.fail(t.k === 'end' ? '表达式不完整' : '这里应为列名、常量或 (');
  }
}

/** Parses an expression; never throws. */
export function parseExpr(text: string): { ok: true; expr: Expr } | { ok: false; error: ExprError } {
  const toks = tokenize(text);
  if (!Array.isArray(toks)) return { ok: false, error: toks };
  try {
    return { ok: true, expr: new Parser(toks).parse() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** Every node of `e`, depth first. */
export function walk(e: Expr, visit: (n: Expr) => void): void {
  visit(e);
  switch (e.t) {
    case 'call':
      e.args.forEach((a) => walk(a, visit));
      break;
    case 'tuple':
      e.items.forEach((a) => walk(a, visit));
      break;
    case 'unary':
    case 'isnull':
    case 'like':
    case 'inlist':
      walk(e.arg, visit);
      break;
    case 'in':
      walk(e.arg, visit);
      e.values.forEach((a) => walk(a, visit));
      break;
    case 'binary':
      walk(e.left, visit);
      walk(e.right, visit);
      break;
    default:
      break;
  }
}
