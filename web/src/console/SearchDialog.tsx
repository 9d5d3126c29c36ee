// Search across what the agent may open (Ctrl/⌘+K): customers by name or e-mail, labels, and
// message text, notes included. A modal dialog (the browser's <dialog>: the page behind is inert
// and Escape closes it), the query asked as the agent pauses typing, the results a listbox moved
// through with the arrow keys. A message result opens its conversation at that message.

import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { shortWhen } from '../shared/format';
import type { SearchHit } from '../shared/types';
import { snippetParts } from './highlight';
import { keepFocusIn } from './focus-trap';
import { useTools } from './tools';

const DEBOUNCE_MS = 250;
const MATCHED: Record<string, string> = { customer: 'Customer', label: 'Label', message: 'Message' };

export function SearchDialog() {
  const tools = useTools();
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const { results, error, busy } = useSearch(query);
  const [active, setActive] = useState(0);
  const activeIndex = results && results.length ? Math.min(active, results.length - 1) : -1;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => {
      el?.close();
      // Back where the agent was (the message box, the list), unless the result took them elsewhere.
      if (before?.isConnected) before.focus();
    };
  }, []);

  useEffect(() => setActive(0), [results]);

  const close = () => tools.setSearchOpen(false);
  function open(hit: SearchHit) {
    close();
    tools.open(hit.session, hit.matched === 'message' ? hit.seq : null);
  }

  function onKeyDown(e: KeyboardEvent) {
    if (!results?.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : results.length - 1;
      setActive((activeIndex + step) % results.length);
    } else if (e.key === 'Enter' && activeIndex >= 0) {
      e.preventDefault();
      open(results[activeIndex]);
    }
  }

  return (
    <dialog
      ref={dialog}
      class="tool-dialog search-dialog"
      aria-labelledby="search-title"
      onKeyDown={(e) => {
        // Escape closes from anywhere inside, also from a search box (which would only clear itself).
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        } else if (dialog.current) keepFocusIn(e, dialog.current);
      }}
      onClose={() => close()}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <div class="dialog-header">
        <h2 id="search-title" class="dialog-title">
          Search
        </h2>
        <button type="button" class="btn btn-small" onClick={close} aria-label="Close search">
          ×
        </button>
      </div>
      <input
        type="search"
        class="search-input"
        role="combobox"
        aria-label="Search customers, labels and messages"
        aria-expanded={results && results.length ? 'true' : 'false'}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={activeIndex >= 0 ? `search-result-${activeIndex}` : undefined}
        placeholder="Customer, e-mail, label or words of a message"
        value={query}
        autofocus
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <p class="muted small search-status" role="status">
        {statusText(query, results, error, busy)}
      </p>
      <ul id="search-results" class="search-results" role="listbox" aria-label="Results">
        {(results ?? []).map((hit, i) => (
          <li
            key={`${hit.session.id}-${hit.matched}-${hit.seq ?? ''}`}
            id={`search-result-${i}`}
            role="option"
            aria-selected={i === activeIndex ? 'true' : 'false'}
            class={i === activeIndex ? 'search-result active' : 'search-result'}
            data-session={hit.session.id}
            data-seq={hit.seq ?? undefined}
            onClick={() => open(hit)}
            onMouseMove={() => i !== activeIndex && setActive(i)}
          >
            <span class="result-head">
              <span class="result-who">{hit.session.client_name}</span>
              <span class="result-kind">{MATCHED[hit.matched] ?? hit.matched}</span>
              <time class="muted small" dateTime={hit.at}>
                {shortWhen(hit.at)}
              </time>
            </span>
            <span class="result-snippet">{hit.snippet ? <Marked snippet={hit.snippet} /> : hit.session.client_email ?? hit.session.subject ?? ''}</span>
          </li>
        ))}
      </ul>
    </dialog>
  );
}

/** The snippet's text with the matching words in <mark>; never read as markup. */
function Marked({ snippet }: { snippet: NonNullable<SearchHit['snippet']> }) {
  return (
    <>
      {snippetParts(snippet).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : part.text))}
    </>
  );
}

/** The results for a query, asked once the agent pauses typing; a late answer to an older query is dropped. */
function useSearch(query: string) {
  const tools = useTools();
  const [results, setResults] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);

  useEffect(() => {
    const q = query.trim();
    const ask = ++asked.current;
    setError('');
    // The server needs a letter or a digit; anything else finds nothing, so it is not asked.
    if (!/[\p{L}\p{N}]/u.test(q)) {
      setResults(null);
      setBusy(false);
      return;
    }
    setBusy(true);
    const timer = setTimeout(() => {
      tools.api.call('get', '/api/search', { query: { q: q.slice(0, 200) } }).then(
        ({ results }) => {
          if (ask !== asked.current) return;
          setResults(results);
          setBusy(false);
        },
        (e) => {
          if (ask !== asked.current) return;
          setError(errorText(e));
          setBusy(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  return { results, error, busy };
}

function statusText(query: string, results: SearchHit[] | null, error: string, busy: boolean): string {
  if (error) return error;
  if (!query.trim()) return 'Type to search. ↑ ↓ choose, Enter opens, Esc closes.';
  if (busy) return 'Searching…';
  if (!results) return 'Type a word with letters or digits.';
  if (results.length === 0) return 'Nothing found.';
  return results.length === 1 ? '1 result.' : `${results.length} results.`;
}
