// The customer's rating of a closed conversation, beside its title: the score as the
// organization asks for it (stars or faces) and the comment, when there is one.

import type { Rating, RatingStyle } from '../shared/types';
import { ScoreMark, scoreName } from '../shared/ui/Score';

export function CustomerRating({ rating, style }: { rating: Rating; style: RatingStyle }) {
  const shown = style === 'faces' ? 'faces' : 'numbers';
  return (
    <p class="customer-rating" data-rating={rating.score}>
      <span class="sr-only">Rated by the customer: {scoreName(rating.score, shown)}</span>
      <span class="muted small" aria-hidden="true">
        Rating
      </span>{' '}
      <ScoreMark score={rating.score} style={shown} />
      {shown === 'faces' && <span class="small"> {scoreName(rating.score, shown)}</span>}
      {rating.comment && <q class="rating-comment">{rating.comment}</q>}
    </p>
  );
}
