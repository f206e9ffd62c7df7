// A column header of a list sorted by one column at a time (pipeline runs,
// trials): a button that sorts by it, with the arrow and aria-sort on the
// sorted one; a column without a key is a plain header.
export interface Sort<K extends string> {
  key: K;
  dir: 'asc' | 'desc';
}

export function SortHeader<K extends string>({
  label,
  col,
  sort,
  onSort,
  num,
}: {
  label: string;
  col: K | null;
  sort: Sort<K>;
  onSort: (key: K) => void;
  num?: boolean;
}) {
  const sorted = col !== null && sort.key === col;
  return (
    <th
      className={num ? 'num' : undefined}
      aria-sort={sorted ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      data-col={col ?? undefined}
    >
      {col !== null ? (
        <button type="button" className="sort" onClick={() => onSort(col)}>
          {label}
          {sorted && <span className="arrow">{sort.dir === 'asc' ? '▲' : '▼'}</span>}
        </button>
      ) : (
        label
      )}
    </th>
  );
}
