import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';
import { looksBinary, parseDelimited, previewKind } from './preview';

describe('artifact previews', () => {
  it('chooses a preview from the file name', () => {
    expect(previewKind('model/MLmodel')).toBe('yaml');
    expect(previewKind('eval/metrics.json')).toBe('json');
    expect(previewKind('data/train.CSV')).toBe('csv');
    expect(previewKind('plots/roc.png')).toBe('image');
    expect(previewKind('report.html')).toBe('html');
    expect(previewKind('README.md')).toBe('markdown');
    expect(previewKind('model.pkl')).toBe('binary');
    expect(previewKind('notes')).toBe('text');
    expect(looksBinary('a\u0000b')).toBe(true);
  });

  it('parses CSV with quotes, doubled quotes and CRLF', () => {
    const { rows, truncated } = parseDelimited('a,b,c\r\n1,"x, y","say ""hi"""\n2,,\n', ',');
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', '', ''],
    ]);
    expect(truncated).toBe(false);
    expect(parseDelimited('1\n2\n3\n4\n', ',', 2)).toEqual({ rows: [['1'], ['2']], truncated: true });
    expect(parseDelimited('a\tb', '\t').rows).toEqual([['a', 'b']]);
  });
});

describe('markdown subset', () => {
  it('parses blocks', () => {
    const blocks = parseMarkdown('# Title\n\nSome *text* here\ncontinued.\n\n- one\n- two\n\n```\ncode <b>\n```\n> quote\n---');
    expect(blocks.map((b) => b.t)).toEqual(['h', 'p', 'ul', 'pre', 'quote', 'hr']);
    expect(blocks[3]).toEqual({ t: 'pre', v: 'code <b>' });
    expect(blocks[2]).toMatchObject({ items: [[{ t: 'text', v: 'one' }], [{ t: 'text', v: 'two' }]] });
  });

  it('parses inline marks and refuses script links', () => {
    expect(parseInline('a **b** `c` [d](https://x.org)')).toEqual([
      { t: 'text', v: 'a ' },
      { t: 'strong', c: [{ t: 'text', v: 'b' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'c' },
      { t: 'text', v: ' ' },
      { t: 'link', href: 'https://x.org', c: [{ t: 'text', v: 'd' }] },
    ]);
    expect(parseInline('[x](javascript:alert(1))')[0]).toEqual({ t: 'text', v: 'x' });
    expect(safeHref('JavaScript:alert(1)')).toBeNull();
    expect(safeHref('docs/page.md')).toBe('docs/page.md');
    expect(parseInline('snake_case_name')).toEqual([{ t: 'text', v: 'snake_case_name' }]);
  });
});
