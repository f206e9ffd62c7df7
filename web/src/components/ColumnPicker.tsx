// Choose the param / metric / tag columns of the runs table. The choice is
// kept in the URL (cols=...), so a link reproduces the view.
import { useId, useMemo, useState } from 'react';
import { columnId, type ColumnRef, type Entity } from '../lib/filter';
import type { KeySets } from '../lib/runRows';

export function ColumnPicker({
  keys,
  chosen,
  onChange,
  onClose,
}: {
  keys: KeySets;
  chosen: ColumnRef[];
  onChange: (next: ColumnRef[]) => void;
  onClose: () => void;
}) {
  const [search, setSearch] = useState('');
  const id = useId();
  const chosenIds = useMemo(() => new Set(chosen.map(columnId)), [chosen]);
  const groups: { entity: Entity; title: string; keys: string[] }[] = [
    { entity: 'metrics', title: 'Metrics', keys: keys.metrics },
    { entity: 'params', title: 'Parameters', keys: keys.params },
    { entity: 'tags', title: 'Tags', keys: keys.tags },
  ];
  const needle = search.trim().toLowerCase();
  const toggle = (c: ColumnRef) => {
    const cid = columnId(c);
    onChange(chosenIds.has(cid) ? chosen.filter((x) => columnId(x) !== cid) : [...chosen, c]);
  };
  const setGroup = (entity: Entity, all: string[], on: boolean) => {
    const rest = chosen.filter((c) => c.entity !== entity);
    onChange(on ? [...rest, ...all.map((key) => ({ entity, key }))] : rest);
  };
  return (
    <div
      className="popover column-picker"
      role="dialog"
      aria-label="Choose columns"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="popover-head">
        <input
          autoFocus
          type="search"
          placeholder="Search keys"
          aria-label="Search column keys"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      <div className="popover-body">
        {groups.map((g) => {
          const shown = needle ? g.keys.filter((k) => k.toLowerCase().includes(needle)) : g.keys;
          return (
            <fieldset key={g.entity}>
              <legend>
                {g.title} <span className="muted">({g.keys.length})</span>
                {g.keys.length > 0 && (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => setGroup(g.entity, g.keys, true)}>
                      all
                    </button>{' '}
                    <button type="button" className="link" onClick={() => setGroup(g.entity, g.keys, false)}>
                      none
                    </button>
                  </>
                )}
              </legend>
              {shown.length === 0 && <p className="muted">{g.keys.length ? 'No match' : 'None in the loaded runs'}</p>}
              {shown.slice(0, 500).map((k) => {
                const c = { entity: g.entity, key: k };
                const inputId = `${id}-${g.entity}-${k}`;
                return (
                  <label key={k} htmlFor={inputId} className="check">
                    <input id={inputId} type="checkbox" checked={chosenIds.has(columnId(c))} onChange={() => toggle(c)} />
                    {k}
                  </label>
                );
              })}
              {shown.length > 500 && <p className="muted">{shown.length - 500} more: refine the search</p>}
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}
