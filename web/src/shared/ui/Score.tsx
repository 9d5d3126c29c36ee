// A rating's score as it shows: stars filled up to it, or a face whose mouth turns from down (1)
// to up (5); and how it reads ("4 of 5", or the face's word).

import { t } from '../i18n';
import type { RatingStyle } from '../types';

export const SCORES = [1, 2, 3, 4, 5];

export function Face({ score }: { score: number }) {
  const curve = (score - 3) * 2;
  return (
    <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" class="face">
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="1.6" />
      <circle cx="8.5" cy="9.5" r="1.3" fill="currentColor" />
      <circle cx="15.5" cy="9.5" r="1.3" fill="currentColor" />
      <path d={`M7.5 ${15.5 - curve / 2} Q12 ${15.5 + curve} 16.5 ${15.5 - curve / 2}`} fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  );
}

export function scoreName(score: number, style: RatingStyle): string {
  return style === 'faces' ? t(`rating.face${score as 1 | 2 | 3 | 4 | 5}`) : t('rating.score', { n: score });
}

export function ScoreMark({ score, style }: { score: number; style: RatingStyle }) {
  if (style === 'faces') return <Face score={score} />;
  return (
    <span class="stars" aria-hidden="true">
      {SCORES.map((n) => (n <= score ? '★' : '☆')).join('')}
    </span>
  );
}
