// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { ListTable } from './ListTable';

let r: Rendered;
afterEach(() => r.unmount());

describe('ListTable', () => {
  it('names the table, heads the columns and holds the rows', () => {
    r = render(
      <ListTable label="Users" columns={['User', 'Role']} actions>
        <tr>
          <td>ada</td>
          <td>admin</td>
          <td />
        </tr>
      </ListTable>,
    );
    const table = r.container.querySelector('table.list')!;
    expect(table.getAttribute('aria-label')).toBe('Users');
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['User', 'Role', 'Actions']);
    expect(table.querySelector('th .skip')!.textContent).toBe('Actions');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(1);
  });

  it('has no actions column unless asked', () => {
    r = render(<ListTable label="t" columns={['Name']}>{null}</ListTable>);
    expect(r.container.querySelectorAll('th')).toHaveLength(1);
  });
});
