/**
 * Jinja's StrictUndefined for nunjucks. nunjucks' `throwOnUndefined` only checks `{{ output }}`
 * (and wrongly rejects null); everywhere else (`if`, `for`, `~`, comparisons, filters,
 * attributes) an undefined name is silently falsy. Jinja users expect an error, so this compiler
 * subclass makes every name and attribute lookup strict at code-generation time, except where the
 * value goes straight into `default`/`d` or the `defined`/`undefined` tests, as in Jinja.
 *
 * The generated code calls back into `env.jinja` (see `StrictRuntime`), so a compiled template is
 * plain JS that can be cached on disk and loaded without running this compiler again.
 */
import type * as Nunjucks from 'nunjucks';
import { isNamespace } from './globals';

/** An error raised by template code, with the position it happened at (1-based). */
export class TemplateFault extends Error {
  constructor(message: string, readonly lineno: number, readonly colno: number) {
    super(message);
    this.name = 'TemplateFault';
  }
}

/** The helpers compiled templates call as `env.jinja.*`. */
export const strictRuntime = {
  /** A top-level name: undefined is an error naming it. */
  name(value: unknown, name: string, line: number, col: number): unknown {
    if (value === undefined) throw new TemplateFault(`'${name}' is undefined`, line, col);
    return value;
  },
  /** An attribute or item: undefined is an error naming the whole path. */
  member(value: unknown, path: string, line: number, col: number): unknown {
    if (value === undefined) throw new TemplateFault(`'${path}' is undefined`, line, col);
    return value;
  },
  /** `{% set ns.attr = value %}`: as in Jinja, only a namespace() takes attribute assignment. */
  setAttribute(target: unknown, key: unknown, line: number, col: number, value: unknown): void {
    if (!isNamespace(target)) throw new TemplateFault(`cannot assign '${String(key)}': only namespace() objects take attribute assignment`, line, col);
    (target as Record<string, unknown>)[String(key)] = value;
  },
  /** `{{ value }}`: null prints as Jinja's `None`; an expression without a value is an error. */
  output(value: unknown, line: number, col: number): unknown {
    if (value === null) return 'None';
    if (value === undefined) throw new TemplateFault('the expression has no value (undefined)', line, col);
    return value;
  },
};

export type StrictRuntime = typeof strictRuntime;

interface Node {
  typename: string;
  lineno: number;
  colno: number;
  value?: unknown;
  target?: Node;
  val?: Node;
  name?: Node & { value: string };
  args?: Node & { children: Node[] };
  left?: Node;
  right?: Node & { name?: { value: string }; value?: string };
  children?: Node[];
}

/** `a.b.c` / `a['k']` for messages; computed parts are shown as `[…]`. */
function describe(node: Node): string {
  if (node.typename === 'Symbol') return String(node.value);
  if (node.typename === 'LookupVal' && node.target && node.val) {
    const base = describe(node.target);
    const key = node.val;
    if (key.typename === 'Literal' && typeof key.value === 'string') {
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key.value) ? `${base}.${key.value}` : `${base}[${JSON.stringify(key.value)}]`;
    }
    if (key.typename === 'Literal') return `${base}[${String(key.value)}]`;
    return `${base}[…]`;
  }
  return 'expression';
}

const LENIENT_FILTERS = new Set(['default', 'd']);
const LENIENT_TESTS = new Set(['defined', 'undefined']);

/**
 * Builds the strict compiler class on top of the loaded nunjucks (which is required lazily, so
 * the class cannot exist at module load time).
 */
