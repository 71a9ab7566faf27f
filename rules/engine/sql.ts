import type { FieldPath, Finding, IssueCode, Severity } from '../../core/diagnostics/index.js';
import type { Typed } from './columns.js';
import { comparable, FUNCTION_NAMES, FUNCTIONS, TYPE_ZH } from './functions.js';
import { LISTS } from './lists.js';
import { Lookups } from './lookups.js';
import { parseExpr, walk, type Expr } from './expr.js';

/**
 * Expression → SQL, the only place rule text becomes SQL. Literals always become named parameters
 * (`$p1`, `$p2` …); names become SQL only through an `Env`, which knows the canonical columns of
 * the rule's source. Problems are collected as located issues (YAML path + offset in the string),
 * never thrown.
 */

export type ParamValue = string | number | boolean | null;

export class Params {
  readonly values: Record<string, ParamValue> = {};
  private n = 0;
  add(v: ParamValue): string {
    const name = `p${++this.n}`;
    this.values[name] = v;
    return `$${name}`;
  }
}

/** Resolves names of one evaluation context (row, group, pair …) to SQL. */
export interface Env {
  /** A column path (`gend`, `person.gend`, `prev.main_dx`); undefined when unknown here. */
  resolve(path: readonly string[]): Typed | undefined;
  /** Names offered, for the "unknown column" hint. */
  readonly known: () => readonly string[];
  /** For an env one level above the rows (a group): how a row-level value (a list column) is reached. */
  readonly lift?: (row: Typed) => Typed;
  /** When the row's fact happened: a list whose entries carry validity dates is looked up as in force then. */
  readonly factTime?: string | undefined;
}

/**
 * One rule's compilation state: parameters, issues, named conditions and list lookups. Named
 * conditions may refer to each other by name; each compiles once (cycles are reported).
 */
export class Ctx {
  readonly params = new Params();
  /** Findings at YAML paths (and offsets inside expression strings); compileText locates them. */
  readonly issues: Finding[] = [];
  /** One join per list and lookup key: the same list under two keys is two lookups. */
  readonly lookups = new Lookups();
  private readonly condSql = new Map<string, string>();
  private readonly compiling = new Set<string>();
  readonly usedConditions = new Set<string>();
  /** An unknown list was named: `list.x` is then not reported again as a missing lookup. */
  private unknownList = false;

  constructor(
    readonly ruleId: string,
    private readonly conditions: Readonly<Record<string, string>>,
    private readonly conditionsPath: FieldPath,
  ) {}

  issue(code: IssueCode, path: FieldPath, at: number | undefined, message: string, hint: string, severity: Severity = 'error'): void {
    this.issues.push({ code, path, ...(at === undefined ? {} : { offset: at }), message, hint, severity });
  }

  get ok(): boolean {
    return !this.issues.some((i) => i.severity === 'error');
  }

  /** Parses `text` at `path`; undefined (with an issue) when it does not parse. */
  parse(text: string, path: FieldPath): Expr | undefined {
    const r = parseExpr(text);
    if (r.ok) return r.expr;
    this.issue('expression-syntax', path, r.error.at, `表达式语法错误: ${r.error.message}`, '检查括号、引号与运算符; 字符串用单引号');
    return undefined;
  }

  /**
   * Registers the list lookups (`x in list L`) of the expressions at `paths`, with their keys
   * compiled in `env`; must run before anything reads `list.` columns.
   */
  registerLists(items: readonly { text: string; path: FieldPath }[], env: Env): void {
    for (const { text, path } of items) {
      const r = parseExpr(text);
      if (!r.ok) continue;
      walk(r.expr, (n) => {
        if (n.t !== 'inlist') return;
        const spec = LISTS[n.list];
        if (!spec) {
          this.unknownList = true;
          this.issue('unknown-list', path, n.listAt, `未知的知识库表 ${n.list}`, `可用: ${Object.keys(LISTS).sort().join(', ')}`);
          return;
        }
        const parts = n.arg.t === 'tuple' ? n.arg.items : [n.arg];
        if (parts.length !== spec.key.length) {
          this.issue(
            'list-key-mismatch',
            path,
            n.at,
            `知识库表 ${n.list} 的键是 (${spec.key.join(', ')}), 这里给了 ${parts.length} 个值`,
            spec.key.length > 1 ? `写成 (${spec.key.join(', ')}) in list ${n.list}` : `写成 item in list ${n.list}`,
          );
          return;
        }
        const { clash } = this.lookups.add(n.list, spec, n.arg, () => parts.map((p) => this.expr(p, env, path).sql), n.alias, env.factTime);
        if (clash) this.issue('duplicate-name', path, n.at, `查表名 ${n.alias ?? ''} 已用于另一次查表`, '给每次查表起不同的名字');
        else if (
          n.alias &&
          (LISTS[n.alias] ||
            ['list', 'a', 'b', 'person', 'inst', 'catalog', 'visit', 'prev', 'doctor', 'a_inst', 'b_inst', 'stock'].includes(n.alias))
        )
          this.issue('duplicate-name', path, n.at, `查表名 ${n.alias} 与已有的限定名重复`, '换一个名字, 如 ba');
      });
    }
  }

