import { useState, type ReactNode } from 'react';

/** A wide table scrolls inside its own box, never the page; the box is a named, focusable region so a
 *  keyboard user can scroll it too. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export interface ChartData {
  columns: string[];
  rows: (string | number)[][];
}

const cell = (v: string | number) => (typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '–') : v);

/** A chart's numbers as a table, one click away: the text alternative of the picture. The table is
 *  built when opened (charts that update every epoch stay cheap to render). */
export function ShowData({ title, data }: { title: string; data: ChartData }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart-data" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Show data<span className="sr-only">: {title}</span>
      </summary>
      {open && (
      <TableScroll label={`${title}: data`}>
        <table className="result-table">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              {data.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r, k) => (
              <tr key={k}>
                {r.map((v, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {cell(v)}
                    </th>
                  ) : (
                    <td key={j}>{cell(v)}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      )}
    </details>
  );
}
