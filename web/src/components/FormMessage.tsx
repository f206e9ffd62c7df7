// The outcome of a form's last try: a success read out politely (status), a
// failure at once (alert, in the warning colour). Nothing before a try.
export interface FormResult {
  ok: boolean;
  text: string;
}

export function FormMessage({ result, block = false }: { result: FormResult | null; block?: boolean }) {
  if (!result) return null;
  const Tag = block ? 'p' : 'span';
  return (
    <Tag className={result.ok ? 'small' : 'warning small'} role={result.ok ? 'status' : 'alert'}>
      {result.text}
    </Tag>
  );
}

// A failure message only, for forms that say nothing on success.
export function FormError({ error }: { error: string | null }) {
  return <FormMessage result={error ? { ok: false, text: error } : null} />;
}
