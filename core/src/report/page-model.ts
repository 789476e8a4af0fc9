// What a report page says, before it is HTML: a header, notices (a partial run, missing files, NaN metrics), and
// sections of blocks — headline numbers, charts (Vega-Lite specs with their data), tables, notes and code. Built by
// run-page, comparison-page and sweep-page; turned into one self-contained file by render-html.

export type ReportKind = 'run' | 'comparison' | 'sweep';

/** A Vega-Lite specification with its data inline. */
export type ChartSpec = Readonly<Record<string, unknown>>;

export type Tone = 'good' | 'bad' | 'warn' | 'muted';

export interface ReportPage {
  readonly kind: ReportKind;
  readonly title: string;
  /** Facts shown under the title: `label: value`. */
  readonly facts: readonly Fact[];
  readonly status?: { readonly text: string; readonly tone: Tone };
  readonly description?: string;
  readonly notices: readonly Notice[];
  readonly sections: readonly Section[];
  /** What the report was made from, for the footer. */
  readonly sources: readonly string[];
}

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface Notice {
  readonly tone: 'warn' | 'info';
  readonly title: string;
  readonly lines: readonly string[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly intro?: string;
  readonly blocks: readonly Block[];
}

export type Block =
  | { readonly kind: 'stats'; readonly stats: readonly Stat[] }
  | { readonly kind: 'charts'; readonly charts: readonly Chart[] }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'code'; readonly title: string; readonly text: string; readonly open?: boolean }
  | { readonly kind: 'heading'; readonly text: string; readonly detail?: string }
  /** A shell command to copy. */
  | { readonly kind: 'command'; readonly caption: string; readonly text: string };

export interface Stat {
  readonly label: string;
  readonly value: string;
  /** Set smaller after the value: `points`, `faster`. */
  readonly unit?: string;
  readonly detail?: string;
  readonly tone?: Tone;
}

export interface Chart {
  /** Unique in the page: the figure's id, and how tests find it. */
  readonly id: string;
  readonly title: string;
  readonly caption?: string;
  readonly spec: ChartSpec;
  /** Share of the row: a full-width chart, or one of two or three side by side. */
  readonly width?: 'full' | 'half' | 'third';
}

export interface Table {
  readonly id: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** Columns sort on a click of their header. */
  readonly sortable?: boolean;
  /** As wide as its content rather than the section. */
  readonly compact?: boolean;
  readonly caption?: string;
}

export interface Column {
  readonly label: string;
  readonly numeric?: boolean;
  readonly title?: string;
}

export interface Row {
  readonly cells: readonly Cell[];
  /** Classes for the row: `best`, `differs`, `stopped`, `failed`. */
  readonly marks?: readonly string[];
}

export interface Cell {
  readonly text: string;
  /** What the column sorts by, when not the text (a number; NaN and missing values sort last). */
  readonly sort?: number | string;
  readonly tone?: Tone;
  readonly code?: boolean;
  readonly title?: string;
  /** A small label after the text (`best`, `stopped @2`). */
  readonly badge?: { readonly text: string; readonly tone: Tone };
  /** A coloured square before the text (a run's colour in a comparison). */
  readonly swatch?: string;
}
