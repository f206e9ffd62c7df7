// How the artifact browser previews a file, from its name.
export type PreviewKind = 'text' | 'json' | 'yaml' | 'csv' | 'tsv' | 'image' | 'markdown' | 'html' | 'binary';

const BY_EXT: Record<string, PreviewKind> = {
  txt: 'text', log: 'text', py: 'text', r: 'text', sh: 'text', cfg: 'text', ini: 'text', toml: 'text',
  xml: 'text', js: 'text', ts: 'text', java: 'text', scala: 'text', sql: 'text', out: 'text', err: 'text',
  json: 'json', jsonl: 'text', ipynb: 'json',
  yaml: 'yaml', yml: 'yaml',
  csv: 'csv', tsv: 'tsv',
  png: 'image', jpg: 'image', jpeg: 'image', gif: 'image', svg: 'image', webp: 'image', bmp: 'image',
  md: 'markdown', markdown: 'markdown',
  html: 'html', htm: 'html',
  pkl: 'binary', pickle: 'binary', bin: 'binary', pt: 'binary', pth: 'binary', onnx: 'binary', npy: 'binary',
  npz: 'binary', parquet: 'binary', zip: 'binary', gz: 'binary', tar: 'binary', joblib: 'binary', h5: 'binary',
  ubj: 'binary', safetensors: 'binary', whl: 'binary', so: 'binary', pb: 'binary', ckpt: 'binary',
};

const BY_NAME: Record<string, PreviewKind> = {
  MLmodel: 'yaml', MLproject: 'yaml', Dockerfile: 'text', LICENSE: 'text', README: 'markdown',
};

export function previewKind(path: string): PreviewKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (BY_NAME[name]) return BY_NAME[name];
  const dot = name.lastIndexOf('.');
  if (dot < 0) return 'text';
  return BY_EXT[name.slice(dot + 1).toLowerCase()] ?? 'text';
}

// Text with NUL bytes is not text.
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF); at most maxRows rows.
export function parseDelimited(text: string, delimiter: string, maxRows = 1000): { rows: string[][]; truncated: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      if (rows.length >= maxRows) return { rows, truncated: i + 1 < n };
    } else field += c;
    i += 1;
  }
  if (field !== '' || row.length) endRow();
  return { rows, truncated: false };
}
