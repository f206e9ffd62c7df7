// Building MLflow search-runs filter and order_by strings from what the user
// chose (specs/mlflow-rest.md §5). Everything here is pure.

export type Entity = 'attributes' | 'metrics' | 'params' | 'tags';

// A runs-table column: an attribute (run_name, start_time, ...) or a key of
// a metric, param or tag. Serialised as "<entity>.<key>" in URLs; the key
// may itself contain dots, so only the first dot separates.
export interface ColumnRef {
  entity: Entity;
  key: string;
}

const ENTITIES: Entity[] = ['attributes', 'metrics', 'params', 'tags'];

export function columnId(c: ColumnRef): string {
  return `${c.entity}.${c.key}`;
}

export function parseColumnId(id: string): ColumnRef | null {
  const dot = id.indexOf('.');
  if (dot <= 0 || dot === id.length - 1) return null;
  const entity = id.slice(0, dot) as Entity;
  if (!ENTITIES.includes(entity)) return null;
  return { entity, key: id.slice(dot + 1) };
}

// Keys that are not plain identifiers are back-quoted (MLflow's tokenizer
// splits on '-', '.', spaces, ...). Keys cannot contain back-quotes
// (MLflow's key validation), but a double-quoted form covers them anyway.
export function quoteKey(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return key;
  if (!key.includes('`')) return `\`${key}\``;
  return `"${key.replace(/"/g, '""')}"`;
}

// A single-quoted string literal, quotes doubled as in SQL ('it''s'), which
// is what cairn's and MLflow's (sqlparse) tokenizers accept. Backslashes are
// ordinary characters.
export function quoteValue(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function identifier(c: ColumnRef): string {
  return `${c.entity}.${quoteKey(c.key)}`;
}

export type SortDir = 'asc' | 'desc';
export interface SortState {
  column: ColumnRef;
  dir: SortDir;
}

export function orderByFor(sort: SortState | null): string[] {
  if (!sort) return [];
  return [`${identifier(sort.column)} ${sort.dir === 'asc' ? 'ASC' : 'DESC'}`];
}

// The URL form of a sort: "metrics.loss:desc".
export function serializeSort(sort: SortState | null): string {
  return sort ? `${columnId(sort.column)}:${sort.dir}` : '';
}

export function parseSort(text: string | null | undefined): SortState | null {
  if (!text) return null;
  const colon = text.lastIndexOf(':');
  const dir = colon > 0 ? text.slice(colon + 1) : '';
  if (dir !== 'asc' && dir !== 'desc') return null;
  const column = parseColumnId(text.slice(0, colon));
  return column ? { column, dir } : null;
}

// Clicking a header: numbers (metrics, times) start descending, text
// ascending; a second click flips; the sort is per column.
export function nextSort(current: SortState | null, column: ColumnRef): SortState {
  if (current && columnId(current.column) === columnId(column)) {
    return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  }
  const numeric =
    column.entity === 'metrics' ||
    (column.entity === 'attributes' && (column.key === 'start_time' || column.key === 'end_time'));
  return { column, dir: numeric ? 'desc' : 'asc' };
}

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;

export interface FilterParts {
  // What the user typed in the filter box (an MLflow filter string).
  text?: string;
  // Quick filters from the toolbar.
  status?: string;
  nameContains?: string;
}

// One filter string: the typed expression AND the quick filters. MLflow
// filters are conjunctions only, so AND-joining keeps them valid.
export function buildFilter(parts: FilterParts): string {
  const clauses: string[] = [];
  const text = (parts.text ?? '').trim();
  if (text) clauses.push(text);
  if (parts.status) clauses.push(`attributes.status = ${quoteValue(parts.status)}`);
  const name = (parts.nameContains ?? '').trim();
  // LIKE has no escape character in MLflow's grammar: % and _ typed here
  // stay wildcards.
  if (name) clauses.push(`attributes.run_name ILIKE ${quoteValue(`%${name}%`)}`);
  return clauses.join(' AND ');
}

// A clause matching one cell's value, for "filter to this value".
export function clauseFor(c: ColumnRef, value: string | number): string {
  if (c.entity === 'metrics' && typeof value === 'number') return `${identifier(c)} = ${value}`;
  return `${identifier(c)} = ${quoteValue(String(value))}`;
}

// Experiments page search: a name substring, case-insensitive.
export function experimentNameFilter(search: string): string {
  const s = search.trim();
  return s ? `attributes.name ILIKE ${quoteValue(`%${s}%`)}` : '';
}

export function modelNameFilter(search: string): string {
  const s = search.trim();
  return s ? `name ILIKE ${quoteValue(`%${s}%`)}` : '';
}
