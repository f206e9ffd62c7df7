// A row of toggle buttons of which one is on (graph or list, stdout or
// stderr): a named group, the chosen one pressed.
export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  text = (o) => o,
}: {
  label: string; // the group's accessible name
  options: readonly T[];
  value: T;
  onChange: (option: T) => void;
  text?: (option: T) => string;
}) {
  return (
    <div role="group" aria-label={label} className="segmented">
      {options.map((o) => (
        <button key={o} type="button" aria-pressed={value === o} className={value === o ? 'on' : ''} onClick={() => onChange(o)}>
          {text(o)}
        </button>
      ))}
    </div>
  );
}
