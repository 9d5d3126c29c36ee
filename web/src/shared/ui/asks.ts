// What a conversation asks of the customer only now and then (the pre-chat questions, an e-mail
// address while offline, a rating and the transcript once closed): one chunk, fetched when the
// first of them is needed, so the chat window's first load does not carry them.

export { EmailAsk } from './EmailAsk';
export { PrechatFields } from './PrechatFields';
export { RatingAsk } from './RatingAsk';
export { Transcript } from './Transcript';
