// A small, safe Markdown subset for artifact previews (README.md, model
// cards): headings, paragraphs, lists, fenced code, quotes, inline code,
// bold, italics and links. Produces a tree that React renders as elements,
// so no HTML from the file ever reaches the page.
export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block =
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'p'; c: Inline[] }
  | { t: 'ul' | 'ol'; items: Inline[][] }
  | { t: 'pre'; v: string }
  | { t: 'quote'; c: Inline[] }
  | { t: 'hr' };

// Only web and relative links; "javascript:" and friends become text.
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:|mailto:|#|\.{0,2}\/)/i.test(h)) return h;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(h)) return h; // relative
  return null;
}

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^`([^`]+)`/))) {
      flush();
      out.push({ t: 'code', v: m[1] });
    } else if ((m = rest.match(/^\*\*(.+?)\*\*/)) || (m = rest.match(/^__(.+?)__/))) {
      flush();
      out.push({ t: 'strong', c: parseInline(m[1]) });
    } else if ((m = rest.match(/^\*([^*\s][^*]*?)\*/)) || (m = rest.match(/^_([^_\s][^_]*?)_(?![A-Za-z0-9])/))) {
      flush();
      out.push({ t: 'em', c: parseInline(m[1]) });
    } else if ((m = rest.match(/^\[([^\]]+)\]\(([^)\s]+)\)/))) {
      flush();
      const href = safeHref(m[2]);
      if (href) out.push({ t: 'link', href, c: parseInline(m[1]) });
      else out.push({ t: 'text', v: m[1] });
    } else {
      text += s[i];
      i += 1;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return out;
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpMatchArray | null;
    if (/^\s*```/.test(line)) {
      flushPara();
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
      blocks.push({ t: 'pre', v: code.join('\n') });
    } else if ((m = line.match(/^(#{1,6})\s+(.*)$/))) {
      flushPara();
      blocks.push({ t: 'h', level: m[1].length, c: parseInline(m[2].replace(/\s+#+\s*$/, '')) });
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushPara();
      blocks.push({ t: 'hr' });
    } else if ((m = line.match(/^\s*[-*+]\s+(.*)$/)) || (m = line.match(/^\s*\d+[.)]\s+(.*)$/))) {
      flushPara();
      const ordered = /^\s*\d/.test(line);
      const items: Inline[][] = [parseInline(m[1])];
      const re = ordered ? /^\s*\d+[.)]\s+(.*)$/ : /^\s*[-*+]\s+(.*)$/;
      while (i + 1 < lines.length && re.test(lines[i + 1])) items.push(parseInline(lines[++i].match(re)![1]));
      blocks.push({ t: ordered ? 'ol' : 'ul', items });
    } else if ((m = line.match(/^>\s?(.*)$/))) {
      flushPara();
      blocks.push({ t: 'quote', c: parseInline(m[1]) });
    } else if (line.trim() === '') {
      flushPara();
    } else {
      para.push(line.trim());
    }
  }
  flushPara();
  return blocks;
}
