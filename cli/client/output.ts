/**
 * Where a command's result goes: aligned tables for people by default, or JSON for scripts with `--json` (a
 * list as a JSON array, one resource as an object, with Mistral's JSON-text fields already parsed). Commands
 * say *what* they show; this module decides *how*.
 */
import { renderDetail, renderTable, type Column } from './table.js';

export type Writer = (text: string) => void;

const stdout: Writer = (text) => {
  process.stdout.write(text);
};

export class Output {
  constructor(
    readonly json: boolean,
    private readonly write: Writer = stdout,
  ) {}

  line(text: string): void {
    this.write(`${text}\n`);
  }

  /** A list: a table (or `no <noun>`), or a JSON array. */
  list<T>(rows: T[], columns: Column<T>[], noun: string): void {
    if (this.json) return this.line(JSON.stringify(rows));
    this.line(rows.length === 0 ? `no ${noun}` : renderTable(columns, rows));
  }

  /** One resource: `field  value` lines without the `omit` fields, or the whole resource as JSON. */
  detail(resource: Record<string, unknown>, omit: readonly string[] = []): void {
    if (this.json) return this.line(JSON.stringify(resource));
    this.line(renderDetail(Object.entries(resource).filter(([k]) => !omit.includes(k))));
  }

  /** A bare value (an execution's output, a task's result): indented JSON for people, compact for scripts. */
  value(v: unknown): void {
    this.line(this.json ? JSON.stringify(v ?? null) : JSON.stringify(v ?? null, null, 2));
  }

  /** Text as is for people (a definition); a JSON string for scripts. */
  text(text: string): void {
    if (this.json) return this.line(JSON.stringify(text));
    this.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The outcome of an action without a resource to show (a deletion): a sentence, or a JSON object. */
  done(sentence: string, json: Record<string, unknown>): void {
    this.line(this.json ? JSON.stringify(json) : sentence);
  }
}
