// A closed conversation asks its customer how it was, once: five stars, or five faces when the
// organization prefers them, and an optional comment. Once rated it shows the rating given. A
// score chosen in an e-mail's link comes preselected.

import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { t } from '../i18n';
import type { Inbox } from '../inbox';
import type { Rating, RatingStyle } from '../types';
import { Face, SCORES, ScoreMark, scoreName } from './Score';

interface Props {
  inbox: Inbox;
  sessionId: string;
  style: RatingStyle;
  rating: Rating | null;
  /** A score chosen beforehand (a link in an e-mail). */
  preset?: number | null;
}

export function RatingAsk({ inbox, sessionId, style, rating, preset }: Props) {
  const [score, setScore] = useState<number | null>(preset ?? null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (style === 'off') return null;
  if (rating) {
    return (
      <div class="rating card" role="status" data-rated={rating.score}>
        <span>{t('rating.given', { score: scoreName(rating.score, style) })}</span> <ScoreMark score={rating.score} style={style} />
        {rating.comment && <p class="rating-comment">“{rating.comment}”</p>}
      </div>
    );
  }

  async function send(e: Event) {
    e.preventDefault();
    if (!score) {
      setError(t('rating.pick'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      await inbox.rate(sessionId, score, comment.trim() || null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="rating card" onSubmit={send} data-rating-ask={style}>
      <fieldset>
        <legend>{t('rating.ask')}</legend>
        <div class="rating-scores">
          {SCORES.map((n) => (
            <label key={n} class={score !== null && n <= score && style !== 'faces' ? 'score on' : score === n ? 'score on' : 'score'} title={scoreName(n, style)}>
              <input type="radio" name={`rating-${sessionId}`} value={n} checked={score === n} onChange={() => (setScore(n), setError(''))} aria-label={scoreName(n, style)} />
              {style === 'faces' ? <Face score={n} /> : <span aria-hidden="true">★</span>}
            </label>
          ))}
        </div>
      </fieldset>
      <label class="sr-only" for={`rating-comment-${sessionId}`}>
        {t('rating.comment')}
      </label>
      <textarea
        id={`rating-comment-${sessionId}`}
        rows={2}
        maxLength={1000}
        placeholder={t('rating.comment')}
        value={comment}
        onInput={(e) => setComment(e.currentTarget.value)}
      />
      {error && (
        <small class="error-text" role="alert">
          {error}
        </small>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {t('rating.send')}
      </button>
    </form>
  );
}
