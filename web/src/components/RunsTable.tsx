// The runs grid: server-side sort (header buttons), rows and columns both
// virtualized (only the visible cells are in the DOM, so 10,000 runs x
// hundreds of columns stay smooth), the run name column pinned on the left.
import { columnSizingFeature, createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
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

export function RunsTable(props: RunsTableProps) {
  const { rows, columns: chosen, sort, onSort, selected, experimentId } = props;
  const scrollRef = useRef<HTMLDivElement>(null);

  const columns = useMemo(() => {
    const sortOf = new Map<string, ColumnRef>();
    const defs = [
      helper.display({ id: 'select', size: 36, header: () => null, cell: () => null }),
      helper.display({ id: 'name', header: 'Run name', size: 220, cell: (ctx) => ctx.row.original.name }),
      ...BUILTIN.map((b) => {
        if (b.sort) sortOf.set(b.id, b.sort);
        return helper.display({ id: b.id, header: b.header, size: b.size, cell: (ctx) => b.cell(ctx.row.original) });
      }),
      ...chosen.map((c) => {
        const id = columnId(c);
        sortOf.set(id, c);
        const label = c.entity === 'metrics' ? c.key : `${c.entity === 'params' ? 'param' : 'tag'}: ${c.key}`;
        return helper.display({
          id,
          header: label,
          size: c.entity === 'tags' ? 160 : 120,
          cell: (ctx) => cellText(ctx.row.original, c),
        });
      }),
    ];
    sortOf.set('name', { entity: 'attributes', key: 'run_name' });
    return { defs, sortOf };
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
    overscan: 10,
  });
  const colVirtualizer = useVirtualizer({
    horizontal: true,
    count: scrolling.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => scrolling[i].getSize(),
    overscan: 3,
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
          const row = tableRows[vr.index];
          const r = row.original;
          const cells = row.getAllCells();
          const isSelected = selected.has(r.id);
          return (
            <div
              key={row.id}
              className={isSelected ? 'grow selected' : 'grow'}
              role="row"
              aria-rowindex={vr.index + 2}
              aria-selected={isSelected}
              data-run-id={r.id}
              style={{ width: totalWidth, height: ROW_HEIGHT, transform: `translateY(${HEADER_HEIGHT + vr.start}px)` }}
            >
              <div className="pinned" style={{ width: pinnedWidth }}>
                <div className="cell" role="gridcell" style={{ width: pinned[0].getSize() }}>
                  <input type="checkbox" aria-label={`Select ${r.name}`} checked={isSelected} onChange={() => props.onToggle(r.id)} />
                </div>
                <div className="cell" role="gridcell" style={{ width: pinned[1].getSize() }}>
                  <a href={href.run(experimentId, r.id)} className="run-link" title={r.name}>
                    {r.name}
                  </a>
                </div>
              </div>
              <div style={{ width: leftPad, flex: 'none' }} />
              {virtualCols.map((vc) => {
                const cell = cells[vc.index + 2];
                return (
                  <div key={cell.id} className="cell" role="gridcell" style={{ width: cell.column.getSize() }} data-col={cell.column.id}>
                    <table.FlexRender cell={cell} />
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
      {props.footer}
    </div>
  );
}
