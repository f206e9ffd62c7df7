// "State [any ▾]": the state filter of the pipelines, tuning and trials lists.
export function StateSelect({
  label,
  states,
  value,
  onChange,
  format = (s) => s.toLowerCase(),
}: {
  label: string; // the select's accessible name
  states: readonly string[];
  value: string; // '' for any
  onChange: (state: string) => void;
  format?: (state: string) => string;
}) {
  return (
    <label>
      State{' '}
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {states.map((s) => (
          <option key={s} value={s}>
            {format(s)}
          </option>
        ))}
      </select>
    </label>
  );
}
