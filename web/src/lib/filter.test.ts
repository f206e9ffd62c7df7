import { describe, expect, it } from 'vitest';
import {
  buildFilter,
  clauseFor,
  columnId,
  experimentNameFilter,
  nextSort,
  orderByFor,
  parseColumnId,
  parseSort,
  quoteKey,
  quoteValue,
  serializeSort,
} from './filter';

describe('filter building', () => {
  it('quotes keys only when needed', () => {
    expect(quoteKey('loss')).toBe('loss');
    expect(quoteKey('val_loss2')).toBe('val_loss2');
    expect(quoteKey('val-loss')).toBe('`val-loss`');
    expect(quoteKey('mlflow.source.name')).toBe('`mlflow.source.name`');
    expect(quoteKey('train loss/epoch')).toBe('`train loss/epoch`');
    expect(quoteKey('2nd')).toBe('`2nd`');
  });

  it('escapes string values', () => {
    expect(quoteValue("it's")).toBe("'it''s'");
    expect(quoteValue('a\\b')).toBe("'a\\b'");
  });

  it('joins typed text and quick filters with AND', () => {
    expect(buildFilter({})).toBe('');
    expect(buildFilter({ text: '  metrics.loss < 0.5 ' })).toBe('metrics.loss < 0.5');
    expect(buildFilter({ text: 'params.lr = "0.1"', status: 'FAILED' })).toBe(
      `params.lr = "0.1" AND attributes.status = 'FAILED'`,
    );
    expect(buildFilter({ status: 'FINISHED', nameContains: " o'k " })).toBe(
      `attributes.status = 'FINISHED' AND attributes.run_name ILIKE '%o''k%'`,
    );
  });

  it('builds clauses for a cell value', () => {
    expect(clauseFor({ entity: 'metrics', key: 'val-acc' }, 0.5)).toBe('metrics.`val-acc` = 0.5');
    expect(clauseFor({ entity: 'params', key: 'lr' }, '0.01')).toBe("params.lr = '0.01'");
    expect(clauseFor({ entity: 'tags', key: 'mlflow.user' }, 'ana')).toBe("tags.`mlflow.user` = 'ana'");
    expect(experimentNameFilter(' demo ')).toBe("attributes.name ILIKE '%demo%'");
    expect(experimentNameFilter('')).toBe('');
  });
});

describe('columns and sorting', () => {
  it('round-trips column ids whose keys contain dots', () => {
    const c = { entity: 'tags' as const, key: 'mlflow.source.name' };
    expect(columnId(c)).toBe('tags.mlflow.source.name');
    expect(parseColumnId('tags.mlflow.source.name')).toEqual(c);
    expect(parseColumnId('nonsense.x')).toBeNull();
    expect(parseColumnId('metrics.')).toBeNull();
    expect(parseColumnId('metrics')).toBeNull();
  });

  it('serialises sorts for the URL and order_by for the server', () => {
    const s = { column: { entity: 'metrics' as const, key: 'val loss' }, dir: 'desc' as const };
    expect(serializeSort(s)).toBe('metrics.val loss:desc');
    expect(parseSort('metrics.val loss:desc')).toEqual(s);
    expect(parseSort('metrics.x:sideways')).toBeNull();
    expect(parseSort('')).toBeNull();
    expect(orderByFor(s)).toEqual(['metrics.`val loss` DESC']);
    expect(orderByFor(null)).toEqual([]);
  });

  it('starts numbers descending and text ascending, then flips', () => {
    const metric = { entity: 'metrics' as const, key: 'acc' };
    const name = { entity: 'attributes' as const, key: 'run_name' };
    expect(nextSort(null, metric).dir).toBe('desc');
    expect(nextSort(null, name).dir).toBe('asc');
    expect(nextSort({ column: metric, dir: 'desc' }, metric).dir).toBe('asc');
    expect(nextSort({ column: metric, dir: 'desc' }, name)).toEqual({ column: name, dir: 'asc' });
  });
});