export function strictCompilerClass(nunjucks: typeof Nunjucks) {
  // The compiler's internals are not in nunjucks' type definitions.
  const Base = (nunjucks as unknown as { compiler: { Compiler: new (...a: unknown[]) => any } }).compiler.Compiler;
  const TemplateData = (nunjucks as unknown as { nodes: { TemplateData: Function } }).nodes.TemplateData;

  return class StrictCompiler extends Base {
    /** The one node whose own undefined-ness is allowed (the subject of `default`/`is defined`). */
    lenient: Node | undefined;

    compileSymbol(node: Node, frame: { lookup(n: string): string | undefined }): void {
      const name = String(node.value);
      const local = frame.lookup(name);
      if (local) {
        this._emit(local);
        return;
      }
      const lookup = `runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)})`;
      if (this.lenient === node) this._emit(lookup);
      else this._emit(`env.jinja.name(${lookup}, ${JSON.stringify(name)}, ${node.lineno + 1}, ${node.colno + 1})`);
    }

    compileLookupVal(node: Node, frame: unknown): void {
      const strict = this.lenient !== node;
      if (strict) this._emit('env.jinja.member(');
      this._emit('runtime.memberLookup((');
      this._compileExpression(node.target, frame);
      this._emit('),');
      this._compileExpression(node.val, frame);
      this._emit(')');
      if (strict) this._emit(`, ${JSON.stringify(describe(node))}, ${node.lineno + 1}, ${node.colno + 1})`);
    }

    compileFilter(node: Node, frame: unknown): void {
      const subject = node.args?.children[0];
      if (LENIENT_FILTERS.has(String(node.name?.value)) && subject) this.lenient = subject;
      // Record the position so an error thrown inside the filter points here.
      this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
      super.compileFilter(node, frame);
      this._emit(')');
    }

    compileIs(node: Node, frame: unknown): void {
      const test = node.right?.name ? node.right.name.value : node.right?.value;
      if (LENIENT_TESTS.has(String(test)) && node.left) this.lenient = node.left;
      super.compileIs(node, frame);
    }

    /**
     * Jinja's `{% for x in xs if cond %}` filters the loop (and loop.index counts the kept
     * items); nunjucks parses it as `xs if cond else ''` and silently renders nothing. Refuse it.
     */
    compileFor(node: Node & { arr: Node & { else_?: unknown } }, frame: unknown): void {
      if (node.arr.typename === 'InlineIf' && node.arr.else_ === null) {
        this.fail("'for … in … if …' (a filtered loop) is not supported: use '| select…' on the list, or an 'if' inside the loop", node.arr.lineno, node.arr.colno);
      }
      super.compileFor(node, frame);
    }

    /** Adds Jinja's `{% set ns.count = ns.count + 1 %}` (nunjucks only assigns plain names). */
    compileSet(node: Node & { targets: Node[]; value: Node | null; body: Node }, frame: unknown): void {
      const [target] = node.targets;
      if (node.targets.length === 1 && target?.typename === 'LookupVal') {
        this._emit('env.jinja.setAttribute(');
        this._compileExpression(target.target, frame);
        this._emit(', ');
        this._compileExpression(target.val, frame);
        this._emit(`, ${target.lineno + 1}, ${target.colno + 1}, `);
        if (node.value) this._compileExpression(node.value, frame);
        else this.compile(node.body, frame);
        this._emitLine(');');
        return;
      }
      const bad = node.targets.find((t) => t.typename !== 'Symbol');
      if (bad) this.fail('set: can only assign to names and to namespace() attributes', bad.lineno, bad.colno);
      super.compileSet(node, frame);
    }

    compileOutput(node: Node, frame: unknown): void {
      for (const child of node.children ?? []) {
        if (child instanceof TemplateData) {
          if (child.value) {
            this._emit(`${this.buffer} += `);
            this.compileLiteral(child, frame);
            this._emitLine(';');
          }
          continue;
        }
        this._emit(`lineno = ${child.lineno}; colno = ${child.colno}; `);
        this._emit(`${this.buffer} += runtime.suppressValue(env.jinja.output(`);
        this.compile(child, frame);
        this._emit(`, ${child.lineno + 1}, ${child.colno + 1}), env.opts.autoescape);\n`);
      }
    }
  };
}

/**
 * `{% do expr %}` (Jinja's `do` extension): evaluates an expression for its side effect, e.g.
 * `{% do fatal_error("no PORT") %}` or `{% do ns.update({'n': 1}) %}`.
 */
export class DoExtension {
  readonly tags = ['do'];
  parse(parser: any, nodes: any): unknown {
    const tok = parser.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno, [parser.parseExpression()]);
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', args);
  }
  run(): string {
    return '';
  }
}
