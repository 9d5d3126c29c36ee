// Reports: how conversations started over a range of days went (supervisors and admins see the
// organization's, one team's or one agent's; a plain agent sees their own). Totals, a chart of
// each day, a heat map of the busiest hours, a table per agent; each table downloads as CSV.
// Charts are plain SVG drawn here, and the page loads only when opened.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { components } from '../shared/types';
import { browserZone } from './business-hours';
import { useTools } from './tools';
import './reports.css';

type Report = components['schemas']['Report'];
type Spread = components['schemas']['Spread'];

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "4 min", "1 h 05 min", "—". */
export function duration(secs: number | null | undefined): string {
  if (secs == null) return '—';
  if (secs < 60) return `${secs} s`;
  const minutes = Math.round(secs / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function spreadText(s: Spread): string {
  return s.count === 0 ? '—' : `${duration(s.median_secs)} (90%: ${duration(s.p90_secs)})`;
}

export function ReportsPage() {
  const { api, workspace } = useTools();
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [team, setTeam] = useState('');
  const [agent, setAgent] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState('');
  const zone = workspace.org?.settings?.business_hours?.time_zone ?? browserZone();
  const query = () => ({
    from,
    to,
    time_zone: zone,
    ...(team ? { team_id: team } : {}),
    ...(agent ? { agent_id: agent } : {}),
  });

  async function load() {
    setError('');
    try {
      setReport(await api.call('get', '/api/reports', { query: query() }));
    } catch (e) {
      setError(errorText(e));
    }
  }

  useEffect(() => {
    void load();
  }, []);

  async function download(table: string) {
    const search = new URLSearchParams({ ...query(), table });
    const res = await fetch(`/api/reports/csv?${search}`, { headers: { authorization: `Bearer ${api.token}` } });
    if (!res.ok) {
      setError(`The CSV could not be made (${res.status}).`);
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `raasel-${table}-${from}-${to}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  const teams = workspace.teams.teams;
  return (
    <div class="admin reports-page">
      <h1>Reports</h1>
      <p class="muted">
        Conversations started between the two days ({zone}). {workspace.canSeeAll ? '' : 'Your own figures.'}
      </p>
      <form
        class="reports-filters"
        aria-label="Report range"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label class="field">
          <span>From</span>
          <input type="date" value={from} required onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>To</span>
          <input type="date" value={to} required onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        {workspace.canSeeAll && teams.length > 1 && (
          <label class="field">
            <span>Team</span>
            <select value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
              <option value="">All teams</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {workspace.canSeeAll && (
          <label class="field">
            <span>Agent</span>
            <select value={agent} onChange={(e) => setAgent(e.currentTarget.value)}>
              <option value="">All agents</option>
              {workspace.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" class="btn btn-primary">
          Show
        </button>
      </form>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      {report && <Figures report={report} download={download} />}
    </div>
  );
}

function Figures({ report, download }: { report: Report; download: (table: string) => void }) {
  const t = report.totals;
  return (
    <>
      <dl class="report-totals" data-report-totals="">
        <div>
          <dt>Conversations</dt>
          <dd data-total="opened">{t.opened}</dd>
        </div>
        <div>
          <dt>Closed</dt>
          <dd data-total="closed">{t.closed}</dd>
        </div>
        <div>
          <dt>First response</dt>
          <dd data-total="first_response">{spreadText(t.first_response)}</dd>
        </div>
        <div>
          <dt>Resolution</dt>
          <dd>{spreadText(t.resolution)}</dd>
        </div>
        <div>
          <dt>Wait in the queue</dt>
          <dd>{spreadText(t.queue_wait)}</dd>
        </div>
        <div>
          <dt>Rating</dt>
          <dd>{t.ratings.count === 0 ? '—' : `${t.ratings.average?.toFixed(1)} / 5 (${t.ratings.count})`}</dd>
        </div>
      </dl>
      <section aria-labelledby="by-day-title">
        <h2 id="by-day-title">
          Each day{' '}
          <button type="button" class="link small" onClick={() => download('by_day')}>
            CSV
          </button>
        </h2>
        <DayChart report={report} />
      </section>
      <section aria-labelledby="hours-title">
        <h2 id="hours-title">
          Busiest hours{' '}
          <button type="button" class="link small" onClick={() => download('busiest_hours')}>
            CSV
          </button>
        </h2>
        <HeatMap hours={report.busiest_hours} />
      </section>
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">
          Each agent{' '}
          <button type="button" class="link small" onClick={() => download('by_agent')}>
            CSV
          </button>
        </h2>
        {report.by_agent.length === 0 ? (
          <p class="muted">No conversation was assigned in this range.</p>
        ) : (
          <table class="report-table">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Conversations</th>
                <th scope="col">Closed</th>
                <th scope="col">First response</th>
                <th scope="col">Resolution</th>
                <th scope="col">Rating</th>
              </tr>
            </thead>
            <tbody>
              {report.by_agent.map((a) => (
                <tr key={a.agent_id} data-agent-row={a.name}>
                  <th scope="row">{a.name}</th>
                  <td>{a.opened}</td>
                  <td>{a.closed}</td>
                  <td>{spreadText(a.first_response)}</td>
                  <td>{spreadText(a.resolution)}</td>
                  <td>{a.ratings.count === 0 ? '—' : a.ratings.average?.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

/** Bars of conversations started (and closed) each day. */
function DayChart({ report }: { report: Report }) {
  const days = report.by_day;
  const most = Math.max(1, ...days.map((d) => d.opened));
  const w = 640;
  const h = 160;
  const bar = w / days.length;
  return (
    <figure class="report-chart">
      <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={`Conversations each day, at most ${most} a day`}>
        {days.map((d, i) => {
          const opened = (d.opened / most) * h;
          const closed = (d.closed / most) * h;
          return (
            <g key={d.date} data-day={d.date}>
              <title>{`${d.date}: ${d.opened} started, ${d.closed} closed`}</title>
              <rect class="bar-opened" x={i * bar + 2} y={h - opened} width={Math.max(1, bar - 4)} height={opened} />
              <rect class="bar-closed" x={i * bar + bar / 4} y={h - closed} width={Math.max(1, bar / 2 - 2)} height={closed} />
              {days.length <= 14 && (
                <text x={i * bar + bar / 2} y={h + 14} text-anchor="middle">
                  {d.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted small">
        <span class="key key-opened" /> started <span class="key key-closed" /> of which closed
      </figcaption>
    </figure>
  );
}

/** Weekdays by hours, darker where more conversations started. */
function HeatMap({ hours }: { hours: number[][] }) {
  const most = Math.max(1, ...hours.flat());
  return (
    <table class="heat-map" aria-label="Conversations started by weekday and hour">
      <thead>
        <tr>
          <th scope="col">
            <span class="sr-only">Weekday</span>
          </th>
          {Array.from({ length: 24 }, (_, h) => (
            <th scope="col" key={h}>
              {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {hours.map((row, d) => (
          <tr key={d}>
            <th scope="row">{DAYS[d]}</th>
            {row.map((n, h) => (
              <td key={h} title={`${DAYS[d]} ${String(h).padStart(2, '0')}:00: ${n}`} style={{ '--heat': String(n / most) }} data-count={n}>
                <span class="sr-only">{n}</span>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