  /** The LEFT JOINs of the rule's list lookups. */
  listJoins(): string {
    return this.lookups.sql();
  }

  /** The knowledge tables the compiled rule uses. */
  listTables(): string[] {
    return this.lookups.tables();
  }

  /** Compiles the named condition `name` (once). */
  condition(name: string, env: Env): string | undefined {
    const text = this.conditions[name];
    if (text === undefined) return undefined;
    this.usedConditions.add(name);
    const done = this.condSql.get(name);
    if (done !== undefined) return done;
    const path = [...this.conditionsPath, name];
    if (this.compiling.has(name)) {
      this.issue('condition-cycle', path, 0, `条件 ${name} 直接或间接引用了自己`, '拆开循环引用');
      return 'false';
    }
    this.compiling.add(name);
    const e = this.parse(text, path);
    const sql = e ? `(${this.bool(e, env, path)})` : 'false';
    this.compiling.delete(name);
    this.condSql.set(name, sql);
    return sql;
  }

  /** A boolean expression, with NULL read as false. */
  bool(e: Expr, env: Env, path: FieldPath): string {
    const r = this.expr(e, env, path);
    if (r.type !== 'bool' && r.type !== 'any')
      this.issue('type-mismatch', path, e.at, '这里需要一个条件 (真/假), 而不是一个值', '用比较运算, 如 cnt > 1');
    return `coalesce(${r.sql}, false)`;
  }

