// A run's artifacts: a lazily expanded tree (one artifacts/list call per
// opened directory) and a preview of the selected file: text, JSON
// (pretty-printed), YAML, CSV/TSV as a table, images, Markdown (safe subset)
// and HTML in a sandboxed frame (no scripts, no same-origin access).
import { useEffect, useState, type ReactNode } from 'react';
import { artifactUrl, fetchArtifactText, listArtifacts } from '../api/mlflow';
import type { FileInfo } from '../api/types';
import { formatBytes } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { parseMarkdown, type Block, type Inline } from '../lib/markdown';
import { looksBinary, parseDelimited, previewKind } from '../lib/preview';
import { EmptyState, ErrorState, Loading } from './common';

const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;

function Dir({ runId, path, depth, selected, onSelect }: { runId: string; path: string; depth: number; selected: string; onSelect: (f: FileInfo) => void }) {
  const files = useAsync((signal) => listArtifacts(runId, path, signal), [runId, path]);
  if (files.error) return <ErrorState error={files.error} retry={files.reload} title="Could not list artifacts" />;
  if (!files.data) return <Loading what="Listing" />;
  if (files.data.length === 0 && depth === 0) return <EmptyState title="No artifacts">This run has not logged any files.</EmptyState>;
  const sorted = [...files.data].sort((a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path));
  return (
    <ul className="tree" role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Artifacts' : undefined}>
      {sorted.map((f) => (
        <Node key={f.path} runId={runId} file={f} depth={depth} selected={selected} onSelect={onSelect} />
      ))}
    </ul>
  );
}

function Node({ runId, file, depth, selected, onSelect }: { runId: string; file: FileInfo; depth: number; selected: string; onSelect: (f: FileInfo) => void }) {
  const [open, setOpen] = useState(selected.startsWith(`${file.path}/`));
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const isSelected = selected === file.path;
  return (
    <li role="treeitem" aria-expanded={file.is_dir ? open : undefined} aria-selected={isSelected}>
      <button
        type="button"
        className={isSelected ? 'tree-item selected' : 'tree-item'}
        style={{ paddingLeft: 8 + depth * 14 }}
        onClick={() => (file.is_dir ? setOpen((o) => !o) : onSelect(file))}
        data-path={file.path}
      >
        <span aria-hidden="true" className="tree-icon">{file.is_dir ? (open ? '▾' : '▸') : '·'}</span>
        {name}
        {!file.is_dir && <span className="muted size">{formatBytes(file.file_size)}</span>}
      </button>
      {file.is_dir && open && <Dir runId={runId} path={file.path} depth={depth + 1} selected={selected} onSelect={onSelect} />}
    </li>
  );
}

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'code':
        return <code key={i}>{n.v}</code>;
      case 'strong':
        return <strong key={i}>{renderInline(n.c)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(n.c)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {renderInline(n.c)}
          </a>
        );
    }
  });
}

function Markdown({ blocks }: { blocks: Block[] }) {
  return (
    <div className="markdown">
      {blocks.map((b, i) => {
        switch (b.t) {
          case 'h': {
            const H = `h${Math.min(6, b.level + 1)}` as 'h2';
            return <H key={i}>{renderInline(b.c)}</H>;
          }
          case 'p':
            return <p key={i}>{renderInline(b.c)}</p>;
          case 'ul':
          case 'ol': {
            const L = b.t;
            return (
              <L key={i}>
                {b.items.map((it, j) => (
                  <li key={j}>{renderInline(it)}</li>
                ))}
              </L>
            );
          }
          case 'pre':
            return <pre key={i}>{b.v}</pre>;
          case 'quote':
            return <blockquote key={i}>{renderInline(b.c)}</blockquote>;
          case 'hr':
            return <hr key={i} />;
        }
      })}
    </div>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const kind = previewKind(file.path);
  const url = artifactUrl(runId, file.path);
  const tooBig = (file.file_size ?? 0) > MAX_PREVIEW_BYTES && kind !== 'image';
  const needsText = kind !== 'image' && kind !== 'binary' && !tooBig;
  const content = useAsync(
    (signal) => (needsText ? fetchArtifactText(runId, file.path, MAX_PREVIEW_BYTES, signal) : Promise.resolve(null)),
    [runId, file.path, needsText],
  );
  let body: ReactNode;
  if (kind === 'binary') body = <EmptyState title="No preview for this file type">Download it to open it.</EmptyState>;
  else if (tooBig) body = <EmptyState title={`Too large to preview (${formatBytes(file.file_size)})`}>Download it to open it.</EmptyState>;
  else if (kind === 'image') body = <img className="preview-image" src={url} alt={file.path} />;
  else if (content.error) body = <ErrorState error={content.error} retry={content.reload} title="Could not read the file" />;
  else if (!content.data) body = <Loading what="Reading" />;
  else if (looksBinary(content.data.text)) body = <EmptyState title="Binary file">Download it to open it.</EmptyState>;
  else {
    const { text } = content.data;
    if (kind === 'json') {
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        /* show as is */
      }
      body = <pre className="preview-text" data-kind="json">{pretty}</pre>;
    } else if (kind === 'csv' || kind === 'tsv') {
      const { rows, truncated } = parseDelimited(text, kind === 'csv' ? ',' : '\t', 1000);
      const [head, ...rest] = rows;
      body = (
        <div className="preview-table-wrap">
          <table className="list preview-table" data-kind="csv">
            {head && (
              <thead>
                <tr>
                  {head.map((h, i) => (
                    <th key={i}>{h}</th>
                  ))}
                </tr>
              </thead>
            )}
            <tbody>
              {rest.map((r, i) => (
                <tr key={i}>
                  {r.map((v, j) => (
                    <td key={j}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {(truncated || content.data.truncated) && <p className="muted">Showing the first {rows.length} rows.</p>}
        </div>
      );
    } else if (kind === 'markdown') {
      body = <Markdown blocks={parseMarkdown(text)} />;
    } else if (kind === 'html') {
      // sandbox="" : no scripts, no forms, a unique origin (cannot call the API).
      body = <iframe className="preview-html" title={`Preview of ${file.path}`} sandbox="" srcDoc={text} />;
    } else {
      body = <pre className="preview-text" data-kind={kind}>{text}</pre>;
    }
    if (content.data.truncated) body = <>{body}<p className="muted">Truncated to {formatBytes(MAX_PREVIEW_BYTES)}.</p></>;
  }
  return (
    <div className="preview" data-testid="artifact-preview" data-kind={kind}>
      <div className="preview-head">
        <span className="mono">{file.path}</span>
        <span className="muted">{formatBytes(file.file_size)}</span>
        <a className="button" href={url} download={file.path.slice(file.path.lastIndexOf('/') + 1)}>
          Download
        </a>
      </div>
      {body}
    </div>
  );
}

export function ArtifactBrowser({ runId, path, onSelect }: { runId: string; path: string; onSelect: (path: string) => void }) {
  const [file, setFile] = useState<FileInfo | null>(path ? { path } : null);
  useEffect(() => setFile(path ? (f) => (f && f.path === path ? f : { path }) : null), [path]);
  return (
    <div className="artifacts">
      <div className="artifact-tree">
        <Dir runId={runId} path="" depth={0} selected={file?.path ?? ''} onSelect={(f) => { setFile(f); onSelect(f.path); }} />
      </div>
      <div className="artifact-preview">
        {file ? <Preview key={file.path} runId={runId} file={file} /> : <EmptyState title="Select a file to preview it" />}
      </div>
    </div>
  );
}
