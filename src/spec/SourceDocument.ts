import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { SpecProblem } from './SpecProblem.ts';

/** How often aliases may be expanded in one document (the yaml library's maxAliasCount). */
export const MAX_ALIAS_COUNT = 100;

/** The start of the problem a document with too many alias expansions gets (callers answer it as a refused input). */
export const ALIAS_LIMIT_MESSAGE = 'YAML aliases expand too often';

export type JsonPath = ReadonlyArray<string | number>;

/**
 * One YAML document with enough of its source kept to point an error at the exact
 * line and column of any value or key inside it.
 */
export class SourceDocument {
  constructor(
    readonly file: string,
    readonly index: number,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The document as plain data, or a located problem when its aliases expand past
   * MAX_ALIAS_COUNT (a "billion laughs" document would otherwise take memory and time
   * exponential in its size).
   */
  toJS(): { value: unknown } | { problem: SpecProblem } {
    try {
      return { value: this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (err) {
      // The yaml library's only signal for this limit is a ReferenceError with this text.
      if (!(err instanceof ReferenceError && /alias count/i.test(err.message))) throw err;
      let at: number | undefined;
      visit(this.doc, {
        Alias(_key, node) {
          at = node.range?.[0];
          return visit.BREAK;
        },
      });
      const pos = this.lines.linePos(at ?? this.doc.contents?.range?.[0] ?? 0);
      return {
        problem: {
          severity: 'error',
          file: this.file,
          line: pos.line,
          column: pos.col,
          message: `${ALIAS_LIMIT_MESSAGE} (more than ${MAX_ALIAS_COUNT} expansions, as in a "billion laughs" document)`,
          hint: 'write the repeated values out, or use fewer aliases',
        },
      };
    }
  }

  /** Position of the value at `path`, or of its key when `key` is set; falls back to the nearest ancestor. */
  locate(path: JsonPath, key = false): { line: number; column: number } {
    for (let depth = path.length; depth >= 0; depth--) {
      const offset = this.offsetOf(path.slice(0, depth), key && depth === path.length);
      if (offset !== undefined) {
        const pos = this.lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  }

  problem(path: JsonPath, message: string, hint?: string, opts: { key?: boolean; severity?: SpecProblem['severity'] } = {}): SpecProblem {
    const { line, column } = this.locate(path, opts.key);
    return { severity: opts.severity ?? 'error', file: this.file, line, column, message, ...(hint ? { hint } : {}) };
  }

  private offsetOf(path: JsonPath, key: boolean): number | undefined {
    if (path.length === 0) return this.doc.contents?.range?.[0];
    if (key) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const last = path[path.length - 1];
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
        const k = pair?.key;
        if (isScalar(k) && k.range) return k.range[0];
      }
      return undefined;
    }
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node && typeof node === 'object' && node.range ? node.range[0] : undefined;
  }
}

/** Parses every document of a file; YAML syntax errors come back located, never thrown. */
export function parseSpecText(file: string, text: string): { docs: SourceDocument[]; problems: SpecProblem[] } {
  const lines = new LineCounter();
  // The library's own uniqueKeys check compares every key with every earlier one (minutes
  // for a mapping of 30,000 keys); duplicateKeys does the same check in one pass.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const problems: SpecProblem[] = [];
  const docs: SourceDocument[] = [];
  const all = Array.isArray(parsed) ? parsed : [];
  all.forEach((doc, index) => {
    const duplicates = doc.errors.length === 0 ? duplicateKeys(doc) : [];
    for (const at of duplicates) {
      const { line, col: column } = lines.linePos(at);
      problems.push({ severity: 'error', file, line, column, message: 'YAML syntax error: Map keys must be unique', hint: 'each key may appear once per mapping' });
    }
    for (const err of doc.errors) {
      const { line, col: column } = lines.linePos(err.pos[0]);
      problems.push({
        severity: 'error',
        file,
        line,
        column,
        message: `YAML syntax error: ${err.message.split('\n')[0]}`,
        hint: err.code === 'DUPLICATE_KEY' ? 'each key may appear once per mapping' : 'check indentation and quoting',
      });
    }
    // An empty document (a trailing `---`, or one holding only a comment) parses as a null
    // scalar: it is not a spec and not an error.
    const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
    if (doc.errors.length === 0 && duplicates.length === 0 && !empty) docs.push(new SourceDocument(file, index, doc, lines));
  });
  return { docs, problems };
}

/**
 * Offsets of keys that repeat an earlier key of the same mapping, with the yaml library's
 * notion of equal (the same node, or scalars with the same value), in time linear in the
 * number of keys.
 */
function duplicateKeys(doc: Document.Parsed): number[] {
  const found: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = pair.key;
        const id = isScalar(k) ? k.value : k;
        if (seen.has(id)) {
          const start = (k as { range?: [number, number, number] } | null)?.range?.[0];
          if (start !== undefined) found.push(start);
        } else {
          seen.add(id);
        }
      }
    },
  });
  return found;
}

/**
 * How many documents a YAML stream holds, without parsing it: one per `---` line (a line
 * starting with `---` is always a document marker, never inside a scalar), plus the one
 * before the first marker when it has content. Cheap enough to refuse an oversized
 * request before the parser spends time on it.
 */
export function countYamlDocuments(text: string): number {
  const markers = text.match(/^---(?=[ \t\r\n]|$)/gm)?.length ?? 0;
  const first = /^---(?=[ \t\r\n]|$)/m.exec(text);
  const before = first ? text.slice(0, first.index) : text;
  // Comments and directives (%YAML) alone do not make a document.
  const hasContent = before.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('#') && !line.startsWith('%'));
  return markers + (hasContent ? 1 : 0);
}
