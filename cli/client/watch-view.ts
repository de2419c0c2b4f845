/**
 * How `tram execution watch` shows progress, in three flavours chosen once at start:
 * - `TtyView` (a terminal): event lines scroll by above one status line (progress bar and running tasks) that is
 *   redrawn in place;
 * - `PlainView` (a pipe or a log file): no cursor tricks; event lines, and the status line again whenever it
 *   changes;
 * - `JsonView` (`--json`): one JSON object per event, then the execution's final state and output.
 */
import { Output } from './output.js';
import type { StateChange } from './events.js';
import { eventLine, statusLine, type WatchModel } from './watch-model.js';
import type { Execution } from './wire.js';

export interface WatchView {
  /** A batch of changes has been applied to `model`. */
  update(batch: StateChange[], model: WatchModel): void;
  /** The watch is over: `final` is the finished execution, or null when the watch was interrupted. */
  finish(model: WatchModel, final: Execution | null): void;
}

/** Erase the current line and return to its start (ANSI: carriage return, erase in line). */
const CLEAR_LINE = '\r\x1b[2K';

function summary(out: Output, final: Execution): void {
  const info = final.state_info ? ` (${final.state_info.split('\n')[0]})` : '';
  out.line(`\nexecution ${final.id}: ${final.state}${info}`);
  out.value(final.output ?? null);
}

export class TtyView implements WatchView {
  private readonly out: Output;
  /** Whether a status line is on screen (nothing to close before the first update). */
  private drawn = false;
  constructor(private readonly stream: NodeJS.WriteStream) {
    this.out = new Output(false, (t) => stream.write(t));
  }

  private status(model: WatchModel): string {
    const line = statusLine(model);
    const width = (this.stream.columns || 80) - 1;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  }

  update(batch: StateChange[], model: WatchModel): void {
    let text = CLEAR_LINE;
    for (const change of batch) {
      const line = eventLine(change);
      if (line) text += `${line}\n`;
    }
    this.stream.write(text + this.status(model));
    this.drawn = true;
  }

  finish(model: WatchModel, final: Execution | null): void {
    // Leave the last status line in place as the record of where the execution ended.
    if (this.drawn) this.stream.write(`${CLEAR_LINE}${this.status(model)}\n`);
    if (final) summary(this.out, final);
  }
}

export class PlainView implements WatchView {
  private lastStatus = '';
  private readonly out: Output;
  constructor(write?: (text: string) => void) {
    this.out = new Output(false, write);
  }

  update(batch: StateChange[], model: WatchModel): void {
    for (const change of batch) {
      const line = eventLine(change);
      if (line) this.out.line(line);
    }
    const status = statusLine(model);
    if (status !== this.lastStatus) this.out.line(status);
    this.lastStatus = status;
  }

  finish(_model: WatchModel, final: Execution | null): void {
    if (final) summary(this.out, final);
  }
}

export class JsonView implements WatchView {
  private readonly out: Output;
  constructor(write?: (text: string) => void) {
    this.out = new Output(true, write);
  }

  update(batch: StateChange[]): void {
    for (const c of batch) {
      if (!c.event) continue;
      this.out.line(
        JSON.stringify({
          event: c.event,
          entity: c.entity,
          id: c.id,
          name: c.name,
          state: c.state,
          previous_state: c.previousState,
          state_info: c.stateInfo,
        }),
      );
    }
  }

  finish(_model: WatchModel, final: Execution | null): void {
    if (final) {
      this.out.line(
        JSON.stringify({
          id: final.id,
          state: final.state,
          state_info: final.state_info,
          output: final.output ?? null,
        }),
      );
    }
  }
}

/** The view for this process's stdout: JSON when asked, the live view on a terminal, plain lines otherwise. */
export function viewFor(json: boolean, stream: NodeJS.WriteStream = process.stdout): WatchView {
  if (json) return new JsonView();
  return stream.isTTY ? new TtyView(stream) : new PlainView();
}