  expr(e: Expr, env: Env, path: FieldPath): Typed {
    switch (e.t) {
      case 'num':
        return { sql: `CAST(${this.params.add(e.value)} AS DOUBLE)`, type: 'number' };
      case 'str':
        return { sql: `CAST(${this.params.add(e.value)} AS VARCHAR)`, type: 'text' };
      case 'bool':
        return { sql: e.value ? 'true' : 'false', type: 'bool' };
      case 'ref':
        return this.ref(e, env, path);
      case 'tuple':
        this.issue('expression-syntax', path, e.at, '括号中的多个值只能用在 in list 之前', '去掉逗号, 或写成 (a, b) in list 表名');
        return { sql: 'NULL', type: 'any' };
      case 'call': {
        const fn = FUNCTIONS[e.fn];
        if (!fn) {
          this.issue('unknown-function', path, e.at, `未知的函数 ${e.fn}`, `可用: ${FUNCTION_NAMES.join(', ')}`);
          return { sql: 'NULL', type: 'any' };
        }
        if (e.args.length < fn.min || e.args.length > fn.max)
          this.issue('bad-arguments', path, e.at, `函数 ${e.fn} 需要 ${fn.min}–${fn.max} 个参数`, `检查 ${e.fn}(…) 的参数个数`);
        const args = e.args.map((a) => this.expr(a, env, path));
        return { sql: fn.sql(args.map((a) => a.sql)), type: fn.type(args) };
      }
      case 'unary': {
        if (e.op === 'not') return { sql: `(NOT ${this.bool(e.arg, env, path)})`, type: 'bool' };
        const a = this.expr(e.arg, env, path);
        this.expectNumber(a, e.arg, path);
        return { sql: `(-${a.sql})`, type: 'number' };
      }
      case 'binary': {
        if (e.op === 'and' || e.op === 'or')
          return { sql: `(${this.bool(e.left, env, path)} ${e.op.toUpperCase()} ${this.bool(e.right, env, path)})`, type: 'bool' };
        const l = this.expr(e.left, env, path);
        const r = this.expr(e.right, env, path);
        if (['+', '-', '*', '/'].includes(e.op)) {
          this.expectNumber(l, e.left, path);
          this.expectNumber(r, e.right, path);
          // Division by zero gives NULL (no hit), not an error that stops the run.
          const sql = e.op === '/' ? `(${l.sql} / nullif(${r.sql}, 0))` : `(${l.sql} ${e.op} ${r.sql})`;
          return { sql, type: 'number' };
        }
        if (!comparable(l.type, r.type))
          this.issue(
            'type-mismatch',
            path,
            e.at,
            `不能比较${TYPE_ZH[l.type]}与${TYPE_ZH[r.type]}`,
            "代码类字段是文本, 请给常量加引号, 如 gend = '2'",
          );
        // `<>` is null-safe: a missing value differs from any given one.
        const op = e.op === '<>' ? 'IS DISTINCT FROM' : e.op;
        return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'bool' };
      }
      case 'in': {
        const a = this.expr(e.arg, env, path);
        const vals = e.values.map((v) => this.expr(v, env, path));
        for (const [i, v] of vals.entries())
          if (!comparable(a.type, v.type))
            this.issue(
              'type-mismatch',
              path,
              (e.values[i] as Expr).at,
              `不能比较${TYPE_ZH[a.type]}与${TYPE_ZH[v.type]}`,
              '代码类字段是文本, 常量要加引号',
            );
        const list = vals.map((v) => v.sql).join(', ');
        return { sql: e.negated ? `(${a.sql} IS NULL OR ${a.sql} NOT IN (${list}))` : `(${a.sql} IN (${list}))`, type: 'bool' };
      }
      case 'inlist': {
        const join = this.lookups.get(e.list, e.arg, e.alias);
        if (!join) {
          // Registered in the pre-pass; unknown lists were reported there.
          if (!LISTS[e.list]) return { sql: 'false', type: 'bool' };
          this.issue('list-outside-condition', path, e.at, 'in list 只能用在 conditions 中', '把查表写到一个命名条件里');
          return { sql: 'false', type: 'bool' };
        }
        const hit = `(${join.alias}."${join.spec.key[0]}" IS NOT NULL)`;
        return { sql: e.negated ? `(NOT ${hit})` : hit, type: 'bool' };
      }
      case 'isnull': {
        const a = this.expr(e.arg, env, path);
        return { sql: `(${a.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, type: 'bool' };
      }
      case 'like': {
        const a = this.expr(e.arg, env, path);
        const p = this.params.add(e.pattern);
        return { sql: e.negated ? `(${a.sql} IS NULL OR ${a.sql} NOT LIKE ${p})` : `(${a.sql} LIKE ${p})`, type: 'bool' };
      }
    }
  }

  private expectNumber(t: Typed, e: Expr, path: FieldPath): void {
    if (t.type !== 'number' && t.type !== 'any')
      this.issue('type-mismatch', path, e.at, `算术运算需要数值, 这里是${TYPE_ZH[t.type]}`, '只对数量、金额、年龄等数值字段做加减乘除');
  }

  ref(e: Expr & { t: 'ref' }, env: Env, path: FieldPath): Typed {
    if (e.path.length === 1) {
      const c = this.condition(e.path[0] as string, env);
      if (c !== undefined) return { sql: c, type: 'bool' };
    }
    const col = this.lookups.column(e.path);
    if (col === 'no-lookup') {
      if (this.unknownList) return { sql: 'NULL', type: 'any' };
      this.issue(
        'list-without-lookup',
        path,
        e.at,
        `引用了 ${e.path.join('.')}, 但规则没有用 in list 查这个表`,
        '先写一个条件 item in list <表名>',
      );
      return { sql: 'NULL', type: 'any' };
    }
    if (col && 'ambiguous' in col) {
      this.issue(
        'ambiguous-column',
        path,
        e.at,
        `${e.path.join('.')} 有歧义: 规则查了 ${col.ambiguous} 次知识库表${e.path[0] === 'list' ? '' : ` ${e.path[0]}`} (查表的键不同)`,
        '把用到该列的比较写进同一个条件, 或只按一个键查表',
      );
      return { sql: 'NULL', type: 'any' };
    }
    if (col) return env.lift ? env.lift(col) : col;
    const r = env.resolve(e.path);
    if (r) return r;
    const name = e.path.join('.');
    if (e.path.length === 1 && path[path.length - 1] === 'condition')
      this.issue(
        'dangling-condition',
        path,
        e.at,
        `condition 引用了不存在的命名条件 ${name}`,
        `在 conditions 下定义 ${name}, 或改用已有的: ${Object.keys(this.conditions).join(', ') || '无'}`,
      );
    else if (e.path.length === 1)
      this.issue(
        'unknown-name',
        path,
        e.at,
        `未知的名称 ${name}: 既不是命名条件, 也不是这里可用的列`,
        `命名条件: ${Object.keys(this.conditions).join(', ') || '无'}; 列: ${env.known().slice(0, 12).join(', ')} …`,
      );
    else this.issue('unknown-column', path, e.at, `未知的列 ${name}`, `这里可用的列: ${env.known().slice(0, 16).join(', ')} …`);
    return { sql: 'NULL', type: 'any' };
  }
}
