// The runs grid: server-side sort (header buttons), rows and columns both
// virtualized (only the visible cells are in the DOM, so 10,000 runs x
// hundreds of columns stay smooth), the run name column pinned on the left.
import { columnSizingFeature, createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { columnId, type ColumnRef, type SortState } from '../lib/filter';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import type { RunRow } from '../lib/runRows';
import { href } from '../lib/urlState';
import { StatusBadge } from './common';

const features = tableFeatures({ columnSizingFeature });
const helper = createColumnHelper<typeof features, RunRow>();

const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 36;

// Built-in columns after the pinned name; `sort` is the attribute the server
// orders by (duration and source have none server-side).
const BUILTIN: { id: string; header: string; size: number; sort?: ColumnRef; cell: (r: RunRow) => ReactNode }[] = [
  { id: 'created', header: 'Created', size: 160, sort: { entity: 'attributes', key: 'start_time' }, cell: (r) => formatTime(r.start) },
  { id: 'status', header: 'Status', size: 110, sort: { entity: 'attributes', key: 'status' }, cell: (r) => <StatusBadge status={r.status} /> },
  { id: 'duration', header: 'Duration', size: 90, cell: (r) => formatDuration(r.duration) },
  { id: 'user', header: 'User', size: 110, sort: { entity: 'attributes', key: 'user_id' }, cell: (r) => r.user },
  { id: 'source', header: 'Source', size: 150, sort: { entity: 'tags', key: 'mlflow.source.name' }, cell: (r) => r.source },
];

export interface RunsTableProps {
  experimentId: string;
  rows: RunRow[];
  columns: ColumnRef[];
  sort: SortState | null;
  onSort: (column: ColumnRef) => void;
  selected: Set<string>;
  onToggle: (runId: string) => void;
  onToggleAll: () => void;
  // Called when the user scrolls near the last loaded row.
  onNearEnd: () => void;
  footer?: ReactNode;
}

function cellText(row: RunRow, c: ColumnRef): string {
  if (c.entity === 'metrics') {
    const v = row.metrics.get(c.key);
    return v === undefined ? '' : formatNumber(v);
  }
  if (c.entity === 'params') return row.params.get(c.key) ?? '';
  if (c.entity === 'tags') return row.tags.get(c.key) ?? '';
  return '';
}

interface RowLayout {
  totalWidth: number;
  pinnedWidth: number;
  selectWidth: number;
  nameWidth: number;
  leftPad: number;
  cols: { id: string; width: number; render: (r: RunRow) => ReactNode }[];
}

const Row = memo(function Row({
  r,
  index,
  top,
  selected,
  onToggle,
  experimentId,
  layout,
}: {
  r: RunRow;
  index: number;
  top: number;
  selected: boolean;
  onToggle: (runId: string) => void;
  experimentId: string;
  layout: RowLayout;
}) {
  return (
    <div
      className={selected ? 'grow selected' : 'grow'}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-run-id={r.id}
      style={{ width: layout.totalWidth, height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
    >
      <div className="pinned" style={{ width: layout.pinnedWidth }}>
        <div className="cell" role="gridcell" style={{ width: layout.selectWidth }}>
          <input type="checkbox" aria-label={`Select ${r.name}`} checked={selected} onChange={() => onToggle(r.id)} />
        </div>
        <div className="cell" role="gridcell" style={{ width: layout.nameWidth }}>
          <a href={href.run(experimentId, r.id)} className="run-link" title={r.name}>
            {r.name}
          </a>
        </div>
      </div>
      <div style={{ width: layout.leftPad, flex: 'none' }} />
      {layout.cols.map((c) => (
        <div key={c.id} className="cell" role="gridcell" style={{ width: c.width }} data-col={c.id}>
          {c.render(r)}
        </div>
      ))}
    </div>
  );
});

export function RunsTable(props: RunsTableProps) {
  const { rows, columns: chosen, sort, onSort, selected, experimentId } = props;
  const scrollRef = useRef<HTMLDivElement>(null);

  // One spec per column: TanStack Table owns the column model and sizes;
  // cells render straight from the spec (no per-cell objects for the
  // hundreds of off-screen columns of a row).
  const columns = useMemo(() => {
    const sortOf = new Map<string, ColumnRef>();
    const render = new Map<string, (r: RunRow) => ReactNode>();
    for (const b of BUILTIN) {
      if (b.sort) sortOf.set(b.id, b.sort);
      render.set(b.id, b.cell);
    }
    const defs = [
      helper.display({ id: 'select', size: 36, header: () => null }),
      helper.display({ id: 'name', header: 'Run name', size: 220 }),
      ...BUILTIN.map((b) => helper.display({ id: b.id, header: b.header, size: b.size })),
      ...chosen.map((c) => {
        const id = columnId(c);
        sortOf.set(id, c);
        render.set(id, (r) => cellText(r, c));
        const label = c.entity === 'metrics' ? c.key : `${c.entity === 'params' ? 'param' : 'tag'}: ${c.key}`;
        return helper.display({ id, header: label, size: c.entity === 'tags' ? 160 : 120 });
      }),
    ];
    sortOf.set('name', { entity: 'attributes', key: 'run_name' });
    return { defs, sortOf, render };
  }, [chosen]);

  const table = useTable({ features, columns: columns.defs, data: rows, getRowId: (r) => r.id });
  const leafColumns = table.getAllLeafColumns();
  const pinned = leafColumns.slice(0, 2);
  const scrolling = leafColumns.slice(2);
  const pinnedWidth = pinned.reduce((w, c) => w + c.getSize(), 0);
  const tableRows = table.getRowModel().rows;

  const rowVirtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const colVirtualizer = useVirtualizer({
    horizontal: true,
    count: scrolling.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => scrolling[i].getSize(),
    overscan: 2,
    scrollPaddingStart: pinnedWidth,
  });
  useEffect(() => colVirtualizer.measure(), [columns, colVirtualizer]);

  const virtualRows = rowVirtualizer.getVirtualItems();
  const virtualCols = colVirtualizer.getVirtualItems();
  const lastIndex = virtualRows.length ? virtualRows[virtualRows.length - 1].index : -1;
  const { onNearEnd } = props;
  useEffect(() => {
    if (lastIndex >= tableRows.length - 20) onNearEnd();
  }, [lastIndex, tableRows.length, onNearEnd]);

  const totalWidth = pinnedWidth + colVirtualizer.getTotalSize();
  const leftPad = virtualCols.length ? virtualCols[0].start : 0;
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  // Everything a row needs to lay out its cells; stable while neither the
  // visible column window nor the columns change, so scrolling vertically
  // only renders the rows that come into view (Row is memoized).
  const firstCol = virtualCols.length ? virtualCols[0].index : 0;
  const lastCol = virtualCols.length ? virtualCols[virtualCols.length - 1].index : -1;
  const selectWidth = pinned[0].getSize();
  const nameWidth = pinned[1].getSize();
  const layout = useMemo<RowLayout>(
    () => ({
      totalWidth,
      pinnedWidth,
      selectWidth,
      nameWidth,
      leftPad,
      cols: scrolling.slice(firstCol, lastCol + 1).map((c) => ({
        id: c.id,
        width: c.getSize(),
        render: columns.render.get(c.id) ?? (() => null),
      })),
    }),
    [totalWidth, pinnedWidth, selectWidth, nameWidth, leftPad, firstCol, lastCol, columns],
  );

  const headerCell = (id: string, label: ReactNode, width: number) => {
    const ref = columns.sortOf.get(id);
    const active = ref && sort && columnId(sort.column) === columnId(ref) ? sort.dir : null;
    return (
      <div
        key={id}
        className="cell hcell"
        role="columnheader"
        style={{ width }}
        aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : undefined}
        data-col={id}
      >
        {ref ? (
          <button type="button" className="sort" onClick={() => onSort(ref)} title={`Sort by ${typeof label === 'string' ? label : id}`}>
            <span className="hlabel">{label}</span>
            <span className="arrow" aria-hidden="true">{active === 'asc' ? '▲' : active === 'desc' ? '▼' : ''}</span>
          </button>
        ) : (
          <span className="hlabel">{label}</span>
        )}
      </div>
    );
  };

  return (
    <div className="grid" ref={scrollRef} role="grid" aria-rowcount={tableRows.length + 1} aria-colcount={leafColumns.length} data-testid="runs-grid">
      <div style={{ width: totalWidth, height: HEADER_HEIGHT + rowVirtualizer.getTotalSize(), position: 'relative' }}>
        <div className="grow ghead" role="row" style={{ width: totalWidth, height: HEADER_HEIGHT }}>
          <div className="pinned" style={{ width: pinnedWidth }}>
            <div className="cell hcell" role="columnheader" style={{ width: pinned[0].getSize() }}>
              <input type="checkbox" aria-label="Select all loaded runs" checked={allSelected} onChange={props.onToggleAll} />
            </div>
            {headerCell('name', 'Run name', pinned[1].getSize())}
          </div>
          <div style={{ width: leftPad, flex: 'none' }} />
          {virtualCols.map((vc) => {
            const col = scrolling[vc.index];
            const def = col.columnDef;
            const label = typeof def.header === 'string' ? def.header : col.id;
            return headerCell(col.id, label, col.getSize());
          })}
        </div>
        {virtualRows.map((vr) => {
          const r = tableRows[vr.index].original;
          return (
            <Row
              key={r.id}
              r={r}
              index={vr.index}
              top={HEADER_HEIGHT + vr.start}
              selected={selected.has(r.id)}
              onToggle={props.onToggle}
              experimentId={experimentId}
              layout={layout}
            />
          );
        })}
      </div>
      {props.footer}
    </div>
  );
}
